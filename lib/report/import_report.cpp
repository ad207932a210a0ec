#include "ksdoctor/import_report.hpp"

#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/repair_report.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

Json optional_string(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json entry_json(const Entry& e) {
  Json j;
  j["alias"] = e.alias;
  const CertPtr leaf = e.chain.empty() ? nullptr : e.chain[0];
  j["subject"] = leaf ? Json(leaf->subject) : Json(nullptr);
  j["san"] = leaf ? Json(subject_alt_dns_names(*leaf)) : Json::array();
  j["not_before"] = leaf ? Json(format_rfc3339(leaf->not_before)) : Json(nullptr);
  j["not_after"] = leaf ? Json(format_rfc3339(leaf->not_after)) : Json(nullptr);
  j["key"] = leaf ? Json(leaf->key.describe()) : Json(nullptr);
  j["created"] = e.created_ms ? Json(format_rfc3339_ms(*e.created_ms)) : Json(nullptr);
  Json chain = Json::array();
  for (const CertPtr& c : e.chain) chain.push_back(certificate_json(*c));
  j["chain"] = chain;
  return j;
}

std::vector<Finding> all_findings(const ImportPlan& plan, const ImportRun& run) {
  std::vector<Finding> out = plan.findings;
  out.insert(out.end(), run.source_warnings.begin(), run.source_warnings.end());
  return out;
}

std::string entry_line(const char* label, const Entry& e, std::int64_t now) {
  if (e.chain.empty()) return std::string("  ") + label + ": a key entry without a certificate\n";
  const Certificate& leaf = *e.chain[0];
  std::string san;
  for (const std::string& n : subject_alt_dns_names(leaf)) san += (san.empty() ? "" : ", ") + n;
  std::string out = std::string("  ") + label + ": " + leaf.subject + "\n";
  out += "       SAN " + (san.empty() ? std::string("(none)") : san) + "; " + leaf.key.describe() +
         "; valid " + format_rfc3339(leaf.not_before) + " to " + format_rfc3339(leaf.not_after);
  if (leaf.not_after < now) out += " (expired)";
  out += "; chain of " + std::to_string(e.chain.size()) + "\n";
  return out;
}

const PresentedAlias* presented_for_new_key(const ImportPlan& plan) {
  if (!plan.presented) return nullptr;
  for (const PresentedAlias& p : plan.presented->by_key_type) {
    if (p.key_type == plan.key_type) return &p;
  }
  return nullptr;
}

Json key_managers_json(const ImportPlan& plan) {
  const PresentedAlias* p = presented_for_new_key(plan);
  if (!p) return nullptr;
  Json j;
  j["key_type"] = plan.key_type;
  j["sunx509"] = p->sunx509 ? Json(*p->sunx509) : Json(nullptr);
  j["sunx509_init_fails"] = plan.presented->sunx509_init_fails;
  j["pkix"] = p->pkix ? Json(*p->pkix) : Json(nullptr);
  j["key_entries"] = p->candidates.size();
  return j;
}

std::string key_managers_text(const ImportPlan& plan, const Marks& marks) {
  const PresentedAlias* p = presented_for_new_key(plan);
  if (!p) return "";
  auto mark = [&](const std::optional<std::string>& alias) {
    return std::string(alias && *alias == plan.alias ? marks.ok : marks.bad);
  };
  std::string sunx509 = plan.presented->sunx509_init_fails ? "none (init fails: a key does not "
                                                             "open with the store password)"
                        : p->sunx509                       ? "'" + *p->sunx509 + "'"
                        : p->sunx509_undetermined          ? "undetermined"
                                                           : "none";
  std::string pkix = p->pkix ? "'" + *p->pkix + "'" : "none";
  return "  Java presents for " + plan.key_type + ": " + mark(p->sunx509) + " " + sunx509 +
         " (SunX509, the default key manager), " + mark(p->pkix) + " " + pkix + " (PKIX)\n";
}

}  // namespace

Json import_json(const ImportPlan& plan, const ImportRun& run) {
  Json j;
  j["keystore"] = run.file;
  j["type"] = run.format;
  j["created"] = run.creates;
  j["alias"] = plan.alias;
  j["source"] = {{"kind", import_source_name(plan.source)}, {"files", run.sources}};
  j["dry_run"] = run.dry_run;
  j["ok"] = plan.ok();
  j["written"] = run.written;
  j["output"] = optional_string(run.target);
  j["backup"] = optional_string(run.backup);
  j["replaces"] = plan.replaces;
  j["old"] = plan.old_entry ? entry_json(*plan.old_entry) : Json(nullptr);
  j["new"] = plan.new_entry ? entry_json(*plan.new_entry) : Json(nullptr);
  Json given = Json::array();
  for (const CertPtr& c : plan.given) given.push_back(certificate_json(*c));
  j["given"] = given;
  Json changes = Json::array();
  for (const RepairChange& c : plan.changes) changes.push_back(change_json(c, run.name_origin));
  j["changes"] = changes;
  Json others = Json::array();
  for (const ChainRepair& c : plan.other_chains) others.push_back(chain_repair_json(c));
  j["other_chains"] = others;
  j["key_managers"] = key_managers_json(plan);
  Json findings = Json::array();
  for (const Finding& f : all_findings(plan, run)) findings.push_back(finding_json(f));
  j["findings"] = findings;
  j["restart_required"] = run.written;
  return j;
}

std::string import_text(const ImportPlan& plan, const ImportRun& run, const Marks& marks) {
  std::string sources;
  for (const std::string& s : run.sources) sources += (sources.empty() ? "" : " + ") + s;
  std::string out = run.file + (run.creates ? " (new " + run.format + " keystore)" : "") +
                    ": import '" + plan.alias + "' from " + sources + "\n";
  std::int64_t now = 0;
  if (plan.new_entry && plan.new_entry->created_ms) now = *plan.new_entry->created_ms / 1000;
  if (plan.old_entry) out += entry_line("old", *plan.old_entry, now);
  if (plan.new_entry) {
    out += entry_line("new", *plan.new_entry, now);
    out += "  chain as Java will send it:\n";
    for (const CertPtr& c : plan.new_entry->chain) out += "      " + c->subject + "\n";
  }
  for (const RepairChange& c : plan.changes) {
    out += "  [" + c.alias + "] " + change_text(c, run.name_origin) + "\n";
    out += "      why: " + c.reason + "\n";
  }
  for (const ChainRepair& c : plan.other_chains) {
    out += "  [" + c.alias + "] Java will see this entry's chain as " +
           std::to_string(c.after.size()) + " certificates once the file holds the new ones\n";
  }
  out += key_managers_text(plan, marks);
  out += "\n";
  if (!plan.ok()) {
    out += std::string(marks.bad) + " not imported: " +
           (run.dry_run ? "the import would fail validation" : "nothing was written") + "\n";
  } else if (run.dry_run) {
    out +=
        std::string(marks.ok) + " validated: the import would succeed (dry run: nothing written)\n";
  } else if (run.written) {
    out += std::string(marks.ok) + " imported into " + run.target;
    out += run.backup.empty() ? "\n" : " (previous file kept as " + run.backup + ")\n";
  }
  std::vector<Finding> findings = all_findings(plan, run);
  if (!findings.empty()) out += "\n" + findings_text(findings);
  if (run.written) {
    out +=
        "\nRestart the detection server (the Network Prevent for Email service) so that Java "
        "loads the new certificate: it reads the keystore only at start-up.\n";
  }
  return out;
}

}  // namespace ksdoctor::report
