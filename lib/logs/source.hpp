// The bytes of one log file, plain or gzip-compressed (recognised by its magic bytes), read in
// pieces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ksdoctor::logs {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes; 0 at the end of what is there now. Throws FormatError for corrupt
  // compressed data, IoError for a read error.
  virtual std::size_t read(std::uint8_t* buffer, std::size_t size) = 0;
  virtual bool gzip() const = 0;
};

// Throws IoError when the file cannot be opened.
std::unique_ptr<ByteSource> open_source(const std::string& path);

}  // namespace ksdoctor::logs
