#include "pkcs12_der.hpp"

#include <cstdint>
#include <optional>

namespace ksdoctor::pkcs12 {
namespace {

// Deeper than any PKCS#12 structure (an EncryptedPrivateKeyInfo inside a bag nests about 12
// levels); bounds the recursion and the copies a hostile file can cause.
constexpr int kMaxDepth = 24;

[[noreturn]] void fail(const char* what, std::size_t pos, const std::string& why) {
  throw FormatError("MALFORMED_DER", std::string(what) + " is malformed at offset " +
                                         std::to_string(pos) + ": " + why);
}

// The header at `pos`, BER as Java's DerValue reads it: indefinite lengths allowed on constructed
// values.
der::Header read_header(ByteView data, std::size_t pos, const char* what) {
  der::Header h;
  const std::uint8_t* end = data.data() + data.size();
  if (const char* why = der::read_header<der::Encoding::kBer>(data.data() + pos, end, h)) {
    fail(what, pos, why);
  }
  return h;
}

// Size of the element at `pos` when it and everything inside it is definite-length with no
// constructed OCTET STRING; nullopt when it needs rewriting.
std::optional<std::size_t> der_size(ByteView data, std::size_t pos, int depth, const char* what) {
  if (depth > kMaxDepth) fail(what, pos, "nested too deeply");
  der::Header h = read_header(data, pos, what);
  if (h.indefinite || h.tag == 0x24) return std::nullopt;
  std::size_t start = pos + h.size, end = start + h.length;
  if (h.tag & 0x20) {
    ByteView inner = data.first(end);
    for (std::size_t p = start; p < end;) {
      auto size = der_size(inner, p, depth + 1, what);
      if (!size) return std::nullopt;
      p += *size;
    }
  }
  return end - pos;
}

void put_length(Bytes& out, std::size_t len) {
  if (len < 0x80) {
    out.push_back(static_cast<std::uint8_t>(len));
    return;
  }
  std::uint8_t buf[8];
  int n = 0;
  for (std::size_t v = len; v; v >>= 8) buf[n++] = static_cast<std::uint8_t>(v & 0xFF);
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  while (n) out.push_back(buf[--n]);
}

// Appends the DER form of the element at `pos` to `out`; returns its BER size.
std::size_t convert(ByteView data, std::size_t pos, Bytes& out, int depth, const char* what) {
  if (depth > kMaxDepth) fail(what, pos, "nested too deeply");
  der::Header h = read_header(data, pos, what);
  std::size_t start = pos + h.size;
  if (!(h.tag & 0x20)) {
    out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
               data.begin() + static_cast<std::ptrdiff_t>(start + h.length));
    return h.size + h.length;
  }
  Bytes inner;
  std::size_t p = start;
  if (h.indefinite) {
    for (;;) {
      if (data.size() - p < 2) fail(what, p, "missing end-of-contents");
      if (data[p] == 0 && data[p + 1] == 0) {
        p += 2;
        break;
      }
      p += convert(data, p, inner, depth + 1, what);
    }
  } else {
    std::size_t end = start + h.length;
    ByteView bounded = data.first(end);
    while (p < end) p += convert(bounded, p, inner, depth + 1, what);
  }
  if (h.tag == 0x24) {
    // A constructed OCTET STRING: its pieces (already flattened) concatenated.
    Bytes joined;
    der::Walker pieces(inner, what);
    while (!pieces.at_end()) {
      ByteView piece = pieces.expect(der::kOctetString).value;
      joined.insert(joined.end(), piece.begin(), piece.end());
    }
    out.push_back(der::kOctetString);
    put_length(out, joined.size());
    out.insert(out.end(), joined.begin(), joined.end());
  } else {
    out.push_back(h.tag);
    put_length(out, inner.size());
    out.insert(out.end(), inner.begin(), inner.end());
  }
  return p - pos;
}

}  // namespace

ByteView first_element_as_der(ByteView in, Bytes& storage, const char* what) {
  if (auto size = der_size(in, 0, 0, what)) return in.first(*size);
  storage.clear();
  convert(in, 0, storage, 0, what);
  return storage;
}

int java_int(const der::Tlv& tlv, const char* what) {
  ByteView v = tlv.value;
  if (v.empty()) throw FormatError("MALFORMED", std::string(what) + ": zero-length INTEGER");
  std::size_t i = 0;
  while (i + 1 < v.size() &&
         ((v[i] == 0x00 && v[i + 1] < 0x80) || (v[i] == 0xFF && v[i + 1] >= 0x80))) {
    ++i;
  }
  if (v.size() - i > 4) {
    throw FormatError("MALFORMED", std::string(what) + ": Integer exceeds int range");
  }
  std::int64_t value = (v[i] & 0x80) ? -1 : 0;
  for (; i < v.size(); ++i) value = value * 256 + v[i];
  if (value < INT32_MIN || value > INT32_MAX) {
    throw FormatError("MALFORMED", std::string(what) + ": Integer exceeds int range");
  }
  return static_cast<int>(value);
}

ByteView octets(const der::Tlv& tlv, const char* what) {
  if (tlv.tag != der::kOctetString) {
    throw FormatError("MALFORMED", std::string(what) +
                                       ": DerValue.getOctetString, not an Octet String: " +
                                       std::to_string(tlv.tag));
  }
  return tlv.value;
}

}  // namespace ksdoctor::pkcs12
