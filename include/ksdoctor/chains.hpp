// `verify KEYSTORE`: every key entry's chain rebuilt to a self-signed root from the stored chain,
// the keystore and the --trust sources, and checked the way Java's PKIX validator would check it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/key_managers.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// One certificate of a rebuilt path and the link to the certificate that issued it.
struct PathLink {
  CertPtr cert;
  CertOrigin origin;          // stored chain, another keystore entry, a trust source, ...
  bool issuer_found = false;  // the next certificate of the path exists (false at a break)
  bool name_chains = false;   // its subject is this certificate's issuer (Java's equality)
  bool signature_ok = false;  // its key verifies this certificate's signature
  bool self_signed = false;   // this certificate is a root (self-issued, verifies itself)
};

struct EntryChainReport {
  std::string alias;
  std::vector<CertPtr> stored;  // getCertificateChain, as stored
  std::vector<PathLink> path;   // leaf first; ends at a root, or where the issuer is missing
  bool reaches_root = false;    // path ends at a self-signed certificate
  bool root_trusted = false;    // that root is a keystore trusted entry or in a --trust source
  bool complete = false;        // the stored chain holds every non-root certificate of the path
  bool ordered = false;         // stored[i] is issued by stored[i + 1] (by name) throughout
  bool signatures_ok = false;   // every adjacent stored link whose names chain also verifies
  std::optional<PathProblem> java_problem;  // why Java's validator refuses the path, if it does
  std::vector<Finding> findings;
};

// How findings word a certificate's origin ("found in ..."). The library's default is
// describe_origin; a command passes its own (report/ names sources the way its user named them).
// Called from several threads at once.
using OriginNamer = std::function<std::string(const CertOrigin&)>;

struct KeystoreVerifyOptions {
  std::int64_t now = 0;
  bool tls_server = true;   // the key entries serve TLS (prevent.ks does): check serverAuth EKU
  OriginNamer name_origin;  // empty: describe_origin
  // The password the server's KeyManagerFactory gets: when set, the report says which key entry
  // Java presents (key_managers) and adds EXPIRED_KEY_ENTRY_PRESENTED findings.
  std::optional<Password> keypass;
};

struct KeystoreVerifyReport {
  std::vector<EntryChainReport> entries;  // key entries, in the keystore's order
  std::vector<Finding> findings;          // every entry's findings, alias set, in order
  std::optional<KeyManagerPrediction> key_managers;  // when options.keypass was given
};

// `trust` holds the certificates of the caller's sources (with their origins); the keystore's own
// certificates are added internally. Deterministic and bounded for adversarial pools.
KeystoreVerifyReport verify_keystore(const Keystore& store, const CertPool& trust,
                                     const KeystoreVerifyOptions& options);

}  // namespace ksdoctor
