#include <cstdio>

#include "core/civil.hpp"
#include "ksdoctor/logs.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::logs {

std::string format_time(const Time& time) {
  std::int64_t days = floor_div(time.wall_ms, 86400000);
  std::int64_t ms = time.wall_ms - days * 86400000;
  CivilDate d = civil_from_days(days);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03d",
                        static_cast<long long>(d.year), d.month, d.day,
                        static_cast<int>(ms / 3600000), static_cast<int>(ms / 60000 % 60),
                        static_cast<int>(ms / 1000 % 60), static_cast<int>(ms % 1000));
  std::string out(buf, static_cast<std::size_t>(n));
  if (time.has_offset) {
    if (time.offset_minutes == 0) {
      out += 'Z';
    } else {
      int m = time.offset_minutes < 0 ? -time.offset_minutes : time.offset_minutes;
      std::snprintf(buf, sizeof buf, "%c%02d:%02d", time.offset_minutes < 0 ? '-' : '+', m / 60,
                    m % 60);
      out += buf;
    }
  }
  return out;
}

Time parse_time_bound(std::string_view text) {
  auto bad = [&]() -> Time {
    throw UsageError("BAD_TIME", "cannot read time '" + std::string(text) +
                                     "': use 2022-07-21, '2022-07-21 12:00' or RFC 3339 "
                                     "(2022-07-21T12:00:00-05:00)");
  };
  auto num = [&](std::size_t at, std::size_t n) {
    if (at + n > text.size()) bad();
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') bad();
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') bad();
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) bad();
  Time t;
  t.wall_ms = days_from_civil(y, mo, d) * 86400000;
  if (text.size() == 10) return t;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') bad();
  if (text.size() < 16 || text[13] != ':') bad();
  int h = num(11, 2), mi = num(14, 2), s = 0;
  std::size_t p = 16;
  if (p < text.size() && text[p] == ':') {
    s = num(17, 2);
    p = 19;
    if (p < text.size() && text[p] == '.') {
      ++p;
      int ms = 0, digits = 0;
      while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
        if (digits < 3) ms = ms * 10 + (text[p] - '0');
        ++digits;
        ++p;
      }
      if (digits == 0) bad();
      while (digits < 3) {
        ms *= 10;
        ++digits;
      }
      t.wall_ms += ms;
    }
  }
  if (h > 23 || mi > 59 || s > 60) bad();
  t.wall_ms += (h * 3600LL + mi * 60LL + s) * 1000;
  if (p == text.size()) return t;
  if (text[p] == 'Z' || text[p] == 'z') {
    if (p + 1 != text.size()) bad();
    t.has_offset = true;
    return t;
  }
  if ((text[p] != '+' && text[p] != '-') || p + 6 != text.size() || text[p + 3] != ':') bad();
  int oh = num(p + 1, 2), om = num(p + 4, 2);
  if (oh > 23 || om > 59) bad();
  t.has_offset = true;
  t.offset_minutes = (text[p] == '-' ? -1 : 1) * (oh * 60 + om);
  return t;
}

bool time_before(const Time& a, const Time& b) {
  if (a.has_offset && b.has_offset) return a.order_ms() < b.order_ms();
  return a.wall_ms < b.wall_ms;
}

}  // namespace ksdoctor::logs
