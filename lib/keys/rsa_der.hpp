// RSA public values read straight from DER, so that the common case — an RSA key entry — is
// described and matched against its certificate without OpenSSL's decoder machinery, which costs
// about 3 ms of a small store's run (bench/RESULTS.md). Anything unusual returns nullopt and the
// caller asks OpenSSL.
#pragma once

#include <optional>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor::rsa_der {

struct RsaPublic {
  ByteView modulus;   // magnitude, no leading zero octet
  ByteView exponent;  // magnitude, no leading zero octet
  int bits() const;
};

// A PKCS#8 PrivateKeyInfo holding a two-prime RSAPrivateKey (version 0, rsaEncryption with NULL
// or absent parameters, nine positive INTEGERs, nothing trailing); nullopt for anything else.
std::optional<RsaPublic> from_pkcs8(ByteView pkcs8);

// A SubjectPublicKeyInfo holding an RSAPublicKey under rsaEncryption; nullopt for anything else.
std::optional<RsaPublic> from_spki(ByteView spki);

}  // namespace ksdoctor::rsa_der
