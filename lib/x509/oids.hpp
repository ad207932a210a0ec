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

}  // namespace ksdoctor::oids
