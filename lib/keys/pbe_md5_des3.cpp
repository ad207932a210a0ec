#include <openssl/evp.h>
#include <openssl/md5.h>

#include <algorithm>
#include <memory>

#include "key_protection.hpp"

namespace ksdoctor {

namespace {

// PBES1Core's key and IV derivation for PBEWithMD5AndTripleDES: MD5 iterated over each salt half
// (the halves made to differ when equal), 24 key bytes and an 8-byte IV.
SecureBytes derive_key_and_iv(ByteView salt_in, int iterations, const Password& password) {
  if (salt_in.size() != 8)
    throw FormatError("MALFORMED", "PBEWithMD5AndTripleDES needs 8 bytes of salt");
  if (iterations < 1 || iterations > 5'000'000) {
    throw FormatError("MALFORMED", "PBE iteration count " + std::to_string(iterations) +
                                       " is outside what Java accepts");
  }
  std::string_view text = password.text();
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) {
      throw PasswordError("KEY_NOT_RECOVERABLE", "Password is not ASCII");
    }
  }
  Bytes salt(salt_in.begin(), salt_in.end());
  if (std::equal(salt.begin(), salt.begin() + 4, salt.begin() + 4)) {
    std::swap(salt[0], salt[3]);
    std::swap(salt[1], salt[2]);
  }
  SecureBytes derived(32);
  unsigned char digest[MD5_DIGEST_LENGTH];
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md5(EVP_MD_fetch(nullptr, "MD5", nullptr),
                                                      EVP_MD_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!md5 || !md) throw FormatError("CRYPTO", "MD5 is not available from OpenSSL");
  for (int half = 0; half < 2; ++half) {
    SecureBytes current(salt.begin() + half * 4, salt.begin() + half * 4 + 4);
    for (int i = 0; i < iterations; ++i) {
      if (!EVP_DigestInit_ex2(md.get(), md5.get(), nullptr) ||
          !EVP_DigestUpdate(md.get(), current.data(), current.size()) ||
          !EVP_DigestUpdate(md.get(), text.data(), text.size()) ||
          !EVP_DigestFinal_ex(md.get(), digest, nullptr)) {
        throw FormatError("CRYPTO", "MD5 failed");
      }
      current.assign(digest, digest + MD5_DIGEST_LENGTH);
    }
    std::copy(current.begin(), current.end(), derived.begin() + half * 16);
  }
  secure_wipe(digest, sizeof digest);
  return derived;
}

}  // namespace

SecureBytes pbe_md5_triple_des_decrypt(ByteView ciphertext, ByteView salt_in, int iterations,
                                       const Password& password) {
  SecureBytes derived = derive_key_and_iv(salt_in, iterations, password);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  SecureBytes plain(ciphertext.size() + 16);
  int len1 = 0, len2 = 0;
  if (!ctx || ciphertext.size() % 8 != 0 || ciphertext.size() > 0x7fffffff ||
      !EVP_DecryptInit_ex(ctx.get(), EVP_des_ede3_cbc(), nullptr, derived.data(),
                          derived.data() + 24) ||
      !EVP_DecryptUpdate(ctx.get(), plain.data(), &len1, ciphertext.data(),
                         static_cast<int>(ciphertext.size()))) {
    throw FormatError("MALFORMED", "protected key cannot be decrypted with 3DES-CBC");
  }
  if (!EVP_DecryptFinal_ex(ctx.get(), plain.data() + len1, &len2)) {
    throw PasswordError("KEY_NOT_RECOVERABLE", "Cannot recover key");
  }
  plain.resize(static_cast<std::size_t>(len1 + len2));
  return plain;
}

Bytes pbe_md5_triple_des_encrypt(const SecureBytes& plain, ByteView salt, int iterations,
                                 const Password& password) {
  SecureBytes derived = derive_key_and_iv(salt, iterations, password);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  Bytes cipher(plain.size() + 8);
  int len1 = 0, len2 = 0;
  if (!ctx || plain.size() > 0x7ffffff0 ||
      !EVP_EncryptInit_ex(ctx.get(), EVP_des_ede3_cbc(), nullptr, derived.data(),
                          derived.data() + 24) ||
      !EVP_EncryptUpdate(ctx.get(), cipher.data(), &len1, plain.data(),
                         static_cast<int>(plain.size())) ||
      !EVP_EncryptFinal_ex(ctx.get(), cipher.data() + len1, &len2)) {
    throw FormatError("CRYPTO", "3DES-CBC encryption failed");
  }
  cipher.resize(static_cast<std::size_t>(len1 + len2));
  return cipher;
}

}  // namespace ksdoctor
