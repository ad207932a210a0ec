// The PBE, PBKDF2 and MAC algorithms of JDK 17's PKCS12KeyStore by OID, with Java's names and the
// OpenSSL primitives behind them: the one table the PKCS#12 reader and writer both consult.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "pkcs12_pbe.hpp"

namespace ksdoctor::pkcs12 {

struct Pbes1Algorithm {
  const char* oid;
  const char* name;  // Java's name
  PbeScheme::Kdf kdf;
  const char* cipher;  // OpenSSL name; nullptr: SunJCE has no cipher for it
  std::size_t key_len, iv_len;
};

struct Pbkdf2Prf {
  const char* oid;
  const char* java;    // "HmacSHA256"
  const char* digest;  // OpenSSL name; nullptr: Java has no PBES2 cipher for it
};

struct Pbes2Cipher {
  const char* oid;
  const char* java;    // "AES_256", as in PBEWithHmacSHA256AndAES_256
  const char* cipher;  // OpenSSL name
  std::size_t key_len;
};

struct MacDigest {
  const char* oid;
  const char* java;    // the digest's Java name without "-", as MacData builds "HmacPBE" + name
  const char* digest;  // OpenSSL name; nullptr: SunJCE has no HmacPBE Mac for it
};

std::span<const Pbes1Algorithm> pbes1_algorithms();
std::span<const Pbkdf2Prf> pbkdf2_prfs();
std::span<const Pbes2Cipher> pbes2_ciphers();
std::span<const MacDigest> mac_digests();

// The entry with this OID, or nullptr.
template <typename Algorithm>
const Algorithm* find_oid(std::span<const Algorithm> table, std::string_view oid) {
  for (const Algorithm& a : table) {
    if (oid == a.oid) return &a;
  }
  return nullptr;
}

}  // namespace ksdoctor::pkcs12
