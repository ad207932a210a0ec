// Protecting a private or secret key for a keystore format, as Java's KeyStore.setKeyEntry does:
// the JKS key protector, JCEKS's PBEWithMD5AndTripleDES, or PKCS#12's PBES2 (JDK 17 defaults).
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "bks_keys.hpp"
#include "formats/jks/java_serial.hpp"
#include "formats/pkcs12/pkcs12_pbe.hpp"
#include "formats/pkcs12/pkcs12_writer_der.hpp"
#include "key_protection.hpp"
#include "ksdoctor/keys.hpp"
#include "secret_key_oids.hpp"
#include "x509/der.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {
namespace {

namespace derw = pkcs12::derw;

constexpr const char* kJceksSealAlgorithm = "PBEWithMD5AndTripleDES";
constexpr int kJceksIterations = 200000;  // com.sun.crypto.provider.KeyProtector, JDK 17
constexpr int kPkcs12Iterations = 10000;  // keystore.pkcs12.keyPbeIterationCount, JDK 17

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw FormatError("CRYPTO", "no random bytes from OpenSSL");
  }
  return out;
}

// sun.security.provider.KeyProtector.protect: a SHA-1 keystream from the password and a random
// salt XORed over the key, then SHA-1(password || key) as the check.
Bytes jks_protect(const SecureBytes& pkcs8, const Password& keypass) {
  SecureBytes pw = keypass.utf16be();
  Bytes salt = random_bytes(20);
  Bytes out(salt);
  out.resize(20 + pkcs8.size());
  SecureBytes block(salt.begin(), salt.end()), input;
  for (std::size_t off = 0; off < pkcs8.size(); off += 20) {
    input.assign(pw.begin(), pw.end());
    input.insert(input.end(), block.begin(), block.end());
    block.resize(20);
    SHA1(input.data(), input.size(), block.data());
    for (std::size_t i = 0; i < 20 && off + i < pkcs8.size(); ++i) {
      out[20 + off + i] = pkcs8[off + i] ^ block[i];
    }
  }
  input.assign(pw.begin(), pw.end());
  input.insert(input.end(), pkcs8.begin(), pkcs8.end());
  unsigned char check[20];
  SHA1(input.data(), input.size(), check);
  out.insert(out.end(), check, check + 20);
  Bytes algorithm = derw::sequence({derw::oid(oids::kJksKeyProtector), derw::null()});
  return derw::sequence({algorithm, derw::octet_string(out)});
}

// com.sun.crypto.provider.KeyProtector (JCEKS): PBEWithMD5AndTripleDES, 8-byte salt.
Bytes jceks_protect(const SecureBytes& pkcs8, const Password& keypass) {
  Bytes salt = random_bytes(8);
  Bytes cipher = pbe_md5_triple_des_encrypt(pkcs8, salt, kJceksIterations, keypass);
  Bytes params = derw::sequence({derw::octet_string(salt), derw::integer(kJceksIterations)});
  Bytes algorithm = derw::sequence({derw::oid(oids::kJceKeyProtector), params});
  return derw::sequence({algorithm, derw::octet_string(cipher)});
}

// PBES2 with PBKDF2-HmacSHA256 and AES-256-CBC ("PBEWithHmacSHA256AndAES_256"); PBKDF2 takes
// the password as UTF-8, as Java's PBKDF2KeyImpl does.
Bytes pkcs12_protect(const SecureBytes& pkcs8, const Password& keypass) {
  const unsigned char* p = pkcs8.data();
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> info(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(pkcs8.size())),
      PKCS8_PRIV_KEY_INFO_free);
  if (!info) throw FormatError("KEY_UNREADABLE", "the private key is not PKCS#8");
  Bytes salt = random_bytes(20);
  std::string_view pw = keypass.text();
  std::unique_ptr<X509_SIG, decltype(&X509_SIG_free)> sig(
      PKCS8_encrypt(-1, EVP_aes_256_cbc(), pw.data(), static_cast<int>(pw.size()), salt.data(),
                    static_cast<int>(salt.size()), kPkcs12Iterations, info.get()),
      X509_SIG_free);
  if (!sig) throw FormatError("CRYPTO", "PBES2 encryption failed");
  unsigned char* der = nullptr;
  int len = i2d_X509_SIG(sig.get(), &der);
  if (len <= 0) throw FormatError("CRYPTO", "PBES2 encoding failed");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// A DER tag and definite minimal length, for contents written after it.
SecureBytes der_header(std::uint8_t tag, std::size_t length) {
  SecureBytes out = {tag};
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return out;
  }
  std::uint8_t digits[sizeof length];
  std::size_t n = 0;
  for (std::size_t v = length; v; v >>= 8) digits[n++] = static_cast<std::uint8_t>(v);
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  while (n) out.push_back(digits[--n]);
  return out;
}

// com.sun.crypto.provider.KeyProtector.seal: a serialized SecretKeySpec encrypted with
// PBEWithMD5AndTripleDES under a random 8-byte salt, inside a SealedObjectForKeyProtector.
Bytes jceks_seal(const SecretKeyMaterial& key, const Password& keypass) {
  Bytes salt = random_bytes(8);
  SecureBytes spec = javaser::write_secret_key_spec(key.algorithm, key.key);
  Bytes cipher = pbe_md5_triple_des_encrypt(spec, salt, kJceksIterations, keypass);
  Bytes params = derw::sequence({derw::octet_string(salt), derw::integer(kJceksIterations)});
  return javaser::write_sealed_object_for_key_protector(
      {params, cipher, kJceksSealAlgorithm, kJceksSealAlgorithm});
}

// PKCS12KeyStore.setKeyEntry for a SecretKey: a PKCS#8-shaped SEQUENCE { INTEGER 0,
// AlgorithmId.get(getAlgorithm()) with NULL parameters, OCTET STRING getEncoded() }, encrypted as
// a private key would be. A name AlgorithmId.get rejects makes Java refuse the entry ("Key
// protection algorithm not found"), so it is refused here rather than written under a guessed OID.
Bytes pkcs12_protect_secret(const SecretKeyMaterial& key, const Password& keypass) {
  std::optional<std::string> oid = java_secret_key_oid(key.algorithm);
  if (!oid) {
    throw UsageError("UNKNOWN_SECRET_KEY_ALGORITHM",
                     "secret key algorithm '" + key.algorithm +
                         "' has no OID Java's PKCS12 keystore (or ksdoctor) knows; Java refuses "
                         "such a key with \"unrecognized algorithm name\": keep it in JCEKS");
  }
  Bytes algorithm = derw::sequence({derw::oid(*oid), derw::null()});
  Bytes version = derw::integer(0);
  SecureBytes key_header = der_header(der::kOctetString, key.key.size());
  // Assembled by hand rather than with derw, which would copy the key into non-wiping buffers.
  SecureBytes info = der_header(
      der::kSequence, version.size() + algorithm.size() + key_header.size() + key.key.size());
  info.insert(info.end(), version.begin(), version.end());
  info.insert(info.end(), algorithm.begin(), algorithm.end());
  info.insert(info.end(), key_header.begin(), key_header.end());
  info.insert(info.end(), key.key.begin(), key.key.end());
  return pkcs12_protect(info, keypass);
}

// How JDK 17's setKeyEntry protects a key in `format` (the blob aside). PKCS12KeyStore derives
// the key-encryption key through a PBEKey, which takes only printable ASCII: Java could not
// protect (nor recover) a key with any other password.
ProtectedKey protection_for(StoreFormat format, const Password& keypass) {
  if (keypass.is_null()) throw UsageError("PASSWORD_REQUIRED", "a key password is required");
  ProtectedKey key;
  switch (format) {
    case StoreFormat::kJks:
      key.algorithm = "JKS key protector";
      key.algorithm_oid = oids::kJksKeyProtector;
      break;
    case StoreFormat::kJceks:
      key.algorithm = kJceksSealAlgorithm;
      key.algorithm_oid = oids::kJceKeyProtector;
      key.iterations = kJceksIterations;
      break;
    case StoreFormat::kPkcs12:
      if (!pkcs12::java_pbe_ascii(keypass)) {
        throw UsageError(
            "PASSWORD_NOT_ASCII",
            "Java's PKCS12 keystore protects keys only with printable ASCII passwords");
      }
      key.algorithm = "PBEWithHmacSHA256AndAES_256";
      key.algorithm_oid = oids::kPbes2;
      key.iterations = kPkcs12Iterations;
      break;
    case StoreFormat::kBks:
    case StoreFormat::kUber:
      break;  // bks_protect fills everything in
  }
  return key;
}

}  // namespace

ProtectedKey protect_secret_key(const SecretKeyMaterial& key, StoreFormat format,
                                const Password& keypass) {
  if (format == StoreFormat::kJks) {
    throw UsageError("SECRET_KEY_IN_JKS",
                     "a secret key cannot be stored in a JKS keystore (Java's JKS holds only "
                     "private keys and certificates; use JCEKS or PKCS12)");
  }
  if (format == StoreFormat::kBks || format == StoreFormat::kUber) {
    return bks_protect(key.key, true, key.algorithm, keypass);
  }
  ProtectedKey out = protection_for(format, keypass);
  out.blob = format == StoreFormat::kJceks ? jceks_seal(key, keypass)
                                           : pkcs12_protect_secret(key, keypass);
  return out;
}

ProtectedKey protect_private_key(const SecureBytes& pkcs8, StoreFormat format,
                                 const Password& keypass) {
  ProtectedKey key = protection_for(format, keypass);
  switch (format) {
    case StoreFormat::kJks:
      key.blob = jks_protect(pkcs8, keypass);
      break;
    case StoreFormat::kJceks:
      key.blob = jceks_protect(pkcs8, keypass);
      break;
    case StoreFormat::kPkcs12:
      key.blob = pkcs12_protect(pkcs8, keypass);
      break;
    case StoreFormat::kBks:
    case StoreFormat::kUber:
      // BouncyCastle decodes the key by its PrivateKeyInfo; the name is only carried along.
      return bks_protect(pkcs8, false, describe_private_key(pkcs8).algorithm, keypass);
  }
  return key;
}

}  // namespace ksdoctor
