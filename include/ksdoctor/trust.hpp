// Java's trust decisions: which certificates a keystore makes trust anchors, and what a JVM's
// PKIX TrustManager says about a peer's certificate chain (PKIXValidator + SunCertPathBuilder +
// PKIXCertPathValidator semantics, JDK 17 defaults: no AIA fetching, no revocation).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// TrustStoreUtil.getTrustedCerts: every reachable trusted-certificate entry and chain[0] of every
// reachable key entry, deduplicated.
std::vector<CertPtr> java_trust_anchors(const Keystore& store);

// Certificates indexed by subject name (Java's X500Principal equality) and key identifier.
class CertPool {
 public:
  bool add(CertPtr cert);  // false when the same DER is already present
  const std::vector<CertPtr>& all() const { return certs_; }
  std::vector<CertPtr> with_subject(const Bytes& name_der) const;
  bool contains(const Certificate& cert) const;

 private:
  std::vector<CertPtr> certs_;
};

// Does `issuer`'s public key verify `child`'s signature? (OpenSSL; results are not cached.)
bool signature_valid(const Certificate& child, const Certificate& issuer);

struct PeerVerdict {
  bool trusted = false;
  std::string java_message;   // empty when trusted
  std::vector<CertPtr> path;  // leaf first, ending with the trust anchor Java used
  // When no path exists: the issuer names Java looked for and could not find.
  std::vector<Finding> findings;
};

struct PeerCheckOptions {
  std::int64_t now = 0;
  bool tls_server = true;  // apply the TLS server end-entity (EKU) check
};

// What a JVM TrustManager whose truststore holds `anchors` says to `chain` (as sent: leaf first).
// `suggestions` are certificates the user could import (from --trust sources): findings name the
// ones that would complete a path.
PeerVerdict verify_peer(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors,
                        const CertPool& suggestions, const PeerCheckOptions& options);

}  // namespace ksdoctor
