// See versions.hpp.
#include "ksdoctor/versions.hpp"

#include <openssl/crypto.h>

#include "ksdoctor/crosscheck.hpp"
#include "trust/botan_library.hpp"

namespace ksdoctor {

std::string openssl_version() { return OpenSSL_version(OPENSSL_VERSION); }

BotanVersion botan_version() {
  BotanVersion v;
  v.built_in = crosscheck_available();
  std::optional<platform::SharedLibrary> lib = botan::library();
  if (!lib) return v;
  // Botan's C API (botan/ffi.h): const char* botan_version_string(void).
  using VersionString = const char* (*)();
  auto version =
      reinterpret_cast<VersionString>(platform::library_function(*lib, "botan_version_string"));
  if (version && version()) v.version = std::string(version());
  return v;
}

}  // namespace ksdoctor
