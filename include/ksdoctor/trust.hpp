// Java's trust decisions: which certificates a keystore makes trust anchors, and what a JVM's
// PKIX TrustManager says about a peer's certificate chain (PKIXValidator + SunCertPathBuilder +
// PKIXCertPathValidator semantics, JDK 17 defaults: no AIA fetching, no revocation).
#pragma once

#include <cstdint>
#include <memory>
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

// Certificates indexed by subject name (Java's X500Principal equality) and subject key
// identifier, deduplicated by DER, each remembering where it came from.
class CertPool {
 public:
  CertPool();
  ~CertPool();
  CertPool(CertPool&&) noexcept;
  CertPool& operator=(CertPool&&) noexcept;

  bool add(CertPtr cert, std::string origin = {});  // false when the same DER is already present
  const std::vector<CertPtr>& all() const { return certs_; }
  std::size_t size() const { return certs_.size(); }
  std::vector<CertPtr> with_subject(const Bytes& name_der) const;
  std::vector<CertPtr> with_key_id(const Bytes& subject_key_id) const;
  bool contains(const Certificate& cert) const;
  // Where `cert` was added from ("" when unknown or absent).
  const std::string& origin(const Certificate& cert) const;

 private:
  struct Index;
  std::vector<CertPtr> certs_;
  std::unique_ptr<Index> index_;
};

// Does `issuer`'s public key verify `child`'s signature? (OpenSSL; results are memoized, so
// rebuilding thousands of chains through the same intermediates verifies each link once.)
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
