#include "ksdoctor/probe_report.hpp"

#include <openssl/evp.h>

#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

std::string yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

Json probe_json(const ProbeResult& r, const ProbeJudgement& j) {
  Json out;
  out["host"] = r.host;
  out["port"] = r.port;
  out["address"] = r.address;
  out["starttls"] = r.starttls == StartTls::kSmtp ? "smtp" : "none";
  out["starttls_offered"] = r.starttls_offered;
  out["server_name"] = r.server_name;
  out["banner"] = r.banner;
  out["ehlo"] = r.ehlo;
  if (r.tls) {
    out["tls"] = {{"protocol", r.tls->protocol},
                  {"cipher", r.tls->cipher},
                  {"cipher_openssl", r.tls->cipher_openssl},
                  {"group", r.tls->group},
                  {"ocsp_staple", !r.tls->ocsp_staple.empty()}};
  } else {
    out["tls"] = nullptr;
  }
  out["chain"] = certificates_json(r.chain);
  Json java;
  java["verdict"] = java_verdict_name(j.verdict);
  java["message"] = j.java_message;
  java["path"] = certificates_json(j.path);
  if (r.java.succeeded) {
    java["negotiated"] = {{"protocol", r.java.negotiated.protocol},
                          {"cipher", r.java.negotiated.cipher},
                          {"group", r.java.negotiated.group}};
  } else {
    java["negotiated"] = nullptr;
  }
  java["java_version"] = java_tls_defaults().java_version;
  out["java"] = std::move(java);
  if (r.enumeration) {
    const Enumeration& e = *r.enumeration;
    out["protocols"] = Json::object();
    for (const auto& [p, ok] : e.protocols) out["protocols"][p] = ok;
    out["ciphers"] = Json::object();
    for (const auto& [p, suites] : e.suites) out["ciphers"][p] = suites;
    out["groups"] = Json::object();
    for (const auto& [p, groups] : e.groups) out["groups"][p] = groups;
    out["enumeration_complete"] = e.complete;
  } else {
    out["protocols"] = nullptr;
    out["ciphers"] = nullptr;
    out["groups"] = nullptr;
    out["enumeration_complete"] = nullptr;
  }
  if (j.as_server) {
    Json usable = Json::array();
    for (const auto& [p, s] : j.as_server->usable)
      usable.push_back({{"protocol", p}, {"cipher", s}});
    out["as_server"] = {{"handshake_possible", j.as_server->handshake_possible},
                        {"usable", std::move(usable)}};
  }
  Json findings = Json::array();
  for (const Finding& f : j.findings) findings.push_back(finding_json(f));
  out["findings"] = std::move(findings);
  return out;
}

std::string probe_text(const ProbeResult& r, const ProbeJudgement& j) {
  std::string out = "Probe of " + r.host + " port " + std::to_string(r.port);
  if (!r.address.empty() && r.address != r.host) out += " (" + r.address + ")";
  out += r.starttls == StartTls::kSmtp ? ", SMTP STARTTLS\n" : ", implicit TLS\n";
  if (r.starttls == StartTls::kSmtp) {
    out += "  banner:    " + r.banner.substr(0, r.banner.find('\n')) + "\n";
    out += "  STARTTLS:  " + std::string(r.starttls_offered ? "offered" : "NOT offered") + "\n";
  }
  if (r.tls) {
    out += "  TLS:       " + r.tls->protocol + ", " + r.tls->cipher;
    if (!r.tls->group.empty()) out += ", " + r.tls->group;
    out += ", OCSP staple: " + yes_no(!r.tls->ocsp_staple.empty()) + "\n";
    out += "  chain as served (" + std::to_string(r.chain_der.size()) + "):\n";
    for (std::size_t i = 0; i < r.chain.size(); ++i) {
      const Certificate& c = *r.chain[i];
      out += "    [" + std::to_string(i) + "] " + c.subject + "\n";
      out += "        issuer " + c.issuer + ", " + c.key.describe() + ", valid until " +
             format_rfc3339(c.not_after) + "\n";
    }
  }
  out += "Java " + java_tls_defaults().java_version + " client: " + java_verdict_name(j.verdict) +
         "\n";
  if (r.java.succeeded) {
    out += "  would negotiate " + r.java.negotiated.protocol + " " + r.java.negotiated.cipher;
    if (!r.java.negotiated.group.empty()) out += " (" + r.java.negotiated.group + ")";
    out += "\n";
  }
  if (!j.java_message.empty()) out += "  Java says: " + j.java_message + "\n";
  if (!j.path.empty()) {
    out += "  trusted path:\n";
    for (const CertPtr& c : j.path) out += "    " + c->subject + "\n";
  }
  if (r.enumeration) {
    const Enumeration& e = *r.enumeration;
    out += "Server accepts" + std::string(e.complete ? "" : " (enumeration incomplete)") + ":\n";
    for (const auto& [p, ok] : e.protocols) {
      out += "  " + p + ": " + (ok ? "yes" : "no") + "\n";
      auto suites = e.suites.find(p);
      if (suites != e.suites.end()) {
        for (const std::string& s : suites->second) out += "      " + s + "\n";
      }
      auto groups = e.groups.find(p);
      if (groups != e.groups.end()) {
        out += "      groups:";
        for (const std::string& g : groups->second) out += " " + g;
        out += "\n";
      }
    }
  }
  if (j.as_server) {
    out += "As DLP's Java server to an MTA offering this set: " +
           std::string(j.as_server->handshake_possible ? "handshake possible"
                                                       : "no cipher suites in common") +
           "\n";
  }
  out += findings_text(j.findings);
  return out;
}

std::string chain_pem(const ProbeResult& r) {
  std::string out;
  for (const Bytes& der : r.chain_der) {
    std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der.data(),
                            static_cast<int>(der.size()));
    b64.resize(static_cast<std::size_t>(n));
    out += "-----BEGIN CERTIFICATE-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
    out += "-----END CERTIFICATE-----\n";
  }
  return out;
}

}  // namespace ksdoctor::report
