// The keystore model: entries exactly as Java's KeyStore API presents them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// kBks and kUber: BouncyCastle's BcKeyStoreSpi stores ("BKS" covers BKS-V1, the same layout).
enum class StoreFormat { kJks, kJceks, kPkcs12, kBks, kUber };
const char* format_name(StoreFormat format);  // "JKS", "JCEKS", "PKCS12", "BKS", "UBER"
// BKS or UBER: BouncyCastle's layout, case-sensitive aliases.
inline bool is_bouncycastle(StoreFormat format) {
  return format == StoreFormat::kBks || format == StoreFormat::kUber;
}

enum class EntryKind { kPrivateKey, kTrustedCert, kSecretKey };
const char* kind_name(EntryKind kind);  // "private_key", "trusted_cert", "secret_key"

enum class Integrity {
  kVerified,     // digest / MAC checked with the store password
  kNotVerified,  // opened with a null password: Java skips the check
  kNoMac,        // PKCS#12 without MacData: nothing to check
};
const char* integrity_name(Integrity integrity);  // "verified", "not_verified", "no_mac"

// A private or secret key exactly as stored: never decrypted by the reader.
struct ProtectedKey {
  std::string algorithm;      // "JKS key protector", "PBEWithMD5AndTripleDES", "PBES2 ..."
  std::string algorithm_oid;  // dotted OID of the protection scheme
  int iterations = 0;         // 0 when the scheme has none
  Bytes blob;  // JKS/JCEKS private: EncryptedPrivateKeyInfo; JCEKS secret: serialized sealed
               // object; PKCS#12: the EncryptedPrivateKeyInfo exactly as stored (the
               // pkcs8ShroudedKeyBag value, or the one inside a secretBag)
};

struct Entry {
  std::u16string alias_utf16;  // exactly the String Java's aliases() returns
  std::string alias;           // the same, as UTF-8
  EntryKind kind = EntryKind::kTrustedCert;
  std::optional<std::int64_t> created_ms;  // epoch milliseconds
  std::vector<CertPtr> chain;  // getCertificateChain(), or {getCertificate()} for trusted certs
  std::optional<ProtectedKey> key;
  // PKCS#12 only: Oracle trustedKeyUsage OIDs of a trusted cert bag, and the bag's localKeyID.
  std::vector<std::string> trusted_key_usage;
  Bytes local_key_id;
  // PKCS#12 key entries only: a certificate bag that matches this key (same localKeyID, or
  // friendlyName) but carries trustedKeyUsage, so Java never considered it for the key's chain.
  CertPtr excluded_trusted_leaf;
  // JKS/JCEKS entries read from a file: the index of the first record with this alias in that
  // file, i.e. when Java's load put() the alias into its Hashtable. Empty for entries that did not
  // come from a JKS/JCEKS file (added, or read from PKCS#12). write_jks_family puts entries in this
  // order, then the others, to reproduce the Hashtable order Java writes.
  std::optional<std::size_t> file_position;
};

// A PKCS#12 bag Java's PKCS12KeyStore skips without a word (keyBag, crlBag, safeContentsBag, ...).
struct IgnoredBag {
  std::string type;           // "keyBag", "crlBag", "safeContentsBag" or the dotted OID
  std::string friendly_name;  // UTF-8; empty when the bag has none
};

// How a PKCS#12 file protects itself (empty strings where a part is absent).
struct Pkcs12Protection {
  // Java's names: "PBEWithHmacSHA256AndAES_256", "PBEWithSHA1AndRC2_40", "PBEWithSHA1AndDESede";
  // cert_algorithm "NONE" when certificates are stored unencrypted.
  std::string cert_algorithm;
  int cert_iterations = 0;
  std::string key_algorithm;  // of the first key bag
  int key_iterations = 0;
  std::string mac_algorithm;  // "HmacPBESHA256", "HmacPBESHA1", "" when no MacData
  int mac_iterations = 0;
};

struct Keystore {
  StoreFormat format = StoreFormat::kJks;
  int version = 2;  // JKS/JCEKS/BKS/UBER file version; 3 for PKCS#12
  Integrity integrity = Integrity::kVerified;
  std::vector<Entry> entries;  // in the order Java's aliases() enumerates them
  // PKCS#12 certificates that Java loads but never shows: neither a trusted-certificate entry (no
  // trustedKeyUsage, or a later bag took the alias) nor in any key entry's chain. They only help
  // build key chains. Deduplicated, in file order.
  std::vector<CertPtr> hidden_certificates;
  std::vector<IgnoredBag> ignored_bags;  // PKCS#12 only
  std::optional<Pkcs12Protection> protection;

  // Whether Java's lookups (which lower-case the alias for JKS/JCEKS; BKS and UBER are
  // case-sensitive) reach this entry.
  bool lookupable(const Entry& entry) const;
};

}  // namespace ksdoctor
