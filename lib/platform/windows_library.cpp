// Shared libraries loaded at run time on Windows: LoadLibraryW and GetProcAddress.
#ifdef _WIN32

#include <windows.h>

#include "platform/platform.hpp"
#include "platform/windows_text.hpp"

namespace ksdoctor::platform {

std::optional<SharedLibrary> load_library(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    // Only the application's folder and System32: never the current folder, where anyone could
    // have put a DLL of that name.
    HMODULE module =
        LoadLibraryExW(win::widen(name).c_str(), nullptr,
                       LOAD_LIBRARY_SEARCH_APPLICATION_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (module) return SharedLibrary{reinterpret_cast<std::intptr_t>(module)};
  }
  return std::nullopt;
}

LibraryFunction library_function(SharedLibrary library, const char* name) {
  FARPROC function = GetProcAddress(reinterpret_cast<HMODULE>(library.handle), name);
  return reinterpret_cast<LibraryFunction>(function);
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
