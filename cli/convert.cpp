// `ksdoctor convert KEYSTORE --to jks|jceks|pkcs12 --out FILE [--at TIME]`: every entry in another
// format.
#include "ksdoctor/convert.hpp"

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/convert_report.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"

namespace ksdoctor::cli {
namespace {

struct ConvertCliOptions {
  CommonOptions common;
  std::string keystore;
  std::string to;
  std::string out;
  bool no_backup = false;
};

StoreFormat target_format(const std::string& to) {
  if (to == "jks") return StoreFormat::kJks;
  if (to == "jceks") return StoreFormat::kJceks;
  if (to == "bks") return StoreFormat::kBks;
  if (to == "uber") return StoreFormat::kUber;
  return StoreFormat::kPkcs12;
}

int run_convert(const ConvertCliOptions& o) {
  // Refused before a password prompt, in the user's own terms (the library refuses it too).
  if (same_file(o.out, o.keystore)) {
    throw UsageError("OUT_IS_INPUT", "--out names the input keystore; write elsewhere");
  }
  ConvertOptions options;
  options.to = target_format(o.to);
  options.storepass = resolve_storepass(o.common, o.keystore);
  if (options.storepass.is_null()) {
    throw UsageError("PASSWORD_REQUIRED",
                     "converting needs the store password (--storepass-env, --storepass-file "
                     "or KSDOCTOR_STOREPASS)");
  }
  options.keypass = resolve_keypass(o.common);
  ConvertFileOptions file;
  file.source = o.keystore;
  file.source_type = forced_type(o.common);
  file.target = o.out;
  file.backup = !o.no_backup;
  file.now_ms = resolve_now(o.common) * 1000;
  ConvertFileResult result = convert_keystore_file(options, file);

  report::ConvertRun run{o.keystore, o.out};
  if (output_format(o.common) == OutputFormat::kJson) {
    std::cout << report::convert_json(result, run).dump(2) << "\n";
  } else {
    std::cout << report::convert_text(result, run, text_marks());
  }
  return 0;
}

}  // namespace

Runner register_convert(CLI::App& app) {
  auto o = std::make_shared<ConvertCliOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "write the same entries in another format");
  cmd->add_option("KEYSTORE", o->keystore, "the keystore to convert")->required();
  cmd->add_option("--to", o->to, "the target format")
      ->required()
      ->check(CLI::IsMember({"jks", "jceks", "pkcs12", "bks", "uber"}));
  cmd->add_option("--out", o->out, "where to write the converted keystore")->required();
  cmd->add_flag("--no-backup", o->no_backup, "do not keep FILE.bak when --out exists");
  add_format_option(*cmd, o->common);
  add_type_option(*cmd, o->common);
  add_password_options(*cmd, o->common);
  cmd->add_option("--at", o->common.at,
                  "date entries that have no creation date with this time, and name a second "
                  "backup with it (2031-05-01, 2031-05-01T12:00:00Z, @epoch; default: now)");
  return [o]() { return run_convert(*o); };
}

}  // namespace ksdoctor::cli
