// Certificate parsing with a hand-written DER walker rather than Botan: listing a 5 000-entry store
// needs the parsed view of every certificate, and Botan's full decode (≈33 µs/cert here) alone
// would spend 8× the whole time budget. Botan stays the signature checker (trust module).
#include <openssl/sha.h>

#include "dn.hpp"
#include "ksdoctor/der.hpp"
#include "ksdoctor/x509.hpp"
#include "oids.hpp"

namespace ksdoctor {
namespace {

std::string serial_to_hex(ByteView value) {
  if (value.empty()) throw FormatError("BAD_CERTIFICATE", "empty serial number");
  Bytes magnitude(value.begin(), value.end());
  bool negative = magnitude[0] & 0x80;
  if (negative) {  // two's complement → magnitude
    for (auto& b : magnitude) b = static_cast<std::uint8_t>(~b);
    for (auto it = magnitude.rbegin(); it != magnitude.rend(); ++it) {
      if (++*it != 0) break;
    }
  }
  std::string hex = to_hex(magnitude);
  std::size_t first = hex.find_first_not_of('0');
  hex = first == std::string::npos ? "0" : hex.substr(first);
  return negative ? "-" + hex : hex;
}

PublicKeyInfo parse_spki(ByteView spki_value) {
  der::Walker w(spki_value, "public key");
  der::Tlv alg = w.expect(der::kSequence);
  der::Tlv key_bits = w.expect(der::kBitString);
  der::Walker aw(alg.value, "public key algorithm");
  PublicKeyInfo info;
  std::string oid = der::oid_to_string(aw.expect(der::kOid).value);
  info.algorithm = oids::key_algorithm(oid);
  if (key_bits.value.empty()) throw FormatError("BAD_CERTIFICATE", "empty public key");
  ByteView key = key_bits.value.subspan(1);
  if (info.algorithm == "RSA" || info.algorithm == "RSASSA-PSS") {
    der::Walker kw(key, "RSA public key");
    der::Walker rsa(kw.expect(der::kSequence).value, "RSA public key");
    info.bits = der::bit_length(rsa.expect(der::kInteger).value);
  } else if (info.algorithm == "EC") {
    if (auto curve = aw.optional(der::kOid)) {
      std::string curve_oid = der::oid_to_string(curve->value);
      info.curve = oids::curve_name(curve_oid);
      info.bits = oids::curve_bits(curve_oid);
    } else {
      info.curve = "explicit";
    }
  } else if (info.algorithm == "DSA") {
    if (auto params = aw.optional(der::kSequence)) {
      der::Walker pw(params->value, "DSA parameters");
      info.bits = der::bit_length(pw.expect(der::kInteger).value);
    }
  } else if (info.algorithm == "Ed25519" || info.algorithm == "X25519") {
    info.bits = 255;
  } else if (info.algorithm == "Ed448" || info.algorithm == "X448") {
    info.bits = 448;
  }
  return info;
}

void parse_extension(Certificate& cert, const std::string& oid, ByteView value) {
  der::Walker w(value, "certificate extension");
  if (oid == oids::kBasicConstraints) {
    cert.has_basic_constraints = true;
    der::Walker bc(w.expect(der::kSequence).value, "basicConstraints");
    if (auto ca = bc.optional(der::kBoolean)) cert.is_ca = der::bool_value(*ca);
    if (auto len = bc.optional(der::kInteger)) {
      ByteView mag = der::integer_magnitude(len->value);
      if (len->value[0] & 0x80) throw FormatError("BAD_CERTIFICATE", "negative pathLenConstraint");
      int v = 0;
      for (std::uint8_t b : mag) v = v > (1 << 22) ? v : (v << 8) | b;
      cert.path_len = v;
    }
  } else if (oid == oids::kKeyUsage) {
    der::Tlv bits = w.expect(der::kBitString);
    if (bits.value.empty()) throw FormatError("BAD_CERTIFICATE", "empty keyUsage");
    unsigned mask = 0;
    for (std::size_t i = 1; i < bits.value.size() && i < 3; ++i) {
      for (int b = 0; b < 8; ++b) {
        if (bits.value[i] & (0x80 >> b)) mask |= 1u << ((i - 1) * 8 + b);
      }
    }
    cert.key_usage = mask;
  } else if (oid == oids::kExtKeyUsage) {
    der::Walker eku(w.expect(der::kSequence).value, "extKeyUsage");
    while (!eku.at_end()) cert.ext_key_usage.push_back(der::oid_to_string(eku.expect(der::kOid).value));
  } else if (oid == oids::kSubjectKeyId) {
    der::Tlv id = w.expect(der::kOctetString);
    cert.subject_key_id.assign(id.value.begin(), id.value.end());
  } else if (oid == oids::kAuthorityKeyId) {
    der::Walker aki(w.expect(der::kSequence).value, "authorityKeyIdentifier");
    if (auto id = aki.optional(der::context(0, false))) {
      cert.authority_key_id.assign(id->value.begin(), id->value.end());
    }
  } else if (oid == oids::kAuthorityInfoAccess) {
    der::Walker aia(w.expect(der::kSequence).value, "authorityInfoAccess");
    while (!aia.at_end()) {
      der::Walker ad(aia.expect(der::kSequence).value, "accessDescription");
      std::string method = der::oid_to_string(ad.expect(der::kOid).value);
      der::Tlv location = ad.next();
      if (method == oids::kCaIssuers && location.tag == der::context(6, false)) {
        cert.ca_issuers.emplace_back(location.value.begin(), location.value.end());
      }
    }
  }
}

void parse_tbs(Certificate& cert, ByteView tbs_value) {
  der::Walker w(tbs_value, "certificate");
  if (auto version = w.optional(der::context(0, true))) {
    der::Walker vw(version->value, "certificate version");
    der::Tlv v = vw.expect(der::kInteger);
    if (v.value.size() != 1 || v.value[0] > 2) {
      throw FormatError("BAD_CERTIFICATE", "unsupported certificate version");
    }
    cert.version = v.value[0] + 1;
  }
  cert.serial_hex = serial_to_hex(w.expect(der::kInteger).value);
  w.expect(der::kSequence);  // inner signature algorithm, checked against the outer one by trust
  der::Tlv issuer = w.expect(der::kSequence);
  der::Walker validity(w.expect(der::kSequence).value, "validity");
  cert.not_before = der::time_value(validity.next());
  cert.not_after = der::time_value(validity.next());
  der::Tlv subject = w.expect(der::kSequence);
  der::Tlv spki = w.expect(der::kSequence);
  cert.issuer_der.assign(issuer.whole.begin(), issuer.whole.end());
  cert.subject_der.assign(subject.whole.begin(), subject.whole.end());
  cert.issuer = format_dn(issuer.whole);
  cert.subject = format_dn(subject.whole);
  cert.spki_der.assign(spki.whole.begin(), spki.whole.end());
  cert.key = parse_spki(spki.value);
  w.optional(der::context(1, false));  // issuerUniqueID
  w.optional(der::context(2, false));  // subjectUniqueID
  if (auto exts = w.optional(der::context(3, true))) {
    der::Walker ew(exts->value, "extensions");
    der::Walker list(ew.expect(der::kSequence).value, "extensions");
    while (!list.at_end()) {
      der::Walker ext(list.expect(der::kSequence).value, "extension");
      std::string oid = der::oid_to_string(ext.expect(der::kOid).value);
      ext.optional(der::kBoolean);
      parse_extension(cert, oid, ext.expect(der::kOctetString).value);
    }
  }
}

}  // namespace

std::string PublicKeyInfo::describe() const {
  if (algorithm == "EC") return "EC " + (curve.empty() ? std::to_string(bits) : curve);
  if (bits == 0 || algorithm == "Ed25519" || algorithm == "Ed448") return algorithm;
  return algorithm + " " + std::to_string(bits);
}

CertPtr parse_certificate(Bytes der_bytes) {
  auto cert = std::make_shared<Certificate>();
  try {
    der::Walker top(der_bytes, "certificate");
    der::Tlv outer = top.expect(der::kSequence);
    if (!top.at_end()) top.fail("trailing bytes after the certificate");
    der::Walker parts(outer.value, "certificate");
    der::Tlv tbs = parts.expect(der::kSequence);
    der::Walker sig_alg(parts.expect(der::kSequence).value, "signature algorithm");
    cert->signature_oid = der::oid_to_string(sig_alg.expect(der::kOid).value);
    cert->signature_algorithm = signature_algorithm_name(cert->signature_oid);
    parts.expect(der::kBitString);
    parse_tbs(*cert, tbs.value);
  } catch (const FormatError& e) {
    throw FormatError("BAD_CERTIFICATE", std::string("invalid certificate: ") + e.what());
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der_bytes.data(), der_bytes.size(), digest);
  cert->sha256 = to_hex(ByteView(digest, SHA256_DIGEST_LENGTH));
  SHA1(der_bytes.data(), der_bytes.size(), digest);
  cert->sha1 = to_hex(ByteView(digest, SHA_DIGEST_LENGTH));
  cert->der = std::move(der_bytes);
  return cert;
}

}  // namespace ksdoctor
