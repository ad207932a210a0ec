#include "dn.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "core/text.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/x509.hpp"
#include "oid_memo.hpp"
#include "oids.hpp"
#include "x509/der.hpp"

// Every certificate has two names of about six attributes each, and a truststore has thousands of
// certificates: names are read with inline TLV headers (falling back to der::Walker for its error
// messages), formatted into one reused buffer, and the attribute type → keyword lookup is memoized.
namespace ksdoctor {
namespace {

std::string decode_string_value(const der::Tlv& v) {
  switch (v.tag) {
    case der::kUtf8String:
    case der::kPrintableString:
    case der::kIa5String: {
      std::string raw(v.value.begin(), v.value.end());
      bool ascii = std::all_of(raw.begin(), raw.end(),
                               [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      // Invalid UTF-8 (or non-ASCII bytes in the ASCII types) becomes U+FFFD, as Java shows it.
      return ascii ? raw : utf16_to_utf8(utf8_to_utf16(raw));
    }
    case der::kT61String: {  // treated as Latin-1, as Java does
      std::u16string s(v.value.begin(), v.value.end());
      return utf16_to_utf8(s);
    }
    case der::kBmpString: {
      std::u16string s;
      for (std::size_t i = 0; i + 1 < v.value.size(); i += 2) {
        s.push_back(static_cast<char16_t>((v.value[i] << 8) | v.value[i + 1]));
      }
      return utf16_to_utf8(s);
    }
    case der::kUniversalString: {
      std::u16string s;
      for (std::size_t i = 0; i + 3 < v.value.size(); i += 4) {
        char32_t cp = (static_cast<char32_t>(v.value[i]) << 24) | (v.value[i + 1] << 16) |
                      (v.value[i + 2] << 8) | v.value[i + 3];
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
          cp -= 0x10000;
          s.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
          s.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
          s.push_back(static_cast<char16_t>(cp > 0xFFFF ? 0xFFFD : cp));
        }
      }
      return utf16_to_utf8(s);
    }
    default:
      return {};
  }
}

bool is_string_tag(std::uint8_t tag) {
  return tag == der::kUtf8String || tag == der::kPrintableString || tag == der::kIa5String ||
         tag == der::kT61String || tag == der::kBmpString || tag == der::kUniversalString;
}

// A growable character buffer written through raw pointers: room(n) makes n bytes writable at the
// returned position, commit() marks how far they were written.
class Text {
 public:
  std::size_t size() const { return size_; }
  const char* data() const { return buf_.get(); }
  void clear() { size_ = 0; }
  char* room(std::size_t n) {
    if (capacity_ - size_ < n) grow(n);
    return buf_.get() + size_;
  }
  void commit(char* end) { size_ = static_cast<std::size_t>(end - buf_.get()); }
  void append(std::string_view s) { commit(std::copy(s.begin(), s.end(), room(s.size()))); }
  void push(char c) {
    *room(1) = c;
    ++size_;
  }

 private:
  void grow(std::size_t n) {
    std::size_t capacity = std::max({2 * capacity_, size_ + n, std::size_t{256}});
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (size_) std::memcpy(bigger.get(), buf_.get(), size_);
    buf_ = std::move(bigger);
    capacity_ = capacity;
  }
  std::unique_ptr<char[]> buf_;
  std::size_t size_ = 0, capacity_ = 0;
};

// RFC 2253 escaping as Java's X500Principal does it: a backslash before , + " \\ < > ; =, before a
// leading # or space and a trailing space; NUL as \\00.
void append_escaped(Text& out, std::string_view value) {
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view(",+\"\\<>;=")) t[c] = true;
    t[0] = true;
    return t;
  }();
  const std::size_t n = value.size();
  if (n == 0) return;
  char* p = out.room(3 * n);
  auto put = [&p](char c, bool escape) {
    if (c == '\0') {
      std::memcpy(p, "\\00", 3);
      p += 3;
      return;
    }
    if (escape) *p++ = '\\';
    *p++ = c;
  };
  auto special = [](char c) { return kSpecial[static_cast<unsigned char>(c)]; };
  put(value[0], special(value[0]) || value[0] == ' ' || value[0] == '#');
  if (n == 1) {
    out.commit(p);
    return;
  }
  // The inner characters: usually none needs escaping, so copy up to the first that does at once.
  std::size_t i = 1;
  while (i + 1 < n) {
    std::size_t run = i;
    while (run + 1 < n && !special(value[run])) ++run;
    std::memcpy(p, value.data() + i, run - i);
    p += run - i;
    if (run + 1 == n) break;
    put(value[run], true);
    i = run + 1;
  }
  put(value[n - 1], special(value[n - 1]) || value[n - 1] == ' ');
  out.commit(p);
}

void append_hex(Text& out, ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char* p = out.room(2 * bytes.size());
  for (std::uint8_t b : bytes) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 0x0f];
  }
  out.commit(p);
}

// One attribute: KEYWORD=escaped-string, or dotted.oid=#hex-of-the-encoded-value.
void append_ava(Text& out, ByteView oid_der, std::string& oid, const std::string& keyword,
                const der::Tlv& value) {
  if (!keyword.empty() && is_string_tag(value.tag)) {
    out.append(keyword);
    out.push('=');
    bool ascii = std::all_of(value.value.begin(), value.value.end(),
                             [](std::uint8_t b) { return b < 0x80; });
    if (ascii && (value.tag == der::kUtf8String || value.tag == der::kPrintableString ||
                  value.tag == der::kIa5String)) {
      append_escaped(out, std::string_view(reinterpret_cast<const char*>(value.value.data()),
                                           value.value.size()));
    } else {
      append_escaped(out, decode_string_value(value));
    }
  } else {
    if (oid.empty()) oid = der::oid_to_string(oid_der);
    out.append(oid);
    out.append("=#");
    append_hex(out, value.whole);
  }
}

// The RDNs of a name in encoded order, formatted back to back in `text`, with where each begins
// and ends.
struct Rdns {
  Text text;
  struct Span {
    std::size_t begin, end;
  };
  std::vector<Span> spans;
  void clear() {
    text.clear();
    spans.clear();
  }
};

// The attribute type → keyword lookup, memoized by the encoded OID. `oid` receives the dotted
// form when it had to be computed.
const std::string& keyword_for(ByteView oid_der, std::string& oid) {
  thread_local OidMemo<std::string> keywords;
  return keywords.get(oid_der, [&oid](ByteView raw) {
    oid = der::oid_to_string(raw);
    return oids::dn_keyword(oid);
  });
}

// The general path, with der::Walker's checks and error messages.
void format_rdns(ByteView name_der, Rdns& rdns) {
  der::Walker outer(name_der, "distinguished name");
  der::Tlv name = outer.expect(der::kSequence);
  der::Walker rdn_walker(name.value, "distinguished name");
  while (!rdn_walker.at_end()) {
    der::Tlv rdn = rdn_walker.expect(der::kSet);
    der::Walker ava_walker(rdn.value, "distinguished name");
    std::size_t begin = rdns.text.size();
    while (!ava_walker.at_end()) {
      der::Tlv ava = ava_walker.expect(der::kSequence);
      der::Walker parts(ava.value, "distinguished name");
      ByteView oid_der = parts.expect(der::kOid).value;
      std::string oid;
      const std::string& keyword = keyword_for(oid_der, oid);
      der::Tlv value = parts.next();
      if (rdns.text.size() != begin) rdns.text.push('+');
      append_ava(rdns.text, oid_der, oid, keyword, value);
    }
    rdns.spans.push_back({begin, rdns.text.size()});
  }
}

// The same, reading TLV headers inline (names are most of a certificate's TLVs). Accepts exactly
// what der::Walker accepts and formats the same; at anything Walker would reject it gives up
// (false) and format_rdns reports it.
bool format_rdns_fast(ByteView name_der, Rdns& rdns) {
  using der::next_raw;
  const std::uint8_t* p = name_der.data();
  der::RawTlv name, rdn, ava, type, value;
  if (!next_raw(p, p + name_der.size(), name) || name.tag != der::kSequence) return false;
  for (const std::uint8_t *r = name.value, *r_end = name.end; r < r_end;) {
    if (!next_raw(r, r_end, rdn) || rdn.tag != der::kSet) return false;
    std::size_t begin = rdns.text.size();
    for (const std::uint8_t *a = rdn.value, *a_end = rdn.end; a < a_end;) {
      if (!next_raw(a, a_end, ava) || ava.tag != der::kSequence) return false;
      const std::uint8_t *q = ava.value, *q_end = ava.end;
      if (!next_raw(q, q_end, type) || type.tag != der::kOid) return false;
      ByteView oid_der = type.contents();
      std::string oid;
      const std::string& keyword = keyword_for(oid_der, oid);
      if (!next_raw(q, q_end, value)) return false;
      if (rdns.text.size() != begin) rdns.text.push('+');
      append_ava(rdns.text, oid_der, oid, keyword, {value.tag, value.contents(), value.whole()});
    }
    rdns.spans.push_back({begin, rdns.text.size()});
  }
  return true;
}

}  // namespace

std::string format_dn(ByteView name_der) {
  thread_local Rdns rdns;
  rdns.clear();
  if (!format_rdns_fast(name_der, rdns)) {
    rdns.clear();
    format_rdns(name_der, rdns);
  }
  std::string out;
  out.reserve(rdns.text.size() + rdns.spans.size());
  for (std::size_t i = rdns.spans.size(); i-- > 0;) {  // most specific (last encoded) first
    if (!out.empty()) out += ',';
    out.append(rdns.text.data() + rdns.spans[i].begin, rdns.spans[i].end - rdns.spans[i].begin);
  }
  return out;
}

std::string dn_attribute(ByteView name_der, std::string_view type) {
  try {
    der::Walker outer(name_der, "distinguished name");
    der::Walker rdn_walker(outer.expect(der::kSequence).value, "distinguished name");
    std::vector<ByteView> rdns;
    while (!rdn_walker.at_end()) rdns.push_back(rdn_walker.expect(der::kSet).value);
    for (std::size_t i = rdns.size(); i-- > 0;) {  // most specific (last encoded) first
      der::Walker ava_walker(rdns[i], "distinguished name");
      while (!ava_walker.at_end()) {
        der::Walker parts(ava_walker.expect(der::kSequence).value, "distinguished name");
        std::string oid = der::oid_to_string(parts.expect(der::kOid).value);
        der::Tlv value = parts.next();
        if (oid != type || !is_string_tag(value.tag)) continue;
        std::string text = decode_string_value(value);
        if (!text.empty()) return text;
      }
    }
  } catch (const Error&) {
  }
  return {};
}

std::string Certificate::subject_attribute(std::string_view type) const {
  return dn_attribute(subject_der, type);
}

}  // namespace ksdoctor
