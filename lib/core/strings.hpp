// The small string helpers the library shares. Case folding is ASCII only: what Windows file
// systems do for the names that matter here, and what Java's toLowerCase(Locale.ENGLISH) does
// for algorithm names and ASCII aliases.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// Without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// Lower-case hex SHA-256 of `bytes`; "" when OpenSSL cannot compute it.
std::string sha256_hex(ByteView bytes);

}  // namespace ksdoctor
