// BKS (version 2) and UBER (version 1) as BcKeyStoreSpi.engineStore writes them: a random 20-byte
// salt, 1024 + (random & 0x3ff) iterations, the entries (saveStore), then the HMAC (BKS) or the
// SHA-1 digest, everything after the header encrypted with Twofish (UBER). Key blobs are written
// exactly as they are in the model.
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

#include "bks_format.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor {
namespace bks_writer_detail {

using namespace bks;

void write_cert(Bytes& out, const Certificate& cert) {
  write_utf(out, u"X.509");
  write_u32(out, static_cast<std::uint32_t>(cert.der.size()));
  out.insert(out.end(), cert.der.begin(), cert.der.end());
}

std::uint8_t entry_type(const Entry& e) {
  if (e.kind == EntryKind::kTrustedCert) return kCertificate;
  if (!e.key) throw UsageError("KEY_MISSING", "key entry '" + e.alias + "' holds no key");
  if (e.key->algorithm == kSealedAlgorithm) return kSealed;
  if (e.key->algorithm == kClearAlgorithm) return kKey;
  if (e.key->algorithm == kStoredAlgorithm) return kSecret;
  throw UsageError("KEY_PROTECTION_MISMATCH", "the key of '" + e.alias + "' is protected as " +
                                                  e.key->algorithm + ", which BKS does not hold");
}

// saveStore: the Hashtable enumeration of the store as loaded, then what was added; writing the
// loaded entries in file order and the others after them makes BouncyCastle build that table.
Bytes entry_stream(const Keystore& store, std::int64_t now_ms) {
  std::vector<const Entry*> order;
  for (const Entry& e : store.entries) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    if (a->file_position.has_value() != b->file_position.has_value()) {
      return a->file_position.has_value();
    }
    return a->file_position.value_or(0) < b->file_position.value_or(0);
  });
  Bytes out;
  for (const Entry* e : order) {
    std::uint8_t type = entry_type(*e);
    out.push_back(type);
    write_utf(out, e->alias_utf16);
    write_i64(out, e->created_ms.value_or(now_ms));
    if (type == kCertificate) {
      if (e->chain.empty()) throw UsageError("CERT_MISSING", "'" + e->alias + "' has no cert");
      write_u32(out, 0);
      write_cert(out, *e->chain.front());
      continue;
    }
    write_u32(out, static_cast<std::uint32_t>(e->chain.size()));
    for (const CertPtr& c : e->chain) write_cert(out, *c);
    if (type != kKey) write_u32(out, static_cast<std::uint32_t>(e->key->blob.size()));
    out.insert(out.end(), e->key->blob.begin(), e->key->blob.end());
  }
  out.push_back(kEnd);
  return out;
}

}  // namespace bks_writer_detail

Bytes write_bks_family(const Keystore& store, const Password& storepass, std::int64_t now_ms) {
  using namespace bks_writer_detail;
  if (storepass.is_null()) throw UsageError("PASSWORD_REQUIRED", "a store password is required");
  const bool uber = store.format == StoreFormat::kUber;
  Bytes salt(kSaltSize), r(4);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1 || RAND_bytes(r.data(), 4) != 1) {
    throw FormatError("CRYPTO", "no random bytes from OpenSSL");
  }
  int iterations = 1024 + (((r[2] << 8) | r[3]) & 0x3ff);
  Bytes out;
  write_u32(out, static_cast<std::uint32_t>(uber ? kUberVersion : kStoreVersion));
  write_u32(out, static_cast<std::uint32_t>(salt.size()));
  out.insert(out.end(), salt.begin(), salt.end());
  write_u32(out, static_cast<std::uint32_t>(iterations));
  Bytes body = entry_stream(store, now_ms);
  SecureBytes pw = password_bytes(storepass);
  if (!uber) {
    Bytes mac = store_mac(pw, salt, iterations, kStoreVersion, body);
    out.insert(out.end(), body.begin(), body.end());
    out.insert(out.end(), mac.begin(), mac.end());
    return out;
  }
  SecureBytes plain(body.begin(), body.end());
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(body.data(), body.size(), digest);
  plain.insert(plain.end(), digest, digest + SHA_DIGEST_LENGTH);
  Bytes cipher = uber_encrypt(plain, pw, salt, iterations);
  out.insert(out.end(), cipher.begin(), cipher.end());
  return out;
}

}  // namespace ksdoctor
