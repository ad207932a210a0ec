// Key protection schemes used by JKS and JCEKS.
#pragma once

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

// `encrypted` is EncryptedPrivateKeyInfo.encryptedData. Returns the plaintext PKCS#8 bytes.
SecureBytes jks_key_protector_recover(ByteView encrypted, const Password& keypass);

// PBEWithMD5AndTripleDES (com.sun.crypto.provider.PBES1Core): salt of 8 bytes, MD5 iterated per
// salt half, 3DES-CBC with PKCS#5 padding. Throws PasswordError("KEY_NOT_RECOVERABLE") when the
// padding does not verify (wrong password).
SecureBytes pbe_md5_triple_des_decrypt(ByteView ciphertext, ByteView salt, int iterations,
                                       const Password& password);

// The encrypting direction (JCEKS key protection); `salt` is 8 bytes.
Bytes pbe_md5_triple_des_encrypt(const SecureBytes& plain, ByteView salt, int iterations,
                                 const Password& password);

}  // namespace ksdoctor
