// Recovering protected keys with a key password, the way Java's KeyStore.getKey does, and
// describing them. Decrypted bytes live only in SecureBytes and are never printed.
#pragma once

#include <string>

#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// Returns the PKCS#8 PrivateKeyInfo of a private key entry. Throws
// PasswordError("KEY_NOT_RECOVERABLE", "Cannot recover key") for a wrong key password and
// FormatError for a protection scheme or blob Java could not read either.
SecureBytes recover_private_key(const Keystore& store, const Entry& entry, const Password& keypass);

struct SecretKeyInfo {
  std::string algorithm;  // "AES", "HmacSHA256", "DESede", ...
  int bits = 0;
};
SecretKeyInfo recover_secret_key(const Keystore& store, const Entry& entry,
                                 const Password& keypass);

// A secret key as Java's KeyStore.getKey returns it.
struct SecretKeyMaterial {
  std::string algorithm;  // Java's SecretKey.getAlgorithm(): "AES", "HmacSHA256", ...
  SecureBytes key;        // getEncoded()
};
// The secret key of a JCEKS or PKCS#12 entry. Throws like recover_secret_key (PasswordError
// KEY_NOT_RECOVERABLE on a wrong password).
SecretKeyMaterial recover_secret_key_material(const Keystore& store, const Entry& entry,
                                              const Password& keypass);
// Protects a secret key the way JDK 17's KeyStore.setKeyEntry does: JCEKS seals a SecretKeySpec
// with PBEWithMD5AndTripleDES (200 000 iterations); PKCS#12 encrypts SEQUENCE { 0,
// AlgorithmId.get(algorithm), OCTET STRING key } like a private key. Throws
// UsageError("SECRET_KEY_IN_JKS") for JKS and UsageError("UNKNOWN_SECRET_KEY_ALGORITHM") for a
// PKCS#12 key whose algorithm name Java (or ksdoctor) cannot map to an OID.
ProtectedKey protect_secret_key(const SecretKeyMaterial& key, StoreFormat format,
                                const Password& keypass);

// The private key of a PEM file, as PKCS#8 PrivateKeyInfo: "PRIVATE KEY" (PKCS#8), "ENCRYPTED
// PRIVATE KEY" (needs `password`), "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1), the
// latter two also with OpenSSL's Proc-Type encryption. Other blocks in the file are skipped.
// Throws PasswordError("PASSWORD_REQUIRED") for an encrypted key without a password,
// PasswordError("KEY_PASSWORD_WRONG") when the password does not decrypt it, and
// FormatError("NO_PRIVATE_KEY") when the file holds no readable private key.
SecureBytes read_pem_private_key(ByteView pem, const Password& password);

// Algorithm and size of a PKCS#8 private key ("RSA 2048"). Throws FormatError when unreadable.
PublicKeyInfo describe_private_key(const SecureBytes& pkcs8);
// Whether the private key is the one whose public half is in `cert`.
bool private_key_matches(const SecureBytes& pkcs8, const Certificate& cert);

// Protects a PKCS#8 private key the way Java's KeyStore.setKeyEntry does for `format` (JDK 17
// defaults: the JKS key protector; JCEKS PBEWithMD5AndTripleDES with 200 000 iterations; PKCS#12
// PBES2 PBKDF2-HmacSHA256 / AES-256-CBC with 10 000 iterations), with a random salt.
ProtectedKey protect_private_key(const SecureBytes& pkcs8, StoreFormat format,
                                 const Password& keypass);

}  // namespace ksdoctor
