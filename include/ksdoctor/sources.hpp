// Certificate sources named on the command line (`--trust SRC`, `--from SRC`): a PEM/DER file or
// bundle, a folder of such files, another keystore, or the word `system` (the OS trust store).
#pragma once

#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

struct SourcedCertificate {
  CertPtr cert;
  // Where it came from, for messages: "--trust bundle.pem", "--trust certs/a.pem",
  // "--trust other.jks entry 'alias'", "system trust store (/etc/ssl/certs/ca-certificates.crt)".
  std::string origin;
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

}  // namespace ksdoctor
