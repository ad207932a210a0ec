// Proves a portable binary decrypts RC2-40 (PKCS#12 files written with `openssl pkcs12 -legacy` or
// keytool's legacy mode) on its own: OpenSSL built `no-module` has the legacy provider inside
// libcrypto, so loading it needs no ossl-modules/legacy.so. Run in an empty chroot (Linux) or under
// Wine (Windows). Exit 0 = the provider loads and RC2-40-CBC round-trips a block.
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace {

bool round_trip(EVP_CIPHER* cipher) {
  const std::array<unsigned char, 5> key{1, 2, 3, 4, 5};
  const std::array<unsigned char, 8> iv{};
  const std::array<unsigned char, 8> plain{'k', 's', 'd', 'o', 'c', 't', 'o', 'r'};
  std::array<unsigned char, 32> sealed{};
  std::array<unsigned char, 32> opened{};
  int sealed_len = 0, opened_len = 0, tail = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  bool ok = EVP_EncryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr) == 1 &&
            EVP_EncryptUpdate(ctx, sealed.data(), &sealed_len, plain.data(),
                              static_cast<int>(plain.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx, sealed.data() + sealed_len, &tail) == 1;
  sealed_len += tail;
  ok = ok && EVP_DecryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr) == 1 &&
       EVP_DecryptUpdate(ctx, opened.data(), &opened_len, sealed.data(), sealed_len) == 1 &&
       EVP_DecryptFinal_ex(ctx, opened.data() + opened_len, &tail) == 1;
  opened_len += tail;
  EVP_CIPHER_CTX_free(ctx);
  return ok && opened_len == static_cast<int>(plain.size()) &&
         std::equal(plain.begin(), plain.end(), opened.begin());
}

}  // namespace

int main() {
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  if (legacy == nullptr) {
    std::puts("FAIL: OSSL_PROVIDER_load(legacy)");
    return 1;
  }
  OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
  EVP_CIPHER* rc2 = EVP_CIPHER_fetch(nullptr, "RC2-40-CBC", nullptr);
  if (rc2 == nullptr) {
    std::puts("FAIL: EVP_CIPHER_fetch(RC2-40-CBC)");
    return 1;
  }
  const bool ok = round_trip(rc2);
  std::puts(ok ? "ok: legacy provider built in, RC2-40-CBC round-trips" : "FAIL: RC2-40-CBC");
  EVP_CIPHER_free(rc2);
  OSSL_PROVIDER_unload(base);
  OSSL_PROVIDER_unload(legacy);
  return ok ? 0 : 1;
}
