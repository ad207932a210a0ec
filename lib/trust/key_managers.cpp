// SunX509KeyManagerImpl and X509KeyManagerImpl (JDK 17) as chooseServerAlias(type, null, null)
// answers for a keystore, from the keystore alone (docs/findings.md, EXPIRED_KEY_ENTRY_PRESENTED).
#include "ksdoctor/key_managers.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/java_hashmap.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/timeutil.hpp"
#include "pkix.hpp"

namespace ksdoctor {
namespace {

// CheckType.SERVER's validEku: anyExtendedKeyUsage, serverAuth, Netscape and Microsoft SGC.
constexpr std::array<std::string_view, 4> kServerEku = {
    "2.5.29.37.0", "1.3.6.1.5.5.7.3.1", "2.16.840.1.113730.4.1", "1.3.6.1.4.1.311.10.3.3"};

bool valid_at(const Certificate& cert, std::int64_t now) {
  return now >= cert.not_before && now <= cert.not_after;
}

// CheckType.SERVER.check(cert, now) without server names: extensions first, then validity.
KeyEntryFitness fitness(const Certificate& cert, const std::string& key_type, std::int64_t now) {
  if (!cert.ext_key_usage.empty() &&
      std::none_of(cert.ext_key_usage.begin(), cert.ext_key_usage.end(), [](const auto& oid) {
        return std::find(kServerEku.begin(), kServerEku.end(), oid) != kServerEku.end();
      })) {
    return KeyEntryFitness::kExtensionMismatch;
  }
  if (cert.key_usage) {
    unsigned ku = *cert.key_usage;
    bool signature = ku & kDigitalSignature;
    bool mismatch = false;
    if (key_type == "RSA") {
      mismatch = !signature && !(ku & kKeyEncipherment);
    } else if (key_type == "RSASSA-PSS" || key_type == "DSA") {
      mismatch = !signature;
    } else if (key_type == "DH") {
      mismatch = !(ku & kKeyAgreement);
    } else if (key_type == "EC") {
      // Java also asks a server's EC certificate for keyAgreement.
      mismatch = !signature || !(ku & kKeyAgreement);
    }
    if (mismatch) return KeyEntryFitness::kExtensionMismatch;
  }
  return valid_at(cert, now) ? KeyEntryFitness::kOk : KeyEntryFitness::kExpired;
}

// X509KeyManagerImpl.conformsToAlgorithmConstraints with SSLAlgorithmConstraints.DEFAULT (what
// chooseServerAlias uses without a socket): every certificate's key and signature algorithm.
bool algorithms_allowed(const std::vector<CertPtr>& chain) {
  return std::all_of(chain.begin(), chain.end(), [](const CertPtr& c) {
    return pkix::disabled_key_reason(c->key).empty() &&
           !pkix::signature_algorithm_disabled(c->signature_algorithm);
  });
}

// KeyStore.getKey(alias, password): any failure makes SunX509's constructor throw.
bool key_opens(const Keystore& store, const Entry& entry, const Password& keypass) {
  try {
    if (entry.kind == EntryKind::kPrivateKey) {
      recover_private_key(store, entry, keypass);
    } else {
      recover_secret_key(store, entry, keypass);
    }
    return true;
  } catch (const Error&) {
    return false;
  }
}

PresentedAlias& type_slot(std::vector<PresentedAlias>& types, const std::string& key_type) {
  for (PresentedAlias& t : types) {
    if (t.key_type == key_type) return t;
  }
  types.emplace_back().key_type = key_type;
  return types.back();
}

const KeyManagerCandidate* find_candidate(const PresentedAlias& type, const std::string& alias) {
  for (const KeyManagerCandidate& c : type.candidates) {
    if (c.alias == alias) return &c;
  }
  return nullptr;
}

}  // namespace

std::string java_key_type(const PublicKeyInfo& key) {
  if (key.algorithm == "Ed25519" || key.algorithm == "Ed448") return "EdDSA";
  if (key.algorithm == "X25519" || key.algorithm == "X448") return "XDH";
  return key.algorithm;
}

const char* key_entry_fitness_name(KeyEntryFitness fitness) {
  switch (fitness) {
    case KeyEntryFitness::kOk:
      return "ok";
    case KeyEntryFitness::kExpired:
      return "expired";
    case KeyEntryFitness::kExtensionMismatch:
      return "extension_mismatch";
  }
  return "?";
}

bool KeyManagerPrediction::ambiguous() const {
  return sunx509_init_fails ||
         std::any_of(by_key_type.begin(), by_key_type.end(),
                     [](const PresentedAlias& t) { return t.candidates.size() > 1; });
}

KeyManagerPrediction predict_key_managers(const Keystore& store, const Password& keypass,
                                          std::int64_t now) {
  KeyManagerPrediction p;
  // SunX509's credentialsMap, in put() order.
  std::vector<std::u16string> sun_keys;
  std::vector<std::string> sun_aliases;
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    // isKeyEntry(alias): JKS/JCEKS lower-case the lookup, so an upper-case alias is no key entry.
    if (e.kind == EntryKind::kTrustedCert || !store.lookupable(e)) continue;
    bool opens = key_opens(store, e, keypass);
    if (!opens) {
      p.sunx509_init_fails = true;
      p.unrecoverable_aliases.push_back(e.alias);
    }
    if (e.kind != EntryKind::kPrivateKey || e.chain.empty()) continue;
    std::string key_type = java_key_type(e.chain[0]->key);
    KeyManagerCandidate c;
    c.alias = e.alias;
    c.entry_index = i;
    c.fitness = fitness(*e.chain[0], key_type, now);
    c.key_recovers = opens;
    c.algorithms_allowed = algorithms_allowed(e.chain);
    type_slot(p.by_key_type, key_type).candidates.push_back(std::move(c));
    if (opens) {
      sun_keys.push_back(e.alias_utf16);
      sun_aliases.push_back(e.alias);
    }
  }

  // PKIX: the first OK entry in aliases() order, else the best by CheckResult (a stable sort).
  for (PresentedAlias& t : p.by_key_type) {
    const KeyManagerCandidate* best = nullptr;
    for (const KeyManagerCandidate& c : t.candidates) {
      if (!c.algorithms_allowed) continue;
      if (!best || c.fitness < best->fitness) best = &c;
    }
    if (best) t.pkix = best->alias;
  }

  // SunX509: the first alias of the credentials HashMap whose certificate key has the type.
  if (!p.sunx509_init_fails) {
    std::optional<std::vector<std::size_t>> order = java_hashmap_order(sun_keys);
    for (PresentedAlias& t : p.by_key_type) {
      if (!order) {
        t.sunx509_undetermined = true;
        continue;
      }
      for (std::size_t k : *order) {
        if (find_candidate(t, sun_aliases[k])) {
          t.sunx509 = sun_aliases[k];
          break;
        }
      }
    }
  }
  return p;
}

std::vector<Finding> key_manager_findings(const Keystore& store,
                                          const KeyManagerPrediction& prediction,
                                          std::int64_t now) {
  std::vector<Finding> out;
  for (const PresentedAlias& t : prediction.by_key_type) {
    if (!t.sunx509) continue;
    const KeyManagerCandidate* shown = find_candidate(t, *t.sunx509);
    if (!shown) continue;
    const Certificate& cert = *store.entries[shown->entry_index].chain[0];
    if (valid_at(cert, now)) continue;
    const KeyManagerCandidate* valid = nullptr;
    for (const KeyManagerCandidate& c : t.candidates) {
      if (c.key_recovers && valid_at(*store.entries[c.entry_index].chain[0], now)) {
        valid = &c;
        break;
      }
    }
    if (!valid) continue;
    bool expired = now > cert.not_after;
    Finding f;
    f.code = "EXPIRED_KEY_ENTRY_PRESENTED";
    f.severity = Severity::kError;
    f.alias = shown->alias;
    f.message = "Java's default key manager (SunX509) presents '" + shown->alias + "' for " +
                t.key_type + " keys, whose certificate " +
                (expired ? "expired on " + format_rfc3339(cert.not_after)
                         : "is not valid before " + format_rfc3339(cert.not_before)) +
                ", although '" + valid->alias +
                "' holds a valid one: SunX509 picks by its internal HashMap order, not by "
                "validity, so TLS peers are shown the " +
                (expired ? "expired" : "not yet valid") + " certificate";
    f.remedy = "remove the old entry (keytool -delete -alias " + shown->alias +
               "); if the server is configured with that alias, give the new key its alias "
               "afterwards (keytool -changealias -alias " +
               valid->alias + " -destalias " + shown->alias + ")";
    f.details.emplace_back("key_type", t.key_type);
    f.details.emplace_back("valid_alias", valid->alias);
    if (t.pkix) f.details.emplace_back("pkix_alias", *t.pkix);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace ksdoctor
