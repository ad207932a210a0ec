// Self-signed certificates with exactly the subject a test needs: attribute types, values, string
// encodings and multi-valued RDNs, in encoded order (RFC 4514 text shows them reversed).
#pragma once

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_pki.hpp"

namespace testnames {

struct Attribute {
  std::string type;   // "CN", "O", "UID", or a dotted OID
  std::string value;  // UTF-8
  bool joins_previous_rdn = false;
  int encoding = MBSTRING_UTF8;  // or V_ASN1_UTF8STRING (no size rules), V_ASN1_BMPSTRING
};

inline ksdoctor::CertPtr self_signed(const std::vector<Attribute>& subject) {
  auto key = testpki::new_key("prime256v1");
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 7);
  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(testpki::kNow));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(testpki::kNow + testpki::kYear));
  X509_NAME* name = X509_get_subject_name(x.get());
  for (const Attribute& a : subject) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(a.value.data());
    const int set = a.joins_previous_rdn ? -1 : 0;
    int ok = 0;
    if (a.encoding == V_ASN1_BMPSTRING) {  // UTF-16BE of an ASCII value
      std::string be;
      for (char c : a.value) be += std::string{'\0', c};
      ok = X509_NAME_add_entry_by_txt(name, a.type.c_str(), V_ASN1_BMPSTRING,
                                      reinterpret_cast<const unsigned char*>(be.data()),
                                      static_cast<int>(be.size()), -1, set);
    } else {
      ok = X509_NAME_add_entry_by_txt(name, a.type.c_str(), a.encoding, bytes,
                                      static_cast<int>(a.value.size()), -1, set);
    }
    if (!ok) throw std::runtime_error("cannot add name attribute " + a.type);
  }
  X509_set_issuer_name(x.get(), name);
  X509_set_pubkey(x.get(), key.get());
  if (X509_sign(x.get(), key.get(), EVP_sha256()) <= 0) throw std::runtime_error("sign failed");
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  ksdoctor::Bytes out(der, der + len);
  OPENSSL_free(der);
  return ksdoctor::parse_certificate(std::move(out));
}

}  // namespace testnames
