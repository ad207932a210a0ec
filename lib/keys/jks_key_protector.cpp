// The JKS proprietary key protector (sun.security.provider.KeyProtector): a SHA-1 keystream
// XORed over the PKCS#8 bytes, with a SHA-1 check digest.
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "key_protection.hpp"

namespace ksdoctor {

SecureBytes jks_key_protector_recover(ByteView encrypted, const Password& keypass) {
  constexpr std::size_t kSaltLen = 20, kDigestLen = 20;
  if (encrypted.size() < kSaltLen + kDigestLen) {
    throw FormatError("MALFORMED", "protected key is too short for the JKS key protector");
  }
  SecureBytes pw = keypass.utf16be();
  ByteView salt = encrypted.first(kSaltLen);
  ByteView cipher = encrypted.subspan(kSaltLen, encrypted.size() - kSaltLen - kDigestLen);
  ByteView check = encrypted.last(kDigestLen);

  SecureBytes plain(cipher.size());
  SecureBytes block(salt.begin(), salt.end());
  SecureBytes input;
  for (std::size_t off = 0; off < cipher.size(); off += kDigestLen) {
    input.assign(pw.begin(), pw.end());
    input.insert(input.end(), block.begin(), block.end());
    block.resize(kDigestLen);
    SHA1(input.data(), input.size(), block.data());
    for (std::size_t i = 0; i < kDigestLen && off + i < cipher.size(); ++i) {
      plain[off + i] = cipher[off + i] ^ block[i];
    }
  }
  input.assign(pw.begin(), pw.end());
  input.insert(input.end(), plain.begin(), plain.end());
  unsigned char digest[kDigestLen];
  SHA1(input.data(), input.size(), digest);
  if (CRYPTO_memcmp(digest, check.data(), kDigestLen) != 0) {
    throw PasswordError("KEY_NOT_RECOVERABLE", "Cannot recover key");
  }
  return plain;
}

}  // namespace ksdoctor
