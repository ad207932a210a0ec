// caIssuers bodies: fetched by net/http_get, read as DER, PEM or PKCS#7 certificates.
#include "ksdoctor/aia.hpp"

#include <memory>
#include <stdexcept>

#include "ksdoctor/error.hpp"
#include "ksdoctor/pem.hpp"
#include "net/http_get.hpp"

namespace ksdoctor {
namespace {

// The certificates of a caIssuers body (PEM, DER certificate, or DER PKCS#7 certs-only); none
// when the body is something else (an HTML error page, say).
std::vector<CertPtr> body_certificates(const std::string& body) {
  try {
    return read_certificate_bundle(
        ByteView(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
  } catch (const Error&) {
    return {};
  }
}

Finding failure(const std::string& url, const std::string& reason) {
  Finding f;
  f.code = "AIA_FETCH_FAILED";
  f.severity = Severity::kWarning;
  f.message = "could not get a CA certificate from the caIssuers URL " + url + ": " + reason;
  f.remedy =
      "download the issuer yourself (check proxies and firewalls; --aia-timeout MS allows "
      "more time), then: ksdoctor repair KEYSTORE --from FILE";
  f.details.emplace_back("url", url);
  f.details.emplace_back("reason", reason);
  return f;
}

}  // namespace

AiaFetchResult fetch_ca_issuers(const std::string& url, int timeout_ms, std::size_t max_bytes,
                                const ProxySettings& proxies) {
  AiaFetchResult result;
  net::HttpGetOptions options;
  options.timeout_ms = timeout_ms;
  options.max_bytes = max_bytes;
  options.accept = "application/pkix-cert, application/pkcs7-mime, application/x-x509-ca-cert, */*";
  options.proxies = proxies;
  try {
    net::HttpResponse r = net::http_get(url, options);
    if (r.status != 200) {
      result.problems.push_back(failure(url, "HTTP status " + std::to_string(r.status)));
      return result;
    }
    result.certs = body_certificates(r.body);
    if (result.certs.empty()) {
      result.problems.push_back(failure(
          url, "not a certificate (" +
                   (r.content_type.empty() ? std::string("no Content-Type") : r.content_type) +
                   ", " + std::to_string(r.body.size()) + " bytes)"));
    }
  } catch (const std::exception& e) {  // net::NetError, std::bad_alloc
    result.problems.push_back(failure(url, e.what()));
  }
  return result;
}

}  // namespace ksdoctor
