// The marks text reports put on what is sound and what is not: ✔ and ✘, or plain words where the
// output cannot show them (a classic Windows console's fonts lack them; the CLI asks the platform,
// platform::ConsoleSupport::unicode).
#pragma once

namespace ksdoctor::report {

struct Marks {
  const char* ok;
  const char* bad;
};

inline constexpr Marks kUnicodeMarks{"✔", "✘"};
inline constexpr Marks kAsciiMarks{"OK", "FAIL"};

}  // namespace ksdoctor::report
