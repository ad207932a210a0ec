// JKS and JCEKS, read as sun.security.provider.JavaKeyStore and com.sun.crypto.provider.JceKeyStore
// read them: same framing, same SHA-1 "Mighty Aphrodite" digest, Hashtable alias order.
#include <openssl/evp.h>

#include <memory>

#include "java_hashtable.hpp"
#include "java_serial.hpp"
#include "ksdoctor/der.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/text.hpp"

namespace ksdoctor {
namespace {

constexpr std::uint32_t kJksMagic = 0xFEEDFEED;
constexpr std::uint32_t kJceksMagic = 0xCECECECE;
constexpr const char* kJksKeyProtectorOid = "1.3.6.1.4.1.42.2.17.1.1";
constexpr const char* kJceKeyProtectorOid = "1.3.6.1.4.1.42.2.19.1";

std::string read_java_utf(Reader& in, std::u16string* utf16 = nullptr) {
  std::uint16_t len = in.u16();
  std::u16string s = decode_modified_utf8(in.take(len));
  std::string out = utf16_to_utf8(s);
  if (utf16) *utf16 = std::move(s);
  return out;
}

CertPtr read_cert(Reader& in, std::uint32_t version) {
  if (version == 2) {
    std::string type = read_java_utf(in);
    if (type != "X.509" && type != "X509") {
      in.fail("certificate type '" + type + "' is not supported (Java knows only X.509)");
    }
  }
  std::uint32_t len = in.u32();
  if (len > 0x7fffffff) in.fail("negative certificate length");
  ByteView der = in.take(len);
  return parse_certificate(Bytes(der.begin(), der.end()));
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
    if (key.algorithm_oid == kJksKeyProtectorOid) {
      key.algorithm = "JKS key protector (SHA-1 XOR)";
    } else if (key.algorithm_oid == kJceKeyProtectorOid) {
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
  key.algorithm_oid = kJceKeyProtectorOid;
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
  std::vector<Entry> loaded;
  // Each entry takes at least 15 bytes, so this cannot reserve more than the file justifies.
  loaded.reserve(std::min<std::size_t>(count, in.remaining() / 15));
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t tag = in.u32();
    Entry entry;
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
      for (std::uint32_t c = 0; c < certs; ++c) entry.chain.push_back(read_cert(in, version));
    } else if (tag == 2) {
      entry.kind = EntryKind::kTrustedCert;
      entry.chain.push_back(read_cert(in, version));
    } else {
      entry.kind = EntryKind::kSecretKey;
      entry.key = read_sealed_secret_key(in);
    }
    loaded.push_back(std::move(entry));
  }

  if (storepass.is_null()) {
    store.integrity = Integrity::kNotVerified;
  } else {
    ByteView body = in.consumed();
    ByteView stored = in.take(20);
    SecureBytes pw = storepass.utf16be();
    static constexpr char kWhitener[] = "Mighty Aphrodite";
    unsigned char digest[20];
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                 EVP_MD_CTX_free);
    if (!ctx || !EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) ||
        !EVP_DigestUpdate(ctx.get(), pw.data(), pw.size()) ||
        !EVP_DigestUpdate(ctx.get(), kWhitener, sizeof kWhitener - 1) ||
        !EVP_DigestUpdate(ctx.get(), body.data(), body.size()) ||
        !EVP_DigestFinal_ex(ctx.get(), digest, nullptr)) {
      throw FormatError("CRYPTO", "SHA-1 is not available from OpenSSL");
    }
    if (CRYPTO_memcmp(digest, stored.data(), 20) != 0) {
      throw PasswordError("WRONG_PASSWORD",
                          "Keystore was tampered with, or password was incorrect");
    }
    store.integrity = Integrity::kVerified;
  }

  std::vector<std::u16string> aliases;
  aliases.reserve(loaded.size());
  for (const Entry& e : loaded) aliases.push_back(e.alias_utf16);
  for (std::size_t index : java_hashtable_order(aliases)) {
    store.entries.push_back(std::move(loaded[index]));
  }
  return store;
}

}  // namespace ksdoctor
