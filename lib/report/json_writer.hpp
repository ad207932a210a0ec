// Writing a JSON document directly, in pieces, exactly as nlohmann::ordered_json's dump(2) would
// write it, for reports too large to build as a document tree first (`inspect` and `verify` of a
// 5 000-entry store). The shapes themselves are described once, for this writer and JsonBuilder
// alike (json_shapes.hpp). Internal to the report library.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "append.hpp"
#include "ksdoctor/bytes.hpp"

namespace ksdoctor::report::detail {

// Writes what dump(2) writes, byte for byte: nlohmann's layout (two-space indent, "key": value,
// [] and {} when empty) and its string escaping (", \\, \b \f \n \r \t, other control characters
// as \u00xx, everything else as is), into a plain buffer. nlohmann throws on invalid UTF-8, so a
// first, dry pass over the same calls only checks the strings (valid()); see write_streamed
// (json_shapes.hpp).
class JsonWriter {
  static constexpr auto kEscaped = [] {  // the bytes dump() escapes: " \\ and 0x00–0x1F
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = true;
    t['"'] = t['\\'] = true;
    return t;
  }();

 public:
  explicit JsonWriter(bool dry) : dry_(dry) {}
  bool valid() const { return valid_; }
  std::string_view written() const {
    return {buf_.get(), static_cast<std::size_t>(p_ - buf_.get())};
  }
  void clear() { p_ = buf_.get(); }

  void open(char bracket) {
    if (dry_) return;
    room(1);
    *p_++ = bracket;
    ++level_;
    first_ = true;
  }
  void close(char bracket) {
    if (dry_) return;
    --level_;
    if (!first_) newline();
    room(1);
    *p_++ = bracket;
    first_ = false;
  }
  void key(std::string_view name) {
    element();
    string(name);
    if (dry_) return;
    room(2);
    *p_++ = ':';
    *p_++ = ' ';
  }
  void element() {
    if (dry_) return;
    if (!first_) {
      room(1);
      *p_++ = ',';
    }
    newline();
    first_ = false;
  }

  void string(std::string_view s) {
    if (dry_) {
      check(s);
      return;
    }
    room(s.size() + 2);
    *p_++ = '"';
    std::size_t plain = 0;  // start of the run not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
      if ((i & 7) == 0) {  // eight bytes at a time while none needs escaping
        while (i + 8 <= s.size() && !needs_escape(s.data() + i)) i += 8;
        if (i == s.size()) break;
      }
      auto c = static_cast<unsigned char>(s[i]);
      if (!kEscaped[c]) continue;
      raw(s.substr(plain, i - plain));
      switch (c) {
        case '"':
          raw("\\\"");
          break;
        case '\\':
          raw("\\\\");
          break;
        case '\b':
          raw("\\b");
          break;
        case '\f':
          raw("\\f");
          break;
        case '\n':
          raw("\\n");
          break;
        case '\r':
          raw("\\r");
          break;
        case '\t':
          raw("\\t");
          break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0x0f]};
          raw(std::string_view(u, sizeof u));
        }
      }
      plain = i + 1;
    }
    raw(s.substr(plain));
    room(1);
    *p_++ = '"';
  }
  // A string known to be ASCII (hex digests, algorithm names, the library's own words): written
  // as string() writes it, not checked by the dry pass.
  void ascii(std::string_view s) {
    if (!dry_) string(s);
  }
  bool dry() const { return dry_; }

  void number(std::int64_t v) {
    if (dry_) return;
    room(append::kMaxWritten);
    p_ = append::number(p_, v);
  }
  void boolean(bool v) {
    if (!dry_) raw(v ? "true" : "false");
  }
  void null() {
    if (!dry_) raw("null");
  }
  void time(std::int64_t secs) {  // format_rfc3339, quoted
    if (dry_) return;
    room(append::kMaxWritten + 2);
    *p_++ = '"';
    p_ = append::rfc3339(p_, secs);
    *p_++ = '"';
  }
  void time_ms(std::int64_t millis) {  // format_rfc3339_ms, quoted
    if (dry_) return;
    room(append::kMaxWritten + 2);
    *p_++ = '"';
    p_ = append::rfc3339_ms(p_, millis);
    *p_++ = '"';
  }
  void hex(ByteView bytes) {  // to_hex, quoted
    if (dry_) return;
    static constexpr char kDigits[] = "0123456789abcdef";
    room(2 * bytes.size() + 2);
    *p_++ = '"';
    for (std::uint8_t b : bytes) {
      *p_++ = kDigits[b >> 4];
      *p_++ = kDigits[b & 0x0f];
    }
    *p_++ = '"';
  }

 private:
  void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }
  void grow(std::size_t n) {
    std::size_t used = static_cast<std::size_t>(p_ - buf_.get());
    std::size_t capacity = std::max<std::size_t>(
        {2 * static_cast<std::size_t>(end_ - buf_.get()), used + n, std::size_t{128} * 1024});
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (used) std::memcpy(bigger.get(), buf_.get(), used);
    buf_ = std::move(bigger);
    p_ = buf_.get() + used;
    end_ = buf_.get() + capacity;
  }
  void raw(std::string_view s) {
    room(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void newline() {
    std::size_t indent = static_cast<std::size_t>(level_) * 2;
    room(indent + 1);
    *p_++ = '\n';
    std::memset(p_, ' ', indent);
    p_ += indent;
  }

  // Whether any of the eight bytes at p is one kEscaped marks: below 0x20, '"' or '\\'.
  static bool needs_escape(const char* p) {
    constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    auto zero_byte = [&](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    std::uint64_t below_0x20 = (w - kOnes * 0x20) & ~w & kHigh;
    return (below_0x20 | zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\'))) != 0;
  }

  // Well-formed UTF-8 (Unicode Table 3-7, as nlohmann's decoder: no overlongs, surrogates or code
  // points above U+10FFFF, no truncated sequence).
  void check(std::string_view s) {
    std::size_t i = 0;
    for (std::uint64_t word; i + 8 <= s.size(); i += 8) {  // skip ASCII eight bytes at a time
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080u) break;
    }
    while (i < s.size()) {
      unsigned b0 = static_cast<unsigned char>(s[i]);
      if (b0 < 0x80) {
        ++i;
        continue;
      }
      auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
        if (i + k >= s.size()) return false;
        unsigned b = static_cast<unsigned char>(s[i + k]);
        return b >= lo && b <= hi;
      };
      std::size_t n = 0;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = cont(1) ? 2 : 0;
      } else if (b0 == 0xE0) {
        n = cont(1, 0xA0) && cont(2) ? 3 : 0;
      } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
        n = cont(1) && cont(2) ? 3 : 0;
      } else if (b0 == 0xED) {
        n = cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
      } else if (b0 == 0xF0) {
        n = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
      } else if (b0 >= 0xF1 && b0 <= 0xF3) {
        n = cont(1) && cont(2) && cont(3) ? 4 : 0;
      } else if (b0 == 0xF4) {
        n = cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
      }
      if (n == 0) {
        valid_ = false;
        return;
      }
      i += n;
    }
  }

  std::unique_ptr<char[]> buf_;
  char* p_ = nullptr;
  char* end_ = nullptr;
  bool dry_;
  int level_ = 0;
  bool first_ = true;
  bool valid_ = true;
};

}  // namespace ksdoctor::report::detail
