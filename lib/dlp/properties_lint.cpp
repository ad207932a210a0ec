// PROPERTIES_UNESCAPED_BACKSLASH: Windows paths written with single backslashes, which Java's
// Properties.load drops or reads as escapes (see lint_properties in ksdoctor/properties.hpp).
#include <cstdio>
#include <optional>
#include <string>

#include "core/text.hpp"
#include "dlp/java_properties.hpp"
#include "ksdoctor/properties.hpp"

namespace ksdoctor {
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
