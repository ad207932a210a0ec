// Which key entry a Java TLS server presents: the two JDK 17 key managers a server gets from
// KeyManagerFactory.init(keystore, keypass), predicted from the keystore alone.
//
//  - SunX509 (KeyManagerFactory.getDefaultAlgorithm(), sun.security.ssl.SunX509KeyManagerImpl)
//    opens every key entry with the one password (a single key under another password makes init
//    throw "Cannot recover key"), keeps the private keys that have a certificate chain in a
//    java.util.HashMap, and presents, per key type, the first alias in that HashMap's order —
//    valid or not.
//  - PKIX ("NewSunX509", sun.security.ssl.X509KeyManagerImpl) walks KeyStore.aliases() and
//    prefers a certificate that is valid with suitable extensions over an expired one over one
//    with unsuitable extensions, ties broken by aliases() order. It chooses without opening keys.
//
// Both as chooseServerAlias(keyType, null, null) answers (no SNI, no peer signature algorithms).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

// Java's PublicKey.getAlgorithm() for a certificate's key: "RSA", "EC", "DSA", "RSASSA-PSS",
// "EdDSA" (Ed25519 and Ed448), "XDH"; ksdoctor's name (a dotted OID) when Java's is unknown.
std::string java_key_type(const PublicKeyInfo& key);

// How X509KeyManagerImpl's CheckType.SERVER judges a certificate (best first).
enum class KeyEntryFitness {
  kOk,                 // extensions allow a TLS server and the certificate is valid now
  kExpired,            // extensions allow a TLS server, but expired or not yet valid
  kExtensionMismatch,  // extendedKeyUsage or keyUsage rule a TLS server out
};
const char* key_entry_fitness_name(KeyEntryFitness fitness);  // "ok", "expired", ...

// One key entry a key manager could present.
struct KeyManagerCandidate {
  std::string alias;
  std::size_t entry_index = 0;  // into Keystore::entries
  KeyEntryFitness fitness = KeyEntryFitness::kOk;
  bool key_recovers = false;       // with the key password (SunX509 needs it; PKIX does not check)
  bool algorithms_allowed = true;  // chain conforms to JDK 17's default algorithm constraints
};

struct PresentedAlias {
  std::string key_type;  // "RSA", "EC", ... (java_key_type)
  // What chooseServerAlias(key_type, null, null) returns; empty when that key manager has no
  // entry of this type (always empty for SunX509 when its init fails).
  std::optional<std::string> sunx509;
  std::optional<std::string> pkix;
  // SunX509's HashMap order could not be reproduced (a red-black tree bin): sunx509 is empty.
  bool sunx509_undetermined = false;
  // Every key entry with a chain of this key type, in KeyStore.aliases() order.
  std::vector<KeyManagerCandidate> candidates;
};

struct KeyManagerPrediction {
  // KeyManagerFactory("SunX509").init throws UnrecoverableKeyException: some key entry (private or
  // secret) does not open with the password.
  bool sunx509_init_fails = false;
  std::vector<std::string> unrecoverable_aliases;  // key entries that do not open, aliases() order
  std::vector<PresentedAlias> by_key_type;  // one per key type with >= 1 key entry with a chain

  // Worth telling a person: SunX509's init fails, or some key type has several entries.
  bool ambiguous() const;
};

// `keypass` is the one password KeyManagerFactory.init gets (the store password unless the
// server is configured otherwise); it must not be null. `now` in epoch seconds.
KeyManagerPrediction predict_key_managers(const Keystore& store, const Password& keypass,
                                          std::int64_t now);

// EXPIRED_KEY_ENTRY_PRESENTED for each key type where SunX509 presents a certificate that is not
// valid at `now` while another entry of that type is.
std::vector<Finding> key_manager_findings(const Keystore& store,
                                          const KeyManagerPrediction& prediction,
                                          std::int64_t now);

}  // namespace ksdoctor
