// The cryptography of BouncyCastle's keystores: the BKS HMAC, UBER's Twofish-CBC and the 3DES
// sealing of key entries, all keyed by the PKCS#12 KDF over SHA-1 (pkcs12_pbe.hpp).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>

#include "bks_format.hpp"
#include "core/text.hpp"
#include "formats/pkcs12/pkcs12_pbe.hpp"
#include "twofish.hpp"

namespace ksdoctor::bks {
namespace bks_crypto_detail {

const EVP_MD* sha1() {
  const EVP_MD* md = pkcs12::openssl_digest("SHA1");
  if (!md) throw FormatError("CRYPTO", "OpenSSL provides no SHA-1");
  return md;
}

// BouncyCastle's PKCS12ParametersGenerator hashes at least once whatever the count says.
SecureBytes derive(const SecureBytes& password, ByteView salt, int id, int iterations,
                   std::size_t length) {
  return pkcs12::pkcs12_kdf(sha1(), password, salt, id, iterations < 1 ? 1 : iterations, length);
}

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw FormatError("CRYPTO", "no random bytes from OpenSSL");
  }
  return out;
}

std::optional<SecureBytes> des3(ByteView input, const SecureBytes& password, ByteView salt,
                                int iterations, bool encrypt) {
  SecureBytes key = derive(password, salt, 1, iterations, 24);
  SecureBytes iv = derive(password, salt, 2, iterations, 8);
  pkcs12::load_openssl_providers(pkcs12::Providers::kDefault);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  SecureBytes out(input.size() + 16);
  int n = 0, tail = 0;
  if (!ctx || !EVP_CipherInit_ex(ctx.get(), EVP_des_ede3_cbc(), nullptr, key.data(), iv.data(),
                                 encrypt ? 1 : 0)) {
    throw FormatError("CRYPTO", "3DES is not available from OpenSSL");
  }
  if (!EVP_CipherUpdate(ctx.get(), out.data(), &n, input.data(), static_cast<int>(input.size())) ||
      !EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail)) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

}  // namespace bks_crypto_detail

// Function-level `using namespace bks_crypto_detail` below: at namespace scope it would reach the
// files a unity build puts after this one.

SecureBytes password_bytes(const Password& password) {
  if (password.is_null() || password.text().empty()) return {};
  SecureBytes out = password.utf16be();
  out.push_back(0);
  out.push_back(0);
  return out;
}

Bytes store_mac(const SecureBytes& password, ByteView salt, int iterations, int version,
                ByteView body) {
  using namespace bks_crypto_detail;
  SecureBytes key = derive(password, salt, 3, iterations, version == 2 ? kMacSize : 2);
  Bytes mac(kMacSize);
  unsigned int len = 0;
  if (!HMAC(sha1(), key.data(), static_cast<int>(key.size()), body.data(), body.size(), mac.data(),
            &len)) {
    throw FormatError("CRYPTO", "HMAC-SHA1 failed");
  }
  return mac;
}

std::optional<SecureBytes> uber_decrypt(ByteView ciphertext, const SecureBytes& password,
                                        ByteView salt, int iterations) {
  using namespace bks_crypto_detail;
  constexpr std::size_t kBlock = Twofish::kBlockSize;
  if (ciphertext.empty() || ciphertext.size() % kBlock != 0) return std::nullopt;
  SecureBytes key = derive(password, salt, 1, iterations, 32);
  SecureBytes iv = derive(password, salt, 2, iterations, kBlock);
  Twofish cipher(key);
  SecureBytes plain(ciphertext.size());
  const std::uint8_t* previous = iv.data();
  for (std::size_t off = 0; off < ciphertext.size(); off += kBlock) {
    cipher.decrypt_block(ciphertext.data() + off, plain.data() + off);
    for (std::size_t i = 0; i < kBlock; ++i) plain[off + i] ^= previous[i];
    previous = ciphertext.data() + off;
  }
  std::uint8_t pad = plain.back();
  if (pad == 0 || pad > kBlock) return std::nullopt;
  for (std::size_t i = plain.size() - pad; i < plain.size(); ++i) {
    if (plain[i] != pad) return std::nullopt;
  }
  plain.resize(plain.size() - pad);
  return plain;
}

Bytes uber_encrypt(const SecureBytes& plain, const SecureBytes& password, ByteView salt,
                   int iterations) {
  using namespace bks_crypto_detail;
  constexpr std::size_t kBlock = Twofish::kBlockSize;
  SecureBytes key = derive(password, salt, 1, iterations, 32);
  SecureBytes iv = derive(password, salt, 2, iterations, kBlock);
  Twofish cipher(key);
  SecureBytes padded(plain.begin(), plain.end());
  std::size_t pad = kBlock - plain.size() % kBlock;
  padded.insert(padded.end(), pad, static_cast<std::uint8_t>(pad));
  Bytes out(padded.size());
  std::uint8_t block[kBlock];
  const std::uint8_t* previous = iv.data();
  for (std::size_t off = 0; off < padded.size(); off += kBlock) {
    for (std::size_t i = 0; i < kBlock; ++i) block[i] = padded[off + i] ^ previous[i];
    cipher.encrypt_block(block, out.data() + off);
    previous = out.data() + off;
  }
  OPENSSL_cleanse(block, sizeof block);
  return out;
}

int sealed_iterations(ByteView sealed) {
  try {
    Reader in(sealed, "sealed key");
    std::uint32_t salt_len = in.u32();
    if (salt_len > 0x7fffffff) return 0;
    in.skip(salt_len);
    return static_cast<int>(in.u32());
  } catch (const FormatError&) {
    return 0;
  }
}

KeyObject unseal(ByteView sealed, const Password& keypass) {
  using namespace bks_crypto_detail;
  Reader in(sealed, "sealed key");
  std::uint32_t salt_len = in.u32();
  if (salt_len > 0x7fffffff) in.fail("negative salt length");
  ByteView salt = in.take(salt_len);
  auto iterations = static_cast<std::int32_t>(in.u32());
  if (iterations < 0 || iterations > kMaxBksIterations) {
    in.fail("BKS KeyStore: invalid iteration count " + std::to_string(iterations));
  }
  std::optional<SecureBytes> plain =
      des3(in.rest(), password_bytes(keypass), salt, iterations, false);
  if (!plain) throw PasswordError("KEY_NOT_RECOVERABLE", "no match");
  try {
    return decode_key_object(ByteView(plain->data(), plain->size()));
  } catch (const FormatError&) {
    // Valid padding by chance under a wrong password decodes to nonsense: BouncyCastle says
    // "no match" for both.
    throw PasswordError("KEY_NOT_RECOVERABLE", "no match");
  }
}

Bytes seal(const KeyObject& key, const Password& keypass) {
  using namespace bks_crypto_detail;
  Bytes salt = random_bytes(kSaltSize);
  Bytes r = random_bytes(4);
  int iterations = 1024 + (((r[2] << 8) | r[3]) & 0x3ff);
  SecureBytes plain = encode_key_object(key);
  std::optional<SecureBytes> sealed =
      des3(ByteView(plain.data(), plain.size()), password_bytes(keypass), salt, iterations, true);
  if (!sealed) throw FormatError("CRYPTO", "3DES encryption failed");
  Bytes out;
  write_u32(out, static_cast<std::uint32_t>(salt.size()));
  out.insert(out.end(), salt.begin(), salt.end());
  write_u32(out, static_cast<std::uint32_t>(iterations));
  out.insert(out.end(), sealed->begin(), sealed->end());
  return out;
}

}  // namespace ksdoctor::bks
