// From bags to KeyStore entries, as PKCS12KeyStore.engineLoad and loadSafeContents do it in JDK 17:
// a LinkedHashMap keyed by the lower-cased alias (a later bag replaces the value but keeps the
// position), "1", "2", ... for bags without friendlyName, the localKeyID "01"/"00" workarounds,
// creation dates from "Time <ms>" localKeyIDs, trusted certificates only with trustedKeyUsage, and
// key-to-certificate matching by localKeyID, then friendlyName.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ksdoctor/keystore.hpp"
#include "pkcs12_bags.hpp"

namespace ksdoctor::pkcs12 {

class EntryBuilder {
 public:
  // Applies one SafeContents' bags, in order (loadSafeContents after the bags are parsed).
  void add(std::vector<SafeBag> bags);

  // Matches keys with certificates, extends the chains and fills store.entries (in aliases()
  // order), store.hidden_certificates, store.ignored_bags and the key part of store.protection.
  void finish(Keystore& store);

 private:
  struct KeyRecord {
    bool secret = false;
    std::u16string alias;  // as in the bag (Java's entry.alias), not lower-cased
    Bytes key_id;          // after Java's "01"/"00" substitution
    Bytes local_key_id;    // the bag's attribute, empty when absent
    std::optional<std::int64_t> created_ms;
    Bytes blob;
    std::vector<CertPtr> chain;
    CertPtr excluded_trusted_leaf;
  };
  struct CertRecord {  // a certificate bag without trustedKeyUsage (PKCS12KeyStore.certEntries)
    CertPtr cert;
    std::optional<Bytes> key_id;
    std::optional<std::u16string> alias;
  };
  struct TrustedRecord {
    CertPtr cert;
    std::u16string alias;
    Bytes key_id;  // after the "01" substitution, empty when none
    Bytes local_key_id;
    std::vector<std::string> trusted_key_usage;
  };
  struct Slot {
    bool key = false;  // else trusted certificate
    std::size_t index = 0;
  };

  void put(const std::u16string& alias, Slot slot);
  std::u16string unfriendly_name() { return utf16(std::to_string(++counter_)); }
  static std::u16string utf16(const std::string& ascii) { return {ascii.begin(), ascii.end()}; }
  CertPtr find_matched_certificate(const KeyRecord& key) const;
  CertPtr excluded_trusted_leaf(const KeyRecord& key) const;

  int counter_ = 0;
  int private_key_count_ = 0;
  std::vector<std::u16string> order_;  // map keys in insertion order
  std::unordered_map<std::u16string, Slot> map_;
  std::vector<KeyRecord> keys_;  // every key bag Java kept (keyList, plus secret keys)
  std::vector<CertRecord> cert_entries_;
  std::vector<TrustedRecord> trusted_;
  std::vector<CertPtr> all_certs_;
  std::vector<IgnoredBag> ignored_;
};

}  // namespace ksdoctor::pkcs12
