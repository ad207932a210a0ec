// `doctor`: the troubleshooting article as one run. For every DLP detection-server install under a
// root: where DLP reads prevent.ks (locate), the keystore it reads — or the copy `locate --fix`
// would put there — inspected and its key entries' chains verified, the downstream MTAs' chains
// judged (peer files, probes), the gateway's logs read; then one diagnosis, causes first, each
// with its evidence, the symptoms it explains and a typed fix that report/ renders as commands.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/findings.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/layouts.hpp"
#include "ksdoctor/locate.hpp"
#include "ksdoctor/logs.hpp"
#include "ksdoctor/probe.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor {

struct DownstreamTarget {
  std::string host;
  std::uint16_t port = 25;
};

// A chain a downstream MTA presents (`--peer [HOST=]FILE`). An empty host ties it to every
// downstream host of the logs.
struct PeerChainSpec {
  std::string host;
  std::string path;
};

struct DoctorOptions {
  std::string root = "/";
  std::optional<std::string> version;        // only this install
  std::vector<DownstreamTarget> downstream;  // probed with the keystore as truststore
  std::vector<PeerChainSpec> peers;
  std::vector<std::string> trust;      // certificate sources: issuers for chains and peers
  std::vector<std::string> log_paths;  // instead of each install's logs folder
  std::optional<logs::Time> since;     // default: 7 days before the newest record
  bool network = true;                 // false: probe nothing (log hosts are not contacted)
  Password storepass;                  // null: every keystore opened as Java does without one
  std::optional<Password> keypass;     // the key password DLP gives its key manager
  std::int64_t now = 0;                // epoch seconds: validity checks
  int warn_days = 30;
  std::chrono::milliseconds probe_timeout{10000};
  std::vector<InstallLayout> layouts = builtin_layouts();
  std::function<void(const ScanProgress&)> progress;
};

// Which file the keystore checks were made on.
enum class KeystoreOpened {
  kNone,        // nothing usable to open
  kConfigured,  // the file DLP reads
  kCopy,        // the copy `locate --fix` puts at the configured path (it is missing/unusable)
};
const char* keystore_opened_name(KeystoreOpened opened);  // "none", "configured", "copy"

struct PeerCheck {
  PeerChainSpec spec;
  std::vector<CertPtr> chain;
  std::optional<PeerVerdict> verdict;  // absent when the file could not be read
  std::string error;
};

struct ProbeCheck {
  DownstreamTarget target;
  bool from_logs = false;  // the host was taken from the logs' forward connections
  std::optional<ProbeResult> result;
  std::optional<ProbeJudgement> judgement;
  std::optional<ProbeErrorKind> error;  // the probe could not run
  std::string error_message;
};

struct InstallCheck {
  InstallReport locate;
  std::string keystore;  // the path DLP reads (locate.configured.path; "" when unresolved)
  KeystoreOpened opened = KeystoreOpened::kNone;
  std::string opened_path;  // the file inspected and verified
  std::optional<InspectResult> inspect;
  std::optional<KeystoreVerifyReport> verify;
  std::string keystore_error;  // why the keystore could not be opened
  std::vector<PeerCheck> peers;
  std::vector<ProbeCheck> probes;
  std::vector<std::string> log_files;
  std::optional<logs::Diagnosis> logs;
  std::optional<logs::Time> logs_since;  // the window's start that was used
  std::string logs_error;                // why no log was read ("" when read or none exists)
};

// What fixes a problem. report/ renders it as the command line(s) or the advice.
enum class FixKind {
  kLocateFix,      // copy the usable keystore to the configured path, then retire `copy`
  kRepairChains,   // complete the key entries' chains: `keystore` from `from` (or AIA)
  kRepairPeer,     // import what `peer_file` needs (saved first from `host` when probe_first)
  kRenewKeyEntry,  // renew `alias`'s certificate and import it
  kUpstreamMta,    // change the sending MTAs (`hosts`) — not something DLP can do
  kDownstreamMta,  // change the downstream MTAs (`hosts`)
  kFindingRemedy,  // the underlying finding's remedy (`remedy`)
  kCheckNetwork,   // reach `hosts` from the gateway (firewall, name resolution)
};

struct Fix {
  FixKind kind = FixKind::kFindingRemedy;
  std::string root;     // kLocateFix
  std::string version;  // kLocateFix
  std::string copy;     // kLocateFix: the misplaced copy to rename once the fix is in place
  std::string keystore;
  std::string alias;                 // kRenewKeyEntry
  std::string peer_file;             // kRepairPeer
  bool probe_first = false;          // kRepairPeer: save the chain from `host` first
  std::vector<std::string> from;     // kRepairChains, kRepairPeer: the certificate sources
  bool from_aia = false;             // ... or the caIssuers URLs
  std::vector<std::string> missing;  // subjects of the issuers no source holds
  std::string host;                  // kRepairPeer with probe_first
  std::uint16_t port = 25;
  std::vector<std::string> hosts;  // kUpstreamMta, kDownstreamMta, kCheckNetwork
  std::string remedy;              // kFindingRemedy (and advice for the MTA kinds)
};

enum class EvidenceKind {
  kFinding,     // a finding of locate / inspect / verify / a peer check / a probe
  kLogFinding,  // a symptom in the logs
  kProbeError,  // a probe that could not run
};

struct Evidence {
  EvidenceKind kind = EvidenceKind::kFinding;
  std::string source;                   // "locate", "inspect", "verify", "peer", "probe", "logs"
  Finding finding;                      // kFinding, kProbeError (code = the probe error's code)
  std::optional<logs::LogFinding> log;  // kLogFinding
  std::string file;                     // kLogFinding: the example's file; kFinding: the keystore
  std::string host;                     // peer / probe
};

struct Problem {
  std::string code;
  Severity severity = Severity::kError;
  std::string install;  // Install::label()
  std::string message;  // the cause in plain words
  std::optional<std::string> alias;
  std::string host;  // the downstream/upstream host it concerns
  std::vector<Evidence> evidence;
  std::vector<std::string> explains;  // the symptoms' own codes (logs, probe), each once
  // Seen only in the logs: no check could confirm it (why: `unconfirmed`).
  bool confirmed = true;
  std::string unconfirmed;
  Fix fix;
};

struct DoctorResult {
  std::string root;
  std::int64_t now = 0;
  std::vector<InstallCheck> installs;
  std::vector<Problem> diagnosis;  // most important first
  bool network = true;

  bool has_problems() const;  // any error or warning
  bool has_errors() const;
};

// Throws LocateError("NO_INSTALL_FOUND") when nothing under the root is a DLP install (or none of
// the version asked for); UsageError for a --peer file or --trust source that cannot be read.
// Everything else that fails is part of the result (a keystore that does not open, a probe that
// cannot connect, a log folder without logs).
DoctorResult run_doctor(const DoctorOptions& options);

// The problems the checks in `installs` show, causes first, each symptom said once (pure: the
// second half of run_doctor, for callers that gather the checks themselves).
std::vector<Problem> diagnose(const std::vector<InstallCheck>& installs,
                              const DoctorOptions& options);

}  // namespace ksdoctor
