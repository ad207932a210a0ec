#include "alloc_track.hpp"

#include <openssl/crypto.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace alloc_track {

std::atomic<bool> enabled{false};
std::atomic<std::size_t> limit{SIZE_MAX};
std::atomic<std::size_t> largest{0};
std::atomic<std::size_t> refused{0};

namespace {

std::atomic<bool> hooked{false};

// Returns false when the request must be refused.
bool admit(std::size_t n) noexcept {
  if (!enabled.load(std::memory_order_relaxed)) return true;
  std::size_t seen = largest.load(std::memory_order_relaxed);
  while (n > seen && !largest.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
  }
  if (n > limit.load(std::memory_order_relaxed)) {
    std::size_t zero = 0;
    refused.compare_exchange_strong(zero, n);
    return false;
  }
  return true;
}

void* openssl_malloc(std::size_t n, const char*, int) {
  return admit(n) ? std::malloc(n) : nullptr;
}
void* openssl_realloc(void* p, std::size_t n, const char*, int) {
  return admit(n) ? std::realloc(p, n) : nullptr;
}
void openssl_free(void* p, const char*, int) { std::free(p); }

}  // namespace

void* allocate(std::size_t n, std::size_t align, bool nothrow) {
  if (!admit(n)) {
    if (nothrow) return nullptr;
    throw std::bad_alloc();
  }
  if (n == 0) n = 1;
  void* p = nullptr;
  if (align <= alignof(std::max_align_t)) {
    p = std::malloc(n);
  } else if (posix_memalign(&p, align, n) != 0) {
    p = nullptr;
  }
  if (!p && !nothrow) throw std::bad_alloc();
  return p;
}

bool hook_openssl() {
  hooked = CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) == 1;
  return hooked;
}

bool openssl_hooked() { return hooked; }

}  // namespace alloc_track

void* operator new(std::size_t n) { return alloc_track::allocate(n, 0, false); }
void* operator new[](std::size_t n) { return alloc_track::allocate(n, 0, false); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return alloc_track::allocate(n, 0, true);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return alloc_track::allocate(n, 0, true);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return alloc_track::allocate(n, static_cast<std::size_t>(a), false);
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return alloc_track::allocate(n, static_cast<std::size_t>(a), false);
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return alloc_track::allocate(n, static_cast<std::size_t>(a), true);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return alloc_track::allocate(n, static_cast<std::size_t>(a), true);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
