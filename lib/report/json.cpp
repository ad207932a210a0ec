// JSON documents, built with nlohmann::ordered_json — and, for `inspect` on the command line,
// also written directly and in pieces (write_inspect_json, with json_writer.hpp): the document
// tree of a 5 000-entry store takes ≈ 30 MB and 60 ms to build and dump; writing it directly,
// ≈ 6 ms and 128 KiB.
#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "json_writer.hpp"
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
    j["protection"] = {{"cert_algorithm", p.cert_algorithm}, {"cert_iterations", p.cert_iterations},
                       {"key_algorithm", p.key_algorithm},   {"key_iterations", p.key_iterations},
                       {"mac_algorithm", p.mac_algorithm},   {"mac_iterations", p.mac_iterations}};
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

namespace detail {

void write_certificate(JsonWriter& w, const Certificate& cert) {
  w.open('{');
  w.key("subject");
  w.string(cert.subject);
  w.key("issuer");
  w.string(cert.issuer);
  w.key("serial");
  w.ascii(cert.serial_hex);  // hex (serial_to_hex)
  w.key("not_before");
  w.time(cert.not_before);
  w.key("not_after");
  w.time(cert.not_after);
  w.key("sha256");
  w.ascii(cert.sha256);  // hex
  w.key("sha1");
  w.ascii(cert.sha1);
  // Names from the OID tables, or dotted OIDs.
  w.key("key");
  if (!w.dry()) w.ascii(cert.key.describe());
  w.key("signature_algorithm");
  w.ascii(cert.signature_algorithm);
  w.key("is_ca");
  w.boolean(cert.is_ca);
  w.key("self_signed");
  w.boolean(cert.self_issued());
  w.key("version");
  w.number(cert.version);
  if (!cert.subject_key_id.empty()) {
    w.key("subject_key_id");
    w.hex(cert.subject_key_id);
  }
  if (!cert.authority_key_id.empty()) {
    w.key("authority_key_id");
    w.hex(cert.authority_key_id);
  }
  if (!cert.ca_issuers.empty()) {
    w.key("ca_issuers");
    w.open('[');
    for (const std::string& uri : cert.ca_issuers) {
      w.element();
      w.string(uri);
    }
    w.close(']');
  }
  w.close('}');
}

void write_finding(JsonWriter& w, const Finding& f) {
  std::vector<std::pair<std::string_view, std::string_view>> members;
  members.reserve(5 + f.details.size());
  members.emplace_back("code", f.code);
  members.emplace_back("severity", severity_name(f.severity));
  if (f.alias) members.emplace_back("alias", *f.alias);
  members.emplace_back("message", f.message);
  members.emplace_back("remedy", f.remedy);
  for (const auto& [key, value] : f.details) {
    // clang 14 cannot capture a structured binding: name it.
    const std::string& name = key;
    auto it = std::find_if(members.begin(), members.end(),
                           [&name](const auto& m) { return m.first == name; });
    if (it != members.end()) {
      it->second = value;
    } else {
      members.emplace_back(key, value);
    }
  }
  w.open('{');
  for (const auto& [key, value] : members) {
    w.key(key);
    w.string(value);
  }
  w.close('}');
}

}  // namespace detail

namespace {

using detail::JsonWriter;

// Mirrors inspect_json(); hands `flush` the text written so far after each entry and finding.
template <class Flush>
void write_inspect(JsonWriter& w, const std::string& file, const InspectResult& result,
                   Flush flush) {
  const Keystore& store = result.store;
  w.open('{');
  w.key("file");
  w.string(file);
  w.key("format");
  w.ascii(format_name(store.format));
  w.key("version");
  w.number(store.version);
  w.key("integrity");
  w.ascii(integrity_name(store.integrity));
  if (store.protection) {
    const Pkcs12Protection& p = *store.protection;
    w.key("protection");
    w.open('{');
    w.key("cert_algorithm");
    w.string(p.cert_algorithm);
    w.key("cert_iterations");
    w.number(p.cert_iterations);
    w.key("key_algorithm");
    w.string(p.key_algorithm);
    w.key("key_iterations");
    w.number(p.key_iterations);
    w.key("mac_algorithm");
    w.string(p.mac_algorithm);
    w.key("mac_iterations");
    w.number(p.mac_iterations);
    w.close('}');
  }
  w.key("entries");
  w.open('[');
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    w.element();
    w.open('{');
    w.key("alias");
    w.string(e.alias);
    w.key("kind");
    w.ascii(kind_name(e.kind));
    w.key("created");
    if (e.created_ms) {
      w.time_ms(*e.created_ms);
    } else {
      w.null();
    }
    w.key("lookupable");
    w.boolean(store.lookupable(e));
    if (e.key) {
      const KeyReport& k = result.keys[i];
      w.key("key");
      w.open('{');
      w.key("protection");
      w.string(e.key->algorithm);
      if (e.key->iterations) {
        w.key("iterations");
        w.number(e.key->iterations);
      }
      w.key("status");
      w.ascii(key_check_name(k.status));
      if (!k.algorithm.empty()) {
        w.key("algorithm");
        w.string(k.algorithm);
      }
      if (k.matches_chain) {
        w.key("matches_certificate");
        w.boolean(*k.matches_chain);
      }
      w.close('}');
    }
    w.key("chain");
    w.open('[');
    for (const CertPtr& c : e.chain) {
      w.element();
      detail::write_certificate(w, *c);
    }
    w.close(']');
    w.close('}');
    flush();
  }
  w.close(']');
  w.key("hidden_certificates");
  w.open('[');
  for (const CertPtr& c : store.hidden_certificates) {
    w.element();
    detail::write_certificate(w, *c);
    flush();
  }
  w.close(']');
  w.key("findings");
  w.open('[');
  for (const Finding& f : result.findings) {
    w.element();
    detail::write_finding(w, f);
    flush();
  }
  w.close(']');
  w.close('}');
  flush();
}

}  // namespace

void write_inspect_json(const std::string& file, const InspectResult& result,
                        const std::function<void(std::string_view)>& sink) {
  detail::write_streamed([&](JsonWriter& w, auto flush) { write_inspect(w, file, result, flush); },
                         [&] { return inspect_json(file, result); }, sink,
                         "write_inspect_json differs from inspect_json().dump(2)");
}

}  // namespace ksdoctor::report
