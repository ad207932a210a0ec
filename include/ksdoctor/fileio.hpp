// File access shared by every command.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

namespace platform {
class FileBytes;
}

// Reads a whole regular file. Throws IoError("READ_FAILED") with the OS reason on failure and
// IoError("TOO_LARGE") above `max_bytes` (keystores are small; this bounds hostile input).
Bytes read_file(const std::string& path, std::size_t max_bytes = std::size_t{1} << 30);

// Whether `path` names an existing file or folder (symbolic links followed).
bool file_exists(const std::string& path);

// The size of `path` when it is a regular file (symbolic links followed); nullopt otherwise.
std::optional<std::uint64_t> regular_file_size(const std::string& path);

// Whether `a` and `b` name the same existing file (same device and inode, so hard links and
// symbolic links to it count as well).
bool same_file(const std::string& a, const std::string& b);

// A whole file read into memory that (on Linux) is mapped and faulted in by the kernel in one step,
// and never zero-filled or copied by us: for multi-megabyte keystores that is a tenth of the run
// time. Same errors as read_file.
class FileBuffer {
 public:
  static FileBuffer read(const std::string& path, std::size_t max_bytes = std::size_t{1} << 30);
  FileBuffer(FileBuffer&& other) noexcept;
  FileBuffer& operator=(FileBuffer&& other) noexcept;
  FileBuffer(const FileBuffer&) = delete;
  FileBuffer& operator=(const FileBuffer&) = delete;
  ~FileBuffer();

  ByteView bytes() const { return {data_, size_}; }
  operator ByteView() const { return bytes(); }

 private:
  FileBuffer() = default;
  std::unique_ptr<platform::FileBytes> file_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace ksdoctor
