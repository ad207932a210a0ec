#include "dn.hpp"

#include <vector>

#include "ksdoctor/der.hpp"
#include "ksdoctor/text.hpp"
#include "oids.hpp"

namespace ksdoctor {
namespace {

std::string decode_string_value(const der::Tlv& v) {
  switch (v.tag) {
    case der::kUtf8String:
    case der::kPrintableString:
    case der::kIa5String:
      return std::string(v.value.begin(), v.value.end());
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

std::string escape_value(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                   c == ';' || c == '=';
    bool edge = (i == 0 && (c == '#' || c == ' ')) || (i + 1 == value.size() && c == ' ');
    if (c == '\0') {
      out += "\\00";
      continue;
    }
    if (special || edge) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string format_dn(ByteView name_der) {
  der::Walker outer(name_der, "distinguished name");
  der::Tlv name = outer.expect(der::kSequence);
  std::vector<std::string> rdns;
  der::Walker rdn_walker(name.value, "distinguished name");
  while (!rdn_walker.at_end()) {
    der::Tlv rdn = rdn_walker.expect(der::kSet);
    der::Walker ava_walker(rdn.value, "distinguished name");
    std::string text;
    while (!ava_walker.at_end()) {
      der::Tlv ava = ava_walker.expect(der::kSequence);
      der::Walker parts(ava.value, "distinguished name");
      std::string oid = der::oid_to_string(parts.expect(der::kOid).value);
      der::Tlv value = parts.next();
      std::string keyword = oids::dn_keyword(oid);
      if (!text.empty()) text += "+";
      if (!keyword.empty() && is_string_tag(value.tag)) {
        text += keyword + "=" + escape_value(decode_string_value(value));
      } else {
        text += oid + "=#" + to_hex(value.whole);
      }
    }
    rdns.push_back(std::move(text));
  }
  std::string out;
  for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
    if (!out.empty()) out += ",";
    out += *it;
  }
  return out;
}

}  // namespace ksdoctor
