// Keystore writers: the bytes Java's KeyStore.store would write for a Keystore model. Protected
// key blobs (Entry::key) are written exactly as they are: nothing is decrypted or re-encrypted
// here (convert.hpp re-protects keys when the format changes).
#pragma once

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

}  // namespace ksdoctor
