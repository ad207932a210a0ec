#include "pkcs12_bags.hpp"

#include <algorithm>
#include <array>

#include "pkcs12_der.hpp"
#include "x509/der.hpp"
#include "x509/oids.hpp"

namespace ksdoctor::pkcs12 {
namespace {

// Contents octets of the OIDs compared on every bag
// (1.2.840.113549.1.12.10.1.x, 1.2.840.113549.1.9.x, 2.16.840.1.113894.746875.1.1).
constexpr std::uint8_t kShroudedKeyBagDer[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
                                               0x01, 0x0C, 0x0A, 0x01, 0x02};
constexpr std::uint8_t kCertBagDer[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
                                        0x01, 0x0C, 0x0A, 0x01, 0x03};
constexpr std::uint8_t kSecretBagDer[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
                                          0x01, 0x0C, 0x0A, 0x01, 0x05};
constexpr std::uint8_t kFriendlyName[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x14};
constexpr std::uint8_t kLocalKeyId[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x15};
constexpr std::uint8_t kTrustedKeyUsage[] = {0x60, 0x86, 0x48, 0x01, 0x86, 0xF9,
                                             0x66, 0xAD, 0xCA, 0x7B, 0x01, 0x01};

template <std::size_t N>
bool oid_is(ByteView oid, const std::uint8_t (&expected)[N]) {
  return oid.size() == N && std::equal(oid.begin(), oid.end(), expected);
}

[[noreturn]] void refuse(const std::string& why) { throw FormatError("MALFORMED", why); }

// The elements of a SEQUENCE or SET that must have exactly `N` of them (no allocation).
template <std::size_t N>
bool exactly(ByteView content, const char* what, std::array<der::Tlv, N>& out) {
  der::Walker w(content, what);
  std::size_t n = 0;
  while (!w.at_end()) {
    der::Tlv t = w.next();
    if (n < N) out[n] = t;
    ++n;
  }
  return n == N;
}

// The value inside a context-specific [0] (DerValue.data.getDerValue()).
der::Tlv inside_context0(const der::Tlv& tlv, const char* what) {
  der::Walker w(tlv.value, what);
  return w.next();
}

std::u16string bmp_string(const der::Tlv& tlv) {
  if (tlv.tag != der::kBmpString) {
    refuse("DerValue.getBMPString, not BMP " + std::to_string(tlv.tag));
  }
  std::u16string s;
  for (std::size_t i = 0; i + 1 < tlv.value.size(); i += 2) {
    s.push_back(static_cast<char16_t>((tlv.value[i] << 8) | tlv.value[i + 1]));
  }
  if (tlv.value.size() % 2) s.push_back(u'\uFFFD');  // new String(bytes, UTF_16BE)
  return s;
}

void read_attributes(der::Walker& bag, SafeBag& out) {
  // sbi.getSet(3): anything but a SET (or nothing) means "no attributes".
  if (bag.peek_tag() != der::kSet) return;
  der::Walker set(bag.next().value, "bag attributes");
  while (!set.at_end()) {
    der::Tlv attr = set.next();
    if (attr.tag != der::kSequence) refuse("Sequence tag error (bag attribute)");
    std::array<der::Tlv, 2> parts;
    if (!exactly(attr.value, "bag attribute", parts)) refuse("Invalid length for Attribute");
    if (parts[0].tag != der::kOid) refuse("bag attribute type is not an OID");
    ByteView type = parts[0].value;
    if (parts[1].tag != der::kSet) {
      refuse("Attribute " + der::oid_to_string(type) + " should have a value Set tag error");
    }
    der::Walker values(parts[1].value, "bag attribute values");
    bool friendly = oid_is(type, kFriendlyName), key_id = oid_is(type, kLocalKeyId),
         trusted = oid_is(type, kTrustedKeyUsage);
    if (!friendly && !key_id && !trusted) continue;
    if (values.at_end()) {
      // Java indexes valSet[0] and fails with an ArrayIndexOutOfBoundsException.
      refuse("Attribute " + der::oid_to_string(type) + " has an empty value set");
    }
    if (friendly) {
      out.friendly_name = bmp_string(values.next());
    } else if (key_id) {
      ByteView id = octets(values.next(), "localKeyID");
      out.local_key_id = Bytes(id.begin(), id.end());
    } else {
      std::vector<std::string> usages;
      while (!values.at_end()) {
        der::Tlv v = values.next();
        if (v.tag != der::kOid) refuse("trustedKeyUsage value is not an OID");
        usages.push_back(der::oid_to_string(v.value));
      }
      out.trusted_key_usage = std::move(usages);
    }
  }
}

SafeBag read_bag(const der::Tlv& tlv) {
  if (tlv.tag != der::kSequence && tlv.tag != der::kSet) {
    refuse("toDerInputStream rejects tag type " + std::to_string(tlv.tag));
  }
  der::Walker w(tlv.value, "SafeBag");
  SafeBag bag;
  if (w.peek_tag() != der::kOid) refuse("SafeBag type is not an OID");
  ByteView type = w.next().value;
  der::Tlv wrapped = w.next();
  if (!is_context(wrapped.tag, 0)) {
    refuse("unsupported PKCS12 bag value type " + std::to_string(wrapped.tag));
  }
  der::Tlv value = inside_context0(wrapped, "SafeBag value");
  if (oid_is(type, kShroudedKeyBagDer)) {
    bag.type_oid = oids::kShroudedKeyBag;
    bag.type = BagType::kShroudedKey;
    bag.blob.assign(value.whole.begin(), value.whole.end());
  } else if (oid_is(type, kCertBagDer)) {
    bag.type_oid = oids::kCertBag;
    bag.type = BagType::kCert;
    if (value.tag != der::kSequence) refuse("Sequence tag error (CertBag)");
    std::array<der::Tlv, 2> parts;
    if (!exactly(value.value, "CertBag", parts)) refuse("Invalid length for CertBag");
    if (parts[0].tag != der::kOid) refuse("CertBag type is not an OID");
    if (!is_context(parts[1].tag, 0)) {
      refuse("unsupported PKCS12 cert value type " + std::to_string(parts[1].tag));
    }
    ByteView der = octets(inside_context0(parts[1], "CertBag value"), "CertBag value");
    bag.cert = parse_certificate(Bytes(der.begin(), der.end()));
  } else if (oid_is(type, kSecretBagDer)) {
    bag.type_oid = oids::kSecretBag;
    bag.type = BagType::kSecret;
    if (value.tag != der::kSequence) refuse("Sequence tag error (SecretBag)");
    std::array<der::Tlv, 2> parts;
    if (!exactly(value.value, "SecretBag", parts)) refuse("Invalid length for SecretBag");
    if (parts[0].tag != der::kOid) refuse("SecretBag type is not an OID");
    if (!is_context(parts[1].tag, 0)) {
      refuse("unsupported PKCS12 secret value type " + std::to_string(parts[1].tag));
    }
    ByteView secret = octets(inside_context0(parts[1], "SecretBag value"), "SecretBag value");
    bag.blob.assign(secret.begin(), secret.end());
  } else {
    bag.type_oid = der::oid_to_string(type);
  }
  read_attributes(w, bag);
  return bag;
}

}  // namespace

std::vector<SafeBag> parse_safe_contents(ByteView safe_contents) {
  Bytes storage;
  ByteView der = first_element_as_der(safe_contents, storage, "SafeContents");
  der::Walker top(der, "SafeContents");
  der::Tlv seq = top.next();
  if (seq.tag != der::kSequence) refuse("Sequence tag error (SafeContents)");
  std::vector<SafeBag> bags;
  der::Walker w(seq.value, "SafeContents");
  while (!w.at_end()) bags.push_back(read_bag(w.next()));
  return bags;
}

std::string bag_type_name(const std::string& oid) {
  if (oid == oids::kKeyBag) return "keyBag";
  if (oid == oids::kShroudedKeyBag) return "pkcs8ShroudedKeyBag";
  if (oid == oids::kCertBag) return "certBag";
  if (oid == oids::kCrlBag) return "crlBag";
  if (oid == oids::kSecretBag) return "secretBag";
  if (oid == oids::kSafeContentsBag) return "safeContentsBag";
  return oid;
}

}  // namespace ksdoctor::pkcs12
