#include "pkcs12_algorithms.hpp"

#include "x509/oids.hpp"

namespace ksdoctor::pkcs12 {

std::span<const Pbes1Algorithm> pbes1_algorithms() {
  using K = PbeScheme::Kdf;
  static constexpr Pbes1Algorithm kTable[] = {
      {"1.2.840.113549.1.12.1.1", "PBEWithSHA1AndRC4_128", K::kPkcs12, "RC4", 16, 0},
      {"1.2.840.113549.1.12.1.2", "PBEWithSHA1AndRC4_40", K::kPkcs12, "RC4-40", 5, 0},
      {"1.2.840.113549.1.12.1.3", "PBEWithSHA1AndDESede", K::kPkcs12, "DES-EDE3-CBC", 24, 8},
      // pbeWithSHAAnd2-KeyTripleDES-CBC: Java knows no name and no cipher for it.
      {"1.2.840.113549.1.12.1.4", "1.2.840.113549.1.12.1.4", K::kPkcs12, nullptr, 0, 0},
      {"1.2.840.113549.1.12.1.5", "PBEWithSHA1AndRC2_128", K::kPkcs12, "RC2-CBC", 16, 8},
      {"1.2.840.113549.1.12.1.6", "PBEWithSHA1AndRC2_40", K::kPkcs12, "RC2-40-CBC", 5, 8},
      {"1.2.840.113549.1.5.3", "PBEWithMD5AndDES", K::kPbkdf1Md5, "DES-CBC", 8, 8},
      {"1.2.840.113549.1.5.1", "PBEWithMD2AndDES", K::kPbkdf1Md5, nullptr, 0, 0},
      {"1.2.840.113549.1.5.4", "PBEWithMD2AndRC2", K::kPbkdf1Md5, nullptr, 0, 0},
      {"1.2.840.113549.1.5.6", "PBEWithMD5AndRC2", K::kPbkdf1Md5, nullptr, 0, 0},
      {"1.2.840.113549.1.5.10", "PBEWithSHA1AndDES", K::kPbkdf1Md5, nullptr, 0, 0},
      {"1.2.840.113549.1.5.11", "PBEWithSHA1AndRC2", K::kPbkdf1Md5, nullptr, 0, 0},
  };
  return kTable;
}

std::span<const Pbkdf2Prf> pbkdf2_prfs() {
  static constexpr Pbkdf2Prf kTable[] = {
      {"1.2.840.113549.2.7", "HmacSHA1", "SHA1"},
      {"1.2.840.113549.2.8", "HmacSHA224", "SHA224"},
      {"1.2.840.113549.2.9", "HmacSHA256", "SHA256"},
      {"1.2.840.113549.2.10", "HmacSHA384", "SHA384"},
      {"1.2.840.113549.2.11", "HmacSHA512", "SHA512"},
      // Java parses these but has no PBES2 cipher for them.
      {"1.2.840.113549.2.12", "HmacSHA512/224", nullptr},
      {"1.2.840.113549.2.13", "HmacSHA512/256", nullptr},
  };
  return kTable;
}

std::span<const Pbes2Cipher> pbes2_ciphers() {
  static constexpr Pbes2Cipher kTable[] = {
      {oids::kAes128Cbc, "AES_128", "AES-128-CBC", 16},
      {oids::kAes256Cbc, "AES_256", "AES-256-CBC", 32},
  };
  return kTable;
}

std::span<const MacDigest> mac_digests() {
  static constexpr MacDigest kTable[] = {
      {"1.3.14.3.2.26", "SHA1", "SHA1"},
      {"2.16.840.1.101.3.4.2.4", "SHA224", "SHA224"},
      {"2.16.840.1.101.3.4.2.1", "SHA256", "SHA256"},
      {"2.16.840.1.101.3.4.2.2", "SHA384", "SHA384"},
      {"2.16.840.1.101.3.4.2.3", "SHA512", "SHA512"},
      {"2.16.840.1.101.3.4.2.5", "SHA512/224", "SHA512-224"},
      {"2.16.840.1.101.3.4.2.6", "SHA512/256", "SHA512-256"},
      {"1.2.840.113549.2.5", "MD5", nullptr},
      {"1.2.840.113549.2.2", "MD2", nullptr},
  };
  return kTable;
}

}  // namespace ksdoctor::pkcs12
