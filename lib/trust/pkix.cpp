#include "pkix.hpp"

#include "formats/java_x500.hpp"
#include "ksdoctor/trust.hpp"

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

std::optional<std::string> validate(const std::vector<CertPtr>& path, const Certificate& anchor,
                                    std::int64_t now) {
  const Certificate* signer = &anchor;
  int max_path_length = static_cast<int>(path.size());
  for (std::size_t k = path.size(); k-- > 0;) {
    const Certificate& cert = *path[k];
    bool target = k == 0;
    // AlgorithmChecker: the signer's key and the signature algorithm, then this cert's key.
    // A disabled signer key is reported as the signature algorithm that used it.
    if (!disabled_key_reason(signer->key).empty()) {
      return "Algorithm constraints check failed on signature algorithm: " +
             cert.signature_algorithm;
    }
    if (signature_algorithm_disabled(cert.signature_algorithm)) {
      return "Algorithm constraints check failed on signature algorithm: " +
             cert.signature_algorithm;
    }
    if (!disabled_key_reason(cert.key).empty()) {
      return "Algorithm constraints check failed on keysize limits: " +
             disabled_key_reason(cert.key) +
             " used with certificate: " + principal_text(cert.subject);
    }
    if (!target) {
      // KeyChecker
      if (cert.key_usage && !(*cert.key_usage & kKeyCertSign)) {
        return "CA key usage check failed: keyCertSign bit is not set";
      }
      // ConstraintsChecker
      int path_len = -1;
      if (cert.version < 3) {
        if (path.size() - k == 1 && cert.self_issued()) path_len = 0x7fffffff;
      } else if (cert.is_ca) {
        path_len = cert.path_len.value_or(0x7fffffff);
      }
      if (path_len == -1) return "basic constraints check failed: this is not a CA certificate";
      if (!cert.self_issued()) {
        if (max_path_length <= 0) {
          return "basic constraints check failed: pathLenConstraint violated - this cert must "
                 "be the last cert in the certification path";
        }
        --max_path_length;
      }
      if (path_len < max_path_length) max_path_length = path_len;
    }
    // BasicChecker: signature, validity, name chaining.
    if (!signature_valid(cert, *signer)) return "signature check failed";
    if (now < cert.not_before || now > cert.not_after) return "validity check failed";
    if (!java_x500_equal(cert.issuer_der, signer->subject_der)) {
      return "subject/issuer name chaining check failed";
    }
    signer = &cert;
  }
  return std::nullopt;
}

}  // namespace ksdoctor::pkix
