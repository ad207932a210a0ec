// Certificates from PEM or DER files (bundles, single certificates).
#pragma once

#include <string_view>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// The decoded bodies of every "-----BEGIN <label>-----" block, in order. Text outside blocks is
// ignored (bundles often carry comments). Throws FormatError("BAD_PEM") on broken base64.
std::vector<Bytes> pem_blocks(std::string_view text, std::string_view label);

// Every certificate in a file: PEM (CERTIFICATE and TRUSTED CERTIFICATE blocks) or one DER
// certificate. Throws FormatError when the bytes are neither.
std::vector<CertPtr> read_certificates(ByteView file_bytes);

// Every certificate of what a CA hands out or serves: PEM (CERTIFICATE and PKCS7 blocks), one DER
// certificate, or a DER PKCS#7 certs-only bundle (.p7b/.p7c), in file order. Throws FormatError
// when the bytes hold none of these.
std::vector<CertPtr> read_certificate_bundle(ByteView file_bytes);

}  // namespace ksdoctor
