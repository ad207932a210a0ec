#include "ksdoctor/convert.hpp"

#include <set>

#include "ksdoctor/error.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/text.hpp"

namespace ksdoctor {
namespace {

bool jks_family(StoreFormat f) { return f == StoreFormat::kJks || f == StoreFormat::kJceks; }

// What Java's JKS/JCEKS do to an alias on setEntry (JavaKeyStore.convertAlias lower-cases for JKS;
// JCEKS lower-cases too).
std::string stored_alias(const std::string& alias, StoreFormat to) {
  if (!jks_family(to)) return alias;
  return utf16_to_utf8(java_lowercase(utf8_to_utf16(alias)));
}

}  // namespace

ConvertResult convert_keystore(const Keystore& source, const ConvertOptions& options) {
  ConvertResult result;
  Keystore& out = result.store;
  out.format = options.to;
  out.version = options.to == StoreFormat::kPkcs12 ? 3 : 2;
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
    if (!taken.insert(copy.alias).second) {
      throw UsageError("ALIAS_COLLISION", "two entries become '" + copy.alias + "' in " +
                                              format_name(options.to) +
                                              " (aliases are lower-cased there)");
    }
    if (copy.alias != e.alias) {
      result.notes.push_back("alias '" + e.alias + "' becomes '" + copy.alias + "'");
    }
    copy.kind = e.kind;
    copy.created_ms = e.created_ms;
    copy.chain = e.chain;
    if (e.kind == EntryKind::kPrivateKey && e.key) {
      SecureBytes pkcs8 = recover_private_key(source, e, keypass);
      copy.key = protect_private_key(pkcs8, options.to, keypass);
    } else if (e.kind == EntryKind::kSecretKey) {
      if (options.to == StoreFormat::kJks) {
        throw UsageError("SECRET_KEY_IN_JKS", "entry '" + e.alias +
                                                  "' is a secret key, which JKS cannot hold: "
                                                  "convert to jceks or pkcs12");
      }
      if (jks_family(source.format) != jks_family(options.to)) {
        throw UsageError("SECRET_KEY_CONVERSION",
                         "entry '" + e.alias + "' is a secret key; converting secret keys between " +
                             format_name(source.format) + " and " + format_name(options.to) +
                             " is not supported yet");
      }
      copy.key = e.key;  // JCEKS -> JCEKS: the sealed object as it is
    }
    out.entries.push_back(std::move(copy));
  }
  if (options.to == StoreFormat::kPkcs12 && source.format != StoreFormat::kPkcs12) {
    for (const Entry& e : out.entries) {
      if (e.kind != EntryKind::kTrustedCert) continue;
      result.notes.push_back("PKCS#12 stores no creation date for trusted certificates (Java "
                             "reports the load time for them)");
      break;
    }
  }
  if (!source.hidden_certificates.empty()) {
    result.notes.push_back(std::to_string(source.hidden_certificates.size()) +
                           " certificate(s) Java loads but does not list were not carried over "
                           "(ksdoctor repair makes them trusted entries)");
  }
  return result;
}

}  // namespace ksdoctor
