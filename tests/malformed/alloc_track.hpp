// Allocation tracking for the malformed-input tests: this program's global operator new/delete
// (alloc_track.cpp, a separate translation unit so the compiler never pairs a visible `new` with
// its `free`) and OpenSSL's CRYPTO_malloc family. Inside a Window, a single request larger than
// the window's limit is recorded and refused (std::bad_alloc / nullptr) instead of attempted.
#pragma once

#include <atomic>
#include <cstddef>

namespace alloc_track {

extern std::atomic<bool> enabled;
extern std::atomic<std::size_t> limit;
extern std::atomic<std::size_t> largest;  // largest single request in the current window
extern std::atomic<std::size_t> refused;  // size of the first refused request, 0 if none

// Routes OpenSSL's allocations through the tracker. Must run before OpenSSL allocates anything;
// returns false when OpenSSL refuses (it already allocated).
bool hook_openssl();
bool openssl_hooked();

class Window {
 public:
  explicit Window(std::size_t max) {
    limit = max;
    largest = 0;
    refused = 0;
    enabled = true;
  }
  ~Window() { enabled = false; }
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;
};

}  // namespace alloc_track
