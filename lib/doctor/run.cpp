// run_doctor: the checks of one doctor run, install by install (locate, the keystore, the
// downstream chains, the logs), then diagnose() over them.
#include <algorithm>
#include <set>

#include "dlp/install_paths.hpp"
#include "ksdoctor/doctor.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/sources.hpp"
#include "platform/platform.hpp"

namespace ksdoctor {
namespace {

constexpr std::int64_t kDefaultWindowMs = 7LL * 24 * 3600 * 1000;

void open_keystore(InstallCheck& check, const DoctorOptions& o, const CertPool& pool) {
  const InstallReport& r = check.locate;
  check.keystore = r.configured.resolved ? r.configured.path : "";
  if (r.keystore.usable()) {
    check.opened = KeystoreOpened::kConfigured;
    check.opened_path = r.keystore.path;
  } else if (FixPlan plan = plan_fix(r, o.now); plan.copy) {
    check.opened = KeystoreOpened::kCopy;
    check.opened_path = plan.source;
  } else if (r.keystore.exists && r.keystore.readable) {
    check.opened = KeystoreOpened::kConfigured;  // opens, but holds no private key
    check.opened_path = r.keystore.path;
  } else {
    return;
  }
  try {
    InspectOptions inspect;
    inspect.storepass = o.storepass;
    inspect.keypass = o.keypass;
    inspect.now = o.now;
    inspect.warn_days = o.warn_days;
    check.inspect = inspect_keystore(FileBuffer::read(check.opened_path), inspect);
  } catch (const Error& e) {
    check.keystore_error = e.what();
    return;
  }
  KeystoreVerifyOptions verify;
  verify.now = o.now;
  if (!o.storepass.is_null()) verify.keypass = o.keypass ? *o.keypass : o.storepass;
  check.verify = verify_keystore(check.inspect->store, pool, verify);
}

void check_peers(InstallCheck& check, const DoctorOptions& o, const CertPool& pool,
                 const std::vector<std::vector<CertPtr>>& chains) {
  std::vector<CertPtr> anchors;
  if (check.inspect) anchors = java_trust_anchors(check.inspect->store);
  for (std::size_t i = 0; i < o.peers.size(); ++i) {
    PeerCheck peer;
    peer.spec = o.peers[i];
    peer.chain = chains[i];
    if (!check.inspect) {
      peer.error = "no keystore to judge it with";
    } else {
      PeerCheckOptions options;
      options.now = o.now;
      peer.verdict = verify_peer(peer.chain, anchors, pool, options);
    }
    check.peers.push_back(std::move(peer));
  }
}

// The earliest record to count: --since, else 7 days before the newest record.
std::optional<logs::Time> default_since(const logs::Diagnosis& all) {
  std::optional<logs::Time> newest, oldest;
  for (const logs::FileSummary& f : all.files) {
    if (f.last && (!newest || logs::time_before(*newest, *f.last))) newest = f.last;
    if (f.first && (!oldest || logs::time_before(*f.first, *oldest))) oldest = f.first;
  }
  if (!newest || !oldest) return std::nullopt;
  logs::Time since = *newest;
  since.wall_ms -= kDefaultWindowMs;
  if (!logs::time_before(*oldest, since)) return std::nullopt;  // everything is within the week
  return since;
}

void read_logs(InstallCheck& check, const DoctorOptions& o) {
  std::vector<std::string> paths = o.log_paths;
  if (paths.empty()) {
    // Where the gateway's logs are is not documented publicly: the data folder's `logs` (where
    // current installs keep their data) and the program folder's `Protect/logs` (older ones).
    const Install& install = check.locate.install;
    std::vector<std::string> candidates = {paths::join(install.program_dir, "Protect/logs")};
    if (install.data_dir_exists)
      candidates.insert(candidates.begin(), paths::join(install.data_dir, "logs"));
    for (const std::string& folder : candidates) {
      if (platform::file_status(folder).is_directory()) paths.push_back(folder);
    }
    if (paths.empty()) return;
  }
  try {
    check.log_files = logs::expand_log_paths(paths);
    if (check.log_files.empty()) return;
    logs::ReadOptions window;
    window.since = o.since;
    logs::Diagnosis diagnosis = logs::diagnose_logs(check.log_files, window);
    if (!o.since) {
      // The window's start is known only once the newest record is: a second pass, made only
      // when the logs reach further back than the week (rotated logs of 5 x 5 MB rarely do).
      if (std::optional<logs::Time> since = default_since(diagnosis)) {
        window.since = since;
        diagnosis = logs::diagnose_logs(check.log_files, window);
      }
    }
    check.logs_since = window.since;
    check.logs = std::move(diagnosis);
  } catch (const Error& e) {
    check.logs_error = e.what();
  }
}

// --downstream targets; with neither targets nor peer files, the hosts the logs show failing
// forward connections to (port 25: the logs keep the address, not always the port).
std::vector<std::pair<DownstreamTarget, bool>> probe_targets(const InstallCheck& check,
                                                             const DoctorOptions& o) {
  std::vector<std::pair<DownstreamTarget, bool>> targets;
  for (const DownstreamTarget& t : o.downstream) targets.emplace_back(t, false);
  if (!targets.empty() || !o.peers.empty() || !check.logs) return targets;
  std::set<std::string> hosts;
  for (const logs::LogFinding& f : check.logs->findings) {
    if (f.side != logs::Side::kDownstream) continue;
    for (const std::string& h : f.remotes) hosts.insert(h);
  }
  for (const std::string& h : hosts) targets.emplace_back(DownstreamTarget{h, 25}, true);
  return targets;
}

void run_probes(InstallCheck& check, const DoctorOptions& o, const CertPool& pool) {
  if (!o.network) return;
  for (const auto& [target, from_logs] : probe_targets(check, o)) {
    ProbeCheck probe;
    probe.target = target;
    probe.from_logs = from_logs;
    ProbeOptions options;
    options.host = target.host;
    options.port = target.port;
    options.step_timeout = o.probe_timeout;
    options.enumerate = false;  // Java's own handshake is the verdict; enumeration is `probe`'s
    try {
      probe.result = probe_server(options);
      JudgeOptions judge;
      judge.now = o.now;
      judge.truststore_given = check.inspect.has_value();
      if (check.inspect) judge.anchors = java_trust_anchors(check.inspect->store);
      judge.suggestions = &pool;
      probe.judgement = judge_probe(*probe.result, judge);
    } catch (const ProbeError& e) {
      probe.error = e.kind();
      probe.error_message = e.what();
    }
    check.probes.push_back(std::move(probe));
  }
}

}  // namespace

const char* keystore_opened_name(KeystoreOpened opened) {
  switch (opened) {
    case KeystoreOpened::kConfigured:
      return "configured";
    case KeystoreOpened::kCopy:
      return "copy";
    case KeystoreOpened::kNone:
      break;
  }
  return "none";
}

bool DoctorResult::has_problems() const {
  return std::any_of(diagnosis.begin(), diagnosis.end(),
                     [](const Problem& p) { return p.severity != Severity::kInfo; });
}

bool DoctorResult::has_errors() const {
  return std::any_of(diagnosis.begin(), diagnosis.end(),
                     [](const Problem& p) { return p.severity == Severity::kError; });
}

DoctorResult run_doctor(const DoctorOptions& o) {
  // The user's files first: a wrong --peer or --trust argument stops the run before any scan.
  TrustSources sources = load_trust_sources(o.trust, o.storepass);
  std::vector<std::vector<CertPtr>> chains;
  for (const PeerChainSpec& peer : o.peers) {
    try {
      chains.push_back(read_certificates(read_file(peer.path)));
    } catch (const Error& e) {
      throw UsageError("USAGE", "cannot read the peer chain " + peer.path + ": " + e.what());
    }
  }

  LocateOptions locate;
  locate.root = o.root;
  locate.version = o.version;
  locate.storepass = o.storepass;
  locate.layouts = o.layouts;
  locate.progress = o.progress;
  LocateResult located = locate_keystore(locate);

  DoctorResult result;
  result.root = located.root;
  result.now = o.now;
  result.network = o.network;
  for (InstallReport& report : located.installs) {
    InstallCheck check;
    check.locate = std::move(report);
    open_keystore(check, o, sources.pool);
    check_peers(check, o, sources.pool, chains);
    read_logs(check, o);
    run_probes(check, o, sources.pool);
    result.installs.push_back(std::move(check));
  }
  result.diagnosis = diagnose(result.installs, o);
  for (const Finding& f : sources.warnings) {  // a trust source that gave less than expected
    Problem p;
    p.code = f.code;
    p.severity = f.severity;
    p.message = f.message;
    p.fix.kind = FixKind::kFindingRemedy;
    p.fix.remedy = f.remedy;
    result.diagnosis.push_back(std::move(p));
  }
  return result;
}

}  // namespace ksdoctor
