// judge_probe: what DLP's Java 17 TLS client makes of a probed server — handshake (protocols,
// suites), trust (the same engine as `verify --peer`), and the server's hygiene.
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>

#include "ksdoctor/probe.hpp"

namespace ksdoctor {
namespace {

bool java_enables_protocol(const std::string& p) {
  const auto& v = java_tls_defaults().protocols;
  return std::find(v.begin(), v.end(), p) != v.end();
}

bool java_enables_suite(const std::string& s) {
  const auto& v = java_tls_defaults().suites;
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string java_protocol_list() {
  std::string out = "[";
  for (const std::string& p : java_tls_defaults().protocols) {
    out += (out.size() > 1 ? ", " : "") + p;
  }
  return out + "]";
}

// What Java's SSLHandshakeException says when the handshake offering Java's defaults failed with
// OpenSSL's `failure`: a fatal alert from the server is "Received fatal alert: <name>" in both
// (OpenSSL words it "tlsv1 alert protocol version"); a server that answers with a protocol Java
// did not offer gets Java's own refusal.
std::string java_failure_message(const std::string& failure, const std::string& server_protocol) {
  std::size_t at = failure.find(" alert ");
  if (at != std::string::npos) {
    std::string name = failure.substr(at + 7);
    name = name.substr(0, name.find_first_of(":(\n"));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    for (char& c : name) c = c == ' ' ? '_' : c;
    if (!name.empty()) return "Received fatal alert: " + name;
  }
  if (!server_protocol.empty() && !java_enables_protocol(server_protocol)) {
    return "The server selected protocol version " + server_protocol +
           " is not accepted by client preferences " + java_protocol_list();
  }
  return "Received fatal alert: handshake_failure";
}

Finding finding(const char* code, Severity severity, std::string message, std::string remedy) {
  Finding f;
  f.code = code;
  f.severity = severity;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  return f;
}

bool has_code(const std::vector<Finding>& findings, const char* code) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.code == code; });
}

// A certificate among `certs` that issued `child` (name and signature).
CertPtr issuer_among(const std::vector<CertPtr>& certs, const Certificate& child) {
  for (const CertPtr& c : certs) {
    if (c->subject_der == child.issuer_der && signature_valid(child, *c)) return c;
  }
  return nullptr;
}

// The served chain stops below the root at a certificate whose issuer is not a root: the server
// omits an intermediate. Browsers fetch it through AIA; Java does not.
std::optional<Finding> chain_incomplete(const ProbeResult& r, const JudgeOptions& o) {
  if (r.chain.empty()) return std::nullopt;
  // Walk up what was served, from the leaf.
  CertPtr top = r.chain[0];
  for (std::size_t i = 0; i < r.chain.size() && !top->self_issued(); ++i) {
    CertPtr up = issuer_among(r.chain, *top);
    if (!up || up == top) break;
    top = up;
  }
  if (top->self_issued()) return std::nullopt;
  std::vector<CertPtr> known = o.anchors;
  if (o.suggestions)
    known.insert(known.end(), o.suggestions->all().begin(), o.suggestions->all().end());
  CertPtr issuer = issuer_among(known, *top);
  // Its issuer is a root: only the root was left out, which is what servers should do.
  if (issuer && issuer->self_issued()) return std::nullopt;
  // Unknown issuer of a CA certificate: it may be a root we have not seen; say nothing.
  if (!issuer && top->is_ca) return std::nullopt;
  Finding f = finding(
      "SERVER_CHAIN_INCOMPLETE", Severity::kError,
      "the server sends " + std::to_string(r.chain.size()) + " certificate(s) ending at " +
          top->subject + " without its issuer " + top->issuer +
          ": browsers fetch the missing intermediate through AIA, Java does not",
      "configure the server to send its intermediate certificate(s) after its own (Postfix: "
      "smtpd_tls_chain_files or the full chain in smtpd_tls_cert_file), or import the "
      "intermediate into the keystore: ksdoctor repair KEYSTORE --peer CHAIN.pem --from FILE");
  f.details.emplace_back("issuer", top->issuer);
  if (!top->ca_issuers.empty()) f.details.emplace_back("ca_issuers", top->ca_issuers[0]);
  return f;
}

std::optional<Finding> hostname_mismatch(const ProbeResult& r) {
  if (r.chain.empty()) return std::nullopt;
  const std::string& name = r.server_name.empty() ? r.host : r.server_name;
  const Bytes& der = r.chain[0]->der;
  const unsigned char* p = der.data();
  std::unique_ptr<X509, decltype(&X509_free)> x(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
  if (!x) return std::nullopt;
  bool ip = r.server_name.empty() && name.find_first_not_of("0123456789.") == std::string::npos;
  ip = ip || name.find(':') != std::string::npos;
  int match = ip ? X509_check_ip_asc(x.get(), name.c_str(), 0)
                 : X509_check_host(x.get(), name.c_str(), name.size(), 0, nullptr);
  if (match == 1) return std::nullopt;
  Finding f = finding(
      "HOSTNAME_MISMATCH", Severity::kWarning,
      "the server's certificate " + r.chain[0]->subject + " does not name " + name +
          "; Java's check does not apply to DLP's forward connection (an SMTP client sets no "
          "endpoint identification algorithm), but other MTAs that verify names will refuse it",
      "issue the server a certificate whose subjectAltName includes " + name);
  f.details.emplace_back("name", name);
  f.details.emplace_back("java_checks", "false");
  return f;
}

bool suite_fits_key(const std::string& protocol, const std::string& suite, ServerKeyType key) {
  if (protocol == "TLSv1.3") return key == ServerKeyType::kRsa || key == ServerKeyType::kEc;
  if (suite.find("_ECDSA_") != std::string::npos) return key == ServerKeyType::kEc;
  if (suite.find("_DSS_") != std::string::npos) return key == ServerKeyType::kDsa;
  if (suite.find("_RSA_") != std::string::npos) return key == ServerKeyType::kRsa;
  return false;
}

void judge_as_server(const ProbeResult& r, const std::vector<ServerKeyType>& keys,
                     ProbeJudgement& j) {
  AsServer as;
  std::vector<std::pair<std::string, std::string>> offered;
  if (r.enumeration) {
    for (const auto& [protocol, suites] : r.enumeration->suites) {
      for (const std::string& s : suites) offered.emplace_back(protocol, s);
    }
  } else if (r.tls) {
    offered.emplace_back(r.tls->protocol, r.tls->cipher);
  }
  // A plain pair, not a structured binding: clang 14 (the fuzz build) cannot capture bindings.
  for (const std::pair<std::string, std::string>& offer : offered) {
    const std::string& protocol = offer.first;
    const std::string& suite = offer.second;
    if (!java_enables_protocol(protocol) || !java_enables_suite(suite)) continue;
    bool fits = std::any_of(keys.begin(), keys.end(),
                            [&](ServerKeyType k) { return suite_fits_key(protocol, suite, k); });
    if (fits) as.usable.emplace_back(protocol, suite);
  }
  as.handshake_possible = !as.usable.empty();
  if (keys.empty()) {
    j.findings.push_back(finding(
        "AS_SERVER_NO_KEY_ENTRY", Severity::kError,
        "the keystore holds no key entry Java could present: an upstream MTA's STARTTLS fails "
        "with \"no cipher suites in common\"",
        "import the server's key and certificate chain with ksdoctor import (from a PFX, or a "
        "PEM key and certificate)"));
  } else if (!as.handshake_possible) {
    j.findings.push_back(finding(
        "AS_SERVER_NO_CIPHER_IN_COMMON", Severity::kError,
        "an MTA offering what this server accepts could not handshake with DLP's Java server: "
        "no offered protocol and suite is enabled in Java 17 and fits the keystore's key type "
        "(\"no cipher suites in common\")",
        "enable TLS 1.2/1.3 suites matching the keystore's key (ECDHE_RSA for an RSA key, "
        "ECDHE_ECDSA for an EC key) on the upstream MTA"));
  }
  j.as_server = std::move(as);
}

void enumeration_findings(const Enumeration& e, ProbeJudgement& j) {
  std::string legacy;
  for (const char* p : {"TLSv1", "TLSv1.1"}) {
    auto it = e.protocols.find(p);
    if (it != e.protocols.end() && it->second)
      legacy += (legacy.empty() ? "" : ", ") + std::string(p);
  }
  if (!legacy.empty()) {
    Finding f = finding(
        "LEGACY_PROTOCOL_ENABLED", Severity::kWarning,
        "the server accepts " + legacy + ", which Java 17 disables (jdk.tls.disabledAlgorithms)",
        "accept TLS 1.2 and 1.3 only (Postfix: smtpd_tls_protocols = >=TLSv1.2)");
    f.details.emplace_back("protocols", legacy);
    j.findings.push_back(std::move(f));
  }
  std::string weak;
  for (const auto& [protocol, suites] : e.suites) {
    for (const std::string& s : suites) {
      if (is_weak_suite(s) && weak.find(s) == std::string::npos) {
        weak += (weak.empty() ? "" : ", ") + s;
      }
    }
  }
  if (!weak.empty()) {
    Finding f = finding("WEAK_CIPHERS_ENABLED", Severity::kWarning,
                        "the server accepts weak cipher suites: " + weak,
                        "remove RC4, DES/3DES, NULL, anonymous and EXPORT suites from the "
                        "server's cipher list");
    f.details.emplace_back("suites", weak);
    j.findings.push_back(std::move(f));
  }
}

}  // namespace

const char* java_verdict_name(JavaVerdictKind kind) {
  switch (kind) {
    case JavaVerdictKind::kTrusted:
      return "trusted";
    case JavaVerdictKind::kUntrusted:
      return "untrusted";
    case JavaVerdictKind::kHandshakeFails:
      return "handshake_fails";
    case JavaVerdictKind::kNotJudged:
      return "not_judged";
  }
  return "handshake_fails";
}

ProbeJudgement judge_probe(const ProbeResult& r, const JudgeOptions& o) {
  ProbeJudgement j;
  if (!r.starttls_offered) {
    j.verdict = JavaVerdictKind::kHandshakeFails;
    j.findings.push_back(finding(
        "STARTTLS_NOT_OFFERED", Severity::kError,
        "the server does not advertise STARTTLS in its EHLO reply: DLP either relays in plain "
        "text or, when TLS is required, fails with \"450 4.7.0 TLS encryption required\"",
        "enable STARTTLS on the server (Postfix: smtpd_tls_security_level = may, with a "
        "certificate and key)"));
    return j;
  }
  if (r.java.succeeded) {
    j.verdict = o.truststore_given ? JavaVerdictKind::kTrusted : JavaVerdictKind::kNotJudged;
  } else {
    j.verdict = JavaVerdictKind::kHandshakeFails;
    const std::string& p = r.tls ? r.tls->protocol : std::string();
    if (!p.empty() && !java_enables_protocol(p)) {
      j.java_message = java_failure_message(r.java.failure, p);
      Finding f = finding(
          "NO_PROTOCOL_IN_COMMON_WITH_JAVA", Severity::kError,
          "the server speaks at most " + p + ", and Java 17 enables only " + java_protocol_list() +
              ": the handshake fails",
          "enable TLS 1.2 (and 1.3) on the server (Postfix: smtpd_tls_protocols = >=TLSv1.2); "
          "re-enabling " +
              p +
              " in DLP's JVM (jdk.tls.disabledAlgorithms) is the insecure "
              "alternative");
      f.details.emplace_back("server_protocol", p);
      j.findings.push_back(std::move(f));
    } else {
      j.java_message = java_failure_message(r.java.failure, p);
      Finding f = finding("NO_CIPHER_IN_COMMON_WITH_JAVA", Severity::kError,
                          "the server accepts none of the cipher suites Java 17 offers" +
                              (p.empty() ? std::string() : " at " + p) +
                              " (the server answers handshake_failure)",
                          "enable suites Java 17 offers on the server, e.g. "
                          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Postfix: tls_high_cipherlist / "
                          "smtpd_tls_mandatory_ciphers)");
      if (r.tls) f.details.emplace_back("server_cipher", r.tls->cipher);
      f.details.emplace_back("openssl_reason", r.java.failure);
      j.findings.push_back(std::move(f));
    }
  }

  if (o.truststore_given && !r.chain.empty()) {
    PeerCheckOptions check;
    check.now = o.now;
    CertPool empty;
    PeerVerdict v = verify_peer(r.chain, o.anchors, o.suggestions ? *o.suggestions : empty, check);
    j.path = v.path;
    if (j.verdict != JavaVerdictKind::kHandshakeFails) {
      j.verdict = v.trusted ? JavaVerdictKind::kTrusted : JavaVerdictKind::kUntrusted;
      j.java_message = v.java_message;
    }
    j.findings.insert(j.findings.end(), v.findings.begin(), v.findings.end());
  } else if (o.truststore_given && r.chain.empty() &&
             j.verdict != JavaVerdictKind::kHandshakeFails) {
    j.verdict = JavaVerdictKind::kUntrusted;
    j.java_message = "null or zero-length certificate chain";
  }
  if (auto f = chain_incomplete(r, o)) j.findings.push_back(std::move(*f));
  if (!r.chain.empty() && r.chain[0]->not_after < o.now && !has_code(j.findings, "CERT_EXPIRED")) {
    Finding f = finding("CERT_EXPIRED", Severity::kError,
                        "the server's certificate " + r.chain[0]->subject +
                            " has expired: Java refuses it (validity check failed)",
                        "renew the server's certificate");
    j.findings.push_back(std::move(f));
  } else if (!r.chain.empty() && o.now < r.chain[0]->not_before &&
             !has_code(j.findings, "CERT_NOT_YET_VALID")) {
    // Java's message is the same "validity check failed"; only the cause differs
    // (CertificateNotYetValidException), and so does the remedy: usually a clock.
    Finding f = finding("CERT_NOT_YET_VALID", Severity::kError,
                        "the server's certificate " + r.chain[0]->subject +
                            " is not valid yet: Java refuses it (validity check failed)",
                        "check this machine's clock, or the server must present a certificate "
                        "that is valid now");
    j.findings.push_back(std::move(f));
  }
  if (auto f = hostname_mismatch(r)) j.findings.push_back(std::move(*f));
  if (r.enumeration) enumeration_findings(*r.enumeration, j);
  if (o.server_keys) judge_as_server(r, *o.server_keys, j);
  return j;
}

bool probe_ok(const ProbeJudgement& j) {
  bool verdict_ok =
      j.verdict == JavaVerdictKind::kTrusted || j.verdict == JavaVerdictKind::kNotJudged;
  return verdict_ok && !has_errors(j.findings);
}

}  // namespace ksdoctor
