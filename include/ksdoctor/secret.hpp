// Secrets (passwords, decrypted key bytes) live in buffers that are wiped when freed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksdoctor {

void secure_wipe(void* data, std::size_t size) noexcept;

template <typename T>
struct ZeroizingAllocator {
  using value_type = T;
  ZeroizingAllocator() = default;
  template <typename U>
  ZeroizingAllocator(const ZeroizingAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept {
    secure_wipe(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  template <typename U>
  bool operator==(const ZeroizingAllocator<U>&) const noexcept {
    return true;
  }
};

using SecureBytes = std::vector<std::uint8_t, ZeroizingAllocator<std::uint8_t>>;
using SecureString = std::basic_string<char, std::char_traits<char>, ZeroizingAllocator<char>>;

// A keystore password as Java sees it: absent (Java's null: integrity is not checked) or a
// sequence of UTF-16 code units (Java's char[]). Stored as UTF-8 text as the user typed it.
class Password {
 public:
  Password() = default;  // null
  static Password of(std::string_view utf8) {
    Password p;
    p.value_.emplace(utf8.begin(), utf8.end());
    return p;
  }
  bool is_null() const { return !value_.has_value(); }
  // Precondition: !is_null().
  std::string_view text() const { return *value_; }
  // Java's char[] as big-endian UTF-16 (what JKS and PKCS#12 feed their digests).
  SecureBytes utf16be() const;

 private:
  std::optional<SecureString> value_;
};

}  // namespace ksdoctor
