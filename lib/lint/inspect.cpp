#include "ksdoctor/inspect.hpp"

#include "ksdoctor/formats.hpp"

namespace ksdoctor {
namespace {

Finding entry_finding(std::string code, Severity severity, const Entry& entry, std::string message,
                      std::string remedy) {
  Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.alias = entry.alias;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  return f;
}

KeyReport check_private_key(const Keystore& store, const Entry& entry, const Password& keypass,
                            std::vector<Finding>& findings) {
  KeyReport report;
  try {
    SecureBytes pkcs8 = recover_private_key(store, entry, keypass);
    report.status = KeyCheck::kRecovered;
    report.algorithm = describe_private_key(pkcs8).describe();
    if (!entry.chain.empty()) {
      report.matches_chain = private_key_matches(pkcs8, *entry.chain[0]);
      if (!*report.matches_chain) {
        auto f = entry_finding(
            "KEY_CERT_MISMATCH", Severity::kError, entry,
            "the private key of '" + entry.alias + "' does not match its certificate " +
                entry.chain[0]->subject + ": TLS handshakes with this entry fail",
            "import the certificate issued for this key (keytool -importcert -alias " +
                entry.alias + " -file signed.pem), or restore the matching key");
        f.details.emplace_back("sha256", entry.chain[0]->sha256);
        findings.push_back(std::move(f));
      }
    }
  } catch (const PasswordError& e) {
    report.status = KeyCheck::kNotRecoverable;
    report.detail = e.what();
    findings.push_back(entry_finding(
        "KEY_NOT_RECOVERABLE", Severity::kError, entry,
        "the key of '" + entry.alias + "' cannot be recovered with the key password (Java: " +
            e.what() + "); a server that opens its keystore with one password cannot use it",
        "give the right key password with --keypass-env/--keypass-file, or set the key password "
        "equal to the store password: keytool -keypasswd -alias " +
            entry.alias));
  } catch (const Error& e) {
    report.status = KeyCheck::kUnreadable;
    report.detail = e.what();
    findings.push_back(entry_finding("KEY_UNREADABLE", Severity::kError, entry,
                                     "the key of '" + entry.alias + "' cannot be read: " + e.what(),
                                     "re-import the key pair from its original source"));
  }
  return report;
}

KeyReport check_secret_key(const Keystore& store, const Entry& entry, const Password& keypass,
                           std::vector<Finding>& findings) {
  KeyReport report;
  try {
    SecretKeyInfo info = recover_secret_key(store, entry, keypass);
    report.status = KeyCheck::kRecovered;
    report.algorithm = info.algorithm + (info.bits ? " " + std::to_string(info.bits) : "");
  } catch (const PasswordError& e) {
    report.status = KeyCheck::kNotRecoverable;
    report.detail = e.what();
    findings.push_back(
        entry_finding("KEY_NOT_RECOVERABLE", Severity::kError, entry,
                      "the secret key of '" + entry.alias +
                          "' cannot be recovered with the key password (" + e.what() + ")",
                      "give the right key password with --keypass-env or --keypass-file"));
  } catch (const Error& e) {
    report.status = KeyCheck::kUnreadable;
    report.detail = e.what();
    findings.push_back(
        entry_finding("KEY_UNREADABLE", Severity::kError, entry,
                      "the secret key of '" + entry.alias + "' cannot be read: " + e.what(),
                      "re-create the secret key entry"));
  }
  return report;
}

void check_chain_shape(const Entry& entry, std::vector<Finding>& findings) {
  if (entry.chain.empty()) {
    findings.push_back(entry_finding(
        "KEY_ENTRY_WITHOUT_CHAIN", Severity::kError, entry,
        "key entry '" + entry.alias +
            "' has no certificate chain: Java's KeyManager skips it, "
            "so the server has no certificate to present",
        "import the signed certificate (and its CA chain) for this key: keytool -importcert "
        "-alias " +
            entry.alias + " -file chain.pem"));
  } else if (entry.chain.size() == 1 && !entry.chain[0]->self_issued()) {
    Finding f = entry_finding(
        "KEY_CHAIN_LEAF_ONLY", Severity::kWarning, entry,
        "key entry '" + entry.alias + "' holds only its own certificate, issued by " +
            entry.chain[0]->issuer + ": peers that lack that intermediate cannot build a path",
        "add the issuing CA chain: ksdoctor repair --from CA-BUNDLE.pem, or keytool -importcert "
        "-alias " +
            entry.alias + " -file fullchain.pem");
    f.details.emplace_back("issuer", entry.chain[0]->issuer);
    findings.push_back(std::move(f));
  }
}

}  // namespace

const char* key_check_name(KeyCheck check) {
  switch (check) {
    case KeyCheck::kNotChecked:
      return "not_checked";
    case KeyCheck::kRecovered:
      return "recovered";
    case KeyCheck::kNotRecoverable:
      return "not_recoverable";
    case KeyCheck::kUnreadable:
      return "unreadable";
  }
  return "?";
}

InspectResult inspect_keystore(ByteView bytes, const InspectOptions& options) {
  InspectResult result;
  result.store = read_keystore(bytes, options.storepass, options.type);
  const Keystore& store = result.store;
  std::vector<Finding>& findings = result.findings;
  const Password& keypass = options.keypass ? *options.keypass : options.storepass;

  if (store.integrity == Integrity::kNotVerified) {
    Finding f;
    f.code = "INTEGRITY_NOT_VERIFIED";
    f.severity = Severity::kWarning;
    f.message =
        "opened without a store password, as Java does with a null password: the "
        "keystore's integrity was not verified and keys were not checked";
    f.remedy =
        "give the store password (--storepass-env VAR, --storepass-file FILE or "
        "KSDOCTOR_STOREPASS) to verify integrity and check keys";
    findings.push_back(std::move(f));
  }

  std::size_t anchors = 0;
  for (const Entry& entry : store.entries) {
    KeyReport report;
    bool lookupable = store.lookupable(entry);
    if (!lookupable) {
      findings.push_back(entry_finding(
          "ALIAS_NOT_LOOKUPABLE", Severity::kError, entry,
          "alias '" + entry.alias + "' has upper-case letters: Java lower-cases every lookup in " +
              format_name(store.format) +
              ", so keytool and the JVM's key and trust managers "
              "never reach this entry",
          "re-create the entry under a lower-case alias with the tool that wrote it (keytool "
          "itself cannot reach the entry to rename it)"));
    }
    if (entry.kind == EntryKind::kPrivateKey) {
      check_chain_shape(entry, findings);
      if (!keypass.is_null()) report = check_private_key(store, entry, keypass, findings);
    } else if (entry.kind == EntryKind::kSecretKey) {
      if (!keypass.is_null()) report = check_secret_key(store, entry, keypass, findings);
    }
    if (lookupable && !entry.chain.empty() && entry.kind != EntryKind::kSecretKey) ++anchors;
    for (std::size_t i = 0; i < entry.chain.size(); ++i) {
      std::string role = entry.kind == EntryKind::kTrustedCert ? "trusted certificate"
                                                               : "chain[" + std::to_string(i) + "]";
      lint_certificate(*entry.chain[i], entry.alias, role, options.now, options.warn_days,
                       findings);
    }
    result.keys.push_back(std::move(report));
  }
  lint_pkcs12(store, findings);
  if (!keypass.is_null()) {
    result.key_managers = predict_key_managers(store, keypass, options.now);
    std::vector<Finding> presented = key_manager_findings(store, *result.key_managers, options.now);
    findings.insert(findings.end(), presented.begin(), presented.end());
  }

  if (anchors == 0) {
    Finding f;
    f.code = "EMPTY_TRUST_ANCHORS";
    f.severity = Severity::kError;
    f.message =
        "Java finds no trust anchor in this keystore (no reachable trusted-certificate "
        "entry and no key entry with a certificate): used as a truststore it fails with "
        "\"the trustAnchors parameter must be non-empty\"";
    f.remedy =
        "import the CA certificates to trust: keytool -importcert -trustcacerts -alias "
        "NAME -file ca.pem";
    findings.push_back(std::move(f));
  }
  return result;
}

}  // namespace ksdoctor
