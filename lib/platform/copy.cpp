// The same on every system: built on read_file and replace_file.
#include "platform/platform.hpp"

namespace ksdoctor::platform {

void copy_file(const std::string& from, const std::string& to, const ReplaceOptions& options,
               std::size_t max_bytes) {
  Bytes bytes = read_file(from, max_bytes);
  replace_file(to, bytes, options);
}

}  // namespace ksdoctor::platform
