#include "ksdoctor/repair_report.hpp"

#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/report.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

Json optional_string(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string peer_label(const RepairRun& run, const PeerRepair& p, std::size_t i) {
  std::string subject = p.leaf ? p.leaf->subject : "(empty chain)";
  if (i < run.peer_files.size()) return subject + " (" + run.peer_files[i] + ")";
  return subject;
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
    jt["for"] = t.from_hidden ? "hidden_certificate" : "peer";
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
