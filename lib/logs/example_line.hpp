// The line a finding or a malformed-line count shows as its example: the first 512 bytes are
// enough to recognise a record, and keep a report of a pathological log small.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ksdoctor/logs.hpp"

namespace ksdoctor::logs {

inline LineRef example_line(std::size_t file, std::uint64_t line, std::string_view text) {
  constexpr std::size_t kExampleBytes = 512;
  return LineRef{file, line, std::string(text.substr(0, kExampleBytes))};
}

}  // namespace ksdoctor::logs
