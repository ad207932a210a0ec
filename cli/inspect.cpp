// `ksdoctor inspect KEYSTORE`: entries as Java sees them, plus findings.
#include "ksdoctor/inspect.hpp"

#include <functional>
#include <iostream>
#include <memory>
#include <string_view>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/system.hpp"

namespace ksdoctor::cli {
namespace {

// Inspecting a large store builds a model of about three times the file's size and then renders
// it, touching every page of that memory once: the platform grows the heap for it up front
// (glibc, transparent huge pages), for stores of 1 MiB and more. Nothing else changes.
void prepare_heap_for(const std::string& path) {
  if (std::optional<std::uint64_t> size = regular_file_size(path)) {
    platform::prepare_heap_for_file(*size);
  }
}

}  // namespace

Runner register_inspect(CLI::App& app) {
  auto opts = std::make_shared<CommonOptions>();
  auto path = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("inspect", "list entries exactly as Java sees them, with findings");
  cmd->add_option("KEYSTORE", *path, "keystore file (JKS, JCEKS or PKCS#12; detected by content)")
      ->required();
  add_format_option(*cmd, *opts);
  add_type_option(*cmd, *opts);
  add_password_options(*cmd, *opts);
  add_time_options(*cmd, *opts);
  return [opts, path]() {
    InspectOptions options;
    options.storepass = resolve_storepass(*opts, *path);
    options.keypass = resolve_keypass(*opts);
    options.type = forced_type(*opts);
    options.now = resolve_now(*opts);
    options.warn_days = opts->warn_days;
    prepare_heap_for(*path);
    // The file goes onto the heap prepared above (2 MiB pages, the file buffer first), not into a
    // FileBuffer of 4 KiB pages: on virtual machines a first touch of each of those costs
    // ≈ 15 µs, ≈ 18 ms for the 5 000-entry stores (bench/RESULTS.md, "The read buffer").
    Bytes bytes = read_file(*path);
    InspectResult result = inspect_keystore(bytes, options);
    Bytes().swap(bytes);  // the result holds copies; let the output reuse this memory
    if (output_format(*opts) == OutputFormat::kJson) {
      report::write_inspect_json(*path, result, [](std::string_view piece) {
        std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      });
      std::cout << "\n";
    } else {
      std::cout << report::inspect_text(*path, result, text_marks());
    }
    int status = has_errors(result.findings) ? 1 : 0;
    // The process ends right after this: keep the result instead of freeing a large store's tens
    // of thousands of small allocations one by one (≈ 6 ms for 5 000 entries).
    static InspectResult* kept = nullptr;
    delete kept;
    kept = new InspectResult(std::move(result));
    return status;
  };
}

}  // namespace ksdoctor::cli
