// subjectAltName dNSNames, read with OpenSSL from the certificate's DER (the parsed view keeps only
// what every command needs).
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "ksdoctor/x509.hpp"

namespace ksdoctor {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr to_openssl(const Certificate& cert) {
  const unsigned char* p = cert.der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(cert.der.size())), X509_free);
}

}  // namespace

std::vector<std::string> subject_alt_dns_names(const Certificate& cert) {
  std::vector<std::string> out;
  X509Ptr x = to_openssl(cert);
  if (!x) return out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(x.get(), NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                     static_cast<std::size_t>(ASN1_STRING_length(dns)));
  }
  GENERAL_NAMES_free(names);
  return out;
}

bool san_names_host(const Certificate& cert, std::string_view host) {
  X509Ptr x = to_openssl(cert);
  if (!x || host.empty()) return false;
  return X509_check_host(x.get(), host.data(), host.size(), X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
                         nullptr) == 1;
}

}  // namespace ksdoctor
