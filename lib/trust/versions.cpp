// See versions.hpp.
#include "ksdoctor/versions.hpp"

#include <openssl/crypto.h>

#include <string>

#if KSDOCTOR_HAVE_BOTAN
#include <botan/build.h>
#endif

namespace ksdoctor {

std::string openssl_version() { return OpenSSL_version(OPENSSL_VERSION); }

BotanVersion botan_version() {
  BotanVersion v;
#if KSDOCTOR_HAVE_BOTAN
  v.version = std::to_string(BOTAN_VERSION_MAJOR) + "." + std::to_string(BOTAN_VERSION_MINOR) +
              "." + std::to_string(BOTAN_VERSION_PATCH);
#endif
  return v;
}

}  // namespace ksdoctor
