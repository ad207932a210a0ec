#include "ksdoctor/verify_report.hpp"

#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

Json findings_json(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  Json out = Json::array();
  for (const Finding& f : a) out.push_back(finding_json(f));
  for (const Finding& f : b) out.push_back(finding_json(f));
  return out;
}

std::vector<Finding> joined(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  std::vector<Finding> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

const char* link_mark(const PathLink& link) {
  if (!link.issuer_found) return "✘";
  return link.name_chains && link.signature_ok ? "✔" : "✘";
}

std::string link_note(const PathLink& link, const Certificate& cert) {
  if (link.self_signed) return "root, self-signed";
  if (!link.issuer_found) return "issuer " + cert.issuer + " NOT FOUND";
  if (!link.signature_ok) return "signature does NOT verify with the next certificate's key";
  return "signed by the next";
}

std::string expiry(const Certificate& c) { return "valid until " + format_rfc3339(c.not_after); }

}  // namespace

Json keystore_verify_json(const std::string& file, const KeystoreVerifyReport& report,
                          const std::vector<Finding>& extra_findings) {
  Json j;
  j["file"] = file;
  Json entries = Json::array();
  for (const EntryChainReport& e : report.entries) {
    Json je;
    je["alias"] = e.alias;
    je["complete"] = e.complete;
    je["ordered"] = e.ordered;
    je["signatures_ok"] = e.signatures_ok;
    je["reaches_root"] = e.reaches_root;
    je["root_trusted"] = e.root_trusted;
    je["java_problem"] = e.java_problem.empty() ? Json(nullptr) : Json(e.java_problem);
    Json stored = Json::array();
    for (const CertPtr& c : e.stored) stored.push_back(certificate_json(*c));
    je["stored_chain"] = stored;
    Json path = Json::array();
    for (const PathLink& link : e.path) {
      Json jl;
      jl["certificate"] = certificate_json(*link.cert);
      jl["origin"] = link.origin;
      jl["issuer_found"] = link.issuer_found;
      jl["name_chains"] = link.name_chains;
      jl["signature_ok"] = link.signature_ok;
      jl["root"] = link.self_signed;
      path.push_back(std::move(jl));
    }
    je["path"] = path;
    entries.push_back(std::move(je));
  }
  j["entries"] = entries;
  j["findings"] = findings_json(report.findings, extra_findings);
  return j;
}

std::string keystore_verify_text(const std::string& file, const KeystoreVerifyReport& report,
                                 const std::vector<Finding>& extra_findings) {
  std::string out = file + ": " + std::to_string(report.entries.size()) + " key entr" +
                    (report.entries.size() == 1 ? "y" : "ies") + "\n";
  for (const EntryChainReport& e : report.entries) {
    bool sound = e.complete && e.ordered && e.signatures_ok && e.java_problem.empty();
    out += "\n[" + e.alias + "] " + (sound ? "✔ " : "✘ ");
    out += e.reaches_root ? (e.complete ? "complete chain" : "chain completed from other sources")
                          : "chain BROKEN";
    out += e.ordered ? ", ordered" : ", OUT OF ORDER";
    if (!e.signatures_ok) out += ", BAD SIGNATURE in stored chain";
    out += e.root_trusted ? ", root trusted" : (e.reaches_root ? ", root not in a trust source" : "");
    out += "\n";
    std::string indent = "    ";
    for (std::size_t i = 0; i < e.path.size(); ++i) {
      const PathLink& link = e.path[i];
      const Certificate& c = *link.cert;
      out += indent + (i ? "└─ " : "") + link_mark(link) + " " + c.subject + "\n";
      std::string pad = indent + (i ? "   " : "") + "  ";
      out += pad + link_note(link, c) + "; " + expiry(c) + "; from " + link.origin + "\n";
      if (i) indent += "   ";
    }
    if (!e.path.empty() && !e.path.back().issuer_found) {
      out += indent + "└─ ✘ missing: " + e.path.back().cert->issuer + "\n";
    }
    if (!e.java_problem.empty()) out += "    Java: " + e.java_problem + "\n";
  }
  out += "\n" + findings_text(joined(report.findings, extra_findings));
  return out;
}

Json peer_verify_json(const PeerVerdict& v, const std::vector<Finding>& extra_findings) {
  Json j;
  j["verdict"] = v.trusted ? "trusted" : "untrusted";
  j["java_message"] = v.java_message;
  Json path = Json::array();
  for (const CertPtr& c : v.path) path.push_back(certificate_json(*c));
  j["path"] = path;
  j["findings"] = findings_json(v.findings, extra_findings);
  return j;
}

std::string peer_verify_text(const std::vector<CertPtr>& chain, const PeerVerdict& v,
                             const std::vector<Finding>& extra_findings) {
  std::string out = "peer " + chain[0]->subject + "\n";
  out += v.trusted ? "✔ trusted by Java\n" : "✘ Java rejects it: " + v.java_message + "\n";
  std::string indent = "  ";
  for (std::size_t i = 0; i < v.path.size(); ++i) {
    out += indent + (i ? "└─ ✔ " : "") + v.path[i]->subject +
           (i + 1 == v.path.size() ? "  (trust anchor)" : "") + "\n";
    if (i) indent += "   ";
  }
  out += "\n" + findings_text(joined(v.findings, extra_findings));
  return out;
}

}  // namespace ksdoctor::report
