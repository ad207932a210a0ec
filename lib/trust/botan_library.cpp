// See botan_library.hpp.
#include "trust/botan_library.hpp"

#ifndef KSDOCTOR_HAVE_BOTAN
#define KSDOCTOR_HAVE_BOTAN 1
#endif

namespace ksdoctor::botan {

std::optional<platform::SharedLibrary> library() {
#if KSDOCTOR_HAVE_BOTAN
  static const std::optional<platform::SharedLibrary> lib =
      platform::load_library({"libbotan-2.so.19", "libbotan-2.so"});
  return lib;
#else
  return std::nullopt;
#endif
}

}  // namespace ksdoctor::botan
