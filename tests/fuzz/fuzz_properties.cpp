// libFuzzer target: arbitrary bytes as a .properties file (Protect.properties). parse_properties
// and lint_properties must return or throw ksdoctor::Error; any other exception, crash,
// sanitizer report, leak or timeout is a bug. Every entry's raw text must read back to the
// same entry, which is what lint_properties relies on.
//
//   make fuzz
//   build-fuzz/tests/fuzz/fuzz_properties -max_total_time=60 \
//       build-fuzz/corpus-properties build/tests/properties/corpus
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ksdoctor;
  PropertiesFile file;
  try {
    file = parse_properties(ByteView(data, size));
  } catch (const Error&) {
    return 0;
  }
  for (const Property& p : file.entries) {
    // raw is ISO-8859-1 text as UTF-8: every character fits in one byte again.
    std::string bytes;
    for (char16_t c : utf8_to_utf16(p.raw)) {
      if (c > 0xFF) std::abort();
      bytes.push_back(static_cast<char>(c));
    }
    PropertiesFile again = parse_properties(
        ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    if (again.entries.size() != 1 || again.entries[0].key != p.key ||
        again.entries[0].value != p.value) {
      std::abort();
    }
  }
  for (const Finding& f : lint_properties(file, "fuzz.properties")) {
    if (f.code != "PROPERTIES_UNESCAPED_BACKSLASH" || f.details.size() != 5) std::abort();
  }
  return 0;
}
