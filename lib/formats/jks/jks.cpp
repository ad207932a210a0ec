// JKS and JCEKS, read as sun.security.provider.JavaKeyStore and com.sun.crypto.provider.JceKeyStore
// read them: same framing, same SHA-1 "Mighty Aphrodite" digest, Hashtable alias order.
//
// SHA-1 comes from OpenSSL's low-level functions (deprecated in 3.0 but present): they need no
// provider, so a store without keys never pays the ≈2 ms provider initialisation, and they cannot
// fail. For a large store the digest (≈3 ms for 5 MB) runs on a second thread while the entries
// are parsed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <exception>
#include <numeric>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/text.hpp"
#include "java_hashtable.hpp"
#include "java_serial.hpp"
#include "jks_format.hpp"
#include "ksdoctor/formats.hpp"
#include "x509/der.hpp"
#include "x509/oids.hpp"
#include "x509/parse_many.hpp"

namespace ksdoctor {
namespace {

using jks::kJceksMagic;
using jks::kJksMagic;
using jks::store_digest;

std::string read_java_utf(Reader& in, std::u16string* utf16 = nullptr) {
  std::uint16_t len = in.u16();
  ByteView raw = in.take(len);
  // Nearly every alias is ASCII (U+0001–U+007F), whose modified UTF-8, UTF-16 and UTF-8 forms are
  // the same code units: no decoding needed.
  if (std::all_of(raw.begin(), raw.end(), [](std::uint8_t b) { return b - 1u < 0x7Fu; })) {
    if (utf16) utf16->assign(raw.begin(), raw.end());
    return std::string(raw.begin(), raw.end());
  }
  std::u16string s = decode_modified_utf8(raw);
  std::string out = utf16_to_utf8(s);
  if (utf16) *utf16 = std::move(s);
  return out;
}

// The DER of the next certificate; it is parsed later, with all the others (parse_certificates).
ByteView read_cert(Reader& in, std::uint32_t version) {
  if (version == 2) {
    std::string type = read_java_utf(in);
    if (type != "X.509" && type != "X509") {
      in.fail("certificate type '" + type + "' is not supported (Java knows only X.509)");
    }
  }
  std::uint32_t len = in.u32();
  if (len > 0x7fffffff) in.fail("negative certificate length");
  return in.take(len);
}

ProtectedKey read_private_key_blob(Reader& in) {
  std::uint32_t len = in.u32();
  if (len > 0x7fffffff) in.fail("negative key length");
  ByteView blob = in.take(len);
  ProtectedKey key;
  key.blob.assign(blob.begin(), blob.end());
  // The blob is an EncryptedPrivateKeyInfo; Java parses it only when the key is recovered, so a
  // malformed blob is reported then, not here.
  try {
    der::Walker top(blob, "protected key");
    der::Walker epki(top.expect(der::kSequence).value, "protected key");
    der::Walker alg(epki.expect(der::kSequence).value, "protected key");
    key.algorithm_oid = der::oid_to_string(alg.expect(der::kOid).value);
    if (key.algorithm_oid == oids::kJksKeyProtector) {
      key.algorithm = "JKS key protector (SHA-1 XOR)";
    } else if (key.algorithm_oid == oids::kJceKeyProtector) {
      key.algorithm = "PBEWithMD5AndTripleDES";
      der::Walker params(alg.expect(der::kSequence).value, "PBE parameters");
      params.expect(der::kOctetString);
      ByteView iterations = der::integer_magnitude(params.expect(der::kInteger).value);
      if (iterations.size() <= 4) {
        for (std::uint8_t b : iterations) key.iterations = (key.iterations << 8) | b;
      }
    } else {
      key.algorithm = key.algorithm_oid;
    }
  } catch (const FormatError&) {
    key.algorithm = "unreadable";
  }
  return key;
}

// Below this size the digest is computed after parsing, on the calling thread.
constexpr std::size_t kParallelDigestBytes = 512 * 1024;

ProtectedKey read_sealed_secret_key(Reader& in) {
  std::size_t consumed = 0;
  ByteView rest = in.rest();
  javaser::Value sealed = javaser::read_stream(rest, &consumed);
  in.skip(consumed);
  ProtectedKey key;
  key.blob.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(consumed));
  if (sealed.kind != javaser::Value::Kind::kObject) {
    throw FormatError("MALFORMED", "JCEKS secret key entry does not hold a sealed object");
  }
  const auto& fields = sealed.object->fields;
  auto field = [&](const char* name) -> const javaser::Value& {
    auto it = fields.find(name);
    if (it == fields.end()) {
      throw FormatError("MALFORMED", std::string("JCEKS sealed key lacks field ") + name);
    }
    return it->second;
  };
  const auto& seal_alg = field("sealAlg");
  const auto& content = field("encryptedContent");
  if (seal_alg.kind != javaser::Value::Kind::kString ||
      content.kind != javaser::Value::Kind::kByteArray) {
    throw FormatError("MALFORMED", "JCEKS sealed key has fields of the wrong type");
  }
  key.algorithm = *seal_alg.text;
  key.algorithm_oid = oids::kJceKeyProtector;
  return key;
}

}  // namespace

Keystore read_jks_family(ByteView bytes, const Password& storepass) {
  Reader in(bytes, "keystore");
  std::uint32_t magic = in.u32();
  std::uint32_t version = in.u32();
  if ((magic != kJksMagic && magic != kJceksMagic) || (version != 1 && version != 2)) {
    throw FormatError("MALFORMED", "Invalid keystore format");
  }
  Keystore store;
  store.format = magic == kJksMagic ? StoreFormat::kJks : StoreFormat::kJceks;
  store.version = static_cast<int>(version);
  std::uint32_t count = in.u32();
  if (count > 0x7fffffff) count = 0;  // Java's for-loop over a negative int runs no times

  // A well-formed store ends with its 20-byte digest, so the digest input is every byte before
  // the last 20: hash that while parsing, and use it if parsing ends exactly there.
  std::optional<SecureBytes> pw;
  if (!storepass.is_null()) pw = storepass.utf16be();
  unsigned char early_digest[SHA_DIGEST_LENGTH];
  std::jthread early;
  if (pw && bytes.size() >= kParallelDigestBytes) {
    early = std::jthread([&pw, bytes, &early_digest] {
      store_digest(*pw, bytes.first(bytes.size() - SHA_DIGEST_LENGTH), early_digest);
    });
  }
  std::vector<Entry> loaded;
  // Never more than the bytes that remain, whatever the count says (an honest count is reserved
  // exactly unless entries average under sizeof(Entry) bytes, and then the vector just grows).
  loaded.reserve(std::min<std::size_t>(count, in.remaining() / sizeof(Entry)));
  // The framing is read first and the certificates parsed afterwards, all together (so that their
  // fingerprints can be computed on a second thread). Errors keep Java's order: a certificate that
  // fails comes before a framing error further on, which is held back until then.
  std::vector<ByteView> cert_ders;
  std::vector<std::size_t> cert_entries;  // which entry each certificate belongs to
  std::exception_ptr framing_error;
  try {
    for (std::uint32_t i = 0; i < count; ++i) {
      std::uint32_t tag = in.u32();
      Entry entry;
      entry.file_position = loaded.size();
      if (tag < 1 || tag > 3 || (tag == 3 && store.format != StoreFormat::kJceks)) {
        in.fail("Unrecognized keystore entry: " + std::to_string(static_cast<std::int32_t>(tag)));
      }
      entry.alias = read_java_utf(in, &entry.alias_utf16);
      entry.created_ms = in.i64();
      if (tag == 1) {
        entry.kind = EntryKind::kPrivateKey;
        entry.key = read_private_key_blob(in);
        std::uint32_t certs = in.u32();
        if (certs > 0x7fffffff) certs = 0;
        for (std::uint32_t c = 0; c < certs; ++c) {
          cert_ders.push_back(read_cert(in, version));
          cert_entries.push_back(loaded.size());
        }
      } else if (tag == 2) {
        entry.kind = EntryKind::kTrustedCert;
        cert_ders.push_back(read_cert(in, version));
        cert_entries.push_back(loaded.size());
      } else {
        entry.kind = EntryKind::kSecretKey;
        entry.key = read_sealed_secret_key(in);
      }
      loaded.push_back(std::move(entry));
    }
  } catch (...) {
    framing_error = std::current_exception();
  }
  std::vector<CertPtr> certs = parse_certificates(cert_ders);
  if (framing_error) std::rethrow_exception(framing_error);
  for (std::size_t c = 0; c < certs.size(); ++c) {
    loaded[cert_entries[c]].chain.push_back(std::move(certs[c]));
  }

  if (storepass.is_null()) {
    store.integrity = Integrity::kNotVerified;
  } else {
    ByteView body = in.consumed();
    ByteView stored = in.take(20);
    unsigned char digest[SHA_DIGEST_LENGTH];
    if (early.joinable() && body.size() == bytes.size() - SHA_DIGEST_LENGTH) {
      early.join();
      std::copy(std::begin(early_digest), std::end(early_digest), digest);
    } else {
      store_digest(*pw, body, digest);
    }
    if (CRYPTO_memcmp(digest, stored.data(), 20) != 0) {
      throw PasswordError("WRONG_PASSWORD",
                          "Keystore was tampered with, or password was incorrect");
    }
    store.integrity = Integrity::kVerified;
  }

  // Put the entries into Java's order in place (the aliases are lent to the ordering and given
  // back), rather than moving them all into a second array.
  std::vector<std::u16string> aliases(loaded.size());
  for (std::size_t i = 0; i < loaded.size(); ++i) aliases[i] = std::move(loaded[i].alias_utf16);
  std::vector<std::size_t> order = java_hashtable_order(aliases);
  for (std::size_t i = 0; i < loaded.size(); ++i) loaded[i].alias_utf16 = std::move(aliases[i]);
  std::vector<std::size_t> where(loaded.size()), held(loaded.size());  // entry ↔ slot
  std::iota(where.begin(), where.end(), std::size_t{0});
  std::iota(held.begin(), held.end(), std::size_t{0});
  for (std::size_t k = 0; k < order.size(); ++k) {
    std::size_t from = where[order[k]];
    if (from == k) continue;
    std::swap(loaded[k], loaded[from]);
    std::size_t displaced = held[k];
    held[from] = displaced;
    where[displaced] = from;
    held[k] = order[k];
    where[order[k]] = k;
  }
  if (order.size() < loaded.size()) {
    // Duplicate aliases: the last record's value was kept, but the alias took its Hashtable
    // position when its first record was put.
    std::unordered_map<std::u16string, std::size_t> kept;
    for (std::size_t k = 0; k < order.size(); ++k) kept.emplace(loaded[k].alias_utf16, k);
    for (std::size_t d = order.size(); d < loaded.size(); ++d) {
      Entry& survivor = loaded[kept.at(loaded[d].alias_utf16)];
      survivor.file_position = std::min(*survivor.file_position, *loaded[d].file_position);
    }
  }
  loaded.erase(loaded.begin() + static_cast<std::ptrdiff_t>(order.size()), loaded.end());
  store.entries = std::move(loaded);
  return store;
}

}  // namespace ksdoctor

namespace ksdoctor::jks {

void store_digest(const SecureBytes& utf16be_password, ByteView body,
                  unsigned char out[kDigestSize]) {
  static_assert(kDigestSize == SHA_DIGEST_LENGTH);
  static constexpr char kWhitener[] = "Mighty Aphrodite";
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, utf16be_password.data(), utf16be_password.size());
  SHA1_Update(&ctx, kWhitener, sizeof kWhitener - 1);
  SHA1_Update(&ctx, body.data(), body.size());
  SHA1_Final(out, &ctx);
  OPENSSL_cleanse(&ctx, sizeof ctx);
}

}  // namespace ksdoctor::jks
