// Byte buffers and a bounds-checked big-endian reader used by every parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/error.hpp"

namespace ksdoctor {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

std::string to_hex(ByteView bytes);  // lowercase, no separators

// Reads big-endian fields from a byte span. Every read checks the bytes that remain and throws
// FormatError("TRUNCATED", ...) instead of reading past the end, so a length field from a hostile
// file can never cause an allocation larger than the file itself.
class Reader {
 public:
  explicit Reader(ByteView data, std::string what = "input")
      : data_(data), what_(std::move(what)) {}

  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  ByteView consumed() const { return data_.first(pos_); }
  ByteView rest() const { return data_.subspan(pos_); }

  std::uint8_t u8();
  std::uint16_t u16();
  std::uint32_t u32();
  std::uint64_t u64();
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  ByteView take(std::size_t n);
  void skip(std::size_t n) { take(n); }

  [[noreturn]] void fail(const std::string& why) const;

 private:
  void need(std::size_t n) const;
  ByteView data_;
  std::size_t pos_ = 0;
  std::string what_;
};

}  // namespace ksdoctor
