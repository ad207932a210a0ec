#include "pkcs12_writer_der.hpp"

#include <charconv>
#include <vector>

#include "ksdoctor/error.hpp"
#include "x509/der.hpp"

namespace ksdoctor::pkcs12::derw {
namespace {

void append_base128(Bytes& out, std::uint64_t value) {
  std::uint8_t buf[10];
  std::size_t n = 0;
  do {
    buf[n++] = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
  } while (value != 0);
  while (n > 1) out.push_back(static_cast<std::uint8_t>(buf[--n] | 0x80));
  out.push_back(buf[0]);
}

}  // namespace

Bytes tlv(std::uint8_t tag, ByteView contents) {
  Bytes out;
  out.reserve(contents.size() + 6);
  out.push_back(tag);
  const std::size_t len = contents.size();
  if (len < 0x80) {
    out.push_back(static_cast<std::uint8_t>(len));
  } else {
    std::uint8_t buf[sizeof(std::size_t)];
    std::size_t n = 0;
    for (std::size_t v = len; v != 0; v >>= 8) buf[n++] = static_cast<std::uint8_t>(v & 0xFF);
    out.push_back(static_cast<std::uint8_t>(0x80 | n));
    while (n > 0) out.push_back(buf[--n]);
  }
  append(out, contents);
  return out;
}

Bytes cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) append(out, p);
  return out;
}

Bytes integer(std::int64_t value) {
  Bytes be;
  auto u = static_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i) be.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
  // Drop leading bytes that only repeat the sign.
  std::size_t start = 0;
  while (start + 1 < be.size() && ((be[start] == 0x00 && !(be[start + 1] & 0x80)) ||
                                   (be[start] == 0xFF && (be[start + 1] & 0x80)))) {
    ++start;
  }
  return tlv(der::kInteger, ByteView(be).subspan(start));
}

Bytes oid(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  const char* p = dotted.data();
  const char* end = p + dotted.size();
  while (p < end) {
    std::uint64_t arc = 0;
    auto [next, ec] = std::from_chars(p, end, arc);
    if (ec != std::errc() || (next != end && *next != '.')) {
      throw UsageError("BAD_OID", "not a dotted OID: " + std::string(dotted));
    }
    arcs.push_back(arc);
    p = next == end ? end : next + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) {
    throw UsageError("BAD_OID", "not a dotted OID: " + std::string(dotted));
  }
  Bytes body;
  append_base128(body, arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) append_base128(body, arcs[i]);
  return tlv(der::kOid, body);
}

Bytes octet_string(ByteView contents) { return tlv(der::kOctetString, contents); }

Bytes bmp_string(std::u16string_view text) {
  Bytes body;
  body.reserve(text.size() * 2);
  for (char16_t c : text) {
    body.push_back(static_cast<std::uint8_t>(c >> 8));
    body.push_back(static_cast<std::uint8_t>(c & 0xFF));
  }
  return tlv(der::kBmpString, body);
}

Bytes null() { return Bytes{der::kNull, 0x00}; }

Bytes sequence(std::initializer_list<ByteView> parts) { return tlv(der::kSequence, cat(parts)); }

Bytes set(std::initializer_list<ByteView> parts) { return tlv(der::kSet, cat(parts)); }

Bytes explicit0(ByteView inner) { return tlv(der::context(0, true), inner); }

}  // namespace ksdoctor::pkcs12::derw
