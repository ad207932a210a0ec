// Java .properties files exactly as java.util.Properties.load(InputStream) reads them
// (ISO-8859-1, separators, comments, continuations, escapes), keeping enough of the raw text to
// show users what they wrote next to what Java sees.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/findings.hpp"

namespace ksdoctor {

// key and value are Java's Strings in UTF-8. A \uXXXX escape is one UTF-16 code unit, as in
// Java; a surrogate pair written as two escapes is one character, and an unpaired surrogate
// (which UTF-8 cannot hold) becomes U+FFFD. Bytes 0x80-0xFF are the ISO-8859-1 characters.
struct Property {
  std::string key;    // as Java sees it (UTF-8)
  std::string value;  // as Java sees it (UTF-8)
  std::string raw;    // the logical line as written (ISO-8859-1 decoded to UTF-8; continuation
                      // lines joined with '\n', line terminators removed): from its first
                      // character (leading blanks dropped) to the end of its last physical
                      // line, continuation backslashes and the next lines' leading blanks
                      // kept. Parsing raw again yields this same entry.
  int line = 0;       // 1-based number of the physical line where the logical line starts
                      // ("\r\n", "\r" and "\n" each end one physical line)
};

struct PropertiesFile {
  std::vector<Property> entries;  // in file order, repeated keys included
  // The value Java's getProperty returns: the last occurrence of `key`.
  const Property* find(std::string_view key) const;
};

// Throws FormatError("MALFORMED_PROPERTIES", "Malformed \\uxxxx encoding. (line N)") where
// Java's load throws IllegalArgumentException.
PropertiesFile parse_properties(ByteView bytes);

// PROPERTIES_UNESCAPED_BACKSLASH (warning): a value that was written as a Windows path with
// single backslashes, which Java silently drops ("C:\ProgramData\x" is read as "C:ProgramDatax").
// It fires when a single backslash Java drops stands before a path character (letter, digit,
// '.', '_', '-', '$', '~') and the value looks like a path: it starts with a drive ("X:\") or
// "\\name", mentions "\Program", or that backslash sits between two path components
// ("Symantec\DLP"). In a value that starts with a drive or "\\name" or mentions "\Program",
// "\t", "\n", "\r" and "\f" count too ("D:\temp" is read as D:<TAB>emp). Escapes written on
// purpose ("\\", and "\:" "\=" "\#" "\!" "\ " as Properties.store writes them) never count.
// Details: key, line, raw (the value's text as written, continuation lines joined as Java joins
// them), java_value (what Java reads), intended (the value with those backslashes kept and the
// other escapes resolved). `file` is used in messages.
std::vector<Finding> lint_properties(const PropertiesFile& props, const std::string& file);

}  // namespace ksdoctor
