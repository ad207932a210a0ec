// `ksdoctor inspect KEYSTORE`: entries as Java sees them, plus findings.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/report.hpp"

namespace ksdoctor::cli {

Runner register_inspect(CLI::App& app) {
  auto opts = std::make_shared<CommonOptions>();
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("inspect", "list entries exactly as Java sees them, with findings");
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
    Bytes bytes = read_file(*path);
    InspectResult result = inspect_keystore(bytes, options);
    if (output_format(*opts) == OutputFormat::kJson) {
      std::cout << report::inspect_json(*path, result).dump(2) << "\n";
    } else {
      std::cout << report::inspect_text(*path, result);
    }
    return has_errors(result.findings) ? 1 : 0;
  };
}

}  // namespace ksdoctor::cli
