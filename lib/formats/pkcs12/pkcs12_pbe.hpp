// Password-based encryption as Java 17's SunJCE does it for PKCS#12: PBES1 with the PKCS#12 KDF
// (PBEWithSHA1AndRC2_40/_128, PBEWithSHA1AndRC4_40/_128, PBEWithSHA1AndDESede), PKCS#5
// PBEWithMD5AndDES, and PBES2 (PBKDF2 with HmacSHA1/224/256/384/512, AES-128/256-CBC). What Java
// cannot decrypt is refused with Java's words. Primitives come from OpenSSL 3; its legacy provider
// is loaded in-process for RC2, RC4 and single DES.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/secret.hpp"

typedef struct evp_md_st EVP_MD;
typedef struct evp_cipher_st EVP_CIPHER;

namespace ksdoctor::pkcs12 {

// Java refuses larger PBE and MAC iteration counts (PKCS12KeyStore.MAX_ITERATION_COUNT).
constexpr int kMaxIterationCount = 5'000'000;

// An OpenSSL digest by name ("SHA256", "SHA512-224", "MD5"), nullptr when unavailable.
const EVP_MD* openssl_digest(const std::string& name);

// Loads OpenSSL's "default" provider, and with kDefaultAndLegacy its "legacy" one, into the
// default library context, each once.
enum class Providers { kDefault, kDefaultAndLegacy };
void load_openssl_providers(Providers which);

// An OpenSSL cipher by name ("AES-256-CBC", "RC2-40-CBC"), fetched once (loading the legacy
// provider for RC2, RC4 and single DES); throws FormatError("UNSUPPORTED_CIPHER") when OpenSSL has
// none.
const EVP_CIPHER* cipher_named(const std::string& name);

// One password as a Java PBE key holds it. Java retries an empty password with "\0", which the
// PKCS#12 KDF turns into no bytes at all and PBKDF2 into one zero byte.
struct PbePassword {
  SecureBytes utf16be;  // the password's chars
  bool nul = false;     // the "\0" retry

  SecureBytes pkcs12_bytes() const;  // BMPString with a 00 00 terminator (PKCS#12 KDF)
  SecureBytes ascii_bytes() const;   // one byte per char (PBKDF2, PBKDF1)
};

// Whether com.sun.crypto.provider.PBEKey accepts the password: printable ASCII (0x20-0x7E) only.
bool java_pbe_ascii(const Password& password);

// The passwords Java tries, in order (PKCS12KeyStore.RetryWithZero): the password itself, then "\0"
// when it is empty. Precondition: !password.is_null().
std::vector<PbePassword> java_password_attempts(const Password& password);

// The PKCS#12 key derivation (RFC 7292 appendix B) exactly as Java's PKCS12PBECipherCore.derive.
SecureBytes pkcs12_kdf(const EVP_MD* md, const SecureBytes& password, ByteView salt, int id,
                       int iterations, std::size_t length);

// A parsed encryption AlgorithmIdentifier.
struct PbeScheme {
  std::string oid;   // the AlgorithmIdentifier's OID
  std::string name;  // Java's name: "PBEWithHmacSHA256AndAES_256", "PBEWithSHA1AndRC2_40", ...
  bool has_params = false;  // Java: algParams != null (absent or NULL parameters: false)
  int iterations = 0;
  // Why Java cannot decrypt with it (its exception message), empty when it can.
  std::string unsupported;

  // Internal: how to decrypt.
  enum class Kdf { kPkcs12, kPbkdf1Md5, kPbkdf2 } kdf = Kdf::kPkcs12;
  std::string cipher;  // OpenSSL cipher name
  std::size_t key_len = 0;
  std::size_t iv_len = 0;
  std::string prf_digest;  // PBKDF2: OpenSSL digest name
  Bytes salt;
  Bytes iv;  // PBES2
};

// Parses an AlgorithmIdentifier (SEQUENCE, tag included) as PKCS12KeyStore.parseAlgParameters
// does. Throws FormatError("MALFORMED") with Java's IOException message (without the caller's
// prefix) when Java's AlgorithmParameters refuse the parameters.
PbeScheme parse_pbe_scheme(ByteView algorithm_identifier);

// One decryption attempt. Returns nullopt when the padding does not verify (wrong password).
// Throws FormatError when the scheme cannot be used (scheme.unsupported, missing parameters, or a
// cipher OpenSSL lacks).
std::optional<SecureBytes> pbe_decrypt(const PbeScheme& scheme, ByteView ciphertext,
                                       const PbePassword& password);

}  // namespace ksdoctor::pkcs12
