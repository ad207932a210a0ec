// JKS and JCEKS, written as sun.security.provider.JavaKeyStore.engineStore and
// com.sun.crypto.provider.JceKeyStore.engineStore write them: version 2, entries in the order the
// in-memory Hashtable enumerates them, SHA-1 "Mighty Aphrodite" digest at the end.
//
// Java's Hashtable order depends on the order the aliases were put(): on load, the records in file
// order (with the raw alias from the file); afterwards, each setEntry with the alias lower-cased
// (convertAlias in JavaKeyStore, toLowerCase(Locale.ENGLISH) in JceKeyStore). Entry::file_position
// tells which entries came from the file and where.
#include <algorithm>
#include <numeric>

#include "core/text.hpp"
#include "java_hashtable.hpp"
#include "jks_format.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor {
namespace {

using jks::kJceksMagic;
using jks::kJksMagic;

// Big-endian fields, as java.io.DataOutputStream writes them.
class DataOutput {
 public:
  void u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  void i64(std::int64_t v) {
    auto u = static_cast<std::uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8)
      out_.push_back(static_cast<std::uint8_t>(u >> shift));
  }
  void raw(ByteView bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  // DataOutputStream.writeUTF: u16 length, then modified UTF-8 (ALIAS_TOO_LONG past 65 535 bytes).
  void utf(std::u16string_view text) {
    Bytes encoded = encode_modified_utf8(text);
    out_.push_back(static_cast<std::uint8_t>(encoded.size() >> 8));
    out_.push_back(static_cast<std::uint8_t>(encoded.size()));
    raw(encoded);
  }
  // A length-prefixed byte array (u32 length, as writeInt(len) + write(bytes)).
  void blob(ByteView bytes) {
    if (bytes.size() > 0x7fffffff) throw UsageError("TOO_LARGE", "keystore field exceeds 2 GiB");
    u32(static_cast<std::uint32_t>(bytes.size()));
    raw(bytes);
  }
  void cert(const CertPtr& cert) {
    utf(u"X.509");
    blob(cert->der);
  }
  Bytes& bytes() { return out_; }

 private:
  Bytes out_;
};

// The alias Java holds in its Hashtable: raw as loaded for records from the file, lower-cased for
// entries added through the KeyStore API.
std::u16string hashtable_alias(const Entry& entry) {
  std::u16string alias = entry.alias_utf16.empty() ? utf8_to_utf16(entry.alias) : entry.alias_utf16;
  return entry.file_position ? alias : java_lowercase(alias);
}

// Indices into store.entries in the order Java's store() writes them.
std::vector<std::size_t> write_order(const Keystore& store,
                                     std::vector<std::u16string>& aliases_out) {
  std::vector<std::size_t> put(store.entries.size());
  std::iota(put.begin(), put.end(), std::size_t{0});
  // Loaded entries first, in file order; then the added ones, in model order.
  std::stable_sort(put.begin(), put.end(), [&](std::size_t a, std::size_t b) {
    const auto& pa = store.entries[a].file_position;
    const auto& pb = store.entries[b].file_position;
    if (pa && pb) return *pa < *pb;
    return pa.has_value() && !pb.has_value();
  });
  std::vector<std::u16string> keys;
  keys.reserve(put.size());
  for (std::size_t i : put) keys.push_back(hashtable_alias(store.entries[i]));
  std::vector<std::size_t> order = java_hashtable_order(keys);
  std::vector<std::size_t> result;
  result.reserve(order.size());
  aliases_out.clear();
  for (std::size_t k : order) {
    result.push_back(put[k]);
    aliases_out.push_back(keys[k]);
  }
  return result;
}

void check_entry(const Keystore& store, const Entry& entry) {
  switch (entry.kind) {
    case EntryKind::kSecretKey:
      if (store.format != StoreFormat::kJceks) {
        throw UsageError("SECRET_KEY_IN_JKS", "secret key entry '" + entry.alias +
                                                  "' cannot be stored in a JKS keystore "
                                                  "(Java's JKS holds only private keys and "
                                                  "certificates; use JCEKS or PKCS12)");
      }
      [[fallthrough]];
    case EntryKind::kPrivateKey:
      if (!entry.key || entry.key->blob.empty()) {
        throw UsageError("MISSING_KEY", "key entry '" + entry.alias + "' has no protected key");
      }
      break;
    case EntryKind::kTrustedCert:
      if (entry.chain.empty() || !entry.chain[0]) {
        throw UsageError("MISSING_CERTIFICATE",
                         "trusted certificate entry '" + entry.alias + "' has no certificate");
      }
      break;
  }
}

}  // namespace

Bytes write_jks_family(const Keystore& store, const Password& storepass, std::int64_t now_ms) {
  if (store.format != StoreFormat::kJks && store.format != StoreFormat::kJceks) {
    throw UsageError("WRONG_FORMAT",
                     std::string("write_jks_family cannot write ") + format_name(store.format));
  }
  if (storepass.is_null()) {
    throw UsageError("PASSWORD_REQUIRED", "a store password is needed to write a keystore");
  }
  for (const Entry& entry : store.entries) check_entry(store, entry);

  std::vector<std::u16string> aliases;
  std::vector<std::size_t> order = write_order(store, aliases);

  DataOutput out;
  out.u32(store.format == StoreFormat::kJks ? kJksMagic : kJceksMagic);
  out.u32(2);
  out.u32(static_cast<std::uint32_t>(order.size()));
  for (std::size_t k = 0; k < order.size(); ++k) {
    const Entry& entry = store.entries[order[k]];
    std::uint32_t tag = entry.kind == EntryKind::kPrivateKey    ? 1
                        : entry.kind == EntryKind::kTrustedCert ? 2
                                                                : 3;
    out.u32(tag);
    out.utf(aliases[k]);
    out.i64(entry.created_ms.value_or(now_ms));
    switch (entry.kind) {
      case EntryKind::kPrivateKey:
        out.blob(entry.key->blob);
        out.u32(static_cast<std::uint32_t>(entry.chain.size()));
        for (const CertPtr& cert : entry.chain) out.cert(cert);
        break;
      case EntryKind::kTrustedCert:
        out.cert(entry.chain[0]);
        break;
      case EntryKind::kSecretKey:
        // The serialized SealedObjectForKeyProtector, stream header included, as ObjectOutputStream
        // writes it for each entry.
        out.raw(entry.key->blob);
        break;
    }
  }

  Bytes& bytes = out.bytes();
  unsigned char digest[jks::kDigestSize];
  jks::store_digest(storepass.utf16be(), bytes, digest);
  bytes.insert(bytes.end(), std::begin(digest), std::end(digest));
  return std::move(bytes);
}

}  // namespace ksdoctor
