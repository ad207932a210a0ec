// CA replies and caIssuers bodies: certificates in PEM, DER or PKCS#7 certs-only form.
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <memory>
#include <string_view>

#include "ksdoctor/error.hpp"
#include "ksdoctor/pem.hpp"

namespace ksdoctor {
namespace {

// The certificates of a DER PKCS#7 SignedData; empty when `der` is not one.
std::vector<CertPtr> pkcs7_certs(ByteView der) {
  const unsigned char* p = der.data();
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

[[noreturn]] void no_certificates() {
  throw FormatError("NO_CERTIFICATES",
                    "no certificate found (expected PEM, DER or a PKCS#7 .p7b certificate bundle)");
}

}  // namespace

std::vector<CertPtr> read_certificate_bundle(ByteView file_bytes) {
  std::string_view text(reinterpret_cast<const char*>(file_bytes.data()), file_bytes.size());
  if (text.find("-----BEGIN") == std::string_view::npos) {
    std::vector<CertPtr> out = pkcs7_certs(file_bytes);
    if (!out.empty()) return out;
    return read_certificates(file_bytes);
  }
  std::vector<CertPtr> out;
  for (const Bytes& block : pem_blocks(text, "PKCS7")) {
    for (CertPtr& c : pkcs7_certs(ByteView(block.data(), block.size())))
      out.push_back(std::move(c));
  }
  if (text.find("CERTIFICATE-----") != std::string_view::npos) {
    for (CertPtr& c : read_certificates(file_bytes)) out.push_back(std::move(c));
  }
  if (out.empty()) no_certificates();
  return out;
}

}  // namespace ksdoctor
