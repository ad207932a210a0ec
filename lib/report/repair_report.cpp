#include "ksdoctor/repair_report.hpp"

#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

Json optional_string(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string peer_label(const RepairRun& run, const PeerRepair& p, std::size_t i) {
  std::string subject = p.leaf ? p.leaf->subject : "(empty chain)";
  if (i < run.peer_files.size()) return subject + " (" + run.peer_files[i] + ")";
  return subject;
}

// Why Java refuses a certificate, in a few words with the dates that matter.
std::string refusal_text(const Certificate& cert, const std::optional<PathCheck>& check) {
  if (!check) return "Java refuses it";
  switch (*check) {
    case PathCheck::kValidity:
      return "expired on " + format_rfc3339(cert.not_after);
    case PathCheck::kNotYetValid:
      return "not valid before " + format_rfc3339(cert.not_before);
    case PathCheck::kNotCa:
      return "not a CA certificate: no basicConstraints cA=true";
    case PathCheck::kCaKeyUsage:
      return "its keyUsage lacks keyCertSign";
    default:
      return path_problem_code(*check);
  }
}

std::string certificate_words(const Certificate& cert) {
  return cert.subject + " (SHA-256 " + cert.sha256 + ")";
}

// The lines under a peer that say what trusting a CA certificate of its chain would do.
std::string pin_text(const RepairRun& run, const PeerRepair& p) {
  if (!p.pin) return {};
  const IntermediatePin& ip = *p.pin;
  const std::string indent = "      ";
  std::string out;
  switch (ip.verdict) {
    case PinVerdict::kPinnable: {
      const Certificate& ca = *ip.cert;
      out += indent;
      out += ip.applied ? "pinned " + certificate_words(ca) + " as trusted entry '" + ip.alias + "'"
                        : "Java accepts it once this CA certificate of its chain is a trusted "
                          "entry of its own: " +
                              certificate_words(ca);
      out += ". The path breaks above it at " + ip.broken->subject + " (" +
             refusal_text(*ip.broken, ip.broken_check) +
             "), and Java ends a path at any certificate it trusts.\n";
      out += indent + "That is a pin: Java then trusts " + ca.subject + " itself (its key, until " +
             format_rfc3339(ca.not_after) + "), not the CA " + ca.issuer +
             " above it; when that CA re-issues or re-keys the intermediate, the peer's new chain "
             "fails again until the new certificate is imported, and the pin stays trusted after "
             "the CA replaces or revokes it.\n";
      if (!ip.applied && !run.pin_command.empty()) {
        out += indent + "To pin it: " + run.pin_command + "\n";
      }
      return out;
    }
    case PinVerdict::kLeafNotValid:
      if (!run.trust_intermediate) return {};
      return indent + "--trust-intermediate cannot help: the peer's own certificate is refused (" +
             refusal_text(*ip.broken, ip.broken_check) + ")" +
             ", and Java checks it whatever certificate it trusts\n";
    case PinVerdict::kNoValidCa:
      if (!run.trust_intermediate) return {};
      return indent + "--trust-intermediate cannot help: the leaf's issuer " + ip.broken->subject +
             " is itself refused (" + refusal_text(*ip.broken, ip.broken_check) +
             "), so the chain holds no valid CA certificate below the break to trust\n";
    case PinVerdict::kStillRejected:
      if (!run.trust_intermediate) return {};
      return indent + "--trust-intermediate cannot help: even with " + ip.cert->subject +
             " trusted, Java rejects the peer: " + ip.java_message + "\n";
    case PinVerdict::kNothingBroken:
      if (!run.trust_intermediate) return {};
      return indent +
             "--trust-intermediate cannot help: no certificate Java refuses sits above a valid "
             "CA certificate in the peer's chain (see the findings below)\n";
  }
  return out;
}

nlohmann::ordered_json pin_json(const RepairRun& run, const IntermediatePin& ip) {
  nlohmann::ordered_json j;
  j["verdict"] = pin_verdict_name(ip.verdict);
  j["certificate"] = ip.cert ? certificate_json(*ip.cert) : nlohmann::ordered_json(nullptr);
  j["broken"] = ip.broken ? certificate_json(*ip.broken) : nlohmann::ordered_json(nullptr);
  j["broken_check"] = ip.broken_check ? nlohmann::ordered_json(path_problem_code(*ip.broken_check))
                                      : nlohmann::ordered_json(nullptr);
  j["java_accepts"] = ip.java_accepts;
  j["java_message"] = ip.java_message.empty() ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(ip.java_message);
  j["alias"] =
      ip.alias.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(ip.alias);
  j["applied"] = ip.applied;
  bool offer = ip.verdict == PinVerdict::kPinnable && !ip.applied && !run.pin_command.empty();
  j["command"] = offer ? nlohmann::ordered_json(run.pin_command) : nlohmann::ordered_json(nullptr);
  return j;
}

}  // namespace

std::string change_text(const RepairChange& c, const OriginNamer& name_origin) {
  std::string subject = c.cert ? c.cert->subject : "";
  std::string origin = named_origin(name_origin, c.origin);
  switch (c.action) {
    case RepairAction::kAddIntermediate:
      return "add intermediate " + subject + " to the chain, from " + origin;
    case RepairAction::kAddRoot:
      return "add root " + subject + " at the end of the chain, from " + origin;
    case RepairAction::kReorderChain:
      return "put the chain in issuer order";
    case RepairAction::kDropCertificate:
      return "drop " + subject + " from the chain";
    case RepairAction::kAddTrustedEntry:
      return "new trusted entry " + subject + ", from " + origin;
    case RepairAction::kPinIntermediate:
      return "new trusted entry " + subject + ", pinned from the peer's own chain";
  }
  return "?";
}

Json change_json(const RepairChange& c, const OriginNamer& name_origin) {
  Json jc;
  jc["action"] = repair_action_name(c.action);
  jc["alias"] = c.alias;
  jc["certificate"] = c.cert ? certificate_json(*c.cert) : Json(nullptr);
  jc["origin"] = optional_string(named_origin(name_origin, c.origin));
  jc["peer"] = c.peer < 0 ? Json(nullptr) : Json(c.peer);
  jc["reason"] = c.reason;
  return jc;
}

Json chain_repair_json(const ChainRepair& c) {
  Json jc;
  jc["alias"] = c.alias;
  jc["before"] = certificates_json(c.before);
  jc["after"] = certificates_json(c.after);
  return jc;
}

Json repair_json(const RepairPlan& plan, const RepairRun& run) {
  Json j;
  j["file"] = run.file;
  j["output"] = optional_string(run.target);
  j["dry_run"] = run.dry_run;
  j["changed"] = plan.changes_store();
  j["written"] = run.written;
  j["backup"] = optional_string(run.backup);
  j["sound"] = plan.sound();
  Json changes = Json::array();
  for (const RepairChange& c : plan.changes) changes.push_back(change_json(c, run.name_origin));
  j["changes"] = changes;
  Json chains = Json::array();
  for (const ChainRepair& c : plan.chains) chains.push_back(chain_repair_json(c));
  j["chains"] = chains;
  Json added = Json::array();
  for (const NewTrustedEntry& t : plan.trusted) {
    Json jt;
    jt["alias"] = t.alias;
    jt["for"] = t.from_hidden ? "hidden_certificate" : t.pinned ? "pin" : "peer";
    jt["certificate"] = certificate_json(*t.cert);
    added.push_back(std::move(jt));
  }
  j["added_entries"] = added;
  Json peers = Json::array();
  for (std::size_t i = 0; i < plan.peers.size(); ++i) {
    const PeerRepair& p = plan.peers[i];
    Json jp;
    jp["file"] = i < run.peer_files.size() ? Json(run.peer_files[i]) : Json(nullptr);
    jp["subject"] = p.leaf ? Json(p.leaf->subject) : Json(nullptr);
    jp["verdict_before"] = p.trusted_before ? "trusted" : "untrusted";
    jp["java_message_before"] = p.java_message_before;
    jp["verdict_after"] = p.trusted_after ? "trusted" : "untrusted";
    jp["java_message_after"] = p.java_message_after;
    jp["added_aliases"] = p.added_aliases;
    jp["pin"] = p.pin ? pin_json(run, *p.pin) : Json(nullptr);
    peers.push_back(std::move(jp));
  }
  j["peers"] = peers;
  Json findings = Json::array();
  for (const Finding& f : plan.remaining) findings.push_back(finding_json(f));
  for (const Finding& f : run.source_warnings) findings.push_back(finding_json(f));
  j["findings"] = findings;
  return j;
}

std::string repair_text(const RepairPlan& plan, const RepairRun& run, const Marks& marks) {
  std::string out = run.file + ": ";
  std::size_t n = plan.changes.size();
  out += n == 0 ? "nothing to repair" : std::to_string(n) + (n == 1 ? " change" : " changes");
  if (run.dry_run && n) out += " planned (dry run: nothing written)";
  out += "\n";
  for (const RepairChange& c : plan.changes) {
    out += "  [" + c.alias + "] " + change_text(c, run.name_origin) + "\n";
    out += "      why: " + c.reason + "\n";
  }
  for (const ChainRepair& c : plan.chains) {
    out += "  [" + c.alias + "] chain: " + std::to_string(c.before.size()) + " " + marks.arrow +
           " " + std::to_string(c.after.size()) + " certificates:";
    for (const CertPtr& cert : c.after) out += "\n      " + cert->subject;
    out += "\n";
  }
  if (!plan.peers.empty()) out += "\nPeers:\n";
  for (std::size_t i = 0; i < plan.peers.size(); ++i) {
    const PeerRepair& p = plan.peers[i];
    out += "  ";
    out += p.trusted_after ? marks.ok : marks.bad;
    out += ' ';
    out += peer_label(run, p, i);
    if (p.trusted_before) {
      out += ": already trusted by Java\n";
    } else if (p.trusted_after) {
      out += ": trusted by Java after the repair (was: " + p.java_message_before + ")\n";
    } else {
      out += ": Java still rejects it: " + p.java_message_after + "\n";
    }
    out += pin_text(run, p);
  }
  out += "\n";
  if (run.written) {
    out += "Wrote " + run.target;
    out += run.backup.empty() ? " (no backup)" : " (previous file kept as " + run.backup + ")";
    out += "\n";
  } else if (!run.dry_run && !run.target.empty()) {
    out += "Nothing written: " + run.target + " already holds this keystore\n";
  }
  out += plan.sound() ? std::string(marks.ok) + " the keystore is sound"
                      : std::string(marks.bad) + " the keystore still has problems";
  out += plan.sound() && run.dry_run && plan.changes_store() ? " once the plan is applied\n" : "\n";
  if (run.source_warnings.empty()) {
    out += "\n" + findings_text(plan.remaining);
  } else {
    std::vector<Finding> findings = plan.remaining;
    findings.insert(findings.end(), run.source_warnings.begin(), run.source_warnings.end());
    out += "\n" + findings_text(findings);
  }
  return out;
}

}  // namespace ksdoctor::report
