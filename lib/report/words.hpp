// Small words the text reports share.
#pragma once

#include <cstdint>
#include <string>

namespace ksdoctor::report::words {

// "1 file", "3 files".
inline std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace ksdoctor::report::words
