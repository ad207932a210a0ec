// Time as plain epoch numbers: the library never reads the clock; callers pass "now" in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ksdoctor {

std::int64_t days_from_civil(int year, int month, int day);
// "2031-05-01T12:00:00Z"
std::string format_rfc3339(std::int64_t epoch_seconds);
// "2031-05-01T12:00:00.123Z"
std::string format_rfc3339_ms(std::int64_t epoch_millis);
// Accepts "2031-05-01", "2031-05-01T12:00:00Z", "2031-05-01T12:00:00+02:00" (fractions ignored)
// and "@<epoch seconds>". Throws UsageError on anything else.
std::int64_t parse_time(std::string_view text);

}  // namespace ksdoctor
