// A strict, bounds-checked DER walker: enough ASN.1 for certificates and keystore structures.
// Internal to the library: programs outside it see parsed certificates and keystores, not DER.
#pragma once

#include <cstddef>
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

// The one TLV header reader: Walker, the PKCS#12 BER reader and the certificate and name fast
// paths all accept and refuse exactly what it does (single-byte tags, at most four length octets).
struct Header {
  std::uint8_t tag = 0;
  std::size_t size = 0;     // tag and length octets
  std::size_t length = 0;   // contents octets (0 when indefinite)
  bool indefinite = false;  // BER only, constructed values only
};

enum class Encoding { kDer, kBer };

// Reads the header at `p` (before `end`). nullptr when it is well formed and the contents it
// announces lie before `end`; otherwise why not.
template <Encoding kEncoding = Encoding::kDer>
inline const char* read_header(const std::uint8_t* p, const std::uint8_t* end, Header& h) {
  const auto avail = static_cast<std::size_t>(end - p);
  if (avail < 2) return "truncated TLV header";
  h.tag = p[0];
  if ((h.tag & 0x1F) == 0x1F) return "multi-byte tags are not supported";
  std::size_t length = p[1];
  std::size_t size = 2;
  h.indefinite = false;
  if (length & 0x80) {
    std::size_t n = length & 0x7F;
    if (n == 0) {
      if constexpr (kEncoding == Encoding::kDer) {
        return "indefinite length";
      } else {
        if ((h.tag & 0x20) == 0) return "indefinite length on a primitive value";
        h.indefinite = true;
        h.size = 2;
        h.length = 0;
        return nullptr;
      }
    }
    if (n > 4) return "length field too long";
    if (avail - size < n) return "truncated length";
    length = 0;
    for (std::size_t i = 0; i < n; ++i) length = (length << 8) | p[size + i];
    size += n;
  }
  if (length > avail - size) return "length exceeds the bytes that remain";
  h.size = size;
  h.length = length;
  return nullptr;
}

// A TLV as pointers into the data, for the hot paths that walk without error messages.
struct RawTlv {
  std::uint8_t tag = 0;
  const std::uint8_t* start = nullptr;  // the tag
  const std::uint8_t* value = nullptr;  // the contents
  const std::uint8_t* end = nullptr;    // one past the contents
  ByteView contents() const { return {value, static_cast<std::size_t>(end - value)}; }
  ByteView whole() const { return {start, static_cast<std::size_t>(end - start)}; }
};

// Reads the DER TLV at `p` and moves `p` past it; false (p unchanged) where Walker would fail.
inline bool next_raw(const std::uint8_t*& p, const std::uint8_t* end, RawTlv& t) {
  Header h;
  if (read_header(p, end, h)) return false;
  t.tag = h.tag;
  t.start = p;
  t.value = p + h.size;
  t.end = p = t.value + h.length;
  return true;
}

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
// A DER INTEGER's value in hex as Java's BigInteger.toString(16) writes it: no leading zeros,
// "-" before a negative value's magnitude.
std::string integer_to_hex(ByteView value);
// Epoch seconds of a UTCTime or GeneralizedTime.
std::int64_t time_value(const Tlv& tlv);

}  // namespace ksdoctor::der
