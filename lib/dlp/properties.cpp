// java.util.Properties.load(InputStream) as OpenJDK 17 implements it (LineReader.readLine,
// load0, loadConvert), re-derived from its documented behaviour and checked against a JVM by
// tests/properties. The reader works on UTF-16 code units because that is what Java's Strings
// are; conversion to UTF-8 happens once, at the public boundary.
#include "ksdoctor/properties.hpp"

#include <cstdio>
#include <string>
#include <utility>

#include "dlp/java_properties.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/text.hpp"

namespace ksdoctor {
namespace java_properties {
namespace {

// The only characters load treats as whitespace: '\r' and '\n' end lines and are never blanks.
bool is_blank(char16_t c) { return c == u' ' || c == u'\t' || c == u'\f'; }
bool is_terminator(char16_t c) { return c == u'\r' || c == u'\n'; }

int hex_digit(char16_t c) {
  if (c >= u'0' && c <= u'9') return c - u'0';
  if (c >= u'a' && c <= u'f') return c - u'a' + 10;
  if (c >= u'A' && c <= u'F') return c - u'A' + 10;
  return -1;
}

// Counts physical lines forward through the source; a logical line's start only moves forward,
// so numbering every entry costs one pass over the input.
class LineCounter {
 public:
  explicit LineCounter(std::u16string_view src) : src_(src) {}
  int line_of(std::size_t pos) {
    for (; pos_ < pos && pos_ < src_.size(); ++pos_) {
      char16_t c = src_[pos_];
      // "\r\n" is one terminator: count its '\r' and skip the '\n'.
      if (c == u'\r' || (c == u'\n' && (pos_ == 0 || src_[pos_ - 1] != u'\r'))) ++line_;
    }
    return line_;
  }

 private:
  std::u16string_view src_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::u16string latin1_to_utf16(ByteView bytes) {
  std::u16string out;
  out.reserve(bytes.size());
  for (std::uint8_t b : bytes) out.push_back(static_cast<char16_t>(b));
  return out;
}

// The state machine of LineReader.readLine. Its flags keep Java's meaning:
// - skip_blanks: at the start of a natural line, blanks are dropped;
// - continued: this natural line continues the previous one, so an empty line here ends the
//   logical line instead of being skipped as a blank line;
// - odd_backslashes: the characters so far end in an odd run of backslashes.
// The comment test looks at whether the logical line is still empty, not at whether this is
// the first natural line: after "\" + newline the line is empty again, so a following "#..."
// is a comment (while after "a\" + newline it is content).
bool LineReader::next(LogicalLine& line) {
  line.text.clear();
  bool skip_blanks = true;
  bool continued = false;
  bool odd_backslashes = false;
  const std::size_t n = src_.size();
  while (true) {
    if (off_ >= n) {
      if (line.text.empty()) return false;
      if (odd_backslashes) line.text.pop_back();  // a backslash at end of input is dropped
      line.end = n;
      return true;
    }
    char16_t c = src_[off_++];
    if (skip_blanks) {
      if (is_blank(c)) continue;
      if (!continued && is_terminator(c)) continue;
      skip_blanks = false;
      continued = false;
    }
    if (line.text.empty() && (c == u'#' || c == u'!')) {
      // A comment runs to the next terminator and never continues, whatever it ends with.
      bool terminated = false;
      while (off_ < n) {
        if (is_terminator(src_[off_++])) {
          terminated = true;
          break;
        }
      }
      if (!terminated) return false;
      skip_blanks = true;
      continue;
    }
    if (!is_terminator(c)) {
      if (line.text.empty()) line.begin = off_ - 1;
      line.text.push_back(c);
      odd_backslashes = (c == u'\\') ? !odd_backslashes : false;
      continue;
    }
    // End of a natural line.
    if (line.text.empty()) {
      skip_blanks = true;
      continue;
    }
    if (off_ >= n) {
      if (odd_backslashes) line.text.pop_back();
      line.end = off_ - 1;
      return true;
    }
    if (!odd_backslashes) {
      line.end = off_ - 1;
      return true;
    }
    line.text.pop_back();  // the continuation backslash is not part of the line
    skip_blanks = true;
    continued = true;
    odd_backslashes = false;
    if (c == u'\r' && src_[off_] == u'\n') ++off_;
  }
}

Split split_key_value(std::u16string_view line) {
  const std::size_t limit = line.size();
  Split split{limit, limit};
  bool has_separator = false;
  bool escaped = false;
  for (std::size_t i = 0; i < limit; ++i) {
    char16_t c = line[i];
    if (!escaped && (c == u'=' || c == u':')) {
      split = {i, i + 1};
      has_separator = true;
      break;
    }
    if (!escaped && is_blank(c)) {
      split = {i, i + 1};
      break;
    }
    escaped = (c == u'\\') ? !escaped : false;
  }
  // Blanks, at most one '=' or ':' (only when the key did not already end at one), blanks.
  std::size_t v = split.value_start;
  for (; v < limit; ++v) {
    char16_t c = line[v];
    if (is_blank(c)) continue;
    if (!has_separator && (c == u'=' || c == u':')) {
      has_separator = true;
      continue;
    }
    break;
  }
  split.value_start = v;
  return split;
}

std::optional<std::u16string> load_convert(std::u16string_view in) {
  std::u16string out;
  out.reserve(in.size());
  const std::size_t end = in.size();
  std::size_t i = 0;
  while (i < end) {
    char16_t c = in[i++];
    if (c != u'\\') {
      out.push_back(c);
      continue;
    }
    // Java reads past a final backslash without a check because readLine never leaves an odd
    // one at the end; text that did not come from readLine keeps it literally instead.
    if (i >= end) {
      out.push_back(c);
      break;
    }
    c = in[i++];
    if (c == u'u') {
      if (end - i < 4) return std::nullopt;
      unsigned value = 0;
      for (int k = 0; k < 4; ++k) {
        int d = hex_digit(in[i++]);
        if (d < 0) return std::nullopt;
        value = (value << 4) | static_cast<unsigned>(d);
      }
      out.push_back(static_cast<char16_t>(value));
      continue;
    }
    switch (c) {
      case u't':
        c = u'\t';
        break;
      case u'r':
        c = u'\r';
        break;
      case u'n':
        c = u'\n';
        break;
      case u'f':
        c = u'\f';
        break;
      default:
        break;  // any other escaped character stands for itself: the backslash is dropped
    }
    out.push_back(c);
  }
  return out;
}

std::vector<Entry> load(std::u16string_view source) {
  std::vector<Entry> entries;
  LineReader reader(source);
  LineCounter counter(source);
  LogicalLine line;
  while (reader.next(line)) {
    int line_number = counter.line_of(line.begin);
    std::u16string_view text = line.text;
    Split split = split_key_value(text);
    // Java converts the key before the value; both fail with the same message.
    std::optional<std::u16string> key = load_convert(text.substr(0, split.key_length));
    std::optional<std::u16string> value =
        key ? load_convert(text.substr(split.value_start)) : std::nullopt;
    if (!key || !value) {
      throw FormatError("MALFORMED_PROPERTIES",
                        "Malformed \\uxxxx encoding. (line " + std::to_string(line_number) + ")");
    }
    entries.push_back({std::move(*key), std::move(*value), line, line_number});
  }
  return entries;
}

std::u16string raw_text(std::u16string_view source, const LogicalLine& line) {
  std::u16string out;
  if (line.begin >= line.end || line.end > source.size()) return out;
  out.reserve(line.end - line.begin);
  for (std::size_t i = line.begin; i < line.end; ++i) {
    char16_t c = source[i];
    if (c == u'\r') {
      out.push_back(u'\n');
      if (i + 1 < line.end && source[i + 1] == u'\n') ++i;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace java_properties

namespace {

namespace jp = java_properties;

bool is_ascii_alnum(char16_t c) {
  return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}
bool is_ascii_alpha(char16_t c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z'); }

// Characters that start a path component (after a separator) and that Java's loadConvert
// drops the backslash in front of. 't', 'n', 'r', 'f' and 'u' are escapes, not dropped; ':',
// '=', '#', '!' and ' ' are excluded because Properties.store escapes them that way on purpose.
bool is_dropped_path_escape(char16_t c) {
  if (c == u't' || c == u'n' || c == u'r' || c == u'f' || c == u'u') return false;
  return is_ascii_alnum(c) || c == u'_' || c == u'$' || c == u'~' || c == u'-' || c == u'.' ||
         (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7);
}
bool is_component_char(char16_t c) {
  return is_ascii_alnum(c) || c == u'_' || c == u'$' || c == u'~' || c == u'-' || c == u'.' ||
         (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7);
}
bool is_control_escape(char16_t c) { return c == u't' || c == u'n' || c == u'r' || c == u'f'; }

bool starts_with_drive(std::u16string_view raw) {
  return raw.size() >= 3 && is_ascii_alpha(raw[0]) && raw[1] == u':' && raw[2] == u'\\';
}
// "\\server\share" typed literally: the first pair is one escaped backslash, then a name.
bool starts_with_unc(std::u16string_view raw) {
  return raw.size() >= 3 && raw[0] == u'\\' && raw[1] == u'\\' && is_ascii_alnum(raw[2]);
}
bool mentions_program_folder(std::u16string_view raw) {
  static constexpr std::u16string_view kProgram = u"\\program";
  for (std::size_t i = 0; i + kProgram.size() <= raw.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < kProgram.size() && match; ++k) {
      char16_t c = raw[i + k];
      if (c >= u'A' && c <= u'Z') c = static_cast<char16_t>(c + 32);
      match = c == kProgram[k];
    }
    if (match) return true;
  }
  return false;
}

struct BackslashUse {
  bool dropped = false;    // "\P": Java drops the backslash
  bool component = false;  // ... between two path components ("Symantec\DLP")
  bool control = false;    // "\t", "\n", "\r", "\f": Java reads a control character
};

// Walks the escapes of a value as loadConvert does and notes which single backslashes Java
// does not keep as backslashes.
BackslashUse scan_backslashes(std::u16string_view raw) {
  BackslashUse use;
  // Whether the previous character was a literal (unescaped) path character: in "\.\d" the
  // '.' was escaped, so "\d" does not follow a component (regular expressions are not paths).
  bool after_component = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != u'\\' || i + 1 >= raw.size()) {
      after_component = is_component_char(raw[i]);
      continue;
    }
    char16_t next = raw[i + 1];
    if (next == u'u') {
      i += 5;
    } else {
      if (is_control_escape(next)) {
        use.control = true;
      } else if (is_dropped_path_escape(next)) {
        use.dropped = true;
        if (after_component && is_ascii_alnum(next)) use.component = true;
      }
      ++i;  // "\\" included: the escaped character is consumed with its backslash
    }
    after_component = false;
  }
  return use;
}

// The value as the user meant it: backslashes that Java drops (or turns into control
// characters, in a value that is clearly a Windows path) are kept; the escapes written on
// purpose ("\\", "\:", "\uXXXX") are resolved as Java resolves them. A value that starts with
// "\\name" was a UNC path typed literally, so its first pair stays two backslashes.
std::u16string intended_value(std::u16string_view raw, bool keep_control_escapes) {
  std::u16string out;
  std::size_t i = 0;
  if (starts_with_unc(raw)) {
    out = u"\\\\";
    i = 2;
  }
  while (i < raw.size()) {
    char16_t c = raw[i];
    if (c != u'\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= raw.size()) {
      out.push_back(c);
      break;
    }
    char16_t next = raw[i + 1];
    if (next == u'u') {
      std::optional<std::u16string> unit = jp::load_convert(raw.substr(i, 6));
      if (unit && unit->size() == 1) {
        out += *unit;
        i += 6;
        continue;
      }
    }
    if (is_dropped_path_escape(next) || (keep_control_escapes && is_control_escape(next))) {
      out.push_back(u'\\');
      out.push_back(next);
    } else {
      out += jp::load_convert(raw.substr(i, 2)).value_or(std::u16string(1, next));
    }
    i += 2;
  }
  return out;
}

// Control characters made visible for a one-line message.
std::string visible(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string replace_backslashes(const std::string& text, const std::string& with) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += with;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

const Property* PropertiesFile::find(std::string_view key) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

PropertiesFile parse_properties(ByteView bytes) {
  std::u16string source = jp::latin1_to_utf16(bytes);
  std::vector<jp::Entry> loaded = jp::load(source);
  PropertiesFile file;
  file.entries.reserve(loaded.size());
  for (const jp::Entry& e : loaded) {
    file.entries.push_back({utf16_to_utf8(e.key), utf16_to_utf8(e.value),
                            utf16_to_utf8(jp::raw_text(source, e.line)), e.line_number});
  }
  return file;
}

std::vector<Finding> lint_properties(const PropertiesFile& props, const std::string& file) {
  std::vector<Finding> findings;
  for (const Property& p : props.entries) {
    // Property::raw is the logical line as written, so reading it again yields the escaped
    // value text exactly as load0 saw it (raw starts at the line's first character, which is
    // never a blank or a comment mark).
    std::u16string raw = utf8_to_utf16(p.raw);
    jp::LineReader reader(raw);
    jp::LogicalLine line;
    if (!reader.next(line)) continue;
    std::u16string_view text = line.text;
    std::u16string_view raw_value = text.substr(jp::split_key_value(text).value_start);

    BackslashUse use = scan_backslashes(raw_value);
    bool windows_path = starts_with_drive(raw_value) || starts_with_unc(raw_value) ||
                        mentions_program_folder(raw_value);
    bool fires = (use.dropped && (windows_path || use.component)) || (use.control && windows_path);
    if (!fires) continue;

    std::string written = utf16_to_utf8(raw_value);
    std::string intended = utf16_to_utf8(intended_value(raw_value, windows_path));
    Finding f;
    f.code = "PROPERTIES_UNESCAPED_BACKSLASH";
    f.severity = Severity::kWarning;
    f.message =
        file + " line " + std::to_string(p.line) + ": the value of \"" + visible(p.key) +
        "\" is written with single backslashes, which Java drops or reads as escapes: " + "\"" +
        visible(written) + "\" is read as \"" + visible(p.value) + "\"";
    f.remedy = "Write each backslash twice (" + visible(replace_backslashes(intended, "\\\\")) +
               ") or use forward slashes (" + visible(replace_backslashes(intended, "/")) +
               "), which Java accepts on Windows too.";
    f.details = {{"key", p.key},
                 {"line", std::to_string(p.line)},
                 {"raw", written},
                 {"java_value", p.value},
                 {"intended", intended}};
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace ksdoctor
