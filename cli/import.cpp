// `ksdoctor import KEYSTORE --alias ALIAS (--pkcs12 FILE | --key KEY.pem --cert CERTS.pem |
// --cert-reply FILE) [--from SRC]... (--in-place | --out FILE | --dry-run)`: a new or renewed
// certificate validated, its chain completed, and written the way Java will use it.
#include "ksdoctor/import.hpp"

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/import_report.hpp"
#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/sources.hpp"
#include "ksdoctor/system.hpp"

namespace ksdoctor::cli {
namespace {

constexpr const char* kImportSourceOption = "--from";

struct ImportCliOptions {
  CommonOptions common;
  std::string keystore;
  std::string alias;
  std::string pkcs12;
  std::string src_alias;
  std::string key;
  std::string cert;
  std::string cert_reply;
  std::vector<std::string> from;
  std::vector<std::string> hostnames;
  std::string out;
  bool replace = false;
  bool in_place = false;
  bool dry_run = false;
  bool no_backup = false;
  int aia_timeout_ms = 5000;
};

void check_usage(const ImportCliOptions& o) {
  int sources = !o.pkcs12.empty() + (!o.key.empty() || !o.cert.empty()) + !o.cert_reply.empty();
  if (sources != 1) {
    throw UsageError("USAGE",
                     "give one source: --pkcs12 FILE, --key KEY.pem --cert CERTS.pem, or "
                     "--cert-reply FILE");
  }
  if (o.key.empty() != o.cert.empty()) {
    throw UsageError("USAGE", "--key and --cert go together: the private key and its certificates");
  }
  if (!o.src_alias.empty() && o.pkcs12.empty()) {
    throw UsageError("USAGE", "--src-alias picks a key entry of a --pkcs12 source");
  }
  if (!o.out.empty() && o.in_place) {
    throw UsageError("USAGE", "give either --out FILE or --in-place, not both");
  }
  if (!o.dry_run && o.out.empty() && !o.in_place) {
    throw UsageError("USAGE",
                     "say where the result goes: --in-place to update KEYSTORE (a backup is "
                     "kept), --out FILE, or --dry-run to validate only");
  }
  if (!o.out.empty() && same_file(o.out, o.keystore)) {
    throw UsageError("USAGE", "--out names the keystore itself: use --in-place to replace it");
  }
}

ImportMaterial read_material(const ImportCliOptions& o, const Password& srcpass) {
  if (!o.pkcs12.empty()) {
    FileBuffer pfx = FileBuffer::read(o.pkcs12);
    // Windows and OpenSSL export PFX files with an empty password when asked for none.
    Password password = srcpass.is_null() ? Password::of("") : srcpass;
    try {
      return read_pkcs12_source(pfx.bytes(), o.pkcs12, password, o.src_alias);
    } catch (const PasswordError& e) {
      if (!srcpass.is_null()) throw;
      throw PasswordError(e.code(), o.pkcs12 +
                                        " needs its password: give --srcpass-env VAR or "
                                        "--srcpass-file FILE");
    }
  }
  if (!o.key.empty()) {
    Bytes key = read_file(o.key, 1 << 20);
    try {
      ImportMaterial m = read_pem_source(key, read_file(o.cert, 1 << 24), o.cert, srcpass);
      secure_wipe(key.data(), key.size());
      return m;
    } catch (const PasswordError& e) {
      secure_wipe(key.data(), key.size());
      if (!srcpass.is_null()) throw;
      throw PasswordError(e.code(), std::string(e.what()) +
                                        " (--srcpass-env VAR or --srcpass-file FILE)");
    }
  }
  return read_cert_reply(read_file(o.cert_reply, 1 << 24), o.cert_reply);
}

std::vector<std::string> source_files(const ImportCliOptions& o) {
  if (!o.pkcs12.empty()) return {o.pkcs12};
  if (!o.key.empty()) return {o.key, o.cert};
  return {o.cert_reply};
}

int run_import(const ImportCliOptions& o) {
  check_usage(o);
  platform::survive_file_size_limit();
  Password storepass = resolve_storepass(o.common, o.keystore);
  if (storepass.is_null()) {
    throw UsageError("PASSWORD_REQUIRED",
                     "import needs the store password of " + o.keystore +
                         " (--storepass-file, --storepass-env or KSDOCTOR_STOREPASS): Java's key "
                         "managers open the new key with it");
  }
  bool creates = !file_exists(o.keystore);
  Keystore store;
  if (creates) {
    std::optional<StoreFormat> type = forced_type(o.common);
    if (!type) {
      throw UsageError("USAGE", o.keystore +
                                    " does not exist: say which keystore to create with --type "
                                    "jks or --type pkcs12");
    }
    store = new_keystore(*type);
  } else {
    store = read_keystore(FileBuffer::read(o.keystore), storepass, forced_type(o.common));
  }
  ImportMaterial material = read_material(o, resolve_srcpass(o.common));
  auto [sources, source_warnings] = load_trust_sources(without_aia(o.from), storepass);

  ImportOptions options;
  options.alias = o.alias;
  options.replace = o.replace;
  options.hostnames = o.hostnames;
  options.now = resolve_now(o.common);
  options.warn_days = o.common.warn_days;
  options.created_ms = options.now * 1000;
  options.name_origin = report::origin_namer(kImportSourceOption);
  options.keypass = resolve_keypass(o.common);
  ImportPlan plan = names_aia(o.from) ? plan_import_with_aia(store, material, sources, storepass,
                                                             options, aia_options(o.aia_timeout_ms))
                                      : plan_import(store, material, sources, storepass, options);

  report::ImportRun run;
  run.file = o.keystore;
  run.format = format_name(store.format);
  run.creates = creates;
  run.sources = source_files(o);
  run.dry_run = o.dry_run;
  run.source_warnings = std::move(source_warnings);
  run.name_origin = options.name_origin;
  if (!o.dry_run && plan.ok()) {
    run.target = o.in_place ? o.keystore : o.out;
    RepairWriteResult written = write_repaired_keystore(apply_import(store, plan), storepass,
                                                        {.target = run.target,
                                                         .backup = !o.no_backup,
                                                         .now = options.now,
                                                         .created_ms = options.created_ms});
    run.written = true;
    run.backup = written.backup;
  }
  if (output_format(o.common) == OutputFormat::kJson) {
    std::cout << report::import_json(plan, run).dump(2) << "\n";
  } else {
    std::cout << report::import_text(plan, run, text_marks());
  }
  return plan.ok() ? 0 : 1;
}

}  // namespace

Runner register_import(CLI::App& app) {
  auto o = std::make_shared<ImportCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "import", "put a new or renewed key and certificate into a keystore, validated first");
  cmd->add_option("KEYSTORE", o->keystore, "the keystore (e.g. prevent.ks); created if missing")
      ->required();
  cmd->add_option("--alias", o->alias, "the entry to create or replace")->required();
  cmd->add_option("--pkcs12", o->pkcs12, "source: a PFX/PKCS#12 file with the key and certificate");
  cmd->add_option("--src-alias", o->src_alias, "with --pkcs12: which of its key entries to take");
  cmd->add_option("--key", o->key,
                  "source: a PEM private key (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC)");
  cmd->add_option("--cert", o->cert,
                  "with --key: a PEM file with the certificate and any part of its chain");
  cmd->add_option("--cert-reply", o->cert_reply,
                  "source: a CA's reply (PEM, DER or PKCS#7) for the key entry ALIAS");
  cmd->add_option("--from", o->from,
                  "where missing chain certificates come from: a PEM/DER file, a folder, a "
                  "keystore, 'system', or 'aia' (fetch missing issuers from caIssuers URLs)");
  cmd->add_option("--aia-timeout", o->aia_timeout_ms,
                  "with --from aia: give up on a caIssuers URL after MS milliseconds (default "
                  "5000)")
      ->check(CLI::Range(1, 600000));
  cmd->add_option("--hostname", o->hostnames,
                  "a name the detection server is reached by: checked against the certificate's "
                  "subjectAltName");
  cmd->add_flag("--replace", o->replace,
                "replace an existing entry ALIAS (with --pkcs12 or --key)");
  cmd->add_option("--out", o->out, "write the result to FILE (KEYSTORE is not touched)");
  cmd->add_flag("--in-place", o->in_place, "update KEYSTORE (kept as KEYSTORE.bak)");
  cmd->add_flag("--dry-run", o->dry_run,
                "validate only: exit 0 when the import would succeed, 1 when it would not");
  cmd->add_flag("--no-backup", o->no_backup, "do not keep the replaced file as .bak");
  add_format_option(*cmd, o->common);
  cmd->add_option("--type", o->common.type,
                  "keystore type: detected from content; required to create one")
      ->check(CLI::IsMember({"auto", "jks", "jceks", "pkcs12", "bks", "uber"}));
  add_password_options(*cmd, o->common);
  add_source_password_options(*cmd, o->common);
  add_time_options(*cmd, o->common);
  return [o]() { return run_import(*o); };
}

}  // namespace ksdoctor::cli
