// Files read in pieces on Windows (platform::InputFile), through the wide APIs.
#ifdef _WIN32

#include <windows.h>

#include <algorithm>
#include <utility>

#include "platform/platform.hpp"
#include "platform/windows_text.hpp"

namespace ksdoctor::platform {

InputFile::InputFile(const std::string& path) : path_(path) {
  // Shared for write and delete as well: DLP keeps appending to (and rotating) its logs.
  HANDLE h = CreateFileW(win::widen(path).c_str(), GENERIC_READ,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                         OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD error = GetLastError();
    if (error == ERROR_ACCESS_DENIED && file_status(path).is_directory()) {
      throw IoError("READ_FAILED", path + " is a directory, not a file");
    }
    bool absent = error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND;
    throw IoError(absent ? "NOT_FOUND" : "READ_FAILED",
                  "cannot open " + path + ": " + win::error_text(error));
  }
  handle_ = reinterpret_cast<std::intptr_t>(h);
}

void InputFile::close() {
  if (handle_ != -1) CloseHandle(reinterpret_cast<HANDLE>(handle_));
  handle_ = -1;
}

std::size_t InputFile::read(std::uint8_t* buffer, std::size_t size) {
  DWORD n = 0;
  DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(size, 1u << 30));
  if (!ReadFile(reinterpret_cast<HANDLE>(handle_), buffer, chunk, &n, nullptr)) {
    DWORD error = GetLastError();
    if (error == ERROR_HANDLE_EOF) return 0;
    throw IoError("READ_FAILED", "cannot read " + path_ + ": " + win::error_text(error));
  }
  return n;
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
