// File access shared by every command.
#pragma once

#include <string>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

// Reads a whole regular file. Throws IoError("READ_FAILED") with the OS reason on failure and
// IoError("TOO_LARGE") above `max_bytes` (keystores are small; this bounds hostile input).
Bytes read_file(const std::string& path, std::size_t max_bytes = std::size_t{1} << 30);

}  // namespace ksdoctor
