#include "ksdoctor/bytes.hpp"

#include <array>
#include <cstring>

namespace ksdoctor {

std::string to_hex(ByteView bytes) {
  // Two digits per byte from one table: every certificate's fingerprints go through here.
  static constexpr auto kPairs = [] {
    constexpr char kDigits[] = "0123456789abcdef";
    std::array<char, 512> t{};
    for (int b = 0; b < 256; ++b) {
      t[2 * b] = kDigits[b >> 4];
      t[2 * b + 1] = kDigits[b & 0x0f];
    }
    return t;
  }();
  std::string out(bytes.size() * 2, '\0');
  char* p = out.data();
  for (std::uint8_t b : bytes) {
    std::memcpy(p, &kPairs[2 * b], 2);
    p += 2;
  }
  return out;
}

void Reader::fail(const std::string& why) const {
  throw FormatError("MALFORMED",
                    what_ + " is malformed at byte " + std::to_string(pos_) + ": " + why);
}

void Reader::need(std::size_t n) const {
  if (n > remaining()) {
    throw FormatError("TRUNCATED", what_ + " is truncated: needed " + std::to_string(n) +
                                       " bytes at offset " + std::to_string(pos_) + ", " +
                                       std::to_string(remaining()) + " left");
  }
}

std::uint8_t Reader::u8() {
  need(1);
  return data_[pos_++];
}

std::uint16_t Reader::u16() {
  need(2);
  std::uint16_t v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::uint32_t Reader::u32() {
  need(4);
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

std::uint64_t Reader::u64() {
  need(8);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

ByteView Reader::take(std::size_t n) {
  need(n);
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

}  // namespace ksdoctor
