#include "oids.hpp"

#include <string_view>
#include <utility>

#include "ksdoctor/x509.hpp"

namespace ksdoctor {
namespace {

template <std::size_t N>
std::string lookup(const std::pair<std::string_view, std::string_view> (&table)[N],
                   const std::string& oid, const std::string& fallback) {
  for (const auto& [key, name] : table) {
    if (key == oid) return std::string(name);
  }
  return fallback;
}

constexpr std::pair<std::string_view, std::string_view> kSignatures[] = {
    {"1.2.840.113549.1.1.2", "MD2withRSA"},
    {"1.2.840.113549.1.1.4", "MD5withRSA"},
    {"1.2.840.113549.1.1.5", "SHA1withRSA"},
    {"1.2.840.113549.1.1.14", "SHA224withRSA"},
    {"1.2.840.113549.1.1.11", "SHA256withRSA"},
    {"1.2.840.113549.1.1.12", "SHA384withRSA"},
    {"1.2.840.113549.1.1.13", "SHA512withRSA"},
    {"1.2.840.113549.1.1.10", "RSASSA-PSS"},
    {"1.2.840.10045.4.1", "SHA1withECDSA"},
    {"1.2.840.10045.4.3.1", "SHA224withECDSA"},
    {"1.2.840.10045.4.3.2", "SHA256withECDSA"},
    {"1.2.840.10045.4.3.3", "SHA384withECDSA"},
    {"1.2.840.10045.4.3.4", "SHA512withECDSA"},
    {"1.2.840.10040.4.3", "SHA1withDSA"},
    {"2.16.840.1.101.3.4.3.1", "SHA224withDSA"},
    {"2.16.840.1.101.3.4.3.2", "SHA256withDSA"},
    {"1.3.101.112", "Ed25519"},
    {"1.3.101.113", "Ed448"},
};

constexpr std::pair<std::string_view, std::string_view> kKeyAlgorithms[] = {
    {"1.2.840.113549.1.1.1", "RSA"}, {"1.2.840.113549.1.1.10", "RSASSA-PSS"},
    {"1.2.840.10045.2.1", "EC"},     {"1.2.840.10040.4.1", "DSA"},
    {"1.3.101.110", "X25519"},       {"1.3.101.111", "X448"},
    {"1.3.101.112", "Ed25519"},      {"1.3.101.113", "Ed448"},
};

constexpr std::pair<std::string_view, std::string_view> kCurves[] = {
    {"1.2.840.10045.3.1.1", "P-192"},
    {"1.3.132.0.33", "P-224"},
    {"1.2.840.10045.3.1.7", "P-256"},
    {"1.3.132.0.34", "P-384"},
    {"1.3.132.0.35", "P-521"},
    {"1.3.132.0.10", "secp256k1"},
    {"1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"},
    {"1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"},
    {"1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"},
};

constexpr std::pair<std::string_view, std::string_view> kDnKeywords[] = {
    {"2.5.4.3", "CN"},
    {"2.5.4.6", "C"},
    {"2.5.4.7", "L"},
    {"2.5.4.8", "ST"},
    {"2.5.4.10", "O"},
    {"2.5.4.11", "OU"},
    {"2.5.4.9", "STREET"},
    {"0.9.2342.19200300.100.1.25", "DC"},
    {"0.9.2342.19200300.100.1.1", "UID"},
};

}  // namespace

std::string signature_algorithm_name(const std::string& oid) {
  return lookup(kSignatures, oid, oid);
}

namespace oids {

std::string dn_keyword(const std::string& oid) { return lookup(kDnKeywords, oid, ""); }
std::string key_algorithm(const std::string& oid) { return lookup(kKeyAlgorithms, oid, oid); }
std::string curve_name(const std::string& oid) { return lookup(kCurves, oid, oid); }

int curve_bits(const std::string& oid) {
  std::string name = curve_name(oid);
  if (name == "P-192") return 192;
  if (name == "P-224") return 224;
  if (name == "P-256" || name == "secp256k1" || name == "brainpoolP256r1") return 256;
  if (name == "P-384" || name == "brainpoolP384r1") return 384;
  if (name == "P-521") return 521;
  if (name == "brainpoolP512r1") return 512;
  return 0;
}

}  // namespace oids
}  // namespace ksdoctor
