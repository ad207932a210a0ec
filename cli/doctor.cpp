// `ksdoctor doctor [--root DIR] [--peer [HOST=]CHAIN.pem]... [--downstream HOST[:PORT]]...`: every
// check of the troubleshooting article on this machine, and one diagnosis with the commands that
// fix it.
#include "ksdoctor/doctor.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "doctor_fixes.hpp"
#include "ksdoctor/doctor_report.hpp"
#include "ksdoctor/error.hpp"

namespace ksdoctor::cli {
namespace {

struct DoctorCliOptions {
  CommonOptions common;
  std::string root;
  std::string version;
  std::vector<std::string> downstream;
  std::vector<std::string> peers;
  std::vector<std::string> trust;
  std::vector<std::string> logs;
  std::string since;
  bool no_network = false;
  double timeout = 10;
};

// HOST=FILE ties a chain to a host; a plain FILE (which may hold '=' only after a separator)
// ties it to every downstream host.
PeerChainSpec parse_peer(const std::string& text) {
  PeerChainSpec spec;
  std::size_t eq = text.find('=');
  std::size_t sep = text.find_first_of("/\\");
  if (eq != std::string::npos && eq > 0 && (sep == std::string::npos || eq < sep)) {
    spec.host = text.substr(0, eq);
    spec.path = text.substr(eq + 1);
  } else {
    spec.path = text;
  }
  if (spec.path.empty()) throw UsageError("USAGE", "--peer " + text + ": no file");
  return spec;
}

// doctor opens many files and must run unattended from orchestration: a password from the
// options or KSDOCTOR_STOREPASS, a prompt only on a terminal, else Java's null password.
int run_doctor_command(const DoctorCliOptions& c) {
  DoctorOptions o;
  o.root = c.root.empty() ? default_locate_root() : c.root;
  if (!c.version.empty()) o.version = c.version;
  for (const std::string& d : c.downstream) {
    HostPort target = parse_host_port(d, 25);
    o.downstream.push_back({target.host, target.port});
  }
  for (const std::string& p : c.peers) o.peers.push_back(parse_peer(p));
  o.trust = c.trust;
  o.log_paths = c.logs;
  if (!c.since.empty()) o.since = logs::parse_time_bound(c.since);
  o.network = !c.no_network;
  o.storepass = resolve_storepass(c.common, "prevent.ks");
  o.keypass = resolve_keypass(c.common);
  o.now = resolve_now(c.common);
  o.warn_days = c.common.warn_days;
  o.probe_timeout = std::chrono::milliseconds(static_cast<long long>(c.timeout * 1000));
  DoctorResult result = run_doctor(o);
  if (output_format(c.common) == OutputFormat::kJson) {
    std::cout << report::doctor_json(result, doctor_wording(o, result)).dump(2) << "\n";
  } else {
    std::cout << report::doctor_text(result, doctor_wording(o, result), text_marks());
  }
  return result.has_errors() ? 1 : 0;
}

}  // namespace

Runner register_doctor(CLI::App& app) {
  auto o = std::make_shared<DoctorCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "doctor",
      "find every DLP install, check its keystore, downstream MTAs and logs, and say "
      "what is wrong and the commands that fix it");
  cmd->add_option("--root", o->root,
                  "file system root to search (default: the one that holds this system's program "
                  "folders)");
  cmd->add_option("--dlp-version", o->version, "only the install of this version");
  cmd->add_option("--downstream", o->downstream,
                  "probe this MTA (HOST[:PORT], port 25) with the keystore as truststore");
  cmd->add_option("--peer", o->peers,
                  "[HOST=]CHAIN.pem: the chain a downstream MTA presents (HOST ties it to that "
                  "host's log records)");
  cmd->add_option("--trust", o->trust,
                  "CA certificates to complete chains from: a PEM/DER file, a folder, a keystore, "
                  "or 'system'");
  cmd->add_option("--logs", o->logs, "log files or folders (default: the install's logs folder)");
  cmd->add_option("--since", o->since,
                  "only log records from TIME on (default: the last 7 days of the newest record)");
  cmd->add_flag("--no-network", o->no_network,
                "probe nothing (downstream hosts from the logs are not contacted)");
  cmd->add_option("--timeout", o->timeout, "seconds per probe step")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  add_format_option(*cmd, o->common);
  add_password_options(*cmd, o->common);
  add_time_options(*cmd, o->common);
  return [o]() { return run_doctor_command(*o); };
}

}  // namespace ksdoctor::cli
