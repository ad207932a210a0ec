#include "logs/lines.hpp"

#include <cstring>

namespace ksdoctor::logs {

LineReader::LineReader(std::unique_ptr<ByteSource> source, std::size_t buffer_size)
    : source_(std::move(source)), buffer_(buffer_size) {}

bool LineReader::fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) return false;
  std::size_t n =
      source_->read(reinterpret_cast<std::uint8_t*>(buffer_.data() + end_), buffer_.size() - end_);
  end_ += n;
  return n > 0;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const char* nl =
        static_cast<const char*>(std::memchr(start + scanned_, '\n', end_ - begin_ - scanned_));
    if (nl) {
      std::size_t length = static_cast<std::size_t>(nl - start);
      begin_ += length + 1;
      scanned_ = 0;
      bytes_ += length + 1;
      if (skipping_) {  // the rest of a cut line
        skipping_ = false;
        continue;
      }
      if (length > 0 && start[length - 1] == '\r') --length;
      ++number_;
      line = std::string_view(start, length);
      return true;
    }
    scanned_ = end_ - begin_;
    if (begin_ == 0 && end_ == buffer_.size()) {
      // No LF in a whole buffer: hand out what is there as the line, skip the rest of it.
      std::size_t length = end_;
      begin_ = end_;
      scanned_ = 0;
      bytes_ += length;
      if (skipping_) continue;
      skipping_ = true;
      ++number_;
      line = std::string_view(buffer_.data(), length);
      return true;
    }
    if (fill()) {
      continue;
    }
    // The end: a last line without LF.
    if (end_ > begin_) {
      std::size_t length = end_ - begin_;
      const char* s = buffer_.data() + begin_;
      begin_ = end_;
      scanned_ = 0;
      bytes_ += length;
      if (skipping_) {
        skipping_ = false;
        return false;
      }
      if (s[length - 1] == '\r') --length;
      ++number_;
      line = std::string_view(s, length);
      return true;
    }
    return false;
  }
}

}  // namespace ksdoctor::logs
