// Whole files, through the platform layer.
#include "ksdoctor/fileio.hpp"

#include "platform/platform.hpp"

namespace ksdoctor {

Bytes read_file(const std::string& path, std::size_t max_bytes) {
  return platform::read_file(path, max_bytes);
}

bool file_exists(const std::string& path) {
  platform::FileStatus status = platform::file_status(path);
  return status.exists() && status.error.empty();
}

std::optional<std::uint64_t> regular_file_size(const std::string& path) {
  platform::FileStatus status = platform::file_status(path);
  if (!status.is_regular()) return std::nullopt;
  return status.size;
}

bool same_file(const std::string& a, const std::string& b) { return platform::same_file(a, b); }

FileBuffer FileBuffer::read(const std::string& path, std::size_t max_bytes) {
  FileBuffer buffer;
  buffer.file_ = std::make_unique<platform::FileBytes>(platform::read_file_fast(path, max_bytes));
  buffer.data_ = buffer.file_->bytes().data();
  buffer.size_ = buffer.file_->bytes().size();
  return buffer;
}

FileBuffer::FileBuffer(FileBuffer&& other) noexcept { *this = std::move(other); }

FileBuffer& FileBuffer::operator=(FileBuffer&& other) noexcept {
  if (this == &other) return *this;
  file_ = std::move(other.file_);
  data_ = other.data_;
  size_ = other.size_;
  other.data_ = nullptr;
  other.size_ = 0;
  return *this;
}

FileBuffer::~FileBuffer() = default;

}  // namespace ksdoctor
