#include "ksdoctor/convert.hpp"

#include <algorithm>
#include <set>

#include "core/text.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor {
namespace {

bool jks_family(StoreFormat f) { return f == StoreFormat::kJks || f == StoreFormat::kJceks; }

// What Java's JKS/JCEKS do to an alias on setEntry (JavaKeyStore.convertAlias lower-cases for JKS;
// JCEKS lower-cases too).
std::string stored_alias(const std::string& alias, StoreFormat to) {
  if (!jks_family(to)) return alias;
  return utf16_to_utf8(java_lowercase(utf8_to_utf16(alias)));
}

// Java keeps no chain in a PKCS#12 file: it rebuilds each key's chain by issuer name from all the
// file's certificates on load. Every stored certificate is still written (nothing is lost), but
// where Java will see a different chain the user is told which.
void note_pkcs12_chain_rebuilds(ConvertResult& result) {
  result.reloaded = pkcs12_as_java_reloads(result.store);
  for (std::size_t i = 0; i < result.store.entries.size(); ++i) {
    const std::vector<CertPtr>& stored = result.store.entries[i].chain;
    const std::vector<CertPtr>& seen = result.reloaded.entries[i].chain;
    bool same = std::equal(stored.begin(), stored.end(), seen.begin(), seen.end(),
                           [](const CertPtr& a, const CertPtr& b) { return a->der == b->der; });
    if (same) continue;
    result.notes.push_back(
        "the chain of '" + result.store.entries[i].alias + "' (" + std::to_string(stored.size()) +
        " certificates) will be seen by Java as " + std::to_string(seen.size()) +
        " certificates in issuer order: Java rebuilds PKCS#12 chains by issuer name on load" +
        (result.reloaded.hidden_certificates.empty()
             ? std::string()
             : " (certificates it does not reach stay in the file, unlisted)"));
  }
}

}  // namespace

ConvertResult convert_keystore(const Keystore& source, const ConvertOptions& options) {
  ConvertResult result;
  Keystore& out = result.store;
  out.format = options.to;
  out.version = options.to == StoreFormat::kPkcs12 ? 3 : options.to == StoreFormat::kUber ? 1 : 2;
  out.integrity = Integrity::kVerified;
  const Password& keypass = options.keypass ? *options.keypass : options.storepass;
  std::set<std::string> taken;
  for (const Entry& e : source.entries) {
    if (!source.lookupable(e)) {
      result.notes.push_back("entry '" + e.alias +
                             "' is not reachable by Java's lookups and was not carried over");
      continue;
    }
    Entry copy;
    copy.alias = stored_alias(e.alias, options.to);
    copy.alias_utf16 = utf8_to_utf16(copy.alias);
    // PKCS12KeyStore keys its entries by the lower-cased alias too: BKS's case variants (Root-CA,
    // root-ca) would overwrite each other there.
    std::string key = options.to == StoreFormat::kPkcs12
                          ? utf16_to_utf8(java_lowercase(copy.alias_utf16))
                          : copy.alias;
    if (!taken.insert(key).second) {
      throw UsageError("ALIAS_COLLISION", "two entries become '" + key + "' in " +
                                              format_name(options.to) +
                                              " (aliases are lower-cased there)");
    }
    if (copy.alias != e.alias) {
      result.notes.push_back("alias '" + e.alias + "' becomes '" + copy.alias + "'");
    }
    copy.kind = e.kind;
    // BouncyCastle rebuilds its Hashtable from the file order: keeping that order keeps aliases().
    if (is_bouncycastle(source.format) && is_bouncycastle(options.to))
      copy.file_position = e.file_position;
    copy.created_ms = e.created_ms;
    copy.chain = e.chain;
    if (e.key && is_bouncycastle(source.format) && is_bouncycastle(options.to)) {
      copy.key = e.key;  // BKS and UBER hold keys alike: sealed, clear or stored bytes as they are
    } else if (e.kind == EntryKind::kPrivateKey && e.key) {
      SecureBytes pkcs8 = recover_private_key(source, e, keypass);
      copy.key = protect_private_key(pkcs8, options.to, keypass);
    } else if (e.kind == EntryKind::kSecretKey) {
      if (options.to == StoreFormat::kJks) {
        throw UsageError("SECRET_KEY_IN_JKS", "entry '" + e.alias +
                                                  "' is a secret key, which JKS cannot hold: "
                                                  "convert to jceks or pkcs12");
      }
      if (source.format != options.to) {
        SecretKeyMaterial material = recover_secret_key_material(source, e, keypass);
        try {
          copy.key = protect_secret_key(material, options.to, keypass);
        } catch (const UsageError& why) {
          throw UsageError(why.code(), "entry '" + e.alias + "': " + why.what());
        }
      } else {
        copy.key = e.key;  // same format: the sealed object or secretBag content as it is
      }
    }
    out.entries.push_back(std::move(copy));
  }
  if (options.to == StoreFormat::kPkcs12 && source.format != StoreFormat::kPkcs12) {
    for (const Entry& e : out.entries) {
      if (e.kind != EntryKind::kTrustedCert) continue;
      result.notes.push_back(
          "PKCS#12 stores no creation date for trusted certificates (Java "
          "reports the load time for them)");
      break;
    }
  }
  if (options.to == StoreFormat::kPkcs12) note_pkcs12_chain_rebuilds(result);
  if (!source.hidden_certificates.empty()) {
    result.notes.push_back(std::to_string(source.hidden_certificates.size()) +
                           " certificate(s) Java loads but does not list were not carried over "
                           "(ksdoctor repair makes them trusted entries)");
  }
  if (options.to != StoreFormat::kPkcs12) result.reloaded = result.store;
  return result;
}

}  // namespace ksdoctor
