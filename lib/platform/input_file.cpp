// platform::InputFile's moves and destructor, the same on every OS; opening, reading and closing
// are in posix_stream.cpp and windows_stream.cpp.
#include <utility>

#include "platform/platform.hpp"

namespace ksdoctor::platform {

InputFile::InputFile(InputFile&& other) noexcept { *this = std::move(other); }

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this == &other) return *this;
  close();
  path_ = std::move(other.path_);
  handle_ = std::exchange(other.handle_, -1);
  return *this;
}

InputFile::~InputFile() { close(); }

}  // namespace ksdoctor::platform
