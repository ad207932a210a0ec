// `repair --from aia`: missing issuers fetched from the child certificate's Authority Information
// Access caIssuers URL (RFC 5280 4.2.2.1) over HTTP or HTTPS, with a timeout. Only `repair`
// calls this, and only when `aia` is named: nothing else in ksdoctor touches the network.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

struct AiaFetchResult {
  std::vector<CertPtr> certs;     // in the order the body holds them
  std::vector<Finding> problems;  // AIA_FETCH_FAILED (warning), details "url" and "reason"
};

// GETs `url` (http:// or https://; HTTPS verifies the server against the system's default CA
// paths, with SNI) and reads the body as one DER certificate, PEM (any number of CERTIFICATE or
// PKCS7 blocks) or a DER PKCS#7 certs-only bundle (.p7c, application/pkcs7-mime). Follows up to 3
// redirects (301, 302, 303, 307, 308). `timeout_ms` bounds connecting, sending and receiving,
// redirects included (not the name lookup); a body over `max_bytes` is refused. Network
// trouble, HTTP errors and bodies that hold no certificate are problems, never exceptions.
AiaFetchResult fetch_ca_issuers(const std::string& url, int timeout_ms,
                                std::size_t max_bytes = std::size_t{1} << 20);

struct AiaOptions {
  int timeout_ms = 5000;  // per URL
  int max_rounds = 4;     // fetch-and-plan rounds: one per missing level of a chain
  std::size_t max_bytes = std::size_t{1} << 20;
};

// plan_repair, then, while the plan still names a missing issuer (MISSING_INTERMEDIATE) whose
// child has a caIssuers URL not fetched yet: fetch every such URL, add what it serves to
// `sources` (origin "aia <url>") and plan again, at most `aia.max_rounds` times. Failed fetches
// are appended to the final plan's `remaining` as AIA_FETCH_FAILED warnings.
RepairPlan plan_repair_with_aia(const Keystore& store, CertPool& sources,
                                const std::vector<std::vector<CertPtr>>& peers,
                                const RepairOptions& options, const AiaOptions& aia);

}  // namespace ksdoctor
