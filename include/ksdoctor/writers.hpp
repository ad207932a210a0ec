// Keystore writers: the bytes Java's KeyStore.store would write for a Keystore model. Protected
// key blobs (Entry::key) are written exactly as they are: nothing is decrypted or re-encrypted
// here (convert.hpp re-protects keys when the format changes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

// JKS or JCEKS (store.format), version 2, entries in the order Java's Hashtable would enumerate
// them after loading the original file and then adding the new entries, digest keyed with
// `storepass` ("Mighty Aphrodite"). Entries without a creation date get `now_ms`. Throws
// UsageError("SECRET_KEY_IN_JKS") for a secret key entry in a JKS store and
// UsageError("PASSWORD_REQUIRED") for a null password.
Bytes write_jks_family(const Keystore& store, const Password& storepass, std::int64_t now_ms);

// BKS (version 2) or UBER (version 1), store.format, as BouncyCastle's BcKeyStoreSpi writes them:
// entries read from a file in file order, then the others; each key blob as it is (sealed,
// clear or stored bytes, bks_format.hpp). UsageError("PASSWORD_REQUIRED") for a null password,
// UsageError("KEY_PROTECTION_MISMATCH") for a key protected for another format.
Bytes write_bks_family(const Keystore& store, const Password& storepass, std::int64_t now_ms);

struct Pkcs12WriteOptions {
  // Empty: JDK 17's defaults (PBEWithHmacSHA256AndAES_256 / 10 000 iterations for certificates,
  // HmacPBESHA256 / 10 000 for the MAC). store.protection, when present, is kept instead.
  std::optional<Pkcs12Protection> protection;
};

// PKCS#12 as JDK 17's PKCS12KeyStore writes it: key bags (friendlyName, localKeyID "Time <ms>"
// unless loaded with one) written from Entry::key->blob byte for byte; trusted entries with
// friendlyName and trustedKeyUsage (anyExtendedKeyUsage unless loaded with others) and, as in
// Java's setCertEntry, no localKeyID; chain certificates named by their subject DN.
Bytes write_pkcs12(const Keystore& store, const Password& storepass, std::int64_t now_ms,
                   const Pkcs12WriteOptions& options = {});

// The keystore Java (and read_keystore) sees after loading what write_pkcs12 writes for `store`:
// PKCS12KeyStore rebuilds every key entry's chain from all certificate bags of the file by issuer
// name, so an out-of-order or incomplete chain, or one whose issuer another entry brings into
// the file, comes back different. Certificates no listed entry reaches become
// hidden_certificates. Everything else is `store` unchanged.
Keystore pkcs12_as_java_reloads(const Keystore& store);

struct KeystoreWriteOptions {
  Pkcs12WriteOptions pkcs12;  // used when store.format is PKCS#12
};

// The bytes of `store` in its own format (store.format): write_jks_family for JKS and JCEKS,
// write_pkcs12 for PKCS#12. Throws what they throw (UsageError("PASSWORD_REQUIRED") for a null
// password, ...).
Bytes write_keystore(const Keystore& store, const Password& storepass, std::int64_t now_ms,
                     const KeystoreWriteOptions& options = {});

// The creation date read_keystore reports for `entry` after write_keystore(store, ..., now_ms)
// wrote it into a `format` store: JKS/JCEKS date every entry (now_ms when it has none); PKCS#12
// dates a key entry by its localKeyID ("Time <created_ms or now_ms>" unless it was loaded with
// one) and never a trusted certificate.
std::optional<std::int64_t> written_creation_date(StoreFormat format, const Entry& entry,
                                                  std::int64_t now_ms);

// The read-back check before a written keystore replaces anything. Throws
// Error("REPAIR_READBACK_MISMATCH", ...) unless `written` (read back from the bytes written with
// `now_ms`) has the format of `expected` and exactly its aliases, kinds, chains (DER), protected
// keys, creation dates (written_creation_date) and number of hidden certificates. `expected` is
// what Java will see in the file: the model written, or for PKCS#12 pkcs12_as_java_reloads of it.
void check_read_back(const Keystore& expected, const Keystore& written, std::int64_t now_ms);

struct KeystoreFileOptions {
  std::string target;           // the file to write
  bool backup = true;           // keep the file being replaced as backup_path(target, now)
  std::int64_t now = 0;         // epoch seconds: the backup's name when "<target>.bak" exists
  std::int64_t created_ms = 0;  // epoch ms: the date of entries that have none (now_ms)
  KeystoreWriteOptions write;
};

struct KeystoreFileResult {
  std::string backup;  // "" when none was written (no backup wanted, or nothing to replace)
  std::size_t bytes = 0;
};

// Writes `store` (write_keystore) over options.target the safe way: the existing target is first
// copied to a backup (atomically, mode 0600, read back), then the new bytes go to a temporary
// file in the same folder (mode 0600, owner kept when run as root), synced, read back with
// read_keystore and compared with `expected` (check_read_back), and only then renamed over the
// target. Any failure throws (IoError, FormatError, UsageError, Error) and leaves the target as
// it was.
KeystoreFileResult write_keystore_file(const Keystore& store, const Keystore& expected,
                                       const Password& storepass,
                                       const KeystoreFileOptions& options);

}  // namespace ksdoctor
