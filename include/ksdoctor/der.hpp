// A strict, bounds-checked DER walker: enough ASN.1 for certificates and keystore structures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor::der {

enum Tag : std::uint8_t {
  kBoolean = 0x01,
  kInteger = 0x02,
  kBitString = 0x03,
  kOctetString = 0x04,
  kNull = 0x05,
  kOid = 0x06,
  kUtf8String = 0x0C,
  kPrintableString = 0x13,
  kT61String = 0x14,
  kIa5String = 0x16,
  kUtcTime = 0x17,
  kGeneralizedTime = 0x18,
  kUniversalString = 0x1C,
  kBmpString = 0x1E,
  kSequence = 0x30,
  kSet = 0x31,
};

constexpr std::uint8_t context(int n, bool constructed) {
  return static_cast<std::uint8_t>(0x80 | (constructed ? 0x20 : 0) | n);
}

struct Tlv {
  std::uint8_t tag = 0;
  ByteView value;  // contents octets
  ByteView whole;  // tag + length + contents
};

// Iterates the TLVs of one level. Only single-byte tags and definite lengths are accepted.
class Walker {
 public:
  explicit Walker(ByteView data, const char* what = "DER") : data_(data), what_(what) {}
  bool at_end() const { return pos_ >= data_.size(); }
  std::optional<std::uint8_t> peek_tag() const;
  Tlv next();
  Tlv expect(std::uint8_t tag);
  std::optional<Tlv> optional(std::uint8_t tag);
  [[noreturn]] void fail(const std::string& why) const;

 private:
  ByteView data_;
  std::size_t pos_ = 0;
  const char* what_;
};

std::string oid_to_string(ByteView oid);  // dotted decimal
bool bool_value(const Tlv& tlv);
// Unsigned magnitude of a DER INTEGER (leading zero stripped).
ByteView integer_magnitude(ByteView value);
int bit_length(ByteView magnitude);
// Epoch seconds of a UTCTime or GeneralizedTime.
std::int64_t time_value(const Tlv& tlv);

}  // namespace ksdoctor::der
