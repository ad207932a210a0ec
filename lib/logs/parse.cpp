#include "logs/parse.hpp"

#include <cstring>

#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::logs {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Two (or n) digits at p; -1 when any is not a digit.
int num(const char* p, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (!digit(p[i])) return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

// "Jan" → 1 ... "Dec" → 12; 0 otherwise. (A switch: this runs for every line.)
int month(const char* p) {
  auto is = [p](char b, char c) { return p[1] == b && p[2] == c; };
  switch (p[0]) {
    case 'J':
      return is('a', 'n') ? 1 : is('u', 'n') ? 6 : is('u', 'l') ? 7 : 0;
    case 'F':
      return is('e', 'b') ? 2 : 0;
    case 'M':
      return is('a', 'r') ? 3 : is('a', 'y') ? 5 : 0;
    case 'A':
      return is('p', 'r') ? 4 : is('u', 'g') ? 8 : 0;
    case 'S':
      return is('e', 'p') ? 9 : 0;
    case 'O':
      return is('c', 't') ? 10 : 0;
    case 'N':
      return is('o', 'v') ? 11 : 0;
    case 'D':
      return is('e', 'c') ? 12 : 0;
    default:
      return 0;
  }
}

bool valid_date(int y, int mo, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= kDays[mo - 1];
}

std::int64_t wall_ms(int y, int mo, int d, int h, int mi, int s, int ms) {
  return (days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + s) * 1000LL + ms;
}

bool key_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

struct LevelName {
  const char* name;
  std::size_t size;
  Level level;
};
constexpr LevelName kLevels[] = {
    {"INFO", 4, Level::kInfo},     {"FINE", 4, Level::kFine},     {"FINEST", 6, Level::kFinest},
    {"FINER", 5, Level::kFiner},   {"SEVERE", 6, Level::kSevere}, {"WARNING", 7, Level::kWarning},
    {"CONFIG", 6, Level::kConfig},
};

// The level whose name is exactly `s`.
bool level_of(std::string_view s, Level& level) {
  if (s.size() < 4) return false;
  for (const LevelName& l : kLevels) {
    if (s.size() == l.size && s[0] == l.name[0] && std::memcmp(s.data(), l.name, l.size) == 0) {
      level = l.level;
      return true;
    }
  }
  return false;
}

void assign(Fields& f, std::string_view key, std::string_view value) {
  auto is = [&key](const char* name, std::size_t n) {
    return key.size() == n && std::memcmp(key.data(), name, n) == 0;
  };
  switch (key[0]) {
    case 't':
      if (is("tid", 3)) f.tid = value;
      if (is("time", 4)) f.time = value;
      break;
    case 'c':
      if (is("cid", 3)) f.cid = value;
      if (is("cipher", 6)) f.cipher = value;
      break;
    case 'l':
      if (is("local", 5)) f.local = value;
      break;
    case 'r':
      if (is("remote", 6)) f.remote = value;
      if (is("reason", 6)) f.reason = value;
      break;
    case 'm':
      if (is("mta", 3)) f.mta = value;
      if (is("messages", 8)) f.messages = value;
      break;
    case 'p':
      if (is("peer", 4)) f.peer = value;
      if (is("protocol", 8)) f.protocol = value;
      break;
    default:
      break;
  }
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

const char* format_name(Format format) { return format == Format::kJul ? "jul" : "operational"; }

const char* level_name(Level level) {
  for (const LevelName& l : kLevels) {
    if (l.level == level) return l.name;
  }
  return "OTHER";
}

const char* side_name(Side side) {
  switch (side) {
    case Side::kUpstream:
      return "upstream";
    case Side::kDownstream:
      return "downstream";
    case Side::kUnknown:
      break;
  }
  return "unknown";
}

Side side_of_cid(std::string_view cid) {
  if (cid.starts_with("Upstream-")) return Side::kUpstream;
  if (cid.starts_with("Downstream-")) return Side::kDownstream;
  return Side::kUnknown;
}

std::string_view host_of(std::string_view address) {
  if (address.starts_with('[')) {
    std::size_t close = address.find(']');
    if (close != std::string_view::npos) return address.substr(1, close - 1);
    return address;
  }
  std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || address.find(':') != colon) return address;  // IPv6
  std::string_view port = address.substr(colon + 1);
  if (port.empty()) return address.substr(0, colon);
  for (char c : port) {
    if (!digit(c)) return address;
  }
  return address.substr(0, colon);
}

std::string_view parse_fields(std::string_view message, Fields& fields) {
  // The group starts at the first '(' followed by key=.
  std::size_t open = 0;
  for (;;) {
    open = message.find('(', open);
    if (open == std::string_view::npos) return trim_right(message);
    std::size_t k = open + 1;
    while (k < message.size() && key_char(message[k])) ++k;
    if (k > open + 1 && k < message.size() && message[k] == '=') break;
    ++open;
  }
  std::string_view text = trim_right(message.substr(0, open));
  std::string_view group = trim_right(message.substr(open + 1));
  std::size_t p = 0;
  while (p < group.size()) {
    while (p < group.size() && group[p] == ' ') ++p;
    std::size_t k = p;
    while (k < group.size() && key_char(group[k])) ++k;
    if (k == p || k >= group.size() || group[k] != '=') break;
    std::string_view key = group.substr(p, k - p);
    p = k + 1;
    std::string_view value;
    if (key == "reason") {
      // To the closing parenthesis of the group: the last character when the line is complete.
      std::size_t end = group.size();
      if (end > p && group[end - 1] == ')') --end;
      value = trim_right(group.substr(p, end - p));
      p = group.size();
    } else if (p < group.size() && group[p] == '<') {
      std::size_t close = group.find('>', p);
      if (close == std::string_view::npos) close = group.size();
      value = group.substr(p + 1, close - p - 1);
      p = close + 1;
    } else {
      // To the next space; the last value ends at the group's closing parenthesis.
      const char* space =
          static_cast<const char*>(std::memchr(group.data() + p, ' ', group.size() - p));
      std::size_t end = space ? static_cast<std::size_t>(space - group.data()) : group.size();
      value = group.substr(p, end - p);
      if (!space && !value.empty() && value.back() == ')') value.remove_suffix(1);
      p = end;
    }
    assign(fields, key, value);
    if (p < group.size() && group[p] == ')') break;
  }
  return text;
}

void parse_message(std::string_view text, Record& r) {
  r.code = 0;
  r.category = {};
  r.fields = Fields{};
  // "(CATEGORY.NNNN) "
  if (text.size() > 4 && text[0] == '(') {
    std::size_t close = text.find(')');
    if (close != std::string_view::npos && close < 64) {
      std::string_view inner = text.substr(1, close - 1);
      std::size_t dot = inner.rfind('.');
      if (dot != std::string_view::npos && dot > 0 && dot + 1 < inner.size() &&
          inner.size() - dot - 1 <= 6) {
        int code = 0;
        bool ok = true;
        for (char c : inner.substr(dot + 1)) {
          if (!digit(c)) {
            ok = false;
            break;
          }
          code = code * 10 + (c - '0');
        }
        bool word = true;
        for (char c : inner.substr(0, dot)) word = word && (key_char(c) || digit(c));
        if (ok && word) {
          r.code = code;
          r.category = inner.substr(0, dot);
          text.remove_prefix(close + 1);
          while (!text.empty() && text[0] == ' ') text.remove_prefix(1);
        }
      }
    }
  }
  r.message = parse_fields(text, r.fields);
}

bool parse_operational(std::string_view line, Record& r) {
  // 21/Jul/22:12:23:32:726-0500 [INFO] ...
  if (line.size() < 31) return false;
  const char* p = line.data();
  if (p[2] != '/' || p[6] != '/' || p[9] != ':' || p[12] != ':' || p[15] != ':' || p[18] != ':' ||
      (p[22] != '-' && p[22] != '+') || p[27] != ' ' || p[28] != '[') {
    return false;
  }
  int d = num(p, 2), mo = month(p + 3), y = num(p + 7, 2), h = num(p + 10, 2), mi = num(p + 13, 2),
      s = num(p + 16, 2), ms = num(p + 19, 3), oh = num(p + 23, 2), om = num(p + 25, 2);
  if (d < 0 || y < 0 || h < 0 || mi < 0 || s < 0 || ms < 0 || oh < 0 || om < 0) return false;
  if (!valid_date(2000 + y, mo, d) || h > 23 || mi > 59 || s > 60 || oh > 23 || om > 59) {
    return false;
  }
  std::size_t close = line.find(']', 29);
  if (close == std::string_view::npos || close > 29 + 8) return false;
  Level level;
  if (!level_of(line.substr(29, close - 29), level)) return false;
  r.format = Format::kOperational;
  r.level = level;
  r.time.wall_ms = wall_ms(2000 + y, mo, d, h, mi, s, ms);
  r.time.offset_minutes = (p[22] == '-' ? -1 : 1) * (oh * 60 + om);
  r.time.has_offset = true;
  r.source = {};
  r.text = line;
  std::string_view rest = line.substr(close + 1);
  while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  parse_message(rest, r);
  return true;
}

bool parse_jul_header(std::string_view line, Time& time, std::string_view& source) {
  // Mar 14, 2022 4:32:14 PM com.vontu.mta.rp.log.SmtpLogManager logConnectionAccepted
  if (line.size() < 24 || line[3] != ' ') return false;
  int mo = month(line.data());
  if (mo == 0) return false;
  std::size_t p = 4;
  int d = 0, n = 0;
  while (p < line.size() && digit(line[p]) && n < 2) d = d * 10 + (line[p++] - '0'), ++n;
  if (n == 0 || p + 7 > line.size() || line[p] != ',' || line[p + 1] != ' ') return false;
  p += 2;
  int y = num(line.data() + p, 4);
  if (y < 0 || line[p + 4] != ' ') return false;
  p += 5;
  int h = 0;
  n = 0;
  while (p < line.size() && digit(line[p]) && n < 2) h = h * 10 + (line[p++] - '0'), ++n;
  if (n == 0 || p + 10 > line.size() || line[p] != ':' || line[p + 3] != ':' ||
      line[p + 6] != ' ' || line[p + 8] != 'M' || line[p + 9] != ' ') {
    return false;
  }
  int mi = num(line.data() + p + 1, 2), s = num(line.data() + p + 4, 2);
  char ampm = line[p + 7];
  if (mi < 0 || s < 0 || mi > 59 || s > 60 || h < 1 || h > 12 || (ampm != 'A' && ampm != 'P')) {
    return false;
  }
  if (!valid_date(y, mo, d)) return false;
  h = h % 12 + (ampm == 'P' ? 12 : 0);
  source = line.substr(p + 10);
  if (source.empty()) return false;
  time = Time{wall_ms(y, mo, d, h, mi, s, 0), 0, false};
  return true;
}

bool parse_jul_level(std::string_view line, Level& level, std::string_view& rest) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon < 4 || colon > 7 || colon + 1 >= line.size() ||
      line[colon + 1] != ' ') {
    return false;
  }
  if (!level_of(line.substr(0, colon), level)) return false;
  rest = line.substr(colon + 2);
  return true;
}

bool starts_record(std::string_view line) {
  Record r;
  if (line.size() >= 31 && line[2] == '/' && line[28] == '[' && parse_operational(line, r)) {
    return true;
  }
  Time t;
  std::string_view source;
  return line.size() >= 24 && line[3] == ' ' && parse_jul_header(line, t, source);
}

}  // namespace ksdoctor::logs
