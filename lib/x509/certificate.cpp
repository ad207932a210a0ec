// Certificate parsing with a hand-written DER walker rather than Botan: listing a 5 000-entry store
// needs the parsed view of every certificate, and Botan's full decode (≈33 µs/cert here) alone
// would spend 8× the whole time budget. Botan stays the signature checker (trust module).
//
// The fingerprints use OpenSSL's low-level SHA-1/SHA-256 functions, deprecated in 3.0 but present:
// SHA256()/SHA1() go through EVP_Q_digest, which fetches the algorithm and allocates a context on
// every call (≈0.6 µs per certificate for the pair, a third of the hashing) and initialises the
// provider machinery (≈2 ms) even for a store that has no key to decode.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "dn.hpp"
#include "ksdoctor/x509.hpp"
#include "oid_memo.hpp"
#include "oids.hpp"
#include "parse_many.hpp"
#include "x509/der.hpp"

namespace ksdoctor {
namespace {

struct SignatureName {
  std::string oid, name;
};
struct CurveInfo {
  std::string name;
  int bits = 0;
};
enum class ExtensionKind {
  kOther,
  kBasicConstraints,
  kKeyUsage,
  kExtKeyUsage,
  kSubjectKeyId,
  kAuthorityKeyId,
  kAuthorityInfoAccess
};

ExtensionKind extension_kind(ByteView oid_der) {
  thread_local OidMemo<ExtensionKind> memo;
  return memo.get(oid_der, [](ByteView raw) {
    std::string oid = der::oid_to_string(raw);
    if (oid == oids::kBasicConstraints) return ExtensionKind::kBasicConstraints;
    if (oid == oids::kKeyUsage) return ExtensionKind::kKeyUsage;
    if (oid == oids::kExtKeyUsage) return ExtensionKind::kExtKeyUsage;
    if (oid == oids::kSubjectKeyId) return ExtensionKind::kSubjectKeyId;
    if (oid == oids::kAuthorityKeyId) return ExtensionKind::kAuthorityKeyId;
    if (oid == oids::kAuthorityInfoAccess) return ExtensionKind::kAuthorityInfoAccess;
    return ExtensionKind::kOther;
  });
}

std::string serial_to_hex(ByteView value) {
  if (value.empty()) throw FormatError("BAD_CERTIFICATE", "empty serial number");
  return der::integer_to_hex(value);
}

PublicKeyInfo parse_spki(ByteView spki_value) {
  der::Walker w(spki_value, "public key");
  der::Tlv alg = w.expect(der::kSequence);
  der::Tlv key_bits = w.expect(der::kBitString);
  der::Walker aw(alg.value, "public key algorithm");
  PublicKeyInfo info;
  thread_local OidMemo<std::string> algorithms;
  info.algorithm = algorithms.get(aw.expect(der::kOid).value, [](ByteView raw) {
    return oids::key_algorithm(der::oid_to_string(raw));
  });
  if (key_bits.value.empty()) throw FormatError("BAD_CERTIFICATE", "empty public key");
  ByteView key = key_bits.value.subspan(1);
  if (info.algorithm == "RSA" || info.algorithm == "RSASSA-PSS") {
    der::Walker kw(key, "RSA public key");
    der::Walker rsa(kw.expect(der::kSequence).value, "RSA public key");
    info.bits = der::bit_length(rsa.expect(der::kInteger).value);
  } else if (info.algorithm == "EC") {
    if (auto curve = aw.optional(der::kOid)) {
      thread_local OidMemo<CurveInfo> curves;
      const CurveInfo& known = curves.get(curve->value, [](ByteView raw) {
        std::string curve_oid = der::oid_to_string(raw);
        return CurveInfo{oids::curve_name(curve_oid), oids::curve_bits(curve_oid)};
      });
      info.curve = known.name;
      info.bits = known.bits;
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

void parse_extension(Certificate& cert, ExtensionKind kind, ByteView value) {
  der::Walker w(value, "certificate extension");
  if (kind == ExtensionKind::kBasicConstraints) {
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
  } else if (kind == ExtensionKind::kKeyUsage) {
    der::Tlv bits = w.expect(der::kBitString);
    if (bits.value.empty()) throw FormatError("BAD_CERTIFICATE", "empty keyUsage");
    unsigned mask = 0;
    for (std::size_t i = 1; i < bits.value.size() && i < 3; ++i) {
      for (int b = 0; b < 8; ++b) {
        if (bits.value[i] & (0x80 >> b)) mask |= 1u << ((i - 1) * 8 + b);
      }
    }
    cert.key_usage = mask;
  } else if (kind == ExtensionKind::kExtKeyUsage) {
    der::Walker eku(w.expect(der::kSequence).value, "extKeyUsage");
    thread_local OidMemo<std::string> purposes;
    while (!eku.at_end()) {
      cert.ext_key_usage.push_back(purposes.get(eku.expect(der::kOid).value, der::oid_to_string));
    }
  } else if (kind == ExtensionKind::kSubjectKeyId) {
    der::Tlv id = w.expect(der::kOctetString);
    cert.subject_key_id.assign(id.value.begin(), id.value.end());
  } else if (kind == ExtensionKind::kAuthorityKeyId) {
    der::Walker aki(w.expect(der::kSequence).value, "authorityKeyIdentifier");
    if (auto id = aki.optional(der::context(0, false))) {
      cert.authority_key_id.assign(id->value.begin(), id->value.end());
    }
  } else if (kind == ExtensionKind::kAuthorityInfoAccess) {
    der::Walker aia(w.expect(der::kSequence).value, "authorityInfoAccess");
    thread_local OidMemo<bool> methods;
    while (!aia.at_end()) {
      der::Walker ad(aia.expect(der::kSequence).value, "accessDescription");
      bool ca_issuers = methods.get(ad.expect(der::kOid).value, [](ByteView raw) {
        return der::oid_to_string(raw) == oids::kCaIssuers;
      });
      der::Tlv location = ad.next();
      if (ca_issuers && location.tag == der::context(6, false)) {
        // A URI is IA5 (ASCII); anything else would make the reports invalid UTF-8.
        std::string uri(location.value.begin(), location.value.end());
        for (char& c : uri) {
          if (static_cast<unsigned char>(c) >= 0x80) c = '?';
        }
        cert.ca_issuers.push_back(std::move(uri));
      }
    }
  }
}

// What can be computed for a certificate before it is parsed, possibly on another thread: its
// fingerprints, and its issuer and subject names formatted (the costliest part of parsing), with
// where in the DER those names were found. The parser uses a name only if it finds the Name at
// the same place, so a certificate the quick look misreads is simply formatted again.
struct Prepared {
  unsigned char sha256[SHA256_DIGEST_LENGTH];
  unsigned char sha1[SHA_DIGEST_LENGTH];
  struct Name {
    std::size_t offset = 0, length = 0;  // of the encoded Name within the DER; length 0: none
    std::string_view text;               // format_dn of it, kept in a buffer the batch owns
  } issuer, subject;
};

// format_dn(name), or the prepared text when it was made from the same bytes.
std::string take_name(ByteView der, ByteView name, const Prepared::Name* prepared) {
  if (prepared && prepared->length != 0 && prepared->length == name.size() &&
      prepared->offset == static_cast<std::size_t>(name.data() - der.data())) {
    return std::string(prepared->text);
  }
  return format_dn(name);
}

void parse_tbs(Certificate& cert, ByteView der, ByteView tbs_value, const Prepared* prepared) {
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
  cert.issuer = take_name(der, issuer.whole, prepared ? &prepared->issuer : nullptr);
  cert.subject = take_name(der, subject.whole, prepared ? &prepared->subject : nullptr);
  cert.spki_der.assign(spki.whole.begin(), spki.whole.end());
  cert.key = parse_spki(spki.value);
  w.optional(der::context(1, false));  // issuerUniqueID
  w.optional(der::context(2, false));  // subjectUniqueID
  if (auto exts = w.optional(der::context(3, true))) {
    der::Walker ew(exts->value, "extensions");
    der::Walker list(ew.expect(der::kSequence).value, "extensions");
    while (!list.at_end()) {
      der::Walker ext(list.expect(der::kSequence).value, "extension");
      ExtensionKind kind = extension_kind(ext.expect(der::kOid).value);
      ext.optional(der::kBoolean);
      parse_extension(cert, kind, ext.expect(der::kOctetString).value);
    }
  }
}

}  // namespace

std::string PublicKeyInfo::describe() const {
  if (algorithm == "EC") return "EC " + (curve.empty() ? std::to_string(bits) : curve);
  if (bits == 0 || algorithm == "Ed25519" || algorithm == "Ed448") return algorithm;
  return algorithm + " " + std::to_string(bits);
}

namespace {

void fingerprint(ByteView der, Prepared& out) {
  SHA256_CTX sha256;
  SHA256_Init(&sha256);
  SHA256_Update(&sha256, der.data(), der.size());
  SHA256_Final(out.sha256, &sha256);
  SHA_CTX sha1;
  SHA1_Init(&sha1);
  SHA1_Update(&sha1, der.data(), der.size());
  SHA1_Final(out.sha1, &sha1);
}

// Where parse_tbs finds the issuer and subject Names in a well-formed certificate: Certificate,
// TBSCertificate, [0] version?, serial, signature, issuer, validity, subject. A quick look, with
// no error reporting: false when the layout is not that.
bool locate_names(ByteView der, Prepared& out) {
  const std::uint8_t* const base = der.data();
  using der::next_raw;
  const std::uint8_t* p = base;
  der::RawTlv cert, tbs, t, issuer, subject;
  if (!next_raw(p, base + der.size(), cert) || cert.tag != der::kSequence) return false;
  p = cert.value;
  if (!next_raw(p, cert.end, tbs) || tbs.tag != der::kSequence) return false;
  p = tbs.value;
  if (!next_raw(p, tbs.end, t)) return false;
  if (t.tag == der::context(0, true) && !next_raw(p, tbs.end, t)) return false;
  if (t.tag != der::kInteger || !next_raw(p, tbs.end, t) || t.tag != der::kSequence) return false;
  if (!next_raw(p, tbs.end, issuer) || issuer.tag != der::kSequence) return false;
  if (!next_raw(p, tbs.end, t) || t.tag != der::kSequence) return false;
  if (!next_raw(p, tbs.end, subject) || subject.tag != der::kSequence) return false;
  auto mark = [base](Prepared::Name& name, const der::RawTlv& tlv) {
    name.offset = static_cast<std::size_t>(tlv.start - base);
    name.length = static_cast<std::size_t>(tlv.end - tlv.start);
  };
  mark(out.issuer, issuer);
  mark(out.subject, subject);
  return true;
}

// Space for prepared names, filled by the helper: it copies each name here, so its own
// allocations are short-lived and the parser's thread allocates every string the store keeps.
class NameBuffer {
 public:
  explicit NameBuffer(std::size_t capacity) : data_(new char[capacity]), capacity_(capacity) {}
  // A copy of `text` in the buffer, or nothing when the buffer is full.
  std::optional<std::string_view> keep(const std::string& text) {
    if (capacity_ - used_ < text.size()) return std::nullopt;
    char* at = data_.get() + used_;
    std::memcpy(at, text.data(), text.size());
    used_ += text.size();
    return std::string_view(at, text.size());
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_, used_ = 0;
};

// The names of a certificate, when they can be found and formatted and there is room for them.
void prepare_names(ByteView der, Prepared& out, NameBuffer& buffer) {
  if (!locate_names(der, out)) return;
  thread_local std::string issuer, subject;
  try {
    issuer = format_dn(der.subspan(out.issuer.offset, out.issuer.length));
    subject = format_dn(der.subspan(out.subject.offset, out.subject.length));
  } catch (...) {
    // Left to the parser, which reports the error in its place.
    out.issuer.length = out.subject.length = 0;
    return;
  }
  auto issuer_text = buffer.keep(issuer);
  auto subject_text = buffer.keep(subject);
  if (!issuer_text || !subject_text) {
    out.issuer.length = out.subject.length = 0;
    return;
  }
  out.issuer.text = *issuer_text;
  out.subject.text = *subject_text;
}

CertPtr parse_prepared(Bytes der_bytes, const Prepared& prepared, bool names) {
  auto cert = std::make_shared<Certificate>();
  try {
    der::Walker top(der_bytes, "certificate");
    der::Tlv outer = top.expect(der::kSequence);
    if (!top.at_end()) top.fail("trailing bytes after the certificate");
    der::Walker parts(outer.value, "certificate");
    der::Tlv tbs = parts.expect(der::kSequence);
    der::Walker sig_alg(parts.expect(der::kSequence).value, "signature algorithm");
    thread_local OidMemo<SignatureName> signatures;
    const SignatureName& sig = signatures.get(sig_alg.expect(der::kOid).value, [](ByteView raw) {
      std::string oid = der::oid_to_string(raw);
      std::string name = signature_algorithm_name(oid);
      return SignatureName{std::move(oid), std::move(name)};
    });
    cert->signature_oid = sig.oid;
    cert->signature_algorithm = sig.name;
    parts.expect(der::kBitString);
    parse_tbs(*cert, der_bytes, tbs.value, names ? &prepared : nullptr);
  } catch (const FormatError& e) {
    throw FormatError("BAD_CERTIFICATE", std::string("invalid certificate: ") + e.what());
  }
  cert->sha256 = to_hex(ByteView(prepared.sha256, SHA256_DIGEST_LENGTH));
  cert->sha1 = to_hex(ByteView(prepared.sha1, SHA_DIGEST_LENGTH));
  cert->der = std::move(der_bytes);
  return cert;
}

// Below this many certificates a second thread is not worth starting.
constexpr std::size_t kThreadedBatch = 64;

}  // namespace

CertPtr parse_certificate(Bytes der_bytes) {
  Prepared prepared;
  fingerprint(der_bytes, prepared);
  return parse_prepared(std::move(der_bytes), prepared, false);
}

static std::vector<CertPtr> parse_distinct_certificates(std::span<const ByteView> ders) {
  std::vector<CertPtr> certs;
  certs.reserve(ders.size());
  if (ders.size() < kThreadedBatch) {
    for (ByteView der : ders) certs.push_back(parse_certificate(Bytes(der.begin(), der.end())));
    return certs;
  }
  // The helper walks ahead from the front, claiming each certificate before fingerprinting it,
  // and formats its names too while it is far enough ahead of the parser to afford it (so both
  // threads stay busy). The parser never waits for it: a certificate the helper has not finished
  // (not started, or still busy with it because it was descheduled) the parser does itself.
  enum : std::uint8_t { kFree, kClaimed, kDone };
  constexpr std::size_t kLead = 16;
  std::vector<Prepared> prepared(ders.size());
  std::size_t der_bytes = 0;
  for (ByteView der : ders) der_bytes += der.size();
  NameBuffer names(der_bytes / 2);  // names take about a quarter of a certificate's DER
  std::unique_ptr<std::atomic<std::uint8_t>[]> state(new std::atomic<std::uint8_t>[ders.size()]);
  for (std::size_t i = 0; i < ders.size(); ++i) state[i].store(kFree, std::memory_order_relaxed);
  std::atomic<std::size_t> parsing{0};  // where the parser is
  auto claim = [&](std::size_t i) {
    std::uint8_t expected = kFree;
    return state[i].compare_exchange_strong(expected, kClaimed, std::memory_order_acquire);
  };
  std::jthread helper;
  try {
    helper = std::jthread([&](std::stop_token stop) {
      for (std::size_t i = 0; i < ders.size() && !stop.stop_requested(); ++i) {
        if (!claim(i)) continue;
        fingerprint(ders[i], prepared[i]);
        if (i >= parsing.load(std::memory_order_relaxed) + kLead) {
          prepare_names(ders[i], prepared[i], names);
        }
        state[i].store(kDone, std::memory_order_release);
      }
    });
  } catch (const std::system_error&) {
    // No thread to be had: the parser does it all itself.
  }
  for (std::size_t i = 0; i < ders.size(); ++i) {
    parsing.store(i, std::memory_order_relaxed);
    bool done = !claim(i) && state[i].load(std::memory_order_acquire) == kDone;
    Prepared own;
    if (!done) fingerprint(ders[i], own);
    // On an exception the helper is told to stop and joined as `helper` goes out of scope.
    certs.push_back(
        parse_prepared(Bytes(ders[i].begin(), ders[i].end()), done ? prepared[i] : own, done));
  }
  return certs;
}

// Keystores of key entries repeat the same intermediates and root in every chain: each distinct
// DER is parsed once and its Certificate shared. The key is the length and the signature's last
// bytes (unique per certificate in practice); equal keys are compared in full.
std::vector<CertPtr> parse_certificates(std::span<const ByteView> ders) {
  auto key_of = [](ByteView der) {
    std::size_t tail = std::min<std::size_t>(der.size(), 24);
    std::string key(reinterpret_cast<const char*>(der.data() + der.size() - tail), tail);
    return std::to_string(der.size()) + ":" + key;
  };
  std::unordered_map<std::string, std::vector<std::size_t>> first_of;
  std::vector<std::size_t> unique_index(ders.size());
  std::vector<ByteView> distinct;
  first_of.reserve(ders.size());
  for (std::size_t i = 0; i < ders.size(); ++i) {
    std::vector<std::size_t>& same_key = first_of[key_of(ders[i])];
    std::optional<std::size_t> match;
    for (std::size_t d : same_key) {
      if (std::equal(ders[i].begin(), ders[i].end(), distinct[d].begin(), distinct[d].end())) {
        match = d;
        break;
      }
    }
    if (!match) {
      match = distinct.size();
      same_key.push_back(*match);
      distinct.push_back(ders[i]);
    }
    unique_index[i] = *match;
  }
  if (distinct.size() == ders.size()) return parse_distinct_certificates(ders);
  std::vector<CertPtr> parsed = parse_distinct_certificates(distinct);
  std::vector<CertPtr> certs;
  certs.reserve(ders.size());
  for (std::size_t i = 0; i < ders.size(); ++i) certs.push_back(parsed[unique_index[i]]);
  return certs;
}

}  // namespace ksdoctor
