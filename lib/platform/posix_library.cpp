// Shared libraries loaded at run time on POSIX systems: dlopen and dlsym.
#ifndef _WIN32

#include <dlfcn.h>

#include "platform/platform.hpp"

namespace ksdoctor::platform {

std::optional<SharedLibrary> load_library(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (void* handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL)) {
      return SharedLibrary{reinterpret_cast<std::intptr_t>(handle)};
    }
  }
  return std::nullopt;
}

LibraryFunction library_function(SharedLibrary library, const char* name) {
  void* symbol = ::dlsym(reinterpret_cast<void*>(library.handle), name);
  return reinterpret_cast<LibraryFunction>(symbol);
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
