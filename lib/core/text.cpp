#include "core/text.hpp"

namespace ksdoctor {
namespace {

[[noreturn]] void malformed(std::size_t at) {
  throw FormatError("MALFORMED_UTF",
                    "malformed modified UTF-8 string around byte " + std::to_string(at));
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

char16_t lower_unit(char16_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? static_cast<char16_t>(c + 32) : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
      (c >= 0x410 && c <= 0x42F)) {
    return static_cast<char16_t>(c + 32);
  }
  if (c >= 0x400 && c <= 0x40F) return static_cast<char16_t>(c + 80);
  // Latin Extended-A pairs: upper case at the even (or odd, in two runs) code point.
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    return (c % 2 == 0) ? static_cast<char16_t>(c + 1) : c;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
    return (c % 2 == 1) ? static_cast<char16_t>(c + 1) : c;
  }
  if (c == 0x178) return 0xFF;
  return c;
}

}  // namespace

std::u16string decode_modified_utf8(ByteView bytes) {
  std::u16string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::uint8_t b = bytes[i];
    switch (b >> 4) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
        out.push_back(b);
        i += 1;
        break;
      case 12:
      case 13: {
        if (i + 2 > bytes.size()) malformed(i);
        std::uint8_t b2 = bytes[i + 1];
        if ((b2 & 0xC0) != 0x80) malformed(i + 1);
        out.push_back(static_cast<char16_t>(((b & 0x1F) << 6) | (b2 & 0x3F)));
        i += 2;
        break;
      }
      case 14: {
        if (i + 3 > bytes.size()) malformed(i);
        std::uint8_t b2 = bytes[i + 1];
        std::uint8_t b3 = bytes[i + 2];
        if ((b2 & 0xC0) != 0x80 || (b3 & 0xC0) != 0x80) malformed(i + 1);
        out.push_back(static_cast<char16_t>(((b & 0x0F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F)));
        i += 3;
        break;
      }
      default:
        malformed(i);
    }
  }
  return out;
}

Bytes encode_modified_utf8(std::u16string_view text) {
  Bytes out;
  out.reserve(text.size());
  for (char16_t c : text) {
    if (c >= 0x0001 && c <= 0x007F) {
      out.push_back(static_cast<std::uint8_t>(c));
    } else if (c <= 0x07FF) {
      out.push_back(static_cast<std::uint8_t>(0xC0 | ((c >> 6) & 0x1F)));
      out.push_back(static_cast<std::uint8_t>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<std::uint8_t>(0xE0 | ((c >> 12) & 0x0F)));
      out.push_back(static_cast<std::uint8_t>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<std::uint8_t>(0x80 | (c & 0x3F)));
    }
  }
  if (out.size() > 65535) {
    throw FormatError("ALIAS_TOO_LONG", "string encodes to " + std::to_string(out.size()) +
                                            " bytes of modified UTF-8; Java's limit is 65535");
  }
  return out;
}

std::string utf16_to_utf8(std::u16string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char16_t c = text[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      char32_t cp = 0x10000 + ((static_cast<char32_t>(c) - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      append_utf8(out, cp);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      append_utf8(out, 0xFFFD);
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

std::u16string utf8_to_utf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  std::size_t i = 0;
  auto cont = [&](std::size_t k) {
    return k < text.size() && (static_cast<std::uint8_t>(text[k]) & 0xC0) == 0x80;
  };
  while (i < text.size()) {
    auto b = static_cast<std::uint8_t>(text[i]);
    char32_t cp = 0xFFFD;
    std::size_t len = 1;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xE0) == 0xC0 && cont(i + 1)) {
      cp = ((b & 0x1F) << 6) | (text[i + 1] & 0x3F);
      len = 2;
    } else if ((b & 0xF0) == 0xE0 && cont(i + 1) && cont(i + 2)) {
      cp = ((b & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
      len = 3;
    } else if ((b & 0xF8) == 0xF0 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      cp = ((b & 0x07) << 18) | ((text[i + 1] & 0x3F) << 12) | ((text[i + 2] & 0x3F) << 6) |
           (text[i + 3] & 0x3F);
      len = 4;
    }
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp > 0xFFFF ? 0xFFFD : cp));
    }
    i += len;
  }
  return out;
}

std::int32_t java_string_hash(std::u16string_view text) {
  std::uint32_t h = 0;
  for (char16_t c : text) h = 31 * h + c;
  return static_cast<std::int32_t>(h);
}

std::u16string java_lowercase(std::u16string_view text) {
  std::u16string out(text);
  for (char16_t& c : out) c = lower_unit(c);
  return out;
}

}  // namespace ksdoctor
