// The RSA fast path of describe_private_key / private_key_matches against OpenSSL's decoders:
// same size, same match verdicts, and nullopt (the OpenSSL path) for anything it does not know.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <random>

#include "keys/rsa_der.hpp"
#include "ksdoctor/bytes.hpp"

namespace rsa_der_test {
using namespace ksdoctor;

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

PkeyPtr rsa_key(unsigned bits, unsigned exponent) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  REQUIRE(ctx);
  REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) == 1);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> e(BN_new(), BN_free);
  BN_set_word(e.get(), exponent);
  REQUIRE(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) == 1);
  EVP_PKEY* key = nullptr;
  REQUIRE(EVP_PKEY_keygen(ctx.get(), &key) == 1);
  return PkeyPtr(key, EVP_PKEY_free);
}

Bytes pkcs8_of(EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key);
  REQUIRE(info);
  unsigned char* der = nullptr;
  int n = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  REQUIRE(n > 0);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

Bytes spki_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  REQUIRE(n > 0);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

// What OpenSSL says: the key's size, or -1 when it cannot decode it as RSA.
int openssl_rsa_bits(const Bytes& pkcs8) {
  const unsigned char* p = pkcs8.data();
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(pkcs8.size()));
  if (!info) return -1;
  PkeyPtr key(EVP_PKCS82PKEY(info), EVP_PKEY_free);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return -1;
  return EVP_PKEY_get_bits(key.get());
}

bool openssl_matches(const Bytes& pkcs8, const Bytes& spki) {
  const unsigned char* p = pkcs8.data();
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(pkcs8.size()));
  if (!info) return false;
  PkeyPtr priv(EVP_PKCS82PKEY(info), EVP_PKEY_free);
  PKCS8_PRIV_KEY_INFO_free(info);
  const unsigned char* q = spki.data();
  PkeyPtr pub(d2i_PUBKEY(nullptr, &q, static_cast<long>(spki.size())), EVP_PKEY_free);
  return priv && pub && EVP_PKEY_eq(priv.get(), pub.get()) == 1;
}

bool fast_matches(const Bytes& pkcs8, const Bytes& spki) {
  auto a = rsa_der::from_pkcs8(pkcs8);
  auto b = rsa_der::from_spki(spki);
  REQUIRE(a);
  REQUIRE(b);
  return std::ranges::equal(a->modulus, b->modulus) && std::ranges::equal(a->exponent, b->exponent);
}

}  // namespace

TEST_CASE("rsa_der: sizes and match verdicts as OpenSSL gives them, keys of many sizes") {
  // Odd sizes give moduli whose top octet is not full; 3 and 65537 are the exponents in use.
  const unsigned sizes[] = {1024, 1025, 1031, 1536, 2047, 2048, 3072};
  std::vector<std::pair<Bytes, Bytes>> keys;
  for (unsigned bits : sizes) {
    for (unsigned e : {3u, 65537u}) {
      PkeyPtr key = rsa_key(bits, e);
      Bytes pkcs8 = pkcs8_of(key.get());
      Bytes spki = spki_of(key.get());
      auto fast = rsa_der::from_pkcs8(pkcs8);
      REQUIRE(fast);
      CHECK(fast->bits() == openssl_rsa_bits(pkcs8));
      CHECK(fast->bits() == static_cast<int>(bits));
      keys.emplace_back(pkcs8, spki);
    }
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (std::size_t j = 0; j < keys.size(); ++j) {
      CHECK(fast_matches(keys[i].first, keys[j].second) ==
            openssl_matches(keys[i].first, keys[j].second));
      CHECK(fast_matches(keys[i].first, keys[j].second) == (i == j));
    }
  }
}

TEST_CASE("rsa_der: an EC key, a truncated or altered structure go to OpenSSL (nullopt)") {
  PkeyPtr ec(EVP_EC_gen("prime256v1"), EVP_PKEY_free);
  REQUIRE(ec);
  CHECK_FALSE(rsa_der::from_pkcs8(pkcs8_of(ec.get())));
  CHECK_FALSE(rsa_der::from_spki(spki_of(ec.get())));

  PkeyPtr key = rsa_key(1024, 65537);
  Bytes pkcs8 = pkcs8_of(key.get());
  Bytes spki = spki_of(key.get());
  Bytes truncated(pkcs8.begin(), pkcs8.end() - 1);
  CHECK_FALSE(rsa_der::from_pkcs8(truncated));
  Bytes trailing = pkcs8;
  trailing.push_back(0);
  CHECK_FALSE(rsa_der::from_pkcs8(trailing));
  Bytes spki_trailing = spki;
  spki_trailing.push_back(0);
  CHECK_FALSE(rsa_der::from_spki(spki_trailing));

  // Every single-octet change: where the fast path still answers, OpenSSL decodes an RSA key of
  // the same size (the change was inside a value), so the two paths never disagree on a size.
  std::mt19937 random(12);
  for (int round = 0; round < 400; ++round) {
    Bytes changed = pkcs8;
    std::size_t at = random() % changed.size();
    changed[at] = static_cast<std::uint8_t>(changed[at] ^ (1u << (random() % 8)));
    if (auto fast = rsa_der::from_pkcs8(changed)) {
      CHECK(fast->bits() == openssl_rsa_bits(changed));
    }
  }
}

}  // namespace rsa_der_test
