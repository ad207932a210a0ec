// PKCS#12-only findings: certificates Java loads but never lists, keys Java drops, chainless keys
// explained, and weak protection compared with what Java 17 writes.
#include <set>

#include "ksdoctor/inspect.hpp"

namespace ksdoctor {
namespace {

constexpr const char* kJava17Defaults =
    "Java 17 writes PBEWithHmacSHA256AndAES_256 with 10000 iterations for certificates and keys "
    "and an HmacPBESHA256 MAC with 10000 iterations";
constexpr const char* kRewriteRemedy =
    "rewrite the store with Java 17's defaults: ksdoctor convert STORE --to pkcs12 --out NEW.p12, "
    "or keytool -importkeystore -srckeystore STORE -srcstoretype PKCS12 -destkeystore NEW.p12 "
    "-deststoretype PKCS12 (without -J-Dkeystore.pkcs12.legacy)";

Finding make(std::string code, Severity severity, std::string message, std::string remedy) {
  Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  return f;
}

// What the weak PBE algorithms are, in a few words; empty when not weak.
std::string weakness(const std::string& algorithm) {
  if (algorithm == "PBEWithSHA1AndRC2_40") return "40-bit RC2";
  if (algorithm == "PBEWithSHA1AndRC4_40") return "40-bit RC4";
  if (algorithm == "PBEWithMD5AndDES") return "single DES with MD5";
  return "";
}

bool has_trust_anchor(const Keystore& store) {
  for (const Entry& e : store.entries) {
    if (e.kind == EntryKind::kTrustedCert) return true;
    if (e.kind == EntryKind::kPrivateKey && !e.chain.empty()) return true;
  }
  return false;
}

void invisible_certificates(const Keystore& store, std::vector<Finding>& out) {
  // A leaf excluded from its key's chain is explained with KEY_ENTRY_WITHOUT_CHAIN instead.
  std::set<std::string> explained;
  for (const Entry& e : store.entries) {
    if (e.excluded_trusted_leaf) explained.insert(e.excluded_trusted_leaf->sha256);
  }
  std::vector<CertPtr> hidden;
  for (const CertPtr& c : store.hidden_certificates) {
    if (!explained.count(c->sha256)) hidden.push_back(c);
  }
  if (hidden.empty()) return;
  std::size_t n = hidden.size();
  bool one = n == 1;
  std::string subjects, hashes;
  for (const CertPtr& c : hidden) {
    subjects += (subjects.empty() ? "" : "; ") + c->subject;
    hashes += (hashes.empty() ? "" : ",") + c->sha256;
  }
  bool anchors = has_trust_anchor(store);
  std::string message =
      std::to_string(n) + (one ? " certificate" : " certificates") + " in this PKCS#12 file " +
      (one ? "is" : "are") + " invisible to Java (" + subjects + "): Java loads " +
      (one ? "it" : "them") + " but lists no entry for " + (one ? "it" : "them") +
      " and never trusts " + (one ? "it" : "them") +
      ", because a certificate bag becomes a "
      "trusted-certificate entry only when it carries Oracle's trustedKeyUsage attribute "
      "(2.16.840.1.113894.746875.1.1) and " +
      (one ? "it is" : "these are") +
      " in no key "
      "entry's chain either. openssl pkcs12 -export writes CA certificates without the attribute "
      "(OpenSSL 3.2+ adds it with -jdktrust anyExtendedKeyUsage)";
  if (!anchors) {
    message +=
        ". This store has no trust anchor at all: used as a truststore, Java fails with "
        "\"the trustAnchors parameter must be non-empty\"";
  }
  Finding f = make("PKCS12_CERTS_INVISIBLE_TO_JAVA",
                   anchors ? Severity::kWarning : Severity::kError, std::move(message),
                   "make them trusted-certificate entries: ksdoctor repair or ksdoctor convert "
                   "will do it once available; meanwhile import each one with keytool: keytool "
                   "-importcert -trustcacerts -alias NAME -file ca.pem -keystore STORE "
                   "-storetype PKCS12 (one alias per certificate: " +
                       subjects + ")");
  f.details = {{"count", std::to_string(n)}, {"subjects", subjects}, {"sha256", hashes}};
  out.push_back(std::move(f));
}

void ignored_bags(const Keystore& store, std::vector<Finding>& out) {
  for (const IgnoredBag& bag : store.ignored_bags) {
    std::string name = bag.friendly_name.empty() ? "" : " '" + bag.friendly_name + "'";
    Finding f;
    if (bag.type == "keyBag") {
      f = make(
          "PKCS12_BAG_IGNORED_BY_JAVA", Severity::kError,
          "the private key" + name +
              " is stored unencrypted (a keyBag, as openssl pkcs12 "
              "-export -keypbe NONE writes it): Java's PKCS12 keystore reads only encrypted "
              "keys (pkcs8ShroudedKeyBag) and silently drops it, so Java sees no key entry for "
              "it",
          "export the key encrypted: openssl pkcs12 -export without -keypbe NONE (the "
          "default encrypts it), then check with ksdoctor inspect");
    } else {
      f = make("PKCS12_BAG_IGNORED_BY_JAVA", Severity::kInfo,
               "a " + bag.type + name +
                   " in this PKCS#12 file is skipped by Java's PKCS12 "
                   "keystore, which reads only pkcs8ShroudedKeyBag, certBag and secretBag",
               "nothing to do unless another program needs what it holds");
    }
    f.details = {{"bag_type", bag.type}};
    if (!bag.friendly_name.empty()) f.details.emplace_back("friendly_name", bag.friendly_name);
    out.push_back(std::move(f));
  }
}

// Explains the KEY_ENTRY_WITHOUT_CHAIN findings inspect already made for this store.
void explain_chainless_keys(const Keystore& store, std::vector<Finding>& out) {
  const Pkcs12Protection* p = store.protection ? &*store.protection : nullptr;
  bool certs_skipped = store.integrity == Integrity::kNotVerified && p &&
                       !p->cert_algorithm.empty() && p->cert_algorithm != "NONE";
  for (Finding& f : out) {
    if (f.code != "KEY_ENTRY_WITHOUT_CHAIN" || !f.alias) continue;
    const Entry* entry = nullptr;
    for (const Entry& e : store.entries) {
      if (e.alias == *f.alias && e.kind == EntryKind::kPrivateKey) entry = &e;
    }
    if (!entry) continue;
    if (entry->excluded_trusted_leaf) {
      const Certificate& leaf = *entry->excluded_trusted_leaf;
      f.message += ". Its certificate " + leaf.subject +
                   " is in the file, but that certificate "
                   "bag carries Oracle's trustedKeyUsage attribute, and Java never uses a "
                   "trusted-certificate bag for a key's chain (OpenSSL 3.2+ pkcs12 -export "
                   "-jdktrust puts the attribute on the leaf too)";
      f.remedy =
          "re-export the key and its chain without trustedKeyUsage on the leaf (openssl "
          "pkcs12 -export without -jdktrust), then add the CA certificates as trusted "
          "entries with keytool -importcert -trustcacerts; or ksdoctor repair once "
          "available";
      f.details.emplace_back("excluded_certificate", leaf.sha256);
    } else if (certs_skipped) {
      f.severity = Severity::kInfo;
      f.message = "key entry '" + *f.alias +
                  "' shows no certificate chain because the store "
                  "was opened without a password: Java then skips the encrypted certificates (" +
                  p->cert_algorithm +
                  "), exactly as KeyStore.load(in, null) does. A server "
                  "always opens its key store with the password and sees the chain";
      f.remedy =
          "give the store password (--storepass-env VAR, --storepass-file FILE or "
          "KSDOCTOR_STOREPASS) to see and check the chain";
    }
  }
}

void weak_protection(const Keystore& store, std::vector<Finding>& out) {
  if (!store.protection) return;
  const Pkcs12Protection& p = *store.protection;
  std::string cert_weak = weakness(p.cert_algorithm);
  if (!cert_weak.empty()) {
    Finding f = make("WEAK_PKCS12_PROTECTION", Severity::kWarning,
                     "the certificates are encrypted with " + p.cert_algorithm + " (" + cert_weak +
                         "), which offers no real protection; " + kJava17Defaults,
                     kRewriteRemedy);
    f.details = {{"part", "certificates"}, {"algorithm", p.cert_algorithm}};
    out.push_back(std::move(f));
  }
  for (const Entry& e : store.entries) {
    if (!e.key || e.kind == EntryKind::kTrustedCert) continue;
    std::string key_weak = weakness(e.key->algorithm);
    if (key_weak.empty()) continue;
    Finding f = make("WEAK_PKCS12_PROTECTION", Severity::kWarning,
                     "the key of '" + e.alias + "' is encrypted with " + e.key->algorithm + " (" +
                         key_weak + "), which offers no real protection; " + kJava17Defaults,
                     kRewriteRemedy);
    f.alias = e.alias;
    f.details = {{"part", "key"}, {"algorithm", e.key->algorithm}};
    out.push_back(std::move(f));
  }
  if (p.mac_algorithm == "HmacPBESHA1") {
    Finding f = make("WEAK_PKCS12_PROTECTION", Severity::kWarning,
                     "the integrity MAC is HmacPBESHA1 (SHA-1: what Java wrote before JDK 12, "
                     "11.0.12 and 8u301, and writes with -J-Dkeystore.pkcs12.legacy); " +
                         std::string(kJava17Defaults),
                     kRewriteRemedy);
    f.details = {{"part", "mac"}, {"algorithm", p.mac_algorithm}};
    out.push_back(std::move(f));
  }
  // Iteration counts below OpenSSL's and old Java's 2048.
  std::vector<std::string> low;
  if (p.cert_iterations > 0 && p.cert_iterations < 2048) {
    low.push_back("certificates " + std::to_string(p.cert_iterations));
  }
  std::set<int> key_iterations;
  for (const Entry& e : store.entries) {
    if (e.key && e.key->iterations > 0 && e.key->iterations < 2048) {
      key_iterations.insert(e.key->iterations);
    }
  }
  for (int it : key_iterations) low.push_back("keys " + std::to_string(it));
  if (!p.mac_algorithm.empty() && p.mac_iterations < 2048) {
    low.push_back("MAC " + std::to_string(p.mac_iterations));
  }
  if (!low.empty()) {
    std::string list;
    for (const std::string& s : low) list += (list.empty() ? "" : ", ") + s;
    Finding f = make("WEAK_PKCS12_PROTECTION", Severity::kWarning,
                     "low PBE iteration counts (" + list +
                         ") make the store password cheap to "
                         "guess; " +
                         kJava17Defaults,
                     kRewriteRemedy);
    f.details = {{"part", "iterations"}, {"iterations", list}};
    out.push_back(std::move(f));
  }
}

}  // namespace

void lint_pkcs12(const Keystore& store, std::vector<Finding>& out) {
  if (store.format != StoreFormat::kPkcs12) return;
  explain_chainless_keys(store, out);
  invisible_certificates(store, out);
  ignored_bags(store, out);
  weak_protection(store, out);
}

}  // namespace ksdoctor
