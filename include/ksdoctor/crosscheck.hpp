// `--cross-check`: a second opinion from Botan's x509_path_validate next to the Java model, for
// peers that are not Java (Postfix, OpenSSL-based MTAs). Botan's verdict is never Java's verdict;
// a disagreement is reported as an info finding.
//
// Botan runs with: no revocation checking, minimum signature strength kCrossCheckMinimumStrength
// (110 bits: RSA/DSA keys of at least 2048 bits, no SHA-1 signatures below the root — what an
// OpenSSL 3 peer at its default security level 2 demands, stricter than Java's defaults, which
// accept 1024-bit RSA and SHA-1 outside public-CA chains), the TLS server usage checks (key usage
// and extended key usage of the leaf: Botan's TLS_SERVER_AUTH rule, applied by ksdoctor because
// Botan's C API has no usage parameter) and no host name check. Botan is loaded with dlopen when a
// cross-check runs, so other commands do not pay for it; without it the check reports why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/findings.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

inline constexpr std::size_t kCrossCheckMinimumStrength = 110;

// Whether this build can cross-check at all: the portable builds (Windows, static Linux) have no
// Botan, and then every check is botan_ok = false with botan_status saying so. (Botan may still
// be missing at run time; a check then says that instead.)
bool crosscheck_available();

struct CrossCheck {
  bool botan_ok = false;
  std::string botan_status;  // Path_Validation_Result::result_string(), or why Botan could not run
  bool java_ok = false;
  bool agrees = false;  // botan_ok == java_ok
};

// Botan's verdict on `chain` (as sent, leaf first) with `anchors` as its only trusted store, at
// `now` (epoch seconds, clamped to what std::chrono::system_clock can represent). Never throws:
// a certificate Botan cannot decode, or an empty chain, is botan_ok = false with the reason.
CrossCheck cross_check_peer(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors,
                            bool java_trusted, std::int64_t now);

// Botan's verdict on a key entry's rebuilt path: the path's certificates as the chain, its
// self-signed root (when the path reaches one) as the only trusted certificate. A path that ends
// at a missing issuer gives Botan an empty store, so Botan rejects it. Never throws.
CrossCheck cross_check_entry(const EntryChainReport& entry, bool java_ok, std::int64_t now);

// CROSS_CHECK_DISAGREES (info) for `subject`'s chain when !check.agrees: what Botan says, what
// Java says, and what to do. Details: subject, botan_status, botan ("accepts"|"rejects"), java
// ("accepts"|"rejects"). Called when they agree, it returns CROSS_CHECK_AGREES (info) instead.
// The caller sets `alias` where there is one.
Finding cross_check_finding(const CrossCheck& check, const std::string& subject);

}  // namespace ksdoctor
