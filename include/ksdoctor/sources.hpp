// Certificate sources named on the command line (`--trust SRC`, `--from SRC`): a PEM/DER file or
// bundle, a folder of such files, another keystore, or the word `system` (the OS trust store).
#pragma once

#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

struct SourcedCertificate {
  CertPtr cert;
  // Where it came from: CertOrigin::kSource with the file (bundle.pem, certs/a.pem; and the entry
  // or hidden certificate of a keystore file), or kSystem with the OS store's file.
  CertOrigin origin;
};

struct TrustSourceResult {
  // In source order (folders: files sorted by name), each DER once (the first origin is kept).
  std::vector<SourcedCertificate> certificates;
  // TRUST_SOURCE_FILE_SKIPPED (a file in a folder that holds no certificate), TRUST_SOURCE_EMPTY
  // (no certificate at all), TRUST_SOURCE_NOT_VERIFIED (a keystore read without checking its
  // integrity: null password, or `storepass` did not open it).
  std::vector<Finding> warnings;
};

// Loads every certificate of `spec`. Keystores are detected by content and opened with
// `storepass`; when that password does not open one, it is read again with a null password (as
// Java would), which reads everything except PKCS#12 certificates that are stored encrypted.
// Throws IoError when `spec` does not exist (or `system` finds no trust store), FormatError when a
// single file holds neither certificates nor a keystore, PasswordError when a keystore's
// certificates cannot be read without the right password.
TrustSourceResult load_trust_source(const std::string& spec, const Password& storepass);

struct TrustSources {
  CertPool pool;                  // every source's certificates, in order, each DER once
  std::vector<Finding> warnings;  // every source's warnings, in order
};

// load_trust_source for each of `specs` in order (verify's --trust, repair's --from), collected
// into one pool. Throws as load_trust_source does.
TrustSources load_trust_sources(const std::vector<std::string>& specs, const Password& storepass);

}  // namespace ksdoctor
