#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {

using Json = nlohmann::ordered_json;

Json certificate_json(const Certificate& cert) {
  Json j;
  j["subject"] = cert.subject;
  j["issuer"] = cert.issuer;
  j["serial"] = cert.serial_hex;
  j["not_before"] = format_rfc3339(cert.not_before);
  j["not_after"] = format_rfc3339(cert.not_after);
  j["sha256"] = cert.sha256;
  j["sha1"] = cert.sha1;
  j["key"] = cert.key.describe();
  j["signature_algorithm"] = cert.signature_algorithm;
  j["is_ca"] = cert.is_ca;
  j["self_signed"] = cert.self_issued();
  j["version"] = cert.version;
  if (!cert.subject_key_id.empty()) j["subject_key_id"] = to_hex(cert.subject_key_id);
  if (!cert.authority_key_id.empty()) j["authority_key_id"] = to_hex(cert.authority_key_id);
  if (!cert.ca_issuers.empty()) j["ca_issuers"] = cert.ca_issuers;
  return j;
}

Json finding_json(const Finding& f) {
  Json j;
  j["code"] = f.code;
  j["severity"] = severity_name(f.severity);
  if (f.alias) j["alias"] = *f.alias;
  j["message"] = f.message;
  j["remedy"] = f.remedy;
  for (const auto& [key, value] : f.details) j[key] = value;
  return j;
}

Json inspect_json(const std::string& file, const InspectResult& result) {
  const Keystore& store = result.store;
  Json j;
  j["file"] = file;
  j["format"] = format_name(store.format);
  j["version"] = store.version;
  j["integrity"] = integrity_name(store.integrity);
  if (store.protection) {
    const Pkcs12Protection& p = *store.protection;
    j["protection"] = {{"cert_algorithm", p.cert_algorithm},
                       {"cert_iterations", p.cert_iterations},
                       {"key_algorithm", p.key_algorithm},
                       {"key_iterations", p.key_iterations},
                       {"mac_algorithm", p.mac_algorithm},
                       {"mac_iterations", p.mac_iterations}};
  }
  Json entries = Json::array();
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    Json je;
    je["alias"] = e.alias;
    je["kind"] = kind_name(e.kind);
    je["created"] = e.created_ms ? Json(format_rfc3339_ms(*e.created_ms)) : Json(nullptr);
    je["lookupable"] = store.lookupable(e);
    if (e.key) {
      const KeyReport& k = result.keys[i];
      Json jk;
      jk["protection"] = e.key->algorithm;
      if (e.key->iterations) jk["iterations"] = e.key->iterations;
      jk["status"] = key_check_name(k.status);
      if (!k.algorithm.empty()) jk["algorithm"] = k.algorithm;
      if (k.matches_chain) jk["matches_certificate"] = *k.matches_chain;
      je["key"] = jk;
    }
    Json chain = Json::array();
    for (const CertPtr& c : e.chain) chain.push_back(certificate_json(*c));
    je["chain"] = chain;
    entries.push_back(std::move(je));
  }
  j["entries"] = entries;
  Json hidden = Json::array();
  for (const CertPtr& c : store.hidden_certificates) hidden.push_back(certificate_json(*c));
  j["hidden_certificates"] = hidden;
  Json findings = Json::array();
  for (const Finding& f : result.findings) findings.push_back(finding_json(f));
  j["findings"] = findings;
  return j;
}

}  // namespace ksdoctor::report
