#include "pkix.hpp"

#include "ksdoctor/trust.hpp"
#include "x509/java_x500.hpp"
#include "x509/oids.hpp"

namespace ksdoctor::pkix {

std::string disabled_key_reason(const PublicKeyInfo& key) {
  if ((key.algorithm == "RSA" || key.algorithm == "RSASSA-PSS") && key.bits > 0 &&
      key.bits < 1024) {
    return "RSA " + std::to_string(key.bits) + " bit key";
  }
  if (key.algorithm == "DSA" && key.bits > 0 && key.bits < 1024) {
    return "DSA " + std::to_string(key.bits) + " bit key";
  }
  if (key.algorithm == "EC" && key.bits > 0 && key.bits < 224) {
    return "EC " + std::to_string(key.bits) + " bit key";
  }
  return {};
}

bool signature_algorithm_disabled(const std::string& name) {
  return name.rfind("MD2", 0) == 0 || name.rfind("MD5", 0) == 0;
}

bool acts_as_ca(const Certificate& cert) {
  if (!cert.is_ca) return false;
  return !cert.key_usage || (*cert.key_usage & kKeyCertSign);
}

std::string principal_text(const std::string& rfc4514) {
  std::string out;
  for (std::size_t i = 0; i < rfc4514.size(); ++i) {
    out.push_back(rfc4514[i]);
    if (rfc4514[i] == '\\' && i + 1 < rfc4514.size()) {
      out.push_back(rfc4514[++i]);
    } else if (rfc4514[i] == ',') {
      out.push_back(' ');
    }
  }
  return out;
}

std::optional<PathProblem> tls_server_leaf_problem(const Certificate& leaf) {
  if (leaf.key_usage && !(*leaf.key_usage & kDigitalSignature)) {
    return PathProblem{PathCheck::kLeafKeyUsage, "KeyUsage does not allow digital signatures"};
  }
  if (leaf.ext_key_usage.empty()) return std::nullopt;
  for (const std::string& oid : leaf.ext_key_usage) {
    if (oid == oids::kServerAuth || oid == oids::kAnyExtendedKeyUsage) return std::nullopt;
  }
  return PathProblem{PathCheck::kLeafExtendedKeyUsage,
                     "Extended key usage does not permit use for TLS server authentication"};
}

std::optional<PathProblem> anchor_problem(const Certificate& anchor) {
  if (anchor.version < 3) return std::nullopt;
  std::string who = "TrustAnchor with subject \"" + principal_text(anchor.subject) + "\"";
  if (!anchor.is_ca) return PathProblem{PathCheck::kAnchorNotCa, who + " is not a CA certificate"};
  if (anchor.key_usage && !(*anchor.key_usage & kKeyCertSign)) {
    return PathProblem{PathCheck::kAnchorNotCa,
                       who + " does not have keyCertSign bit set in KeyUsage extension"};
  }
  return std::nullopt;
}

std::optional<PathProblem> validate(const std::vector<CertPtr>& path, const Certificate& anchor,
                                    std::int64_t now) {
  const Certificate* signer = &anchor;
  int max_path_length = static_cast<int>(path.size());
  for (std::size_t k = path.size(); k-- > 0;) {
    const Certificate& cert = *path[k];
    bool target = k == 0;
    // AlgorithmChecker: the signer's key and the signature algorithm, then this cert's key.
    // A disabled signer key is reported as the signature algorithm that used it.
    if (!disabled_key_reason(signer->key).empty()) {
      return PathProblem{
          PathCheck::kAlgorithmDisabled,
          "Algorithm constraints check failed on signature algorithm: " + cert.signature_algorithm};
    }
    if (signature_algorithm_disabled(cert.signature_algorithm)) {
      return PathProblem{
          PathCheck::kAlgorithmDisabled,
          "Algorithm constraints check failed on signature algorithm: " + cert.signature_algorithm};
    }
    if (!disabled_key_reason(cert.key).empty()) {
      return PathProblem{
          PathCheck::kAlgorithmDisabled,
          "Algorithm constraints check failed on keysize limits: " + disabled_key_reason(cert.key) +
              " used with certificate: " + principal_text(cert.subject)};
    }
    if (!target) {
      // KeyChecker
      if (cert.key_usage && !(*cert.key_usage & kKeyCertSign)) {
        return PathProblem{PathCheck::kCaKeyUsage,
                           "CA key usage check failed: keyCertSign bit is not set"};
      }
      // ConstraintsChecker
      int path_len = -1;
      if (cert.version < 3) {
        if (path.size() - k == 1 && cert.self_issued()) path_len = 0x7fffffff;
      } else if (cert.is_ca) {
        path_len = cert.path_len.value_or(0x7fffffff);
      }
      if (path_len == -1) {
        return PathProblem{PathCheck::kNotCa,
                           "basic constraints check failed: this is not a CA certificate"};
      }
      if (!cert.self_issued()) {
        if (max_path_length <= 0) {
          return PathProblem{PathCheck::kPathLength,
                             "basic constraints check failed: pathLenConstraint violated - this "
                             "cert must be the last cert in the certification path"};
        }
        --max_path_length;
      }
      if (path_len < max_path_length) max_path_length = path_len;
    }
    // BasicChecker: signature, validity, name chaining.
    if (!signature_valid(cert, *signer)) {
      return PathProblem{PathCheck::kSignature, "signature check failed"};
    }
    // Both end in "validity check failed"; the cause tells them apart
    // (CertificateNotYetValidException, BasicReason NOT_YET_VALID).
    if (now < cert.not_before) return PathProblem{PathCheck::kNotYetValid, "validity check failed"};
    if (now > cert.not_after) return PathProblem{PathCheck::kValidity, "validity check failed"};
    if (!java_x500_equal(cert.issuer_der, signer->subject_der)) {
      return PathProblem{PathCheck::kNameChaining, "subject/issuer name chaining check failed"};
    }
    signer = &cert;
  }
  return std::nullopt;
}

namespace {

struct Explanation {
  const char* code;
  const char* remedy;
};

Explanation explanation(PathCheck check) {
  switch (check) {
    case PathCheck::kAnchorNotCa:
      return {"ANCHOR_NOT_CA",
              "the trusted certificate is not a CA (basicConstraints/keyUsage); import the real "
              "CA"};
    case PathCheck::kValidity:
      return {"CERT_EXPIRED",
              "the peer must install a currently valid certificate (or the clock is wrong)"};
    case PathCheck::kNotYetValid:
      return {"CERT_NOT_YET_VALID",
              "a certificate is not valid yet: check this machine's clock, or the peer must "
              "install a certificate that is valid now"};
    case PathCheck::kNotCa:
      return {"NOT_A_CA",
              "the issuing certificate lacks basicConstraints cA=true; the CA must re-issue it"};
    case PathCheck::kPathLength:
      return {"PATH_LEN_EXCEEDED",
              "a CA's pathLenConstraint forbids this chain; the CA hierarchy must be re-issued"};
    case PathCheck::kCaKeyUsage:
      return {"KEY_USAGE_NO_CERT_SIGN",
              "a CA certificate's keyUsage lacks keyCertSign; the CA must re-issue it"};
    case PathCheck::kAlgorithmDisabled:
      return {"ALGORITHM_DISABLED_BY_JAVA",
              "JDK 17 refuses this key size or signature algorithm; the peer needs a new "
              "certificate"};
    case PathCheck::kSignature:
      return {"CHAIN_SIGNATURE_INVALID",
              "a certificate is not signed by the CA it names; the peer sends a wrong chain"};
    case PathCheck::kLeafExtendedKeyUsage:
      return {"EKU_NOT_SERVER_AUTH",
              "the peer's certificate is not issued for TLS servers (extendedKeyUsage lacks "
              "serverAuth); the peer needs a server certificate"};
    case PathCheck::kLeafKeyUsage:
      return {"KEY_USAGE_NOT_DIGITAL_SIGNATURE",
              "the peer's certificate keyUsage lacks digitalSignature; the peer needs a new "
              "certificate"};
    case PathCheck::kNoMatchingAnchor:
      return {"UNTRUSTED_ROOT",
              "the trusted CA with that name has a different key identifier than the one that "
              "signed the chain; import the CA the peer's chain names"};
    case PathCheck::kNameChaining:
      break;
  }
  return {"PATH_NOT_VALID", "see the message"};
}

}  // namespace

Finding explain(PathCheck check, const std::string& java_message) {
  const Explanation e = explanation(check);
  Finding f;
  f.code = e.code;
  f.remedy = e.remedy;
  f.severity = Severity::kError;
  f.message = "Java refuses the chain: " + java_message;
  f.details.emplace_back("java_reason", java_message);
  return f;
}

}  // namespace ksdoctor::pkix

namespace ksdoctor {

const char* path_problem_code(PathCheck check) { return pkix::explanation(check).code; }

}  // namespace ksdoctor
