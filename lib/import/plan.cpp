// import's plan: find the leaf the key belongs to, put the entry into a copy of the store, let
// repair's planner (restricted to that entry) complete and order its chain, then check what Java
// would object to before anything is written.
#include <algorithm>
#include <unordered_set>

#include "core/strings.hpp"
#include "core/text.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/import.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/timeutil.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {
namespace {

Finding finding(std::string code, Severity severity, const std::string& alias, std::string message,
                std::string remedy) {
  Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.alias = alias;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  return f;
}

// JavaKeyStore and JceKeyStore lower-case aliases (Locale.ENGLISH) when they store them;
// PKCS#12 and BouncyCastle's stores keep them as given.
std::string stored_alias(const std::string& alias, StoreFormat format) {
  if (format == StoreFormat::kPkcs12 || is_bouncycastle(format)) return alias;
  return utf16_to_utf8(java_lowercase(utf8_to_utf16(alias)));
}

// The entry Java's lookups find for `alias` (JKS/JCEKS and PKCS#12 compare case-insensitively,
// BouncyCastle's Hashtable exactly).
std::optional<std::size_t> find_entry(const Keystore& store, const std::string& alias) {
  const bool exact = is_bouncycastle(store.format);
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    if (store.lookupable(e) && (exact ? e.alias == alias : iequals(e.alias, alias))) return i;
  }
  return std::nullopt;
}

// Leaf first, then the other certificates in the order the source gave them.
std::vector<CertPtr> leaf_first(const std::vector<CertPtr>& certs, const CertPtr& leaf) {
  std::vector<CertPtr> out{leaf};
  for (const CertPtr& c : certs) {
    if (c->sha256 != leaf->sha256) out.push_back(c);
  }
  return out;
}

CertPtr leaf_for_key(const ImportMaterial& m) {
  for (const CertPtr& c : m.certs) {
    if (private_key_matches(m.pkcs8, *c)) return c;
  }
  return nullptr;
}

// keytool's installReply: the reply certificate carrying the entry's public key.
CertPtr leaf_for_entry(const ImportMaterial& m, const Keystore& store, const Entry& entry,
                       const Password& storepass) {
  for (const CertPtr& c : m.certs) {
    if (!entry.chain.empty() && c->spki_der == entry.chain[0]->spki_der) return c;
  }
  if (!entry.chain.empty()) return nullptr;
  // A JKS key stored without a chain: only the key itself can say which certificate is its own.
  SecureBytes key = recover_private_key(store, entry, storepass);
  for (const CertPtr& c : m.certs) {
    if (private_key_matches(key, *c)) return c;
  }
  return nullptr;
}

bool has(const std::vector<Finding>& findings, const std::string& code, const Certificate& cert) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    if (f.code != code) return false;
    return std::any_of(f.details.begin(), f.details.end(), [&](const auto& d) {
      return (d.first == "sha256" && d.second == cert.sha256) ||
             (d.first == "subject" && d.second == cert.subject);
    });
  });
}

bool has_code(const std::vector<Finding>& findings, const std::string& code) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.code == code; });
}

// What Java's TLS server side needs of the leaf beyond the path checks: serverAuth (DLP presents it
// to the upstream MTA) and a keyUsage that allows the signatures of ECDHE and TLS 1.3 handshakes.
void check_leaf_usage(const Certificate& leaf, const std::string& alias,
                      std::vector<Finding>& out) {
  const auto& eku = leaf.ext_key_usage;
  bool server_auth = eku.empty() ||
                     std::find(eku.begin(), eku.end(), oids::kServerAuth) != eku.end() ||
                     std::find(eku.begin(), eku.end(), oids::kAnyExtendedKeyUsage) != eku.end();
  if (!server_auth && !has_code(out, "EKU_NOT_SERVER_AUTH")) {
    Finding f = finding("EKU_NOT_SERVER_AUTH", Severity::kError, alias,
                        "the certificate " + leaf.subject +
                            " has an extendedKeyUsage without serverAuth: the upstream MTA's "
                            "TLS client refuses it (Java: \"Extended key usage does not permit "
                            "use for TLS server authentication\")",
                        "ask the CA for a TLS server certificate (extendedKeyUsage serverAuth)");
    f.details.emplace_back("subject", leaf.subject);
    out.push_back(std::move(f));
  }
  if (leaf.key_usage && !(*leaf.key_usage & kDigitalSignature) &&
      !has_code(out, "KEY_USAGE_NOT_DIGITAL_SIGNATURE")) {
    Finding f = finding(
        "KEY_USAGE_NOT_DIGITAL_SIGNATURE", Severity::kError, alias,
        "the certificate " + leaf.subject +
            " has a keyUsage without digitalSignature: TLS 1.3 and every ECDHE cipher suite Java "
            "prefers sign with the key, so Java peers refuse it (\"KeyUsage does not allow "
            "digital signatures\")",
        "ask the CA for a certificate whose keyUsage includes digitalSignature");
    f.details.emplace_back("subject", leaf.subject);
    out.push_back(std::move(f));
  }
}

void check_hostnames(const Certificate& leaf, const std::string& alias,
                     const std::vector<std::string>& hostnames, std::vector<Finding>& out) {
  for (const std::string& host : hostnames) {
    if (san_names_host(leaf, host)) continue;
    std::vector<std::string> names = subject_alt_dns_names(leaf);
    std::string listed;
    for (const std::string& n : names) listed += (listed.empty() ? "" : ", ") + n;
    Finding f = finding("HOSTNAME_NOT_IN_SAN", Severity::kWarning, alias,
                        "the certificate " + leaf.subject + " does not name " + host +
                            " in its subjectAltName" +
                            (listed.empty() ? std::string(" (it has no DNS names)")
                                            : " (it names " + listed + ")") +
                            ": MTAs that check the name of the server they deliver to refuse it",
                        "request a certificate whose subjectAltName includes " + host);
    f.details.emplace_back("hostname", host);
    out.push_back(std::move(f));
  }
}

// Java's key managers open every key entry with the one password they are given (the store
// password, in DLP): SunX509 fails as a whole when one key does not open with it.
void check_key_passwords(const KeyManagerPrediction& presented, std::vector<Finding>& out) {
  for (const std::string& alias : presented.unrecoverable_aliases) {
    out.push_back(
        finding("KEY_PASSWORD_DIFFERS", Severity::kError, alias,
                "the key entry '" + alias +
                    "' does not open with the store password: Java's default key manager (SunX509) "
                    "then fails with \"Cannot recover key\" and the server has no key at all",
                "protect that key with the store password (keytool -keypasswd -alias " + alias +
                    ") or remove the entry"));
  }
}

Entry key_entry(const std::string& alias, std::vector<CertPtr> chain, std::int64_t created_ms) {
  Entry e;
  e.alias = alias;
  e.alias_utf16 = utf8_to_utf16(alias);
  e.kind = EntryKind::kPrivateKey;
  e.created_ms = created_ms;
  e.chain = std::move(chain);
  return e;
}

// Puts `entry` where an entry with its alias was (keeping that entry's place in the file), or at
// the end.
Keystore with_entry(const Keystore& store, std::optional<std::size_t> index, const Entry& entry) {
  Keystore out = store;
  if (index) {
    Entry placed = entry;
    placed.file_position = store.entries[*index].file_position;
    // Not the old localKeyID: PKCS#12 keeps a key entry's date in it ("Time <ms>"), and the new
    // entry is dated now.
    out.entries[*index] = std::move(placed);
  } else {
    out.entries.push_back(entry);
  }
  return out;
}

CertPool source_pool(const ImportMaterial& material, const CertPool& from) {
  CertPool pool;
  for (const CertPtr& c : material.certs) pool.add(c, CertOrigin::source(material.path));
  for (const CertPtr& c : from.all()) pool.add(c, from.origin(*c));
  return pool;
}

// lint_certificate's findings for the chain to be written, except those the path checks already
// made (the same code about the same certificate).
void lint_chain(const std::vector<CertPtr>& chain, const std::string& alias,
                const ImportOptions& options, std::vector<Finding>& out) {
  std::vector<Finding> lint;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    lint_certificate(*chain[i], alias, "chain[" + std::to_string(i) + "]", options.now,
                     options.warn_days, lint);
  }
  for (Finding& f : lint) {
    std::string sha;
    for (const auto& [key, value] : f.details) {
      if (key == "sha256") sha = value;
    }
    auto same_cert = std::find_if(chain.begin(), chain.end(),
                                  [&](const CertPtr& c) { return c->sha256 == sha; });
    if (same_cert != chain.end() && has(out, f.code, **same_cert)) continue;
    out.push_back(std::move(f));
  }
}

// verify's remedy names repair; here the missing issuer goes into this same import.
std::string missing_issuer_remedy(const Finding& f) {
  std::string url;
  for (const auto& [key, value] : f.details) {
    if (key == "ca_issuers") url = value;
  }
  return (url.empty() ? std::string("get the issuing CA's certificate from the CA")
                      : "download the issuer from " + url) +
         " and give it to this import with --from FILE (a CA bundle or a folder works too), or "
         "let ksdoctor fetch it with --from aia";
}

// Two certificates for the same server: the same subject, or a DNS name in common.
bool same_server(const Certificate& a, const Certificate& b) {
  if (a.subject_der == b.subject_der) return true;
  std::vector<std::string> names = subject_alt_dns_names(b);
  for (const std::string& n : subject_alt_dns_names(a)) {
    if (std::any_of(names.begin(), names.end(),
                    [&](const std::string& m) { return iequals(m, n); })) {
      return true;
    }
  }
  return false;
}

// After the import, does each of Java's key managers present the new entry for its key type? An
// older entry for the same server presented instead is an error (the renewal would not be used);
// an unrelated one is worth a warning.
void check_presented(const Keystore& planned, const ImportPlan& plan, std::vector<Finding>& out) {
  const Entry& added = *plan.new_entry;
  const PresentedAlias* presented = nullptr;
  for (const PresentedAlias& p : plan.presented->by_key_type) {
    if (p.key_type == plan.key_type) presented = &p;
  }
  if (!presented) return;
  struct Manager {
    const char* name;
    const std::optional<std::string>& alias;
  };
  for (const Manager& m : {Manager{"SunX509 (Java's default key manager)", presented->sunx509},
                           Manager{"PKIX", presented->pkix}}) {
    if (!m.alias || *m.alias == added.alias) continue;
    const Entry* other = nullptr;
    for (const Entry& e : planned.entries) {
      if (e.alias == *m.alias) other = &e;
    }
    if (!other || other->chain.empty()) continue;
    bool related = same_server(*other->chain[0], *added.chain[0]);
    Finding f =
        finding(related ? "OLD_KEY_ENTRY_PRESENTED" : "OTHER_KEY_ENTRY_PRESENTED",
                related ? Severity::kError : Severity::kWarning, added.alias,
                std::string("Java's ") + m.name + " key manager would present '" + *m.alias +
                    "' (" + other->chain[0]->subject + ", valid until " +
                    format_rfc3339(other->chain[0]->not_after) + ") instead of the new '" +
                    added.alias + "': both are " + plan.key_type + " key entries" +
                    (related ? " for the same server, so the renewal would not be used" : ""),
                related ? "import over the old entry instead: --alias " + *m.alias +
                              " --replace (the old one stays in the backup), or remove it (keytool "
                              "-delete -alias " +
                              *m.alias + ")"
                        : "if '" + *m.alias +
                              "' is not meant for this server, remove it (keytool "
                              "-delete -alias " +
                              *m.alias + ")");
    f.details.emplace_back("key_manager", m.name == std::string("PKIX") ? "PKIX" : "SunX509");
    f.details.emplace_back("presented", *m.alias);
    out.push_back(std::move(f));
  }
}

}  // namespace

Keystore new_keystore(StoreFormat format) {
  Keystore store;
  store.format = format;
  store.version = format == StoreFormat::kPkcs12 ? 3 : format == StoreFormat::kUber ? 1 : 2;
  store.integrity = Integrity::kVerified;
  return store;
}

ImportPlan plan_import(const Keystore& store, const ImportMaterial& material, const CertPool& from,
                       const Password& storepass, const ImportOptions& options) {
  ImportPlan plan;
  plan.source = material.kind;
  plan.alias = stored_alias(options.alias, store.format);
  std::optional<std::size_t> index = find_entry(store, plan.alias);
  if (index) {
    plan.replaces = true;
    plan.old_entry = store.entries[*index];
    plan.alias = store.entries[*index].alias;  // Java keeps the stored spelling
  }
  bool reply = material.kind == ImportSourceKind::kCertReply;

  // 1. Which certificate is the new leaf, and may this alias take it.
  CertPtr leaf;
  if (reply) {
    if (!index || store.entries[*index].kind != EntryKind::kPrivateKey) {
      plan.findings.push_back(finding(
          "REPLY_WITHOUT_KEY_ENTRY", Severity::kError, plan.alias,
          "a certificate reply needs the key entry it answers, and '" + plan.alias + "' " +
              (index ? "is not a key entry" : "does not exist"),
          "give the alias the CSR was made from (keytool -certreq -alias ...), or import a key "
          "with its certificate: ksdoctor import KEYSTORE --alias ALIAS --key KEY.pem --cert "
          "CERTS.pem"));
      return plan;
    }
    leaf = leaf_for_entry(material, store, store.entries[*index], storepass);
    if (!leaf) {
      // keytool's own words for the two cases.
      plan.findings.push_back(finding(
          "REPLY_KEY_MISMATCH", Severity::kError, plan.alias,
          material.certs.size() == 1
              ? "Public keys in reply and keystore don't match: " + material.path +
                    " certifies another key than the one in '" + plan.alias + "'"
              : "Certificate reply does not contain public key for <" + plan.alias +
                    ">: no "
                    "certificate in " +
                    material.path + " certifies the key in '" + plan.alias + "'",
          "send the CA the CSR made from this entry (keytool -certreq -alias " + plan.alias +
              "), or import the reply into the keystore holding the key it was issued for"));
      return plan;
    }
  } else {
    if (index && !options.replace) {
      plan.findings.push_back(finding(
          "ALIAS_EXISTS", Severity::kError, plan.alias,
          "the keystore already has an entry '" + plan.alias + "'",
          "add --replace to put the new key and certificate in its place (the old entry is kept "
          "in the backup), or choose another --alias"));
    }
    if (material.certs.empty()) {
      plan.findings.push_back(finding("NO_CERTIFICATE", Severity::kError, plan.alias,
                                      material.path + " holds no certificate for the key",
                                      "give the file with the certificate the CA issued"));
      return plan;
    }
    leaf = leaf_for_key(material);
    if (!leaf) {
      plan.findings.push_back(finding(
          "KEY_CERT_MISMATCH", Severity::kError, plan.alias,
          "no certificate in " + material.path + " (" + std::to_string(material.certs.size()) +
              ") belongs to the private key: the key is not the one the certificate was issued for",
          "give the private key the CSR was made with, or the certificate issued for this key"));
      return plan;
    }
  }
  plan.given = leaf_first(material.certs, leaf);

  // 2. The entry as it will be stored, its chain completed and ordered by repair's planner.
  Entry entry = key_entry(plan.alias, plan.given, options.created_ms);
  if (reply) {
    entry.key = store.entries[*index].key;  // the key itself is kept byte for byte
  } else {
    entry.key = protect_private_key(material.pkcs8, store.format, storepass);
  }
  Keystore candidate = with_entry(store, index, entry);
  RepairOptions repair;
  repair.now = options.now;
  repair.created_ms = options.created_ms;
  repair.name_origin = options.name_origin;
  repair.only_alias = plan.alias;
  RepairPlan rebuilt = plan_repair(candidate, source_pool(material, from), {}, repair);
  for (const ChainRepair& c : rebuilt.chains) {
    if (c.alias == plan.alias) {
      entry.chain = c.after;
    } else {
      plan.other_chains.push_back(c);
    }
  }
  plan.changes = rebuilt.changes;
  for (Finding f : rebuilt.remaining) {
    if (f.code == "MISSING_INTERMEDIATE") f.remedy = missing_issuer_remedy(f);
    plan.findings.push_back(std::move(f));
  }

  // 3. What Java would object to beyond the path: validity, key size, usages, names, passwords.
  lint_chain(entry.chain, plan.alias, options, plan.findings);
  check_leaf_usage(*leaf, plan.alias, plan.findings);
  check_hostnames(*leaf, plan.alias, options.hostnames, plan.findings);
  if (options.keypass && !reply &&
      (options.keypass->is_null() || options.keypass->text() != storepass.text())) {
    plan.findings.push_back(finding(
        "KEY_PASSWORD_DIFFERS", Severity::kError, plan.alias,
        "a key password other than the store password was asked for: Java's default key "
        "manager (SunX509) opens every key entry with the store password and fails with "
        "\"Cannot recover key\" for the whole server",
        "leave the key password out: ksdoctor protects the new key with the store password"));
  }
  plan.new_entry = std::move(entry);

  // 4. Which entry Java will present once the file is written.
  Keystore planned = apply_import(store, plan);
  plan.presented = predict_key_managers(planned, storepass, options.now);
  plan.key_type = java_key_type(leaf->key);
  check_key_passwords(*plan.presented, plan.findings);
  check_presented(planned, plan, plan.findings);
  return plan;
}

ImportPlan plan_import_with_aia(const Keystore& store, const ImportMaterial& material,
                                CertPool& from, const Password& storepass,
                                const ImportOptions& options, const AiaOptions& aia) {
  ImportPlan plan;
  std::vector<Finding> problems = fetch_missing_issuers(from, aia, [&] {
    plan = plan_import(store, material, from, storepass, options);
    return plan.findings;
  });
  for (Finding& f : problems) plan.findings.push_back(std::move(f));
  return plan;
}

Keystore apply_import(const Keystore& store, const ImportPlan& plan) {
  if (!plan.new_entry) return store;
  Keystore out = with_entry(store, find_entry(store, plan.alias), *plan.new_entry);
  for (const ChainRepair& c : plan.other_chains) {
    for (Entry& e : out.entries) {
      if (e.kind == EntryKind::kPrivateKey && e.alias == c.alias) e.chain = c.after;
    }
  }
  return out;
}

}  // namespace ksdoctor
