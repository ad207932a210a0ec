// The versions of the libraries a run uses, for `ksdoctor --version` and bug reports: OpenSSL as
// loaded (which may differ from the headers it was built against) and Botan, which the cross-check
// loads at run time and which may therefore be absent.
#pragma once

#include <optional>
#include <string>

namespace ksdoctor {

// OpenSSL's own version text at run time, e.g. "OpenSSL 3.0.15 3 Sep 2024". Initialises nothing.
std::string openssl_version();

// What the cross-check's Botan is, if it can be had.
struct BotanVersion {
  // Botan's own version text ("Botan 2.19.3 (release, ...)"); nullopt when it cannot be loaded.
  std::optional<std::string> version;
  bool built_in = false;  // this build has the cross-check at all (the portable builds do not)
};

// Loads Botan (as the cross-check does) to ask its version: call it only where that cost is wanted.
BotanVersion botan_version();

}  // namespace ksdoctor
