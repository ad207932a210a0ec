#include "ksdoctor/fileio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace ksdoctor {

Bytes read_file(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("READ_FAILED", "cannot open " + path + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    throw IoError("READ_FAILED", "cannot stat " + path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw IoError("READ_FAILED", path + " is a directory, not a file");
  if (st.st_size > 0 && static_cast<std::size_t>(st.st_size) > max_bytes) {
    throw IoError("TOO_LARGE", path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  // Read straight into the result (one copy, a few system calls) rather than through a bounce
  // buffer. One byte more than fstat's size lets a file that grew meanwhile be noticed; the buffer
  // grows while the file keeps giving bytes, never beyond one byte past max_bytes.
  const std::size_t cap = max_bytes < SIZE_MAX ? max_bytes + 1 : max_bytes;
  const std::size_t expected = st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
  Bytes data(std::min(expected > 0 ? expected + 1 : std::size_t{65536}, cap));
  std::size_t size = 0;
  for (;;) {
    if (size == data.size()) data.resize(std::min(std::max(size * 2, std::size_t{65536}), cap));
    ssize_t n = ::read(fd, data.data() + size, data.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("READ_FAILED", "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
    if (size > max_bytes) {
      throw IoError("TOO_LARGE", path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  data.resize(size);
  return data;
}

}  // namespace ksdoctor
