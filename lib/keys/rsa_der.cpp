#include "keys/rsa_der.hpp"

#include <algorithm>

#include "x509/der.hpp"

namespace ksdoctor::rsa_der {
namespace {

constexpr std::uint8_t kRsaEncryptionOid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};

// The TLVs of one level, all of them, or nullopt when it is not well-formed DER.
std::optional<std::vector<der::RawTlv>> children(ByteView contents) {
  std::vector<der::RawTlv> out;
  const std::uint8_t* p = contents.data();
  const std::uint8_t* end = p + contents.size();
  while (p < end) {
    der::RawTlv t;
    if (!der::next_raw(p, end, t)) return std::nullopt;
    out.push_back(t);
  }
  return out;
}

std::optional<der::RawTlv> single(ByteView bytes, std::uint8_t tag) {
  auto level = children(bytes);
  if (!level || level->size() != 1 || (*level)[0].tag != tag) return std::nullopt;
  return (*level)[0];
}

bool rsa_algorithm(const der::RawTlv& algorithm) {
  if (algorithm.tag != der::kSequence) return false;
  auto parts = children(algorithm.contents());
  if (!parts || parts->empty() || parts->size() > 2 || (*parts)[0].tag != der::kOid) return false;
  ByteView oid = (*parts)[0].contents();
  if (!std::equal(oid.begin(), oid.end(), std::begin(kRsaEncryptionOid),
                  std::end(kRsaEncryptionOid))) {
    return false;
  }
  return parts->size() == 1 || ((*parts)[1].tag == der::kNull && (*parts)[1].contents().empty());
}

// A positive, minimally encoded INTEGER's magnitude.
std::optional<ByteView> positive(const der::RawTlv& t) {
  ByteView v = t.contents();
  if (t.tag != der::kInteger || v.empty() || (v[0] & 0x80)) return std::nullopt;
  if (v.size() > 1 && v[0] == 0 && !(v[1] & 0x80)) return std::nullopt;
  ByteView magnitude = der::integer_magnitude(v);
  if (magnitude.empty()) return std::nullopt;
  return magnitude;
}

std::optional<RsaPublic> public_values(const der::RawTlv& n, const der::RawTlv& e) {
  auto modulus = positive(n);
  auto exponent = positive(e);
  if (!modulus || !exponent) return std::nullopt;
  return RsaPublic{*modulus, *exponent};
}

}  // namespace

int RsaPublic::bits() const { return der::bit_length(modulus); }

std::optional<RsaPublic> from_pkcs8(ByteView pkcs8) {
  auto info = single(pkcs8, der::kSequence);
  if (!info) return std::nullopt;
  auto parts = children(info->contents());
  // version, algorithm, privateKey; attributes [0] and the v2 public key are left to OpenSSL.
  if (!parts || parts->size() != 3) return std::nullopt;
  const der::RawTlv& version = (*parts)[0];
  if (version.tag != der::kInteger || version.contents().size() != 1 ||
      version.contents()[0] != 0 || !rsa_algorithm((*parts)[1]) ||
      (*parts)[2].tag != der::kOctetString) {
    return std::nullopt;
  }
  auto key = single((*parts)[2].contents(), der::kSequence);
  if (!key) return std::nullopt;
  auto fields = children(key->contents());
  if (!fields || fields->size() != 9) return std::nullopt;
  const der::RawTlv& key_version = (*fields)[0];
  if (key_version.tag != der::kInteger || key_version.contents().size() != 1 ||
      key_version.contents()[0] != 0) {
    return std::nullopt;
  }
  for (std::size_t i = 3; i < 9; ++i) {
    if (!positive((*fields)[i])) return std::nullopt;
  }
  return public_values((*fields)[1], (*fields)[2]);
}

std::optional<RsaPublic> from_spki(ByteView spki) {
  auto info = single(spki, der::kSequence);
  if (!info) return std::nullopt;
  auto parts = children(info->contents());
  if (!parts || parts->size() != 2 || !rsa_algorithm((*parts)[0]) ||
      (*parts)[1].tag != der::kBitString) {
    return std::nullopt;
  }
  ByteView bits = (*parts)[1].contents();
  if (bits.empty() || bits[0] != 0) return std::nullopt;  // unused-bits octet
  auto key = single(bits.subspan(1), der::kSequence);
  if (!key) return std::nullopt;
  auto fields = children(key->contents());
  if (!fields || fields->size() != 2) return std::nullopt;
  return public_values((*fields)[0], (*fields)[1]);
}

}  // namespace ksdoctor::rsa_der
