#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <unordered_set>

#include "formats/java_x500.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor {

bool CertPool::add(CertPtr cert) {
  if (contains(*cert)) return false;
  certs_.push_back(std::move(cert));
  return true;
}

bool CertPool::contains(const Certificate& cert) const {
  for (const CertPtr& c : certs_) {
    if (c->sha256 == cert.sha256) return true;
  }
  return false;
}

std::vector<CertPtr> CertPool::with_subject(const Bytes& name_der) const {
  std::vector<CertPtr> out;
  for (const CertPtr& c : certs_) {
    if (java_x500_equal(c->subject_der, name_der)) out.push_back(c);
  }
  return out;
}

std::vector<CertPtr> java_trust_anchors(const Keystore& store) {
  std::vector<CertPtr> anchors;
  std::unordered_set<std::string> seen;
  for (const Entry& e : store.entries) {
    if (!store.lookupable(e) || e.chain.empty() || e.kind == EntryKind::kSecretKey) continue;
    if (seen.insert(e.chain[0]->sha256).second) anchors.push_back(e.chain[0]);
  }
  return anchors;
}

bool signature_valid(const Certificate& child, const Certificate& issuer) {
  const unsigned char* p = child.der.data();
  std::unique_ptr<X509, decltype(&X509_free)> x(
      d2i_X509(nullptr, &p, static_cast<long>(child.der.size())), X509_free);
  const unsigned char* k = issuer.spki_der.data();
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      d2i_PUBKEY(nullptr, &k, static_cast<long>(issuer.spki_der.size())), EVP_PKEY_free);
  if (!x || !key) return false;
  return X509_verify(x.get(), key.get()) == 1;
}

}  // namespace ksdoctor
