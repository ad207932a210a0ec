// Certificate lint rules, with severities that follow what JDK 17 actually refuses
// (jdk.certpath.disabledAlgorithms) versus what is merely weak.
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor {
namespace {

Finding make(std::string code, Severity severity, const std::string& alias, const Certificate& cert,
             const std::string& role, std::string message, std::string remedy) {
  Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.alias = alias;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  f.details = {{"subject", cert.subject}, {"sha256", cert.sha256}, {"position", role}};
  return f;
}

void lint_validity(const Certificate& cert, const std::string& alias, const std::string& role,
                   std::int64_t now, int warn_days, std::vector<Finding>& out) {
  if (now > cert.not_after) {
    out.push_back(make("CERT_EXPIRED", Severity::kError, alias, cert, role,
                       "certificate " + cert.subject + " (" + role + ") expired on " +
                           format_rfc3339(cert.not_after),
                       "replace it with a renewed certificate and import that into the keystore"));
  } else if (now < cert.not_before) {
    out.push_back(make("CERT_NOT_YET_VALID", Severity::kError, alias, cert, role,
                       "certificate " + cert.subject + " (" + role + ") is not valid before " +
                           format_rfc3339(cert.not_before),
                       "check the server clock, or wait until the certificate becomes valid"));
  } else if (cert.not_after - now < static_cast<std::int64_t>(warn_days) * 86400) {
    out.push_back(make("CERT_EXPIRING_SOON", Severity::kWarning, alias, cert, role,
                       "certificate " + cert.subject + " (" + role + ") expires on " +
                           format_rfc3339(cert.not_after) + ", within " +
                           std::to_string(warn_days) + " days",
                       "renew it and import the new certificate before it expires"));
  }
}

void lint_key_size(const Certificate& cert, const std::string& alias, const std::string& role,
                   std::vector<Finding>& out) {
  const PublicKeyInfo& key = cert.key;
  bool rsa_like = key.algorithm == "RSA" || key.algorithm == "RSASSA-PSS" || key.algorithm == "DSA";
  std::string what = key.describe();
  if ((rsa_like && key.bits > 0 && key.bits < 1024) ||
      (key.algorithm == "EC" && key.bits > 0 && key.bits < 224)) {
    auto f = make("KEY_DISABLED_BY_JAVA", Severity::kError, alias, cert, role,
                  "certificate " + cert.subject + " (" + role + ") has a " + what +
                      " key, which JDK 17 disables (jdk.certpath.disabledAlgorithms)",
                  "issue a new certificate with an RSA 2048+ or EC P-256+ key");
    f.details.emplace_back("key", what);
    out.push_back(std::move(f));
  } else if (rsa_like && key.bits > 0 && key.bits < 2048) {
    auto f = make("WEAK_KEY", Severity::kWarning, alias, cert, role,
                  "certificate " + cert.subject + " (" + role + ") has a " + what +
                      " key; 2048 bits is the minimum current practice",
                  "issue a new certificate with an RSA 2048+ or EC P-256+ key");
    f.details.emplace_back("key", what);
    out.push_back(std::move(f));
  }
}

void lint_signature(const Certificate& cert, const std::string& alias, const std::string& role,
                    std::vector<Finding>& out) {
  const std::string& alg = cert.signature_algorithm;
  bool md = alg.rfind("MD5", 0) == 0 || alg.rfind("MD2", 0) == 0;
  bool sha1 = alg.rfind("SHA1", 0) == 0;
  if (!md && !sha1) return;
  Finding f;
  if (cert.self_issued()) {
    // Java never checks the signature of a trust anchor, so only the hygiene matters here.
    f = make("WEAK_SIGNATURE_ALGORITHM", Severity::kInfo, alias, cert, role,
             "self-signed certificate " + cert.subject + " (" + role + ") is signed with " + alg +
                 "; Java does not check signatures on trust anchors, so this does not break TLS",
             "replace it when its issuer offers a SHA-256 version");
  } else if (md) {
    f = make("SIGNATURE_ALGORITHM_DISABLED", Severity::kError, alias, cert, role,
             "certificate " + cert.subject + " (" + role + ") is signed with " + alg +
                 ", which JDK 17 refuses in certification paths",
             "have the certificate re-issued with SHA-256 or better");
  } else {
    f = make("WEAK_SIGNATURE_ALGORITHM", Severity::kWarning, alias, cert, role,
             "certificate " + cert.subject + " (" + role + ") is signed with " + alg +
                 "; JDK 17 rejects SHA-1 in TLS server chains anchored in its own CA set",
             "have the certificate re-issued with SHA-256 or better");
  }
  f.details.emplace_back("signature_algorithm", alg);
  out.push_back(std::move(f));
}

}  // namespace

void lint_certificate(const Certificate& cert, const std::string& alias, const std::string& role,
                      std::int64_t now, int warn_days, std::vector<Finding>& out) {
  lint_validity(cert, alias, role, now, warn_days, out);
  lint_key_size(cert, alias, role, out);
  lint_signature(cert, alias, role, out);
}

}  // namespace ksdoctor
