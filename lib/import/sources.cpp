// import's three sources, read from bytes: a PFX, a PEM key with its certificates, a CA reply.
#include <string>
#include <unordered_set>

#include "core/strings.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/import.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/pem.hpp"

namespace ksdoctor {
namespace {

void add_unique(std::vector<CertPtr>& out, std::unordered_set<std::string>& seen, CertPtr cert) {
  if (cert && seen.insert(cert->sha256).second) out.push_back(std::move(cert));
}

const Entry& pick_key_entry(const Keystore& pfx, const std::string& path,
                            const std::string& src_alias) {
  std::vector<const Entry*> keys;
  for (const Entry& e : pfx.entries) {
    if (e.kind == EntryKind::kPrivateKey) keys.push_back(&e);
  }
  if (keys.empty()) throw FormatError("NO_KEY_ENTRY", path + " holds no private key");
  if (src_alias.empty()) {
    if (keys.size() == 1) return *keys[0];
    std::string names;
    for (const Entry* e : keys) names += (names.empty() ? "'" : ", '") + e->alias + "'";
    throw UsageError("SOURCE_ALIAS_REQUIRED", path + " holds " + std::to_string(keys.size()) +
                                                  " private keys (" + names +
                                                  "): say which with --src-alias");
  }
  for (const Entry* e : keys) {
    if (e->alias == src_alias) return *e;
  }
  for (const Entry* e : keys) {  // PKCS12KeyStore finds aliases case-insensitively (ASCII here)
    if (iequals(e->alias, src_alias)) return *e;
  }
  throw UsageError("SOURCE_ALIAS_NOT_FOUND",
                   path + " has no private key entry '" + src_alias + "'");
}

}  // namespace

const char* import_source_name(ImportSourceKind kind) {
  switch (kind) {
    case ImportSourceKind::kPkcs12:
      return "pkcs12";
    case ImportSourceKind::kPemKey:
      return "pem";
    case ImportSourceKind::kCertReply:
      return "cert_reply";
  }
  return "unknown";
}

ImportMaterial read_pkcs12_source(ByteView pfx, const std::string& path, const Password& password,
                                  const std::string& src_alias) {
  Keystore store = read_keystore(pfx, password, StoreFormat::kPkcs12);
  const Entry& entry = pick_key_entry(store, path, src_alias);
  ImportMaterial m;
  m.kind = ImportSourceKind::kPkcs12;
  m.path = path;
  m.source_alias = entry.alias;
  m.pkcs8 = recover_private_key(store, entry, password);
  std::unordered_set<std::string> seen;
  for (const CertPtr& c : entry.chain) add_unique(m.certs, seen, c);
  // The rest of the file may hold the intermediates Java's issuer-name rebuild did not reach.
  for (const Entry& e : store.entries) {
    for (const CertPtr& c : e.chain) add_unique(m.certs, seen, c);
  }
  for (const CertPtr& c : store.hidden_certificates) add_unique(m.certs, seen, c);
  return m;
}

ImportMaterial read_pem_source(ByteView key_pem, ByteView certs, const std::string& certs_path,
                               const Password& key_password) {
  ImportMaterial m;
  m.kind = ImportSourceKind::kPemKey;
  m.path = certs_path;
  m.pkcs8 = read_pem_private_key(key_pem, key_password);
  std::unordered_set<std::string> seen;
  for (CertPtr& c : read_certificate_bundle(certs)) add_unique(m.certs, seen, std::move(c));
  return m;
}

ImportMaterial read_cert_reply(ByteView reply, const std::string& path) {
  ImportMaterial m;
  m.kind = ImportSourceKind::kCertReply;
  m.path = path;
  std::unordered_set<std::string> seen;
  for (CertPtr& c : read_certificate_bundle(reply)) add_unique(m.certs, seen, std::move(c));
  return m;
}

}  // namespace ksdoctor
