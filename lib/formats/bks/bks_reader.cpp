// BKS and UBER read as BouncyCastle 1.72's BcKeyStoreSpi loads them (see bks_format.hpp for the
// layout): entries parsed in file order with the same refusals, the integrity check afterwards
// (BKS: HMAC-SHA1, skipped for a null or empty password; UBER: Twofish-CBC decryption and a SHA-1
// digest), and aliases() in java.util.Hashtable order, case-sensitive.
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <unordered_map>

#include "bks_format.hpp"
#include "core/text.hpp"
#include "formats/jks/java_hashtable.hpp"
#include "ksdoctor/formats.hpp"
#include "x509/der.hpp"
#include "x509/parse_many.hpp"

namespace ksdoctor {
namespace bks_reader_detail {

using namespace bks;

[[noreturn]] void corrupt(const std::string& why) { throw FormatError("MALFORMED", why); }

std::int32_t read_int(Reader& in) { return static_cast<std::int32_t>(in.u32()); }

ByteView read_block(Reader& in, const char* what) {
  std::int32_t len = read_int(in);
  if (len < 0) corrupt(std::string("Illegal ") + what + " length: " + std::to_string(len));
  return in.take(static_cast<std::size_t>(len));
}

ByteView read_cert(Reader& in) {
  std::string type = utf16_to_utf8(read_utf(in));
  if (type != "X.509" && type != "X509") {
    corrupt("java.security.cert.CertificateException: certificate type '" + type +
            "' is not available");
  }
  return read_block(in, "certificate");
}

ProtectedKey clear_key(ByteView object) {
  KeyObject key = decode_key_object(object);  // BcKeyStoreSpi decodes it while loading
  if (key.format != "RAW" && key.key_type != kPublic) {
    try {
      der::Walker top(ByteView(key.encoded.data(), key.encoded.size()), "key");
      top.expect(der::kSequence);
    } catch (const FormatError& e) {
      corrupt(std::string("Exception creating key: ") + e.what());
    }
  }
  ProtectedKey out;
  out.algorithm = kClearAlgorithm;
  out.blob.assign(object.begin(), object.end());
  return out;
}

struct Parsed {
  std::vector<Entry> entries;  // file order, duplicates included
};

// loadStore: entries up to the 0 type byte. `in` is left after it.
Parsed load_entries(Reader& in) {
  Parsed parsed;
  std::vector<ByteView> cert_ders;
  std::vector<std::size_t> cert_entries;
  for (std::uint8_t type = in.u8(); type != kEnd; type = in.u8()) {
    Entry entry;
    entry.file_position = parsed.entries.size();
    entry.alias_utf16 = read_utf(in);
    entry.alias = utf16_to_utf8(entry.alias_utf16);
    entry.created_ms = in.i64();
    std::int32_t chain = read_int(in);
    if (chain < 0) corrupt("Illegal certificate chain length: " + std::to_string(chain));
    std::vector<ByteView> chain_ders;
    for (std::int32_t i = 0; i < chain; ++i) chain_ders.push_back(read_cert(in));
    switch (type) {
      case kCertificate:
        entry.kind = EntryKind::kTrustedCert;
        chain_ders = {read_cert(in)};  // the chain read before it is dropped
        break;
      case kKey:
        entry.key = clear_key(take_key_object(in));
        break;
      case kSecret:
      case kSealed: {
        ByteView blob = read_block(in, "block");
        ProtectedKey key;
        key.blob.assign(blob.begin(), blob.end());
        if (type == kSealed) {
          key.algorithm = kSealedAlgorithm;
          key.algorithm_oid = kSealedOid;
          key.iterations = sealed_iterations(blob);
        } else {
          key.algorithm = kStoredAlgorithm;
        }
        entry.key = std::move(key);
        break;
      }
      default:
        corrupt("Unknown object type in store.");
    }
    if (type != kCertificate) {
      // KeyStore.entryInstanceOf: a key entry with a certificate is a private key entry.
      entry.kind = chain > 0 ? EntryKind::kPrivateKey : EntryKind::kSecretKey;
    }
    for (ByteView der : chain_ders) {
      cert_ders.push_back(der);
      cert_entries.push_back(parsed.entries.size());
    }
    parsed.entries.push_back(std::move(entry));
  }
  std::vector<CertPtr> certs = parse_certificates(cert_ders);
  for (std::size_t c = 0; c < certs.size(); ++c) {
    parsed.entries[cert_entries[c]].chain.push_back(std::move(certs[c]));
  }
  return parsed;
}

// Hashtable.put in file order: the last record of an alias wins, at its first record's place.
std::vector<Entry> hashtable_order(std::vector<Entry> loaded) {
  std::vector<std::u16string> aliases;
  aliases.reserve(loaded.size());
  for (const Entry& e : loaded) aliases.push_back(e.alias_utf16);
  std::unordered_map<std::u16string, std::size_t> first;
  for (const Entry& e : loaded) first.emplace(e.alias_utf16, *e.file_position);
  std::vector<Entry> out;
  for (std::size_t i : java_hashtable_order(aliases)) {
    Entry e = std::move(loaded[i]);
    e.file_position = first.at(e.alias_utf16);
    out.push_back(std::move(e));
  }
  return out;
}

struct Header {
  std::int32_t version = 0;
  ByteView salt;
  std::int32_t iterations = 0;
};

Keystore read_bks(Reader& in, const Header& h, const Password& storepass) {
  if (h.iterations < 0 || h.iterations > kMaxBksIterations) {
    corrupt("BKS KeyStore: iteration count (" + std::to_string(h.iterations) + ") is outside " +
            "0.." + std::to_string(kMaxBksIterations));
  }
  std::size_t body_start = in.offset();
  Parsed parsed = load_entries(in);
  ByteView body = in.consumed().subspan(body_start);
  ByteView stored = in.take(kMacSize);
  Keystore store;
  store.format = StoreFormat::kBks;
  store.integrity = Integrity::kNotVerified;
  if (!storepass.is_null() && !storepass.text().empty()) {
    Bytes mac = store_mac(password_bytes(storepass), h.salt, h.iterations, h.version, body);
    if (CRYPTO_memcmp(mac.data(), stored.data(), kMacSize) != 0) {
      throw PasswordError("WRONG_PASSWORD", "KeyStore integrity check failed.");
    }
    store.integrity = Integrity::kVerified;
  }
  store.entries = hashtable_order(std::move(parsed.entries));
  return store;
}

Keystore read_uber(const Header& h, ByteView ciphertext, const Password& storepass) {
  if (h.salt.size() != kSaltSize || h.iterations < 0 || h.iterations > kMaxUberIterations) {
    corrupt("Key store corrupted.");
  }
  if (h.version == 0) {
    throw FormatError("UNSUPPORTED_VERSION",
                      "UBER version 0 (OldPBEWithSHAAndTwofish-CBC) is not supported by ksdoctor");
  }
  // PBEKeySpec(null) is an empty password: BouncyCastleStore always decrypts and checks.
  std::optional<SecureBytes> plain =
      uber_decrypt(ciphertext, password_bytes(storepass), h.salt, h.iterations);
  if (!plain) {
    throw PasswordError("WRONG_PASSWORD",
                        "the UBER keystore does not decrypt: the password is wrong (or the file "
                        "is corrupt)");
  }
  Reader in(ByteView(plain->data(), plain->size()), "decrypted UBER keystore");
  Parsed parsed = load_entries(in);
  ByteView body = in.consumed();
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(body.data(), body.size(), digest);
  if (CRYPTO_memcmp(digest, in.take(SHA_DIGEST_LENGTH).data(), SHA_DIGEST_LENGTH) != 0) {
    throw PasswordError("WRONG_PASSWORD", "KeyStore integrity check failed.");
  }
  Keystore store;
  store.format = StoreFormat::kUber;
  store.integrity = Integrity::kVerified;
  store.entries = hashtable_order(std::move(parsed.entries));
  return store;
}

}  // namespace bks_reader_detail

Keystore read_bks_family(ByteView bytes, const Password& storepass, StoreFormat format) {
  using namespace bks_reader_detail;
  Reader in(bytes, "keystore");
  Header h;
  h.version = read_int(in);
  if (h.version < 0 || h.version > 2) corrupt("Wrong version of key store.");
  std::int32_t salt_len = read_int(in);
  if (salt_len <= 0)
    corrupt(format == StoreFormat::kUber ? "Key store corrupted." : "Invalid salt detected");
  h.salt = in.take(static_cast<std::size_t>(salt_len));
  h.iterations = read_int(in);
  Keystore store = format == StoreFormat::kUber ? read_uber(h, in.rest(), storepass)
                                                : read_bks(in, h, storepass);
  store.version = h.version;
  return store;
}

}  // namespace ksdoctor
