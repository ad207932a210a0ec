// Keys of BouncyCastle's BKS and UBER entries: what BcKeyStoreSpi.engineGetKey returns, and the
// sealing its engineSetKeyEntry applies (formats/bks/bks_format.hpp has the layouts).
#include "bks_keys.hpp"

#include "formats/bks/bks_format.hpp"

namespace ksdoctor {
namespace bks_keys_detail {

// The key object an entry holds: unsealed with the key password (type 4), as stored (type 2).
bks::KeyObject key_object(const Entry& entry, const Password& keypass) {
  const ProtectedKey& key = *entry.key;
  if (key.algorithm == bks::kSealedAlgorithm) return bks::unseal(key.blob, keypass);
  if (key.algorithm == bks::kClearAlgorithm) return bks::decode_key_object(key.blob);
  // setKeyEntry(alias, byte[], chain) bytes: BouncyCastle refuses to return them as a key.
  throw FormatError("KEY_UNREADABLE", "BKS entry '" + entry.alias +
                                          "' stores opaque bytes, which BouncyCastle "
                                          "cannot recover as a key");
}

}  // namespace bks_keys_detail

SecureBytes bks_recover_private_key(const Entry& entry, const Password& keypass) {
  bks::KeyObject key = bks_keys_detail::key_object(entry, keypass);
  if (key.key_type != bks::kPrivate || (key.format != "PKCS#8" && key.format != "PKCS8")) {
    throw FormatError("KEY_UNREADABLE", "BKS entry '" + entry.alias + "' holds a " + key.format +
                                            " key, not a PKCS#8 private key");
  }
  return std::move(key.encoded);
}

SecretKeyMaterial bks_recover_secret_key(const Entry& entry, const Password& keypass) {
  bks::KeyObject key = bks_keys_detail::key_object(entry, keypass);
  if (key.format != "RAW") {
    throw FormatError("KEY_UNREADABLE", "BKS entry '" + entry.alias + "' holds a " + key.format +
                                            " key, not a raw secret key");
  }
  return SecretKeyMaterial{key.algorithm, std::move(key.encoded)};
}

ProtectedKey bks_protect(const SecureBytes& encoded, bool secret, const std::string& algorithm,
                         const Password& keypass) {
  if (keypass.is_null()) throw UsageError("PASSWORD_REQUIRED", "a key password is required");
  bks::KeyObject object;
  object.key_type = secret ? bks::kSecretKey : bks::kPrivate;
  object.format = secret ? "RAW" : "PKCS#8";
  object.algorithm = algorithm;
  object.encoded = encoded;
  ProtectedKey out;
  out.algorithm = bks::kSealedAlgorithm;
  out.algorithm_oid = bks::kSealedOid;
  out.blob = bks::seal(object, keypass);
  out.iterations = bks::sealed_iterations(out.blob);
  return out;
}

}  // namespace ksdoctor
