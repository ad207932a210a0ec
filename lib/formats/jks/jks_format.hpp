// The JKS/JCEKS framing that detection, the reader and the writer share (JavaKeyStore and
// JceKeyStore, JDK 17).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor::jks {

inline constexpr std::uint32_t kJksMagic = 0xFEEDFEED;
inline constexpr std::uint32_t kJceksMagic = 0xCECECECE;

inline constexpr std::size_t kDigestSize = 20;  // SHA-1

// SHA-1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ body): the integrity digest that ends the file.
void store_digest(const SecureBytes& utf16be_password, ByteView body,
                  unsigned char out[kDigestSize]);

}  // namespace ksdoctor::jks
