#include "x509/der.hpp"

#include <charconv>

#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::der {

void Walker::fail(const std::string& why) const {
  throw FormatError("MALFORMED_DER", std::string(what_) + " is malformed at offset " +
                                         std::to_string(pos_) + ": " + why);
}

std::optional<std::uint8_t> Walker::peek_tag() const {
  if (at_end()) return std::nullopt;
  return data_[pos_];
}

Tlv Walker::next() {
  const std::uint8_t* p = data_.data() + pos_;
  Header h;
  if (const char* why = read_header(p, data_.data() + data_.size(), h)) fail(why);
  std::size_t start = pos_;
  pos_ += h.size + h.length;
  return Tlv{h.tag, data_.subspan(start + h.size, h.length), data_.subspan(start, pos_ - start)};
}

Tlv Walker::expect(std::uint8_t tag) {
  auto t = peek_tag();
  if (!t) fail("unexpected end");
  if (*t != tag) {
    fail("expected tag " + std::to_string(tag) + ", found " + std::to_string(*t));
  }
  return next();
}

std::optional<Tlv> Walker::optional(std::uint8_t tag) {
  if (peek_tag() == tag) return next();
  return std::nullopt;
}

std::string oid_to_string(ByteView oid) {
  // Called for every attribute and extension of every certificate: format into a stack buffer
  // (an arc has at most 63 bits, so 20 digits plus the dot) and allocate once at the end.
  char buf[256];
  std::size_t len = 0;
  std::string out;
  auto put = [&](std::uint64_t v) {
    if (sizeof buf - len < 22) {
      out.append(buf, len);
      len = 0;
    }
    if (len != 0 || !out.empty()) buf[len++] = '.';
    len = static_cast<std::size_t>(std::to_chars(buf + len, buf + sizeof buf, v).ptr - buf);
  };
  std::uint64_t value = 0;
  bool first = true;
  int bytes_in_arc = 0;
  for (std::uint8_t b : oid) {
    if (++bytes_in_arc > 9) {
      throw FormatError("MALFORMED_DER", "object identifier arc too large");
    }
    value = (value << 7) | (b & 0x7F);
    if (b & 0x80) continue;
    if (first) {
      std::uint64_t a = value < 40 ? 0 : (value < 80 ? 1 : 2);
      put(a);
      put(value - 40 * a);
      first = false;
    } else {
      put(value);
    }
    value = 0;
    bytes_in_arc = 0;
  }
  if (first || bytes_in_arc != 0) throw FormatError("MALFORMED_DER", "malformed object identifier");
  out.append(buf, len);
  return out;
}

bool bool_value(const Tlv& tlv) {
  if (tlv.value.size() != 1) throw FormatError("MALFORMED_DER", "BOOLEAN of wrong length");
  return tlv.value[0] != 0;
}

ByteView integer_magnitude(ByteView value) {
  std::size_t i = 0;
  while (i + 1 < value.size() && value[i] == 0) ++i;
  return value.subspan(i);
}

std::string integer_to_hex(ByteView value) {
  if (value.empty()) return "0";
  if (!(value[0] & 0x80)) {  // non-negative: hex without leading zero digits, "0" for zero
    std::size_t i = 0;
    while (i < value.size() && value[i] == 0) ++i;
    if (i == value.size()) return "0";
    std::string hex = to_hex(value.subspan(i));
    if (hex[0] == '0') hex.erase(0, 1);
    return hex;
  }
  Bytes magnitude(value.begin(), value.end());  // two's complement → magnitude
  for (auto& b : magnitude) b = static_cast<std::uint8_t>(~b);
  for (auto it = magnitude.rbegin(); it != magnitude.rend(); ++it) {
    if (++*it != 0) break;
  }
  std::string hex = to_hex(magnitude);
  std::size_t first = hex.find_first_not_of('0');
  hex = first == std::string::npos ? "0" : hex.substr(first);
  return "-" + hex;
}

int bit_length(ByteView magnitude) {
  magnitude = integer_magnitude(magnitude);
  if (magnitude.empty() || (magnitude.size() == 1 && magnitude[0] == 0)) return 0;
  int bits = static_cast<int>(magnitude.size() - 1) * 8;
  for (std::uint8_t top = magnitude[0]; top != 0; top >>= 1) ++bits;
  return bits;
}

std::int64_t time_value(const Tlv& tlv) {
  std::string_view s(reinterpret_cast<const char*>(tlv.value.data()), tlv.value.size());
  auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > s.size()) throw FormatError("MALFORMED_DER", "truncated time value");
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') throw FormatError("MALFORMED_DER", "bad digit in time value");
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int year;
  std::size_t p;
  if (tlv.tag == kUtcTime) {
    year = digits(0, 2);
    year += year < 50 ? 2000 : 1900;
    p = 2;
  } else if (tlv.tag == kGeneralizedTime) {
    year = digits(0, 4);
    p = 4;
  } else {
    throw FormatError("MALFORMED_DER", "expected UTCTime or GeneralizedTime");
  }
  int month = digits(p, 2), day = digits(p + 2, 2), hour = digits(p + 4, 2),
      minute = digits(p + 6, 2);
  int second = 0;
  p += 8;
  if (p < s.size() && s[p] != 'Z') {
    second = digits(p, 2);
    p += 2;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw FormatError("MALFORMED_DER", "time value out of range");
  }
  return days_from_civil(year, month, day) * 86400LL + hour * 3600 + minute * 60 + second;
}

}  // namespace ksdoctor::der
