#include "ksdoctor/keystore.hpp"

#include "core/text.hpp"

namespace ksdoctor {

const char* format_name(StoreFormat format) {
  switch (format) {
    case StoreFormat::kJks:
      return "JKS";
    case StoreFormat::kJceks:
      return "JCEKS";
    case StoreFormat::kPkcs12:
      return "PKCS12";
    case StoreFormat::kBks:
      return "BKS";
    case StoreFormat::kUber:
      return "UBER";
  }
  return "?";
}

const char* kind_name(EntryKind kind) {
  switch (kind) {
    case EntryKind::kPrivateKey:
      return "private_key";
    case EntryKind::kTrustedCert:
      return "trusted_cert";
    case EntryKind::kSecretKey:
      return "secret_key";
  }
  return "?";
}

const char* integrity_name(Integrity integrity) {
  switch (integrity) {
    case Integrity::kVerified:
      return "verified";
    case Integrity::kNotVerified:
      return "not_verified";
    case Integrity::kNoMac:
      return "no_mac";
  }
  return "?";
}

bool Keystore::lookupable(const Entry& entry) const {
  // PKCS#12 keys its map by the lower-cased alias, so what aliases() returns is always reachable.
  // BouncyCastle's Hashtable is keyed by the alias exactly as stored.
  if (format == StoreFormat::kPkcs12 || is_bouncycastle(format)) return true;
  return java_lowercase(entry.alias_utf16) == entry.alias_utf16;
}

}  // namespace ksdoctor
