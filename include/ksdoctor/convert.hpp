// `ksdoctor convert`: the same entries in another keystore format, keys re-protected.
#pragma once

#include <cstddef>
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

struct ConvertFileOptions {
  std::string source;                      // the keystore to read
  std::optional<StoreFormat> source_type;  // forced type; detected from content when empty
  std::string target;                      // the file to write (never the source itself)
  bool backup = true;                      // keep an existing target as backup_path(target)
  // Epoch ms: the creation date of entries that have none in the source (PKCS#12 trusted
  // certificates going to JKS/JCEKS, PKCS#12 keys without a dated localKeyID), the writers'
  // "now"; its seconds name the backup when "<target>.bak" exists.
  std::int64_t now_ms = 0;
};

struct ConvertFileResult {
  StoreFormat from = StoreFormat::kJks;  // the source's format
  ConvertResult converted;
  std::string backup;  // the backup written, "" for none
  std::size_t bytes = 0;
};

// The whole `convert`: reads options.source's keystore with options.storepass, converts it
// (convert_keystore) and writes the result over file.target with write_keystore_file (backup,
// mode 0600, atomic rename), which first reads the written bytes back and compares them with
// what Java will see (ConvertResult::reloaded). Throws UsageError("OUT_IS_INPUT") when the target
// is the source file, UsageError("PASSWORD_REQUIRED") for a null store password, and what
// reading, convert_keystore and write_keystore_file throw; the target is then untouched.
ConvertFileResult convert_keystore_file(const ConvertOptions& options,
                                        const ConvertFileOptions& file);

}  // namespace ksdoctor
