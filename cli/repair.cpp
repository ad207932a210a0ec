// `ksdoctor repair KEYSTORE --from SRC... (--out FILE | --in-place) [--peer CHAIN.pem]...
// [--trust-intermediate] [--dry-run]`: completes and orders key entries' chains, imports the CAs
// peers need, and writes the result atomically (read back and compared before it replaces
// anything).
#include "ksdoctor/repair.hpp"

#include <algorithm>
#include <iostream>
#include <iterator>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/aia.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/repair_report.hpp"
#include "ksdoctor/sources.hpp"
#include "ksdoctor/system.hpp"

namespace ksdoctor::cli {
namespace {

// repair names the sources its user gave as they were given: "--from FILE". The word "aia" is
// not a source to load but a request to fetch (plan_repair_with_aia).
constexpr const char* kRepairSourceOption = "--from";

struct RepairCliOptions {
  CommonOptions common;
  std::string keystore;
  std::vector<std::string> from;
  std::vector<std::string> peers;
  std::string out;
  bool in_place = false;
  bool dry_run = false;
  bool no_backup = false;
  bool trust_intermediate = false;
  int aia_timeout_ms = 5000;
};

// The command that plans the pin this run only proposes: the same inputs (never a password given
// on the command line) with --trust-intermediate.
std::string pin_command(const RepairCliOptions& o) {
  std::vector<std::string> words{"ksdoctor", "repair", o.keystore};
  for (const std::string& f : o.from) words.insert(words.end(), {kRepairSourceOption, f});
  if (o.common.type != "auto") words.insert(words.end(), {"--type", o.common.type});
  if (!o.common.storepass.env.empty()) {
    words.insert(words.end(), {"--storepass-env", o.common.storepass.env});
  } else if (!o.common.storepass.file.empty()) {
    words.insert(words.end(), {"--storepass-file", o.common.storepass.file});
  }
  if (!o.common.at.empty()) words.insert(words.end(), {"--at", o.common.at});
  for (const std::string& p : o.peers) words.insert(words.end(), {"--peer", p});
  words.push_back("--trust-intermediate");
  if (o.out.empty()) {
    words.push_back("--in-place");
  } else {
    words.insert(words.end(), {"--out", o.out});
  }
  return platform::command_line(words);
}

void check_usage(const RepairCliOptions& o) {
  if (!o.out.empty() && o.in_place) {
    throw UsageError("USAGE", "give either --out FILE or --in-place, not both");
  }
  if (o.dry_run) return;
  if (o.out.empty() && !o.in_place) {
    throw UsageError("USAGE",
                     "say where the repaired keystore goes: --out FILE, or --in-place to replace "
                     "KEYSTORE (a backup is kept); --dry-run only shows the plan");
  }
  if (!o.out.empty() && same_file(o.out, o.keystore)) {
    throw UsageError("USAGE", "--out names the keystore itself: use --in-place to replace it");
  }
}

int run_repair(const RepairCliOptions& o) {
  check_usage(o);
  // A file size limit (ulimit -f) must end in EFBIG and a clean exit 2, not a SIGXFSZ kill.
  platform::survive_file_size_limit();
  Password storepass = resolve_storepass(o.common, o.keystore);
  if (storepass.is_null() && !o.dry_run) {
    throw UsageError("PASSWORD_REQUIRED",
                     "repair needs the store password of " + o.keystore +
                         " to write a keystore (--storepass-file, --storepass-env or "
                         "KSDOCTOR_STOREPASS)");
  }
  Keystore store = read_keystore(FileBuffer::read(o.keystore), storepass, forced_type(o.common));
  auto [sources, source_warnings] = load_trust_sources(without_aia(o.from), storepass);
  std::vector<std::vector<CertPtr>> peers;
  for (const std::string& p : o.peers) peers.push_back(read_certificates(read_file(p)));

  RepairOptions options;
  options.now = resolve_now(o.common);
  // New entries are dated "now", which --at sets too: the same inputs give the same bytes.
  options.created_ms = options.now * 1000;
  options.name_origin = report::origin_namer(kRepairSourceOption);
  options.trust_intermediate = o.trust_intermediate;
  bool aia = names_aia(o.from);
  AiaOptions aia_settings = aia_options(o.aia_timeout_ms);
  RepairPlan plan = aia ? plan_repair_with_aia(store, sources, peers, options, aia_settings)
                        : plan_repair(store, sources, peers, options);

  report::RepairRun run;
  run.file = o.keystore;
  run.dry_run = o.dry_run;
  run.peer_files = o.peers;
  run.source_warnings = std::move(source_warnings);
  run.name_origin = options.name_origin;
  run.trust_intermediate = o.trust_intermediate;
  run.pin_command = pin_command(o);
  if (!o.dry_run) {
    run.target = o.in_place ? o.keystore : o.out;
    // In place with nothing to change: leave the file alone. --out always gets the keystore.
    if (plan.changes_store() || !o.in_place) {
      RepairWriteResult written = write_repaired_keystore(apply_plan(store, plan), storepass,
                                                          {.target = run.target,
                                                           .backup = !o.no_backup,
                                                           .now = options.now,
                                                           .created_ms = plan.created_ms});
      run.written = true;
      run.backup = written.backup;
    }
  }
  if (output_format(o.common) == OutputFormat::kJson) {
    std::cout << report::repair_json(plan, run).dump(2) << "\n";
  } else {
    std::cout << report::repair_text(plan, run, text_marks());
  }
  if (!plan.sound()) return 1;
  return o.dry_run && plan.changes_store() ? 1 : 0;
}

}  // namespace

Runner register_repair(CLI::App& app) {
  auto o = std::make_shared<RepairCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "repair", "complete and order key entries' chains, import the CAs peers need, atomically");
  cmd->add_option("KEYSTORE", o->keystore, "the keystore to repair (e.g. prevent.ks)")->required();
  cmd->add_option(
      "--from", o->from,
      "where missing certificates come from: a PEM/DER file, a folder, a keystore, "
      "'system', or 'aia' (fetch missing issuers from caIssuers URLs; off unless named)");
  cmd->add_option("--aia-timeout", o->aia_timeout_ms,
                  "with --from aia: give up on a caIssuers URL after MS milliseconds (default "
                  "5000)")
      ->check(CLI::Range(1, 600000));
  cmd->add_option("--peer", o->peers,
                  "a chain a peer presents (PEM/DER, leaf first): import what Java needs to "
                  "trust it");
  cmd->add_flag("--trust-intermediate", o->trust_intermediate,
                "when a peer's chain passes through a CA certificate Java refuses (an expired "
                "cross-sign) above a valid one, trust that valid CA certificate itself (a pin)");
  cmd->add_option("--out", o->out, "write the repaired keystore to FILE (KEYSTORE is not touched)");
  cmd->add_flag("--in-place", o->in_place, "replace KEYSTORE (kept as KEYSTORE.bak)");
  cmd->add_flag("--dry-run", o->dry_run, "show the plan, write nothing (exit 1 if it changes)");
  cmd->add_flag("--no-backup", o->no_backup, "do not keep the replaced file as .bak");
  add_format_option(*cmd, o->common);
  add_type_option(*cmd, o->common);
  add_password_options(*cmd, o->common);
  cmd->add_option("--at", o->common.at,
                  "evaluate validity at this time and date new entries with it (2031-05-01, "
                  "2031-05-01T12:00:00Z, @epoch)");
  return [o]() { return run_repair(*o); };
}

}  // namespace ksdoctor::cli
