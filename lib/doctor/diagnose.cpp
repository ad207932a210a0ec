// diagnose: the checks of a doctor run turned into problems. A cause (the keystore's place, its
// chains, a downstream chain Java rejects) is reported once, with the log and probe symptoms it
// explains; what the logs show and no cause explains is reported as seen in the logs, saying
// whether a check could confirm it.
#include <algorithm>
#include <set>

#include "core/strings.hpp"
#include "doctor/parts.hpp"
#include "ksdoctor/doctor.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor {
namespace {

using doctor_parts::detail;
using doctor_parts::finding_evidence;
using doctor_parts::is_key_entry_chain_code;
using doctor_parts::names_host;
using doctor_parts::problem_from_finding;
using doctor_parts::sending_mta_refused_certificate;
using doctor_parts::Symptoms;
using logs::Code;
using logs::LogFinding;
using logs::Side;

// The order causes are told in (after severity): the keystore's place first — nothing else can
// work without it — then its content, the downstream side, and what only the logs show.
enum Rank { kPlacement, kKeystore, kDownstream, kLogs, kLogsUnconfirmed, kOther };

struct Ranked {
  Problem problem;
  Rank rank;
};

class Diagnoser {
 public:
  Diagnoser(const InstallCheck& check, const DoctorOptions& o)
      : check_(check), o_(o), label_(check.locate.install.label()), symptoms_(check) {}

  std::vector<Ranked> run() {
    placement();
    keystore();
    downstream();
    logs_only();
    return std::move(out_);
  }

 private:
  void add(Problem p, Rank rank) { out_.push_back({std::move(p), rank}); }

  // The keystore DLP reads is missing, unusable, or elsewhere.
  void placement() {
    static const std::set<std::string> kPlacementCodes = {
        "KEYSTORE_MISSING_AT_CONFIGURED_PATH", "KEYSTORE_MISPLACED", "KEYSTORE_NOT_READABLE",
        "KEYSTORE_WITHOUT_PRIVATE_KEY"};
    const InstallReport& r = check_.locate;
    std::vector<const Finding*> placement;
    for (const Finding& f : r.findings) {
      if (f.severity == Severity::kError && kPlacementCodes.count(f.code)) placement.push_back(&f);
    }
    for (const Finding& f : r.findings) {
      if (f.severity == Severity::kInfo) continue;
      if (f.severity == Severity::kError && kPlacementCodes.count(f.code)) continue;
      add(problem_from_finding(f, label_), kOther);
      out_.back().problem.evidence.push_back(
          finding_evidence(f, "locate", r.install.properties_file));
    }
    if (placement.empty()) return;
    Problem p;
    p.install = label_;
    p.severity = Severity::kError;
    if (check_.opened == KeystoreOpened::kCopy) {
      p.code = "KEYSTORE_MISPLACED";
      p.message = "DLP reads its keystore from " + check_.keystore +
                  ", but no usable keystore is there; a usable copy is at " + check_.opened_path +
                  ". Without it DLP has no certificate to present: it offers no STARTTLS upstream "
                  "and fails its forward connections.";
      p.fix.kind = FixKind::kLocateFix;
      p.fix.root = check_.locate.install.root;
      p.fix.version = check_.locate.install.version;
      p.fix.copy = check_.opened_path;
    } else {
      const Finding& first = *placement.front();
      p = problem_from_finding(first, label_);
    }
    for (const Finding* f : placement) p.evidence.push_back(finding_evidence(*f, "locate", ""));
    symptoms_.explain(p, [](const LogFinding& f) {
      return f.code == Code::kKeystoreNotLoaded || f.code == Code::kNoTlsNegotiated ||
             f.code == Code::kSslEngineProblem ||
             (f.code == Code::kNoCommonCipher && f.side != Side::kDownstream);
    });
    add(std::move(p), kPlacement);
  }

  // Where to take missing issuers from: the caller's sources, else the caIssuers URLs; subjects
  // neither can supply are named.
  void issuer_sources(Fix& fix, bool sources_hold_them, const std::vector<std::string>& urls,
                      const std::vector<std::string>& unsourced) {
    fix.from = o_.trust;
    if (!sources_hold_them && fix.from.empty() && !urls.empty()) fix.from_aia = true;
    if (!sources_hold_them) fix.missing = unsourced;
  }

  void keystore() {
    if (!check_.inspect) {
      if (!check_.keystore_error.empty()) {
        Problem p;
        p.code = "KEYSTORE_NOT_OPENED";
        p.severity = Severity::kError;
        p.install = label_;
        p.message =
            "The keystore " + check_.opened_path + " does not open: " + check_.keystore_error;
        p.fix.kind = FixKind::kFindingRemedy;
        p.fix.remedy =
            "Give ksdoctor the store password DLP uses, or "
            "restore the file from a backup.";
        add(std::move(p), kKeystore);
      }
      return;
    }
    const Keystore& store = check_.inspect->store;
    std::set<std::pair<std::string, std::string>> told;  // (code, alias) said by a problem
    // Key entries whose certificate has expired or soon will: a renewal, not a repair.
    for (const Entry& e : store.entries) {
      if (e.kind != EntryKind::kPrivateKey || e.chain.empty()) continue;
      const Certificate& leaf = *e.chain[0];
      bool expired = leaf.not_after < o_.now;
      bool expiring = !expired && leaf.not_after < o_.now + std::int64_t{o_.warn_days} * 86400;
      if (!expired && !expiring) continue;
      Problem p;
      p.code = expired ? "KEY_ENTRY_EXPIRED" : "KEY_ENTRY_EXPIRING";
      p.severity = expired ? Severity::kError : Severity::kWarning;
      p.install = label_;
      p.alias = e.alias;
      p.message = "The certificate DLP presents to sending MTAs (key entry '" + e.alias + "', " +
                  leaf.subject + ") " + (expired ? "expired" : "expires") + " on " +
                  format_rfc3339(leaf.not_after) + ".";
      p.fix.kind = FixKind::kRenewKeyEntry;
      p.fix.keystore = check_.keystore;
      p.fix.alias = e.alias;
      p.fix.from = o_.trust;
      for (const Finding& f : check_.inspect->findings) {
        if (f.alias == e.alias && (f.code == "CERT_EXPIRED" || f.code == "CERT_EXPIRING_SOON")) {
          p.evidence.push_back(finding_evidence(f, "inspect", check_.opened_path));
        }
      }
      told.insert({"CERT_EXPIRED", e.alias});
      told.insert({"CERT_EXPIRING_SOON", e.alias});
      symptoms_.explain(p, sending_mta_refused_certificate);
      add(std::move(p), kKeystore);
    }
    // Key entries whose stored chain stops short of the root: peers without the intermediate
    // cannot build a path to what they trust.
    if (check_.verify) {
      for (const EntryChainReport& entry : check_.verify->entries) {
        if (entry.complete && entry.reaches_root) continue;
        if (entry.stored.empty()) continue;
        Problem p;
        p.code = "KEY_ENTRY_CHAIN_INCOMPLETE";
        p.severity = Severity::kError;
        p.install = label_;
        p.alias = entry.alias;
        std::vector<std::string> urls, unsourced;
        if (!entry.reaches_root && !entry.path.empty()) {
          const Certificate& child = *entry.path.back().cert;
          if (!child.ca_issuers.empty()) urls.push_back(child.ca_issuers[0]);
          if (child.ca_issuers.empty()) unsourced.push_back(child.issuer);
        }
        p.message = "Key entry '" + entry.alias + "' holds " + std::to_string(entry.stored.size()) +
                    " certificate(s) and stops before its root; DLP sends exactly this chain, so "
                    "a sending MTA that lacks the missing intermediate cannot verify DLP's "
                    "certificate.";
        p.fix.kind = FixKind::kRepairChains;
        p.fix.keystore = check_.keystore;
        issuer_sources(p.fix, entry.reaches_root, urls, unsourced);
        for (const Finding& f : entry.findings) {
          if (is_key_entry_chain_code(f.code)) {
            p.evidence.push_back(finding_evidence(f, "verify", check_.opened_path));
          }
        }
        for (const Finding& f : check_.inspect->findings) {
          if (f.alias == entry.alias && f.code == "KEY_CHAIN_LEAF_ONLY") {
            p.evidence.push_back(finding_evidence(f, "inspect", check_.opened_path));
          }
        }
        for (const char* code : {"MISSING_INTERMEDIATE", "KEY_CHAIN_LEAF_ONLY"}) {
          told.insert({code, entry.alias});
        }
        symptoms_.explain(p, sending_mta_refused_certificate);
        add(std::move(p), kKeystore);
      }
    }
    // Everything else inspect and verify found, once each.
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    auto pass_through = [&](const Finding& f, const char* source) {
      if (f.severity == Severity::kInfo) return;
      std::string alias = f.alias.value_or("");
      if (told.count({f.code, alias})) return;
      if (!seen.insert({f.code, alias, f.message}).second) return;
      Problem p = problem_from_finding(f, label_);
      if (f.code == "CHAIN_OUT_OF_ORDER") {
        p.fix = Fix{};
        p.fix.kind = FixKind::kRepairChains;
        p.fix.keystore = check_.keystore;
      }
      p.evidence.push_back(finding_evidence(f, source, check_.opened_path));
      add(std::move(p), kKeystore);
    };
    for (const Finding& f : check_.inspect->findings) pass_through(f, "inspect");
    if (check_.verify) {
      for (const Finding& f : check_.verify->findings) pass_through(f, "verify");
    }
  }

  Problem untrusted_downstream(const std::string& host, const std::string& java_message,
                               const std::vector<Finding>& findings) {
    Problem p;
    p.code = "DOWNSTREAM_CHAIN_UNTRUSTED";
    p.severity = Severity::kError;
    p.install = label_;
    p.host = host;
    p.message = "DLP's Java rejects the certificate chain of the downstream MTA" +
                (host.empty() ? std::string() : " " + host) +
                " with the CA certificates in its keystore (\"" + java_message +
                "\"): every forward connection to it fails the TLS handshake.";
    p.fix.kind = FixKind::kRepairPeer;
    p.fix.keystore = check_.keystore;
    bool sourced = false;
    std::vector<std::string> urls, unsourced;
    for (const Finding& f : findings) {
      if (f.code != "MISSING_INTERMEDIATE") continue;
      if (detail(f, "sha256")) {
        sourced = true;
      } else if (auto url = detail(f, "ca_issuers")) {
        urls.push_back(*url);
      } else if (auto issuer = detail(f, "issuer")) {
        unsourced.push_back(*issuer);
      }
    }
    issuer_sources(p.fix, sourced, urls, unsourced);
    return p;
  }

  void explain_downstream(Problem& p, const std::string& host) {
    symptoms_.explain(p, [&](const LogFinding& f) {
      if (!names_host(f, host)) return false;
      return f.code == Code::kPeerChainUntrusted ||
             (f.code == Code::kSslEngineProblem && f.side != Side::kUpstream);
    });
  }

  void downstream() {
    for (const PeerCheck& peer : check_.peers) {
      if (!peer.verdict || peer.verdict->trusted) continue;
      Problem p =
          untrusted_downstream(peer.spec.host, peer.verdict->java_message, peer.verdict->findings);
      p.fix.peer_file = peer.spec.path;
      for (const Finding& f : peer.verdict->findings) {
        p.evidence.push_back(finding_evidence(f, "peer", peer.spec.path, peer.spec.host));
      }
      explain_downstream(p, peer.spec.host);
      add(std::move(p), kDownstream);
    }
    for (const ProbeCheck& probe : check_.probes) {
      const std::string& host = probe.target.host;
      if (probe.error) {
        unreachable_.insert(lower(host));
        if (probe.from_logs) continue;  // said with the log findings it leaves unconfirmed
        Problem p;
        p.code = "DOWNSTREAM_UNREACHABLE";
        p.severity = Severity::kWarning;
        p.install = label_;
        p.host = host;
        p.message = "The downstream MTA " + host + ":" + std::to_string(probe.target.port) +
                    " could not be probed from here: " + probe.error_message;
        Finding f;
        f.code = probe_error_code(*probe.error);
        f.severity = Severity::kWarning;
        f.message = probe.error_message;
        Evidence e = finding_evidence(f, "probe", "", host);
        e.kind = EvidenceKind::kProbeError;
        p.evidence.push_back(std::move(e));
        p.fix.kind = FixKind::kCheckNetwork;
        p.fix.hosts = {host};
        add(std::move(p), kDownstream);
        continue;
      }
      if (!probe.judgement) continue;
      const ProbeJudgement& j = *probe.judgement;
      if (j.verdict == JavaVerdictKind::kTrusted) trusted_.insert(lower(host));
      if (j.verdict == JavaVerdictKind::kUntrusted) {
        Problem p = untrusted_downstream(host, j.java_message, j.findings);
        p.fix.probe_first = true;
        p.fix.host = host;
        p.fix.port = probe.target.port;
        for (const Finding& f : j.findings) {
          p.evidence.push_back(finding_evidence(f, "probe", "", host));
        }
        explain_downstream(p, host);
        add(std::move(p), kDownstream);
        continue;
      }
      // A chain Java trusts (or could not judge) leaves nothing to fix on DLP's side; the
      // server's own flaws are `probe`'s to tell.
      if (j.verdict != JavaVerdictKind::kHandshakeFails) continue;
      for (const Finding& f : j.findings) {
        if (f.severity != Severity::kError) continue;
        Problem p = problem_from_finding(f, label_);
        p.host = host;
        p.fix.kind = FixKind::kDownstreamMta;
        p.fix.hosts = {host};
        p.evidence.push_back(finding_evidence(f, "probe", "", host));
        symptoms_.explain(p, [&](const LogFinding& lf) {
          return lf.side == Side::kDownstream && names_host(lf, host) &&
                 (lf.code == Code::kTlsHandshakeFailed || lf.code == Code::kNoCommonCipher);
        });
        add(std::move(p), kDownstream);
      }
    }
  }

  // Why a downstream log finding could not be confirmed, "" when nothing speaks against it.
  std::string downstream_unconfirmed(const LogFinding& f) const {
    for (const std::string& host : f.remotes) {
      if (unreachable_.count(lower(host))) return "host " + host + " unreachable from here";
      if (trusted_.count(lower(host))) {
        return "a probe of " + host + " now finds its chain trusted (fixed since the records?)";
      }
    }
    if (check_.peers.empty() && check_.probes.empty()) {
      return o_.network ? "no downstream chain to check" : "not checked (no network)";
    }
    return "";
  }

  void logs_only() {
    if (!check_.logs) return;
    for (std::size_t i : symptoms_.unexplained()) {
      const LogFinding& f = check_.logs->findings[i];
      Problem p;
      p.code = logs::code_name(f.code);
      p.severity = logs::code_severity(f.code);
      p.install = label_;
      if (!f.remotes.empty()) p.host = f.remotes.front();
      p.evidence.push_back(symptoms_.evidence(f));
      p.fix.kind = FixKind::kFindingRemedy;  // the log finding's own remedy (report/ words it)
      switch (f.code) {
        case Code::kUpstreamLegacyTls:
        case Code::kNoCommonCipher:
          p.fix.kind = FixKind::kUpstreamMta;
          p.fix.hosts = f.remotes;
          break;
        case Code::kLegacyTlsInUse:
          p.fix.kind =
              f.side == Side::kDownstream ? FixKind::kDownstreamMta : FixKind::kUpstreamMta;
          p.fix.hosts = f.remotes;
          break;
        case Code::kPeerChainUntrusted:
          if (!f.remotes.empty() && !check_.keystore.empty()) {
            p.fix.kind = FixKind::kRepairPeer;
            p.fix.probe_first = true;
            p.fix.host = f.remotes.front();
            p.fix.keystore = check_.keystore;
            p.fix.from = o_.trust;
          }
          break;
        case Code::kKeystoreNotLoaded:
        case Code::kNoTlsNegotiated:
          // The keystore is in place now: these records describe an earlier state.
          p.confirmed = false;
          p.unconfirmed = "the keystore DLP reads is in place and usable now";
          break;
        default:
          break;
      }
      if (f.side == Side::kDownstream && p.confirmed) {
        p.unconfirmed = downstream_unconfirmed(f);
        p.confirmed = p.unconfirmed.empty();
      }
      Rank rank = p.confirmed ? kLogs : kLogsUnconfirmed;
      add(std::move(p), rank);
    }
  }

  const InstallCheck& check_;
  const DoctorOptions& o_;
  std::string label_;
  Symptoms symptoms_;
  std::vector<Ranked> out_;
  std::set<std::string> unreachable_, trusted_;
};

int severity_rank(Severity s) {
  switch (s) {
    case Severity::kError:
      return 0;
    case Severity::kWarning:
      return 1;
    case Severity::kInfo:
      break;
  }
  return 2;
}

}  // namespace

std::vector<Problem> diagnose(const std::vector<InstallCheck>& installs,
                              const DoctorOptions& options) {
  std::vector<Ranked> all;
  for (const InstallCheck& check : installs) {
    std::vector<Ranked> one = Diagnoser(check, options).run();
    all.insert(all.end(), std::make_move_iterator(one.begin()), std::make_move_iterator(one.end()));
  }
  std::stable_sort(all.begin(), all.end(), [](const Ranked& a, const Ranked& b) {
    int sa = severity_rank(a.problem.severity), sb = severity_rank(b.problem.severity);
    if (sa != sb) return sa < sb;
    return a.rank < b.rank;
  });
  std::vector<Problem> out;
  for (Ranked& r : all) out.push_back(std::move(r.problem));
  return out;
}

}  // namespace ksdoctor
