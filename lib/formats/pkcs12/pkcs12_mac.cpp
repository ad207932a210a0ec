#include "pkcs12_mac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>


#include "pkcs12_algorithms.hpp"
#include "pkcs12_der.hpp"
#include "pkcs12_pbe.hpp"

namespace ksdoctor::pkcs12 {
namespace {

[[noreturn]] void integrity_failed(const std::string& cause) {
  throw FormatError("INTEGRITY_CHECK_FAILED", "Integrity check failed: " + cause);
}

}  // namespace

MacData parse_mac_data(const der::Tlv& tlv) {
  if (tlv.tag != der::kSequence) throw FormatError("MALFORMED", "Sequence tag error (MacData)");
  der::Walker w(tlv.value, "MacData");
  std::vector<der::Tlv> parts;
  while (!w.at_end()) parts.push_back(w.next());
  if (parts.size() < 2 || parts.size() > 3)
    throw FormatError("MALFORMED", "Invalid length for MacData");
  if (parts[0].tag != der::kSequence)
    throw FormatError("MALFORMED", "Sequence tag error (DigestInfo)");
  der::Walker di(parts[0].value, "DigestInfo");
  std::vector<der::Tlv> info;
  while (!di.at_end()) info.push_back(di.next());
  if (info.size() != 2) throw FormatError("MALFORMED", "Invalid length for DigestInfo");
  if (info[0].tag != der::kSequence)
    throw FormatError("MALFORMED", "invalid AlgorithmId in MacData");
  der::Walker alg(info[0].value, "DigestInfo algorithm");
  MacData mac;
  mac.digest_oid = der::oid_to_string(alg.expect(der::kOid).value);
  ByteView digest = octets(info[1], "DigestInfo");
  mac.digest.assign(digest.begin(), digest.end());
  ByteView salt = octets(parts[1], "MacData");
  mac.salt.assign(salt.begin(), salt.end());
  if (parts.size() == 3) {
    if (parts[2].tag != der::kInteger)
      throw FormatError("MALFORMED", "MacData iterations is not an INTEGER");
    mac.iterations = java_int(parts[2], "MacData iterations");
  }
  const MacDigest* found = find_oid(mac_digests(), mac.digest_oid);
  if (!found) {
    mac.algorithm = "HmacPBE" + mac.digest_oid;
  } else {
    mac.algorithm = std::string("HmacPBE") + found->java;
    if (found->digest) mac.digest_name = found->digest;
  }
  return mac;
}

void verify_mac(const MacData& mac, ByteView auth_safe, const Password& password) {
  if (mac.iterations > kMaxIterationCount) {
    integrity_failed(
        "java.security.InvalidAlgorithmParameterException: MAC iteration count too "
        "large: " +
        std::to_string(mac.iterations));
  }
  if (mac.digest_name.empty()) {
    integrity_failed("java.security.NoSuchAlgorithmException: Algorithm " + mac.algorithm +
                     " not available");
  }
  if (!java_pbe_ascii(password)) {
    throw PasswordError("PASSWORD_NOT_ASCII",
                        "Integrity check failed: java.io.IOException: getSecretKey failed: "
                        "Password is not ASCII (Java's PKCS12 keystore accepts only printable "
                        "ASCII passwords)");
  }
  const EVP_MD* md = openssl_digest(mac.digest_name);
  if (!md) throw FormatError("UNSUPPORTED_CIPHER", "OpenSSL provides no " + mac.digest_name);
  const std::size_t n = static_cast<std::size_t>(EVP_MD_get_size(md));
  for (const PbePassword& attempt : java_password_attempts(password)) {
    SecureBytes key = pkcs12_kdf(md, attempt.pkcs12_bytes(), mac.salt, 3, mac.iterations, n);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int out_len = 0;
    if (!HMAC(md, key.data(), static_cast<int>(key.size()), auth_safe.data(), auth_safe.size(), out,
              &out_len)) {
      throw FormatError("CRYPTO", "HMAC failed");
    }
    if (out_len == mac.digest.size() && CRYPTO_memcmp(out, mac.digest.data(), out_len) == 0) {
      return;
    }
  }
  throw PasswordError("WRONG_PASSWORD",
                      "Integrity check failed: java.security.UnrecoverableKeyException: Failed "
                      "PKCS12 integrity checking");
}

}  // namespace ksdoctor::pkcs12
