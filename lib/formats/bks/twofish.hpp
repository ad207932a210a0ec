// The Twofish block cipher (Schneier et al., 1998): 128-bit blocks, 128/192/256-bit keys. OpenSSL
// has no Twofish, and BouncyCastle's UBER keystore encrypts with it (PBEWithSHAAndTwofish-CBC), so
// this file implements the block function from the published specification and nothing else; the
// CBC mode and the padding live with their one user (bks_crypto.cpp).
#pragma once

#include <array>
#include <cstdint>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor::bks {

class Twofish {
 public:
  static constexpr std::size_t kBlockSize = 16;
  // Throws FormatError("CRYPTO") unless the key is 16, 24 or 32 bytes.
  explicit Twofish(ByteView key);
  ~Twofish();
  Twofish(const Twofish&) = delete;
  Twofish& operator=(const Twofish&) = delete;

  void encrypt_block(const std::uint8_t in[kBlockSize], std::uint8_t out[kBlockSize]) const;
  void decrypt_block(const std::uint8_t in[kBlockSize], std::uint8_t out[kBlockSize]) const;

 private:
  std::uint32_t g(std::uint32_t x) const;
  std::array<std::uint32_t, 40> subkeys_{};
  // The key-dependent S-boxes already multiplied by their MDS column: g(x) is the XOR of one
  // lookup per byte of x.
  std::array<std::array<std::uint32_t, 256>, 4> sbox_mds_{};
};

}  // namespace ksdoctor::bks
