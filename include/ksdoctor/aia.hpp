// `repair --from aia`: missing issuers fetched from the child certificate's Authority Information
// Access caIssuers URL (RFC 5280 4.2.2.1) over HTTP or HTTPS, with a timeout, through a proxy
// when one is given. Only `repair` calls this, and only when `aia` is named.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// Proxies as data: the library never reads the environment (the CLI fills this from
// http_proxy, https_proxy and no_proxy). A proxy is "host:port" or "http://host:port" (also
// https:// and socks5:// proxies); "" reaches the server directly.
struct ProxySettings {
  std::string http_proxy;   // for http:// URLs (the proxy gets the absolute URL)
  std::string https_proxy;  // for https:// URLs (a CONNECT tunnel; TLS stays end to end)
  // Comma-separated hosts reached directly: "example.com" matches it and its subdomains, a
  // leading dot only subdomains; IP addresses (also CIDR "10.0.0.0/8"); "*" matches all.
  std::string no_proxy;
};

struct AiaFetchResult {
  std::vector<CertPtr> certs;     // in the order the body holds them
  std::vector<Finding> problems;  // AIA_FETCH_FAILED (warning), details "url" and "reason"
};

// GETs `url` (http:// or https://; HTTPS verifies the server against the system's CA store,
// with SNI) and reads the body as one DER certificate, PEM (any number of CERTIFICATE or PKCS7
// blocks) or a DER PKCS#7 certs-only bundle (.p7c, application/pkcs7-mime). Follows up to 3
// redirects (301, 302, 303, 307, 308), each through the proxy its scheme calls for.
// `timeout_ms` bounds the whole exchange, redirects included; a body over `max_bytes` is
// refused. Network trouble, HTTP errors and bodies that hold no certificate are problems,
// never exceptions.
AiaFetchResult fetch_ca_issuers(const std::string& url, int timeout_ms,
                                std::size_t max_bytes = std::size_t{1} << 20,
                                const ProxySettings& proxies = {});

}  // namespace ksdoctor
