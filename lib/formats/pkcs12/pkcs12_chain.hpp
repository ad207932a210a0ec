// How PKCS12KeyStore.engineLoad extends a key's certificate into a chain: findIssuer over every
// certificate bag it loaded (AuthorityKeyIdentifier/SubjectKeyIdentifier match first, else the last
// subject-DN match without an SKI, else none), until KeyStoreUtil.isSelfSigned or a loop.
#pragma once

#include <vector>

#include "ksdoctor/x509.hpp"

namespace ksdoctor::pkcs12 {

class ChainBuilder {
 public:
  // `all_certs`: every certificate bag Java loaded, in load order (PKCS12KeyStore.allCerts).
  explicit ChainBuilder(const std::vector<CertPtr>& all_certs) : all_(all_certs) {}

  std::vector<CertPtr> chain_from(const CertPtr& leaf);

 private:
  CertPtr find_issuer(const Certificate& input);
  const std::u16string& subject_of(std::size_t index);

  const std::vector<CertPtr>& all_;
  std::vector<std::u16string> subjects_;  // canonical subject names, computed on first use
};

// KeyStoreUtil.isSelfSigned: Java-equal subject and issuer, and the signature verifies with the
// certificate's own public key.
bool java_self_signed(const Certificate& cert);

}  // namespace ksdoctor::pkcs12
