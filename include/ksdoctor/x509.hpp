// X.509 certificates: the DER as stored plus a parsed view of what ksdoctor reports and checks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

struct PublicKeyInfo {
  std::string algorithm;  // "RSA", "EC", "DSA", "Ed25519", "Ed448", "RSASSA-PSS" or a dotted OID
  int bits = 0;           // modulus / prime / field size; 0 when unknown
  std::string curve;      // "P-256", ... for EC
  std::string describe() const;  // "RSA 2048", "EC P-256", "Ed25519"
};

// Key usage bits as in RFC 5280 (bit 0 = digitalSignature).
enum KeyUsageBit : unsigned {
  kDigitalSignature = 1u << 0,
  kNonRepudiation = 1u << 1,
  kKeyEncipherment = 1u << 2,
  kDataEncipherment = 1u << 3,
  kKeyAgreement = 1u << 4,
  kKeyCertSign = 1u << 5,
  kCrlSign = 1u << 6,
};

// Attribute types of a name (dotted OIDs), for Certificate::subject_attribute.
inline constexpr std::string_view kCommonName = "2.5.4.3";
inline constexpr std::string_view kOrganizationalUnit = "2.5.4.11";
inline constexpr std::string_view kOrganization = "2.5.4.10";

struct Certificate {
  Bytes der;
  int version = 1;
  std::string serial_hex;  // as Java's BigInteger.toString(16)
  std::string subject;     // RFC 4514, as X500Principal.getName(RFC2253)
  std::string issuer;
  Bytes subject_der;  // the encoded Name, for exact issuer matching
  Bytes issuer_der;
  std::int64_t not_before = 0;  // epoch seconds
  std::int64_t not_after = 0;
  std::string signature_oid;
  std::string signature_algorithm;  // Java's name, e.g. "SHA256withRSA"
  PublicKeyInfo key;
  Bytes spki_der;  // SubjectPublicKeyInfo
  bool has_basic_constraints = false;
  bool is_ca = false;
  std::optional<int> path_len;
  std::optional<unsigned> key_usage;       // KeyUsageBit mask when the extension is present
  std::vector<std::string> ext_key_usage;  // dotted OIDs
  Bytes subject_key_id;
  Bytes authority_key_id;
  std::vector<std::string> ca_issuers;  // AIA caIssuers URIs
  std::string sha256;                   // lowercase hex of SHA-256(der)
  std::string sha1;

  bool self_issued() const { return subject_der == issuer_der; }
  // The first value of attribute `type` in the subject, in `subject`'s order (most specific RDN
  // first), decoded from its string type; "" when no such attribute holds a non-empty string.
  std::string subject_attribute(std::string_view type) const;
  std::string common_name() const { return subject_attribute(kCommonName); }
};

using CertPtr = std::shared_ptr<const Certificate>;

// Parses one DER certificate. Throws FormatError("BAD_CERTIFICATE", ...) on anything malformed.
CertPtr parse_certificate(Bytes der);

// The subjectAltName dNSName entries, in certificate order (empty without the extension).
std::vector<std::string> subject_alt_dns_names(const Certificate& cert);
// Whether a dNSName of the subjectAltName matches `host` (RFC 6125: a "*." wildcard covers one
// left-most label). The subject CN is not consulted: clients that check names use the SAN.
bool san_names_host(const Certificate& cert, std::string_view host);

// Java's name for a signature algorithm OID ("SHA256withRSA"), or the dotted OID when unknown.
std::string signature_algorithm_name(const std::string& oid);

}  // namespace ksdoctor
