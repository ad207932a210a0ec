// Writing numbers and timestamps into a report without temporaries. A large truststore's report
// has three timestamps per entry: with timeutil's snprintf-based format_rfc3339 instead, the
// 5 000-entry text report takes 66 M instructions instead of 13 M, the JSON 114 M instead of 65 M
// (callgrind; +13 % and +11 % of the whole `inspect`, bench/RESULTS.md). The output is exactly
// timeutil's (debug builds compare the streamed JSON with JsonBuilder's, which uses timeutil);
// years outside 0–9999 (never a certificate date: DER times have four-digit years) are handed to
// timeutil.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/civil.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report::append {

// Room every function below needs at `p`.
inline constexpr std::size_t kMaxWritten = 64;

inline char* digits(char* p, unsigned v, int width) {
  for (int i = width; i-- > 0; v /= 10) p[i] = static_cast<char>('0' + v % 10);
  return p + width;
}

// "YYYY-MM-DD" of epoch seconds, as format_rfc3339(secs).substr(0, 10); nullptr, having written
// nothing, for years outside 0–9999.
inline char* date_fast(char* p, std::int64_t secs) {
  const CivilDate c = civil_from_days(floor_div(secs, 86400));
  if (c.year < 0 || c.year > 9999) return nullptr;
  p = digits(p, static_cast<unsigned>(c.year), 4);
  *p++ = '-';
  p = digits(p, c.month, 2);
  *p++ = '-';
  return digits(p, c.day, 2);
}

inline char* time_of_day(char* p, std::int64_t secs) {
  auto rem = static_cast<unsigned>(secs - floor_div(secs, 86400) * 86400);
  *p++ = 'T';
  p = digits(p, rem / 3600, 2);
  *p++ = ':';
  p = digits(p, rem / 60 % 60, 2);
  *p++ = ':';
  return digits(p, rem % 60, 2);
}

inline char* copy(char* p, const std::string& s) {
  std::size_t n = std::min(s.size(), kMaxWritten);  // timeutil's forms are at most 41 bytes
  std::memcpy(p, s.data(), n);
  return p + n;
}

inline char* number(char* p, std::int64_t v) { return std::to_chars(p, p + 24, v).ptr; }

// format_rfc3339(secs).substr(0, 10)
inline char* date(char* p, std::int64_t secs) {
  if (char* end = date_fast(p, secs)) return end;
  return copy(p, format_rfc3339(secs).substr(0, 10));
}

// format_rfc3339(secs): "2031-05-01T12:00:00Z"
inline char* rfc3339(char* p, std::int64_t secs) {
  char* end = date_fast(p, secs);
  if (!end) return copy(p, format_rfc3339(secs));
  end = time_of_day(end, secs);
  *end++ = 'Z';
  return end;
}

// format_rfc3339_ms(millis): "2031-05-01T12:00:00.123Z"
inline char* rfc3339_ms(char* p, std::int64_t millis) {
  std::int64_t secs = floor_div(millis, 1000);
  char* end = date_fast(p, secs);
  if (!end) return copy(p, format_rfc3339_ms(millis));
  end = time_of_day(end, secs);
  *end++ = '.';
  end = digits(end, static_cast<unsigned>(millis - secs * 1000), 3);
  *end++ = 'Z';
  return end;
}

// The same, appended to a string.
template <char* (*Write)(char*, std::int64_t)>
void to(std::string& out, std::int64_t v) {
  char buf[kMaxWritten];
  out.append(buf, static_cast<std::size_t>(Write(buf, v) - buf));
}
inline void number(std::string& out, std::int64_t v) { to<number>(out, v); }
inline void date(std::string& out, std::int64_t secs) { to<date>(out, secs); }
inline void rfc3339_ms(std::string& out, std::int64_t millis) { to<rfc3339_ms>(out, millis); }

}  // namespace ksdoctor::report::append
