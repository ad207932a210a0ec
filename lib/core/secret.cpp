#include "ksdoctor/secret.hpp"

#include <openssl/crypto.h>

#include "core/text.hpp"

namespace ksdoctor {

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size != 0) OPENSSL_cleanse(data, size);
}

SecureBytes Password::utf16be() const {
  SecureBytes out;
  if (!value_) return out;
  std::u16string units = utf8_to_utf16(*value_);
  for (char16_t unit : units) {
    out.push_back(static_cast<std::uint8_t>(unit >> 8));
    out.push_back(static_cast<std::uint8_t>(unit & 0xff));
  }
  secure_wipe(units.data(), units.size() * sizeof(char16_t));
  return out;
}

}  // namespace ksdoctor
