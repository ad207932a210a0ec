// SafeContents and SafeBags, read as PKCS12KeyStore.loadSafeContents reads them (JDK 17): which
// bags count, which attributes it looks at, and its error messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor::pkcs12 {

enum class BagType {
  kShroudedKey,  // pkcs8ShroudedKeyBag: a private key entry
  kCert,         // certBag
  kSecret,       // secretBag: a secret key entry (Java writes the EncryptedPrivateKeyInfo inside)
  kOther,        // keyBag, crlBag, safeContentsBag, ...: Java skips them
};

struct SafeBag {
  BagType type = BagType::kOther;
  std::string type_oid;
  Bytes blob;    // shrouded key: the EncryptedPrivateKeyInfo as stored; secret: the one inside
  CertPtr cert;  // certBag
  std::optional<std::u16string> friendly_name;
  std::optional<Bytes> local_key_id;
  std::optional<std::vector<std::string>> trusted_key_usage;  // OIDs
};

// Parses the first element of `safe_contents` (BER accepted). Throws FormatError with Java's
// message for what Java refuses (and FormatError("BAD_CERTIFICATE") for a certificate it cannot
// parse).
std::vector<SafeBag> parse_safe_contents(ByteView safe_contents);

// A short name for a bag type OID ("keyBag", "crlBag", ...), or the OID.
std::string bag_type_name(const std::string& oid);

}  // namespace ksdoctor::pkcs12
