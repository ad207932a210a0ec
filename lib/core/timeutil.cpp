#include "ksdoctor/timeutil.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "core/civil.hpp"
#include "ksdoctor/error.hpp"

namespace ksdoctor {
namespace {

std::string format_parts(std::int64_t secs, int millis, bool with_millis) {
  std::int64_t days = floor_div(secs, 86400);
  std::int64_t rem = secs - days * 86400;
  CivilDate c = civil_from_days(days);
  char buf[64];
  if (with_millis) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(c.year), c.month, c.day, static_cast<int>(rem / 3600),
                  static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), millis);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<long long>(c.year), c.month, c.day, static_cast<int>(rem / 3600),
                  static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  }
  return buf;
}

}  // namespace

std::int64_t days_from_civil(int year, int month, int day) {
  // Like Hinnant's algorithm, a day past the month's end counts on into the next month.
  using namespace std::chrono;
  const year_month ym = std::chrono::year(year) / static_cast<unsigned>(month);
  return (sys_days(ym / 1) + days(day - 1)).time_since_epoch().count();
}

std::string format_rfc3339(std::int64_t epoch_seconds) {
  return format_parts(epoch_seconds, 0, false);
}

std::string format_rfc3339_ms(std::int64_t epoch_millis) {
  std::int64_t millis = epoch_millis % 1000;
  if (millis < 0) millis += 1000;
  return format_parts(floor_div(epoch_millis, 1000), static_cast<int>(millis), true);
}

std::int64_t parse_time(std::string_view text) {
  auto bad = [&]() -> std::int64_t {
    throw UsageError("BAD_TIME", "cannot read time '" + std::string(text) +
                                     "': use 2031-05-01, 2031-05-01T12:00:00Z or @<epoch seconds>");
  };
  if (!text.empty() && text[0] == '@') {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) bad();
    return v;
  }
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
  std::int64_t t = days_from_civil(y, mo, d) * 86400;
  if (text.size() == 10) return t;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') bad();
  if (text.size() < 19 || text[13] != ':' || text[16] != ':') bad();
  int h = num(11, 2), mi = num(14, 2), s = num(17, 2);
  if (h > 23 || mi > 59 || s > 60) bad();
  t += h * 3600 + mi * 60 + s;
  std::size_t p = 19;
  if (p < text.size() && text[p] == '.') {
    ++p;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
  }
  if (p == text.size()) bad();  // an offset is required after a time of day
  if (text[p] == 'Z' || text[p] == 'z') {
    if (p + 1 != text.size()) bad();
    return t;
  }
  if ((text[p] != '+' && text[p] != '-') || p + 6 != text.size() || text[p + 3] != ':') bad();
  int off = num(p + 1, 2) * 3600 + num(p + 4, 2) * 60;
  return text[p] == '+' ? t - off : t + off;
}

}  // namespace ksdoctor
