#include "pkcs12_chain.hpp"

#include <openssl/x509.h>

#include <algorithm>

#include "x509/java_x500.hpp"

namespace ksdoctor::pkcs12 {

bool java_self_signed(const Certificate& cert) {
  if (!java_x500_equal(cert.subject_der, cert.issuer_der)) return false;
  const unsigned char* p = cert.der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(cert.der.size()));
  if (!x) return false;
  EVP_PKEY* key = X509_get0_pubkey(x);
  bool ok = key && X509_verify(x, key) == 1;
  X509_free(x);
  return ok;
}

const std::u16string& ChainBuilder::subject_of(std::size_t index) {
  if (subjects_.empty()) {
    subjects_.reserve(all_.size());
    for (const CertPtr& c : all_) subjects_.push_back(java_x500_canonical(c->subject_der));
  }
  return subjects_[index];
}

CertPtr ChainBuilder::find_issuer(const Certificate& input) {
  // An AKI without a keyIdentifier counts as no AKI (getEncodedKeyIdentifier() is null).
  const Bytes& issuer_id = input.authority_key_id;
  std::u16string issuer;  // canonical, computed only when some DER comparison fails
  CertPtr fallback;
  for (std::size_t i = 0; i < all_.size(); ++i) {
    const Certificate& cert = *all_[i];
    bool same = cert.subject_der == input.issuer_der;
    if (!same) {
      if (issuer.empty()) issuer = java_x500_canonical(input.issuer_der);
      same = subject_of(i) == issuer;
    }
    if (!same) continue;
    if (issuer_id.empty()) return all_[i];  // no key id: the first DN match
    if (!cert.subject_key_id.empty()) {
      if (cert.subject_key_id == issuer_id) return all_[i];  // key id match
      continue;                                              // a different key: not a fallback
    }
    fallback = all_[i];  // a DN match without an SKI: the last one wins
  }
  return fallback;
}

std::vector<CertPtr> ChainBuilder::chain_from(const CertPtr& leaf) {
  std::vector<CertPtr> chain;
  CertPtr cert = leaf;
  while (cert) {
    bool loop = std::any_of(chain.begin(), chain.end(),
                            [&](const CertPtr& c) { return c->der == cert->der; });
    if (loop) break;
    chain.push_back(cert);
    if (java_self_signed(*cert)) break;
    cert = find_issuer(*cert);
  }
  return chain;
}

}  // namespace ksdoctor::pkcs12
