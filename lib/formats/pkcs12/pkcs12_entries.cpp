#include "pkcs12_entries.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <unordered_set>

#include "core/text.hpp"
#include "pkcs12_chain.hpp"
#include "pkcs12_keys.hpp"

namespace ksdoctor::pkcs12 {
namespace {

bool equals_ignore_case(const std::u16string& a, const std::u16string& b) {
  return a.size() == b.size() && java_lowercase(a) == java_lowercase(b);
}

// The creation date Java restores from a localKeyID "Time <ms>" (Long.parseLong of the rest).
std::optional<std::int64_t> time_from_key_id(const Bytes& key_id) {
  static constexpr std::string_view kPrefix = "Time ";
  std::string_view s(reinterpret_cast<const char*>(key_id.data()), key_id.size());
  if (s.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  s.remove_prefix(kPrefix.size());
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);  // parseLong accepts a leading '+'
  if (s.empty() || s[0] == '+') return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

void EntryBuilder::put(const std::u16string& alias, Slot slot) {
  std::u16string key = java_lowercase(alias);
  auto [it, inserted] = map_.try_emplace(key, slot);
  if (inserted) {
    order_.push_back(std::move(key));
  } else {
    it->second = slot;  // LinkedHashMap.put: new value, old position
  }
}

void EntryBuilder::add(std::vector<SafeBag> bags) {
  // Java counts each private key as it parses its bag, before looking at the attributes, so the
  // "only one key so far" workarounds below see the keys of earlier bags and of this one.
  for (std::size_t i = 0; i < bags.size(); ++i) {
    SafeBag& bag = bags[i];
    switch (bag.type) {
      case BagType::kShroudedKey:
      case BagType::kSecret: {
        bool secret = bag.type == BagType::kSecret;
        if (!secret) ++private_key_count_;
        KeyRecord key;
        key.secret = secret;
        if (bag.local_key_id) {
          key.key_id = *bag.local_key_id;
          key.local_key_id = *bag.local_key_id;
        } else if (secret) {
          key.key_id = {'0', '0'};  // "keyId in a SecretKeyEntry is not significant"
        } else if (private_key_count_ == 1) {
          key.key_id = {'0', '1'};  // allows one key and its chain without localKeyID
        } else {
          continue;  // a second key without localKeyID is dropped
        }
        key.created_ms = time_from_key_id(key.key_id);
        key.alias = bag.friendly_name ? *bag.friendly_name : unfriendly_name();
        key.blob = std::move(bag.blob);
        keys_.push_back(std::move(key));
        put(keys_.back().alias, Slot{true, keys_.size() - 1});
        break;
      }
      case BagType::kCert: {
        std::optional<Bytes> key_id = bag.local_key_id;
        if (!key_id && private_key_count_ == 1 && i == 0) key_id = Bytes{'0', '1'};
        if (bag.trusted_key_usage) {
          TrustedRecord t;
          t.cert = bag.cert;
          t.alias = bag.friendly_name ? *bag.friendly_name : unfriendly_name();
          if (key_id) t.key_id = *key_id;
          if (bag.local_key_id) t.local_key_id = *bag.local_key_id;
          t.trusted_key_usage = std::move(*bag.trusted_key_usage);
          trusted_.push_back(std::move(t));
          put(trusted_.back().alias, Slot{false, trusted_.size() - 1});
        } else {
          cert_entries_.push_back(CertRecord{bag.cert, std::move(key_id), bag.friendly_name});
        }
        all_certs_.push_back(bag.cert);
        break;
      }
      case BagType::kOther: {
        IgnoredBag ignored;
        ignored.type = bag_type_name(bag.type_oid);
        if (bag.friendly_name) ignored.friendly_name = utf16_to_utf8(*bag.friendly_name);
        ignored_.push_back(std::move(ignored));
        break;
      }
    }
  }
}

CertPtr EntryBuilder::find_matched_certificate(const KeyRecord& key) const {
  const CertRecord* key_id_match = nullptr;
  const CertRecord* alias_match = nullptr;
  for (const CertRecord& ce : cert_entries_) {
    bool alias_equal = ce.alias && equals_ignore_case(key.alias, *ce.alias);
    if (ce.key_id && *ce.key_id == key.key_id) {
      key_id_match = &ce;
      if (alias_equal) return ce.cert;  // full match
    } else if (alias_equal) {
      alias_match = &ce;
    }
  }
  if (key_id_match) return key_id_match->cert;
  if (alias_match) return alias_match->cert;
  return nullptr;
}

CertPtr EntryBuilder::excluded_trusted_leaf(const KeyRecord& key) const {
  // The certificate findMatchedCertificate would have chosen had it looked at trusted bags too.
  for (const TrustedRecord& t : trusted_) {
    if (!t.key_id.empty() && t.key_id == key.key_id) return t.cert;
  }
  for (const TrustedRecord& t : trusted_) {
    if (equals_ignore_case(t.alias, key.alias)) return t.cert;
  }
  return nullptr;
}

void EntryBuilder::finish(Keystore& store) {
  if (store.protection && !keys_.empty()) {
    ProtectedKey first = pkcs12_describe_protected_key(keys_.front().blob);
    store.protection->key_algorithm = first.algorithm;
    store.protection->key_iterations = first.iterations;
  }
  ChainBuilder chains(all_certs_);
  store.entries.reserve(order_.size());
  std::unordered_set<std::string_view> listed;  // SHA-256 of every certificate Java shows
  for (const std::u16string& alias : order_) {
    const Slot& slot = map_.at(alias);
    Entry entry;
    entry.alias_utf16 = alias;
    entry.alias = utf16_to_utf8(alias);
    if (slot.key) {
      KeyRecord& key = keys_[slot.index];
      entry.kind = key.secret ? EntryKind::kSecretKey : EntryKind::kPrivateKey;
      entry.created_ms = key.created_ms;
      if (!key.secret) {
        if (CertPtr leaf = find_matched_certificate(key)) entry.chain = chains.chain_from(leaf);
        if (entry.chain.empty()) entry.excluded_trusted_leaf = excluded_trusted_leaf(key);
      }
      entry.key = pkcs12_describe_protected_key(key.blob);
      entry.key->blob = std::move(key.blob);
      entry.local_key_id = key.local_key_id;
    } else {
      const TrustedRecord& t = trusted_[slot.index];
      entry.kind = EntryKind::kTrustedCert;
      entry.chain = {t.cert};
      entry.trusted_key_usage = t.trusted_key_usage;
      entry.local_key_id = t.local_key_id;
    }
    for (const CertPtr& c : entry.chain) listed.insert(c->sha256);
    store.entries.push_back(std::move(entry));
  }

  std::unordered_set<std::string_view> hidden;
  for (const CertPtr& c : all_certs_) {
    if (listed.count(c->sha256) || !hidden.insert(c->sha256).second) continue;
    store.hidden_certificates.push_back(c);
  }
  store.ignored_bags = std::move(ignored_);
}

}  // namespace ksdoctor::pkcs12
