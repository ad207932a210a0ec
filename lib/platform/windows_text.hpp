// Windows only (included by windows_*.cpp inside their #ifdef _WIN32): UTF-8 <-> UTF-16 for the
// wide APIs, and the OS's error text as UTF-8.
#pragma once

#include <windows.h>

#include <string>

namespace ksdoctor::platform::win {

// UTF-8 to UTF-16 (MultiByteToWideChar); invalid bytes become U+FFFD, so such a name matches no
// file rather than another one.
std::wstring widen(const std::string& utf8);

// UTF-16 to UTF-8 (WideCharToMultiByte); unpaired surrogates become U+FFFD.
std::string narrow(const wchar_t* text, std::size_t length);
inline std::string narrow(const std::wstring& text) { return narrow(text.data(), text.size()); }

// FormatMessageW's sentence for a GetLastError()/WSAGetLastError() code, without the final
// full stop and line break ("Access is denied").
std::string error_text(DWORD code);

// The folder part of a path with '/' or '\' separators ("." when there is none).
std::string folder_of(const std::string& path);

// `folder` + '\' + `name`, without doubling a separator.
std::string join(const std::string& folder, const std::string& name);

// A HANDLE closed when it goes out of scope.
class Handle {
 public:
  explicit Handle(HANDLE h = INVALID_HANDLE_VALUE) : h_(h) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  HANDLE get() const { return h_; }
  bool valid() const { return h_ != INVALID_HANDLE_VALUE && h_ != nullptr; }
  void reset(HANDLE h = INVALID_HANDLE_VALUE) {
    if (valid()) CloseHandle(h_);
    h_ = h;
  }

 private:
  HANDLE h_;
};

}  // namespace ksdoctor::platform::win
