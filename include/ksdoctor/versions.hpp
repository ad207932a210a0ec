// The versions of the libraries a run uses, for `ksdoctor --version` and bug reports: OpenSSL as
// running, and the Botan whose API the cross-check was built for (it loads libbotan-2 only when it
// runs: loading it just to print a version would cost `--version` about 10 ms).
#pragma once

#include <optional>
#include <string>

namespace ksdoctor {

// OpenSSL's own version text at run time, e.g. "OpenSSL 3.0.15 3 Sep 2024". Initialises nothing.
std::string openssl_version();

// The cross-check's Botan.
struct BotanVersion {
  // The version of the Botan headers the cross-check was built with ("2.19.3"); nullopt without
  // a cross-check.
  std::optional<std::string> version;
};

// Loads nothing.
BotanVersion botan_version();

}  // namespace ksdoctor
