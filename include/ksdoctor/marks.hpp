// The marks text reports put on what is sound and what is not (✔ and ✘) and between the ends of a
// range or a change (→), or plain ASCII where the output cannot show them or the user asked for
// plain output (a classic Windows console's fonts lack them; NO_COLOR is set): the CLI asks the
// platform, platform::ConsoleSupport::unicode.
#pragma once

namespace ksdoctor::report {

struct Marks {
  const char* ok;
  const char* bad;
  const char* other;  // neither: a file that is not a keystore in use
  const char* arrow;
  const char* branch;  // a certificate under the one it is issued by, three columns wide
};

inline constexpr Marks kUnicodeMarks{"✔", "✘", "·", "→", "└─ "};
inline constexpr Marks kAsciiMarks{"OK", "FAIL", "-", "->", "`- "};

}  // namespace ksdoctor::report
