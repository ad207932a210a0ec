// Java's trust decisions: which certificates a keystore makes trust anchors, and what a JVM's
// PKIX TrustManager says about a peer's certificate chain (PKIXValidator + SunCertPathBuilder +
// PKIXCertPathValidator semantics, JDK 17 defaults: no AIA fetching, no revocation).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// TrustStoreUtil.getTrustedCerts: every reachable trusted-certificate entry and chain[0] of every
// reachable key entry, deduplicated.
std::vector<CertPtr> java_trust_anchors(const Keystore& store);

// Where a certificate came from: typed, so that each command names it the way its user named it
// (report/ renders a source as "--trust FILE" for verify and "--from FILE" for repair).
struct CertOrigin {
  enum class Kind {
    kUnknown,
    kStoredChain,  // the key entry's own stored chain
    kKeystore,     // the keystore being checked: entry `alias`, a hidden certificate, or neither
    kSource,       // a certificate source the caller named: file `path` (`alias`/`hidden` when
                   // the file is a keystore)
    kSystem,       // the OS trust store: `path` is the bundle, or the file in its folder
    kAia,          // served by the caIssuers URL `path`
  };
  Kind kind = Kind::kUnknown;
  std::string path;
  std::string alias;    // an entry of a keystore (kKeystore, kSource)
  bool hidden = false;  // a PKCS#12 hidden certificate (kKeystore, kSource)

  static CertOrigin stored_chain() { return {Kind::kStoredChain, {}, {}, false}; }
  static CertOrigin keystore_entry(std::string alias = {}) {  // no alias: this keystore
    return {Kind::kKeystore, {}, std::move(alias), false};
  }
  static CertOrigin keystore_hidden() { return {Kind::kKeystore, {}, {}, true}; }
  static CertOrigin source(std::string path) { return {Kind::kSource, std::move(path), {}, false}; }
  static CertOrigin system(std::string path) { return {Kind::kSystem, std::move(path), {}, false}; }
  static CertOrigin aia(std::string url) { return {Kind::kAia, std::move(url), {}, false}; }

  bool operator==(const CertOrigin&) const = default;
};

// The origin in words, without command-line syntax: "stored chain", "keystore entry 'a'",
// "hidden certificate of this PKCS#12 file", "this keystore", "certs/ca.pem",
// "other.jks entry 'a'", "other.p12 hidden certificate", "system trust store (FILE)",
// "aia URL"; "" when unknown.
std::string describe_origin(const CertOrigin& origin);

// Certificates indexed by subject name (Java's X500Principal equality) and subject key
// identifier, deduplicated by DER, each remembering where it came from.
class CertPool {
 public:
  CertPool();
  ~CertPool();
  CertPool(CertPool&&) noexcept;
  CertPool& operator=(CertPool&&) noexcept;

  bool add(CertPtr cert, CertOrigin origin = {});  // false when the same DER is already present
  const std::vector<CertPtr>& all() const { return certs_; }
  std::size_t size() const { return certs_.size(); }
  std::vector<CertPtr> with_subject(const Bytes& name_der) const;
  std::vector<CertPtr> with_key_id(const Bytes& subject_key_id) const;
  bool contains(const Certificate& cert) const;
  // Where `cert` was added from (kUnknown when absent).
  const CertOrigin& origin(const Certificate& cert) const;

 private:
  struct Index;
  std::vector<CertPtr> certs_;
  std::unique_ptr<Index> index_;
};

// Does `issuer`'s public key verify `child`'s signature? (OpenSSL; results are memoized, so
// rebuilding thousands of chains through the same intermediates verifies each link once.)
bool signature_valid(const Certificate& child, const Certificate& issuer);

// Which check of Java's PKIX validation refuses a path (PKIXCertPathValidator's checkers,
// PKIXValidator's anchor check, the TLS server EndEntityChecker).
enum class PathCheck {
  kAlgorithmDisabled,     // AlgorithmChecker: jdk.certpath.disabledAlgorithms
  kCaKeyUsage,            // KeyChecker: a CA's keyUsage lacks keyCertSign
  kNotCa,                 // ConstraintsChecker: no basicConstraints cA
  kPathLength,            // ConstraintsChecker: pathLenConstraint
  kSignature,             // BasicChecker
  kValidity,              // BasicChecker: expired (CertificateExpiredException)
  kNotYetValid,           // BasicChecker: notBefore after the check time
                          // (CertificateNotYetValidException; same message as kValidity)
  kNameChaining,          // BasicChecker
  kNoMatchingAnchor,      // no anchor with the issuer's name and key identifier
  kAnchorNotCa,           // PKIXValidator: a v3 anchor that is not a CA with keyCertSign
  kLeafKeyUsage,          // EndEntityChecker: keyUsage lacks digitalSignature
  kLeafExtendedKeyUsage,  // EndEntityChecker: extendedKeyUsage lacks serverAuth
};

// Why Java refuses a path: the check, and the reason exactly as Java's exception words it
// ("validity check failed"), as Go's CertificateInvalidError keeps a reason and renders text
// only when printed.
struct PathProblem {
  PathCheck check = PathCheck::kSignature;
  std::string java_reason;

  bool operator==(const PathProblem&) const = default;
};

// The finding code for a refused path: "CERT_EXPIRED", "CERT_NOT_YET_VALID", "NOT_A_CA", ...
// ("PATH_NOT_VALID" for a check without its own code).
const char* path_problem_code(PathCheck check);

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
