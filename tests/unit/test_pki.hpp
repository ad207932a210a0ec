// Builds small PKIs in-process (OpenSSL, EC keys) so each trust rule gets a certificate with
// exactly the property it is about.
#pragma once

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ksdoctor/keystore.hpp"
#include "ksdoctor/x509.hpp"

namespace testpki {

constexpr std::int64_t kNow = 1893456000;  // 2030-01-01T00:00:00Z
constexpr std::int64_t kYear = 365 * 86400;

struct Spec {
  bool ca = true;
  int path_len = -1;               // -1: no pathLenConstraint
  std::string key_usage;           // OpenSSL syntax; "" picks CA / leaf defaults
  std::string eku;                 // e.g. "serverAuth", "clientAuth"; "" none
  std::string aia;                 // caIssuers URL
  std::int64_t not_before = kNow - kYear;
  std::int64_t not_after = kNow + kYear;
  std::string curve = "prime256v1";
  bool basic_constraints = true;
};

struct Node {
  std::shared_ptr<EVP_PKEY> key;
  std::string name;  // CN
  ksdoctor::CertPtr cert;
};

inline std::shared_ptr<EVP_PKEY> new_key(const std::string& curve) {
  EVP_PKEY* key = EVP_EC_gen(curve.c_str());
  if (!key) throw std::runtime_error("EC key generation failed");
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

inline void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("bad extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `cn` (with `key`, or a fresh one) signed by `issuer` (nullptr: self).
inline Node issue(const std::string& cn, const Node* issuer, const Spec& spec,
                  std::shared_ptr<EVP_PKEY> key = nullptr) {
  static long serial = 1000;
  Node node;
  node.name = cn;
  node.key = key ? std::move(key) : new_key(spec.curve);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), ++serial);
  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(spec.not_after));
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("ksdoctor tests"), -1, -1, 0);
  X509_set_pubkey(x.get(), node.key.get());
  std::unique_ptr<X509, decltype(&X509_free)> issuer_x(nullptr, X509_free);
  if (issuer) {
    const unsigned char* p = issuer->cert->der.data();
    issuer_x.reset(d2i_X509(nullptr, &p, static_cast<long>(issuer->cert->der.size())));
    X509_set_issuer_name(x.get(), X509_get_subject_name(issuer_x.get()));
  } else {
    X509_set_issuer_name(x.get(), name);
  }
  X509* signer_cert = issuer ? issuer_x.get() : x.get();
  if (spec.basic_constraints) {
    std::string bc = spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
    if (spec.ca && spec.path_len >= 0) bc += ",pathlen:" + std::to_string(spec.path_len);
    add_ext(x.get(), signer_cert, NID_basic_constraints, bc);
  }
  std::string ku = spec.key_usage;
  if (ku.empty()) ku = spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature";
  if (ku != "none") add_ext(x.get(), signer_cert, NID_key_usage, ku);
  if (!spec.eku.empty()) add_ext(x.get(), signer_cert, NID_ext_key_usage, spec.eku);
  add_ext(x.get(), signer_cert, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(x.get(), signer_cert, NID_authority_key_identifier, "keyid:always");
  if (!spec.aia.empty()) add_ext(x.get(), signer_cert, NID_info_access, "caIssuers;URI:" + spec.aia);
  EVP_PKEY* signing_key = issuer ? issuer->key.get() : node.key.get();
  if (X509_sign(x.get(), signing_key, EVP_sha256()) <= 0) throw std::runtime_error("sign failed");
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  ksdoctor::Bytes bytes(der, der + len);
  OPENSSL_free(der);
  node.cert = ksdoctor::parse_certificate(std::move(bytes));
  return node;
}

inline Node root(const std::string& cn, Spec spec = {}) { return issue(cn, nullptr, spec); }

inline Spec leaf_spec() {
  Spec s;
  s.ca = false;
  s.eku = "serverAuth";
  return s;
}

inline ksdoctor::Entry key_entry(const std::string& alias, std::vector<ksdoctor::CertPtr> chain) {
  ksdoctor::Entry e;
  e.alias = alias;
  e.alias_utf16.assign(alias.begin(), alias.end());
  e.kind = ksdoctor::EntryKind::kPrivateKey;
  e.chain = std::move(chain);
  e.key = ksdoctor::ProtectedKey{};
  return e;
}

inline ksdoctor::Entry trusted_entry(const std::string& alias, ksdoctor::CertPtr cert) {
  ksdoctor::Entry e;
  e.alias = alias;
  e.alias_utf16.assign(alias.begin(), alias.end());
  e.kind = ksdoctor::EntryKind::kTrustedCert;
  e.chain = {std::move(cert)};
  return e;
}

}  // namespace testpki
