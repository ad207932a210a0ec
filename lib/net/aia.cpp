// caIssuers bodies: fetched by net/http_get, read as DER, PEM or PKCS#7 certificates.
#include "ksdoctor/aia.hpp"

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

#include "ksdoctor/error.hpp"
#include "ksdoctor/pem.hpp"
#include "net/http_get.hpp"

namespace ksdoctor {
namespace {

std::vector<CertPtr> pkcs7_certs(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(
      d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())), PKCS7_free);
  ERR_clear_error();
  std::vector<CertPtr> out;
  if (!p7 || !PKCS7_type_is_signed(p7.get()) || !p7->d.sign) return out;
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; certs && i < sk_X509_num(certs); ++i) {
    unsigned char* buf = nullptr;
    int len = i2d_X509(sk_X509_value(certs, i), &buf);
    if (len <= 0) continue;
    Bytes bytes(buf, buf + len);
    OPENSSL_free(buf);
    out.push_back(parse_certificate(std::move(bytes)));
  }
  return out;
}

// The certificates of a caIssuers body: PEM, DER certificate, or DER PKCS#7 certs-only.
std::vector<CertPtr> body_certificates(const std::string& body) {
  std::vector<CertPtr> out;
  try {
    if (body.find("-----BEGIN") != std::string::npos) {
      for (const Bytes& block : pem_blocks(body, "PKCS7")) {
        for (CertPtr& c : pkcs7_certs(std::string(block.begin(), block.end()))) {
          out.push_back(std::move(c));
        }
      }
      if (body.find("-----BEGIN PKCS7") == std::string::npos ||
          body.find("CERTIFICATE-----") != std::string::npos) {
        ByteView view(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
        for (CertPtr& c : read_certificates(view)) out.push_back(std::move(c));
      }
      return out;
    }
    out = pkcs7_certs(body);
    if (!out.empty()) return out;
    ByteView view(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    return read_certificates(view);
  } catch (const Error&) {
    return out;
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
