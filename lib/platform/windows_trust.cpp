// The Windows trust store: the ROOT (trusted roots) and CA (intermediates) system stores, read
// through crypt32 as DER. The current user's view of them includes the machine's.
#ifdef _WIN32

#include <windows.h>
// after windows.h
#include <wincrypt.h>

#include "platform/platform.hpp"
#include "platform/windows_text.hpp"

namespace ksdoctor::platform {

SystemTrustStore system_trust_store() {
  SystemTrustStore trust;
  trust.kind = SystemTrustStore::Kind::kCertificates;
  trust.location = "Windows certificate stores ROOT, CA";
  for (const char* name : {"ROOT", "CA"}) {
    HCERTSTORE store = CertOpenSystemStoreW(0, win::widen(name).c_str());
    if (!store) continue;
    PCCERT_CONTEXT cert = nullptr;
    while ((cert = CertEnumCertificatesInStore(store, cert)) != nullptr) {
      if ((cert->dwCertEncodingType & X509_ASN_ENCODING) == 0) continue;
      const BYTE* der = cert->pbCertEncoded;
      trust.certificates.push_back({name, Bytes(der, der + cert->cbCertEncoded)});
    }
    CertCloseStore(store, 0);
  }
  if (trust.certificates.empty()) {
    throw IoError("NOT_FOUND",
                  "no system trust store found: the Windows certificate stores ROOT and CA hold "
                  "no certificates");
  }
  return trust;
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
