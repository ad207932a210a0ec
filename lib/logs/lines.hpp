// Lines of a ByteSource, one at a time, from one reusable buffer: a line is a view that stays
// valid until the next call. The buffer is 256 KiB: large reads, and a folder of many rotated logs
// (all open at once for the merge) still costs little memory. CR before LF is dropped; a last line
// without LF is a line; a line longer than the buffer is cut (the rest up to its LF is skipped).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "logs/source.hpp"

namespace ksdoctor::logs {

class LineReader {
 public:
  explicit LineReader(std::unique_ptr<ByteSource> source,
                      std::size_t buffer_size = std::size_t{256} << 10);

  // False at the end of what the source has now (a later call may find more).
  bool next(std::string_view& line);
  std::uint64_t line_number() const { return number_; }
  std::uint64_t bytes() const { return bytes_; }  // consumed so far, line ends included
  bool gzip() const { return source_->gzip(); }

 private:
  bool fill();  // false when the source gave nothing

  std::unique_ptr<ByteSource> source_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::size_t scanned_ = 0;  // bytes after begin_ known to hold no LF
  bool skipping_ = false;    // inside a line that was cut
  std::uint64_t number_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace ksdoctor::logs
