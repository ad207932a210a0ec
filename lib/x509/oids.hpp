// Object identifiers ksdoctor names, and the names Java gives them.
#pragma once

#include <string>

namespace ksdoctor::oids {

// Java's keyword for a DN attribute in RFC 2253 output ("CN"), or empty when Java prints the OID.
std::string dn_keyword(const std::string& oid);
std::string key_algorithm(const std::string& oid);  // "RSA", "EC", ... or the OID
std::string curve_name(const std::string& oid);     // "P-256", ... or the OID
int curve_bits(const std::string& oid);             // 0 when unknown

inline constexpr const char* kBasicConstraints = "2.5.29.19";
inline constexpr const char* kKeyUsage = "2.5.29.15";
inline constexpr const char* kExtKeyUsage = "2.5.29.37";
inline constexpr const char* kSubjectKeyId = "2.5.29.14";
inline constexpr const char* kAuthorityKeyId = "2.5.29.35";
inline constexpr const char* kAuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";
inline constexpr const char* kCaIssuers = "1.3.6.1.5.5.7.48.2";
inline constexpr const char* kAnyExtendedKeyUsage = "2.5.29.37.0";
inline constexpr const char* kServerAuth = "1.3.6.1.5.5.7.3.1";

// Keystore structures: PKCS#7 content types and PKCS#12 bags.
inline constexpr const char* kData = "1.2.840.113549.1.7.1";
inline constexpr const char* kEncryptedData = "1.2.840.113549.1.7.6";
inline constexpr const char* kKeyBag = "1.2.840.113549.1.12.10.1.1";
inline constexpr const char* kShroudedKeyBag = "1.2.840.113549.1.12.10.1.2";
inline constexpr const char* kCertBag = "1.2.840.113549.1.12.10.1.3";
inline constexpr const char* kCrlBag = "1.2.840.113549.1.12.10.1.4";
inline constexpr const char* kSecretBag = "1.2.840.113549.1.12.10.1.5";
inline constexpr const char* kSafeContentsBag = "1.2.840.113549.1.12.10.1.6";

// Key protection: PKCS#5 v2 and the Sun key protectors of JKS and JCEKS.
inline constexpr const char* kPbes2 = "1.2.840.113549.1.5.13";
inline constexpr const char* kPbkdf2 = "1.2.840.113549.1.5.12";
inline constexpr const char* kAes128Cbc = "2.16.840.1.101.3.4.1.2";
inline constexpr const char* kAes256Cbc = "2.16.840.1.101.3.4.1.42";
inline constexpr const char* kJksKeyProtector = "1.3.6.1.4.1.42.2.17.1.1";
inline constexpr const char* kJceKeyProtector = "1.3.6.1.4.1.42.2.19.1";

}  // namespace ksdoctor::oids
