#include "pkcs12_keys.hpp"

#include "pkcs12_der.hpp"
#include "pkcs12_pbe.hpp"
#include "x509/der.hpp"

namespace ksdoctor {
namespace {

struct Epki {
  ByteView algorithm;  // AlgorithmIdentifier, tag included
  ByteView encrypted;
};

// javax/sun EncryptedPrivateKeyInfo(byte[]): SEQUENCE { AlgorithmIdentifier, OCTET STRING }.
Epki parse_epki(ByteView blob) {
  der::Walker top(blob, "EncryptedPrivateKeyInfo");
  der::Walker seq(top.expect(der::kSequence).value, "EncryptedPrivateKeyInfo");
  Epki epki;
  epki.algorithm = seq.expect(der::kSequence).whole;
  epki.encrypted = seq.expect(der::kOctetString).value;
  if (!seq.at_end()) throw FormatError("MALFORMED", "overrun in EncryptedPrivateKeyInfo");
  return epki;
}

// What Java's DerValue parse of the decrypted key needs: SEQUENCE { INTEGER, SEQUENCE { OID ...
bool looks_like_pkcs8(const SecureBytes& plain) {
  try {
    der::Walker top(ByteView(plain.data(), plain.size()), "PKCS#8");
    der::Walker info(top.expect(der::kSequence).value, "PKCS#8");
    info.expect(der::kInteger);
    der::Walker alg(info.expect(der::kSequence).value, "PKCS#8 algorithm");
    alg.expect(der::kOid);
    return true;
  } catch (const FormatError&) {
    return false;
  }
}

}  // namespace

ProtectedKey pkcs12_describe_protected_key(ByteView blob) {
  ProtectedKey key;
  try {
    Epki epki = parse_epki(blob);
    der::Walker alg(epki.algorithm, "AlgorithmIdentifier");
    der::Walker parts(alg.expect(der::kSequence).value, "AlgorithmIdentifier");
    key.algorithm_oid = der::oid_to_string(parts.expect(der::kOid).value);
    pkcs12::PbeScheme scheme = pkcs12::parse_pbe_scheme(epki.algorithm);
    key.algorithm = scheme.name;
    key.iterations = scheme.iterations;
  } catch (const FormatError&) {
    key.algorithm = "unreadable";
  }
  return key;
}

SecureBytes pkcs12_decrypt_shrouded_key(ByteView blob, const Password& keypass) {
  Epki epki;
  pkcs12::PbeScheme scheme;
  try {
    epki = parse_epki(blob);
    scheme = pkcs12::parse_pbe_scheme(epki.algorithm);
  } catch (const FormatError& e) {
    throw FormatError("KEY_UNREADABLE",
                      std::string("Private key not stored as PKCS#8 EncryptedPrivateKeyInfo: "
                                  "java.io.IOException: ") +
                          e.what());
  }
  if (scheme.iterations > pkcs12::kMaxIterationCount) {
    throw FormatError("KEY_UNREADABLE", "Get Key failed: key PBE iteration count too large (" +
                                            std::to_string(scheme.iterations) +
                                            "; Java refuses "
                                            "more than 5000000)");
  }
  if (!pkcs12::java_pbe_ascii(keypass)) {
    throw PasswordError("KEY_NOT_RECOVERABLE",
                        "Get Key failed: getSecretKey failed: Password is not ASCII (Java's "
                        "PKCS12 keystore accepts only printable ASCII passwords)");
  }
  try {
    for (const pkcs12::PbePassword& attempt : pkcs12::java_password_attempts(keypass)) {
      std::optional<SecureBytes> plain = pkcs12::pbe_decrypt(scheme, epki.encrypted, attempt);
      if (plain && looks_like_pkcs8(*plain)) return std::move(*plain);
    }
  } catch (const FormatError& e) {
    throw FormatError("UNSUPPORTED_KEY_PROTECTION", std::string("Get Key failed: ") + e.what());
  }
  throw PasswordError("KEY_NOT_RECOVERABLE",
                      "Get Key failed: Given final block not properly padded. Such issues can "
                      "arise if a bad key is used during decryption.");
}

}  // namespace ksdoctor
