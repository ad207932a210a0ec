// `import KEYSTORE --alias A SOURCE`: a new or renewed certificate put into a keystore the way Java
// will use it — validated first (key ↔ certificate, algorithms, validity, serverAuth, names,
// the key entry a Java server will present), the chain completed and ordered as `repair` does it,
// every other entry kept as it is, written atomically with a backup and a read-back check.
//
// Reading the sources takes bytes (the caller reads files); plan_import touches no file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/chains.hpp"
#include "ksdoctor/findings.hpp"
#include "ksdoctor/key_managers.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

enum class ImportSourceKind {
  kPkcs12,     // a PFX: key and certificates
  kPemKey,     // a PEM private key and a PEM file of certificates
  kCertReply,  // a CA's reply for a key entry already in the keystore
};
const char* import_source_name(ImportSourceKind kind);  // "pkcs12", "pem", "cert_reply"

// What a source holds once read.
struct ImportMaterial {
  ImportSourceKind kind = ImportSourceKind::kPemKey;
  std::string path;            // the file the certificates come from (their origin)
  SecureBytes pkcs8;           // the private key (empty for a CA reply)
  std::vector<CertPtr> certs;  // as the source gives them, each DER once
  std::string source_alias;    // kPkcs12: the PFX's key entry that was taken
};

// A PFX as Windows, OpenSSL (default and -legacy) or Java export it, opened with `password`: the
// key entry `src_alias` (or the only one), its chain and every other certificate in the file.
// Throws PasswordError when the password does not open it, UsageError("SOURCE_ALIAS_REQUIRED")
// listing the key entries when there are several and no `src_alias`,
// UsageError("SOURCE_ALIAS_NOT_FOUND"), FormatError("NO_KEY_ENTRY") for a PFX without a private
// key.
ImportMaterial read_pkcs12_source(ByteView pfx, const std::string& path, const Password& password,
                                  const std::string& src_alias);
// A PEM private key (see read_pem_private_key) and a PEM/DER/PKCS#7 file with the leaf and any
// part of its chain, in any order.
ImportMaterial read_pem_source(ByteView key_pem, ByteView certs, const std::string& certs_path,
                               const Password& key_password);
// A CA reply: a PEM or DER certificate, several PEM certificates, or a PKCS#7 bundle.
ImportMaterial read_cert_reply(ByteView reply, const std::string& path);

struct ImportOptions {
  std::string alias;                   // as the user typed it (JKS/JCEKS store it lower-cased)
  bool replace = false;                // a key or PFX source may replace an existing entry
  std::vector<std::string> hostnames;  // the detection server's names, checked against the SAN
  std::int64_t now = 0;                // epoch seconds: validity checks
  int warn_days = 30;
  std::int64_t created_ms = 0;  // the new entry's date (and any the PKCS#12 writer must add)
  OriginNamer name_origin;      // how findings word certificate origins (empty: describe_origin)
  // A key password the user asked for: any other than the store password is KEY_PASSWORD_DIFFERS
  // (the new key is always protected with the store password).
  std::optional<Password> keypass;
};

struct ImportPlan {
  ImportSourceKind source = ImportSourceKind::kPemKey;
  std::string alias;      // as stored
  bool replaces = false;  // an entry with this alias exists and is replaced
  std::optional<Entry> old_entry;
  std::optional<Entry> new_entry;  // unset when validation stopped before a chain existed
  std::vector<CertPtr> given;      // the source's certificates, leaf first
  // How the chain was completed and ordered, and (PKCS#12) which other entries' chains Java will
  // see differently after loading the file, in repair's vocabulary.
  std::vector<RepairChange> changes;
  std::vector<ChainRepair> other_chains;
  // Which alias Java's key managers present once the import is written (unset when validation
  // stopped before a chain existed), and the new key's type among them ("RSA", "EC", ...).
  std::optional<KeyManagerPrediction> presented;
  std::string key_type;
  std::vector<Finding> findings;

  // A new entry exists and no finding is an error: what may be written.
  bool ok() const { return new_entry.has_value() && !has_errors(findings); }
};

// An empty keystore of `format`, as `keytool` creates one for its first entry.
Keystore new_keystore(StoreFormat format);

// Validates and plans the import into `store`. `from` holds the caller's other certificate
// sources (files, folders, keystores, the OS store, AIA). The new key is protected with
// `storepass`, as Java's key managers open every key entry with the store password; the other key
// entries are opened with it too (KEY_PASSWORD_DIFFERS when one does not open).
ImportPlan plan_import(const Keystore& store, const ImportMaterial& material, const CertPool& from,
                       const Password& storepass, const ImportOptions& options);

// Pure. The keystore with the plan's entry in place (replacing the old one where it was, or
// appended), and for PKCS#12 the other chains as Java will rebuild them.
Keystore apply_import(const Keystore& store, const ImportPlan& plan);

}  // namespace ksdoctor
