// PKCS#12 MacData: parsed and verified as sun.security.pkcs12.MacData does in JDK 17 (HMAC keyed by
// the PKCS#12 KDF with ID 3 over the authSafe content; the password as BMPString + 00 00).
#pragma once

#include <string>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/secret.hpp"
#include "x509/der.hpp"

namespace ksdoctor::pkcs12 {

struct MacData {
  std::string digest_oid;
  std::string algorithm;    // Java's Mac name: "HmacPBESHA256", "HmacPBESHA1", "HmacPBEMD5", ...
  std::string digest_name;  // OpenSSL digest; empty when Java has no such Mac
  Bytes digest;
  Bytes salt;
  int iterations = 1;  // DEFAULT 1
};

// Throws FormatError("MALFORMED") with Java's message when the MacData is malformed.
MacData parse_mac_data(const der::Tlv& mac_data);

// PKCS12KeyStore.engineLoad's check: the iteration limit, then the MAC with each password Java
// tries. Throws PasswordError("WRONG_PASSWORD") or FormatError with Java's "Integrity check
// failed: ..." message. Precondition: !password.is_null().
void verify_mac(const MacData& mac, ByteView auth_safe, const Password& password);

}  // namespace ksdoctor::pkcs12
