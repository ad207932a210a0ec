// `ksdoctor convert`: the same entries in another keystore format, keys re-protected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

struct ConvertOptions {
  StoreFormat to = StoreFormat::kPkcs12;
  Password storepass;               // the source's (and the result's) store password
  std::optional<Password> keypass;  // the keys' password; default: the store password
};

struct ConvertResult {
  Keystore store;                  // the model to write (entries in the source's order)
  std::vector<std::string> notes;  // what changed beyond the format (dropped, renamed)
  // What Java (and read_keystore) will see in the written file: `store`, except that PKCS#12
  // chains are rebuilt by issuer name on load (pkcs12_as_java_reloads).
  Keystore reloaded;
};

// Every entry carried over: trusted certificates as they are, private keys decrypted with the key
// password and protected for the target format (protect_private_key), secret keys likewise
// between JCEKS and PKCS#12 (recover_secret_key_material, protect_secret_key) and copied as they
// are within one format, creation dates kept. Throws UsageError("SECRET_KEY_IN_JKS") when a secret
// key would go to JKS, UsageError("UNKNOWN_SECRET_KEY_ALGORITHM") for a secret key whose algorithm
// Java's PKCS12 keystore could not name, UsageError("ALIAS_COLLISION") when JKS's lower-casing
// would merge two aliases, and what recover_private_key / recover_secret_key_material throw for a
// wrong key password.
ConvertResult convert_keystore(const Keystore& source, const ConvertOptions& options);

}  // namespace ksdoctor
