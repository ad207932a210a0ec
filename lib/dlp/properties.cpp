// java.util.Properties.load(InputStream) as OpenJDK 17 implements it (LineReader.readLine,
// load0, loadConvert), re-derived from its documented behaviour and checked against a JVM by
// tests/properties. The reader works on UTF-16 code units because that is what Java's Strings
// are; conversion to UTF-8 happens once, at the public boundary.
#include "ksdoctor/properties.hpp"

#include <string>
#include <utility>

#include "core/text.hpp"
#include "dlp/java_properties.hpp"
#include "ksdoctor/error.hpp"

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

namespace jp = java_properties;

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

}  // namespace ksdoctor
