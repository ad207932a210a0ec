#include "ksdoctor/fileio.hpp"

#include <fcntl.h>
#include <sys/mman.h>
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

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

FileBuffer FileBuffer::read(const std::string& path, std::size_t max_bytes) {
  FileBuffer buffer;
  struct stat st {};
  bool regular = ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                 static_cast<std::size_t>(st.st_size) <= max_bytes;
  std::size_t length = regular ? static_cast<std::size_t>(st.st_size) + 1 : 0;
  void* memory = regular ? ::mmap(nullptr, length, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
                         : MAP_FAILED;
  if (memory == MAP_FAILED) {
    buffer.fallback_ = read_file(path, max_bytes);
    buffer.data_ = buffer.fallback_.data();
    buffer.size_ = buffer.fallback_.size();
    return buffer;
  }
  buffer.data_ = static_cast<std::uint8_t*>(memory);
  buffer.mapped_ = length;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("READ_FAILED", "cannot open " + path + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // The file may have changed since stat: a file that grew beyond the buffer is read the slow way.
  for (;;) {
    ssize_t n = ::read(fd, buffer.data_ + buffer.size_, length - buffer.size_);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("READ_FAILED", "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    buffer.size_ += static_cast<std::size_t>(n);
    if (buffer.size_ == length) {
      FileBuffer slow;
      slow.fallback_ = read_file(path, max_bytes);
      slow.data_ = slow.fallback_.data();
      slow.size_ = slow.fallback_.size();
      return slow;
    }
  }
  return buffer;
}

FileBuffer::FileBuffer(FileBuffer&& other) noexcept { *this = std::move(other); }

FileBuffer& FileBuffer::operator=(FileBuffer&& other) noexcept {
  if (this == &other) return *this;
  if (mapped_) ::munmap(data_, mapped_);
  fallback_ = std::move(other.fallback_);
  mapped_ = other.mapped_;
  size_ = other.size_;
  data_ = mapped_ ? other.data_ : fallback_.data();
  other.data_ = nullptr;
  other.size_ = other.mapped_ = 0;
  return *this;
}

FileBuffer::~FileBuffer() {
  if (mapped_) ::munmap(data_, mapped_);
}

}  // namespace ksdoctor
