// The pieces of java.util.Properties.load(InputStream) (OpenJDK 17), kept in UTF-16 so that tests
// can compare with a JVM code unit by code unit (the public API hands out UTF-8, in which an
// unpaired surrogate from "\uD800" cannot be represented).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor::java_properties {

// Properties.load(InputStream) decodes with ISO-8859-1: every byte is one char.
std::u16string latin1_to_utf16(ByteView bytes);

// One logical line as Properties.LineReader.readLine assembles it.
struct LogicalLine {
  std::u16string text;    // Java's lineBuf: leading blanks of every natural line dropped,
                          // continuation backslashes and line terminators removed
  std::size_t begin = 0;  // the source span the line was assembled from: from its first
  std::size_t end = 0;    // character up to (not including) the terminator that ended it
};

// Reads logical lines exactly as LineReader.readLine does, one at a time. Comment and blank
// lines are skipped; a logical line may be empty (a lone "\" at the end of the input).
class LineReader {
 public:
  explicit LineReader(std::u16string_view source) : src_(source) {}
  bool next(LogicalLine& line);

 private:
  std::u16string_view src_;
  std::size_t off_ = 0;
};

// Where load0 splits a logical line: the key is text[0, key_length), the value starts at
// value_start (after the separator and the blanks around it).
struct Split {
  std::size_t key_length = 0;
  std::size_t value_start = 0;
};
Split split_key_value(std::u16string_view line);

// Properties.loadConvert: resolves escapes. std::nullopt where Java throws
// IllegalArgumentException("Malformed \\uxxxx encoding.").
std::optional<std::u16string> load_convert(std::u16string_view escaped);

struct Entry {
  std::u16string key;  // exactly the Strings Java puts into the table
  std::u16string value;
  LogicalLine line;
  int line_number = 0;  // 1-based physical line of line.begin
};

// Every put() load0 makes, in order. Throws FormatError("MALFORMED_PROPERTIES", ...) where
// Java's load throws.
std::vector<Entry> load(std::u16string_view source);

// The logical line's source span with each terminator (\r\n, \r, \n) written as '\n'.
std::u16string raw_text(std::u16string_view source, const LogicalLine& line);

}  // namespace ksdoctor::java_properties
