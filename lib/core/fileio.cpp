#include "ksdoctor/fileio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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
  Bytes data;
  data.reserve(static_cast<std::size_t>(st.st_size));
  std::uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("READ_FAILED", "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      throw IoError("TOO_LARGE", path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    data.insert(data.end(), buf, buf + n);
  }
  return data;
}

}  // namespace ksdoctor
