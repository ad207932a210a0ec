// `inspect`: a keystore as Java sees it, with its keys checked and its certificates linted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/key_managers.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

struct InspectOptions {
  Password storepass;               // null: open as Java does with a null password
  std::optional<Password> keypass;  // defaults to the store password
  std::optional<StoreFormat> type;  // forced type; detected from content when empty
  std::int64_t now = 0;             // epoch seconds all validity checks are made at
  int warn_days = 30;
};

enum class KeyCheck { kNotChecked, kRecovered, kNotRecoverable, kUnreadable };
const char* key_check_name(KeyCheck check);  // "not_checked", "recovered", ...

struct KeyReport {
  KeyCheck status = KeyCheck::kNotChecked;
  std::string algorithm;              // "RSA 2048", "AES 256"; empty when not recovered
  std::optional<bool> matches_chain;  // private keys: does the key match chain[0]?
  std::string detail;                 // why it could not be recovered
};

struct InspectResult {
  Keystore store;
  std::vector<KeyReport> keys;  // parallel to store.entries (status kNotChecked for certs)
  std::vector<Finding> findings;
  // Which key entry a Java TLS server presents from this store; empty without a key password.
  std::optional<KeyManagerPrediction> key_managers;
};

// Throws FormatError / PasswordError when the store cannot be opened at all.
InspectResult inspect_keystore(ByteView bytes, const InspectOptions& options);

// Lint findings for one certificate as it appears in `alias` (validity at `now`, key size,
// signature algorithm). `role` names where it sits ("chain[1]", "trusted certificate").
void lint_certificate(const Certificate& cert, const std::string& alias, const std::string& role,
                      std::int64_t now, int warn_days, std::vector<Finding>& out);

// PKCS#12 findings (no-op for other formats): certificates Java loads but never lists
// (PKCS12_CERTS_INVISIBLE_TO_JAVA), bags Java drops (PKCS12_BAG_IGNORED_BY_JAVA), weak protection
// (WEAK_PKCS12_PROTECTION); and the cause added to the KEY_ENTRY_WITHOUT_CHAIN findings already in
// `out` (a leaf carrying trustedKeyUsage, or certificates skipped for lack of a password).
void lint_pkcs12(const Keystore& store, std::vector<Finding>& out);

}  // namespace ksdoctor
