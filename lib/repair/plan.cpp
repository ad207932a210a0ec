// repair's plan: verify_keystore's rebuilt paths become the new chains, verify_peer says which
// source certificates a peer's chain needs, and the planned keystore is verified again so the
// plan can say what is still wrong.
#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/strings.hpp"
#include "ksdoctor/chains.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/writers.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {
namespace {

constexpr int kMaxPeerImports = 8;  // a peer never needs more than its chain's CAs

bool same(const CertPtr& a, const CertPtr& b) { return a->sha256 == b->sha256; }

bool contains(const std::vector<CertPtr>& certs, const CertPtr& cert) {
  return std::any_of(certs.begin(), certs.end(), [&](const CertPtr& c) { return same(c, cert); });
}

Finding peer_finding(const std::string& code, Severity severity, std::string message,
                     std::string remedy, const std::string& peer) {
  Finding f;
  f.code = code;
  f.severity = severity;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  f.details.emplace_back("peer", peer);
  return f;
}

// The new chain for one entry, or the stored one when nothing needs to change.
std::vector<CertPtr> rebuilt_chain(const EntryChainReport& r) {
  std::vector<CertPtr> path;
  for (const PathLink& link : r.path) path.push_back(link.cert);
  // A broken path ends with a name-matching certificate whose key does not verify: not an issuer.
  if (!r.reaches_root && path.size() >= 2 && !r.path[path.size() - 2].signature_ok) {
    path.pop_back();
  }
  if (r.reaches_root) return path;
  // No root: keep what cannot be placed (it may be the part of the chain we cannot check).
  std::vector<CertPtr> out = path;
  for (const CertPtr& c : r.stored) {
    if (!contains(out, c)) out.push_back(c);
  }
  return out;
}

void describe_chain_change(const EntryChainReport& r, const std::vector<CertPtr>& after,
                           std::vector<RepairChange>& changes) {
  auto origin_of = [&](const CertPtr& c) {
    for (const PathLink& link : r.path) {
      if (same(link.cert, c)) return link.origin;
    }
    return CertOrigin();
  };
  for (std::size_t i = 1; i < after.size(); ++i) {
    if (contains(r.stored, after[i])) continue;
    bool root = r.reaches_root && i + 1 == after.size();
    RepairChange c;
    c.action = root ? RepairAction::kAddRoot : RepairAction::kAddIntermediate;
    c.alias = r.alias;
    c.cert = after[i];
    c.origin = origin_of(after[i]);
    c.reason = root ? "the rebuilt chain ends with its self-signed root, as keytool installs a "
                      "CA reply"
                    : "the issuer of " + after[i - 1]->subject +
                          " was missing from the chain: peers that do not hold it fail with "
                          "\"PKIX path building failed\"";
    changes.push_back(std::move(c));
  }
  std::unordered_set<std::string> seen;
  std::vector<CertPtr> kept;
  for (const CertPtr& c : r.stored) {
    bool duplicate = !seen.insert(c->sha256).second;
    if (!duplicate && contains(after, c)) {
      kept.push_back(c);
      continue;
    }
    RepairChange d;
    d.action = RepairAction::kDropCertificate;
    d.alias = r.alias;
    d.cert = c;
    d.reason = duplicate ? "a second copy of a certificate already in the chain"
                         : "not on the path from the leaf to its root (Java would send it for "
                           "nothing, and strict peers reject chains with unrelated certificates)";
    changes.push_back(std::move(d));
  }
  // Kept certificates in a different relative order: the chain was out of order.
  std::vector<CertPtr> kept_after;
  for (const CertPtr& c : after) {
    if (contains(kept, c)) kept_after.push_back(c);
  }
  if (!std::equal(kept.begin(), kept.end(), kept_after.begin(), kept_after.end(), same)) {
    RepairChange o;
    o.action = RepairAction::kReorderChain;
    o.alias = r.alias;
    o.reason =
        "the chain was not in issuer order (each certificate followed by its issuer); "
        "Java sends it as stored and strict peers reject it";
    changes.push_back(std::move(o));
  }
}

// PKCS#12 keeps no chain as written: Java rebuilds every key's chain by issuer name from all the
// file's certificates when it loads it. Where the planned file would come back different (an
// untouched chain whose issuer the repair brings into the file, say), the plan says so and plans
// what Java will see, so that the dry run and the read-back check tell the truth.
void plan_pkcs12_reload(const Keystore& store, const CertPool& sources, RepairPlan& plan) {
  Keystore planned = apply_plan(store, plan);
  Keystore seen = pkcs12_as_java_reloads(planned);
  for (std::size_t i = 0; i < planned.entries.size(); ++i) {
    const Entry& want = planned.entries[i];
    const std::vector<CertPtr>& got = seen.entries[i].chain;
    if (want.kind != EntryKind::kPrivateKey ||
        std::equal(want.chain.begin(), want.chain.end(), got.begin(), got.end(), same)) {
      continue;
    }
    for (const CertPtr& c : got) {
      if (contains(want.chain, c)) continue;
      RepairChange add;
      add.action = c->self_issued() ? RepairAction::kAddRoot : RepairAction::kAddIntermediate;
      add.alias = want.alias;
      add.cert = c;
      add.origin = sources.origin(*c);
      if (add.origin.kind == CertOrigin::Kind::kUnknown) add.origin = CertOrigin::keystore_entry();
      add.reason =
          "Java rebuilds PKCS#12 chains by issuer name when it loads the file, and the "
          "repaired file holds this issuer";
      plan.changes.push_back(std::move(add));
    }
    for (const CertPtr& c : want.chain) {
      if (contains(got, c)) continue;
      RepairChange drop;
      drop.action = RepairAction::kDropCertificate;
      drop.alias = want.alias;
      drop.cert = c;
      drop.reason =
          "Java rebuilds PKCS#12 chains by issuer name when it loads the file and "
          "does not reach this certificate from the leaf";
      plan.changes.push_back(std::move(drop));
    }
    auto it = std::find_if(plan.chains.begin(), plan.chains.end(),
                           [&](const ChainRepair& c) { return c.alias == want.alias; });
    if (it != plan.chains.end()) {
      it->after = got;
    } else {
      const Entry& original = store.entries[i];
      plan.chains.push_back(ChainRepair{want.alias, original.chain, got});
    }
  }
}

std::vector<std::string> all_aliases(const Keystore& store, const RepairPlan& plan) {
  std::vector<std::string> out;
  for (const Entry& e : store.entries) out.push_back(e.alias);
  for (const NewTrustedEntry& t : plan.trusted) out.push_back(t.alias);
  return out;
}

// verify_peer findings that name a certificate to import; the ones the sources hold.
// A certificate fetched over the network (`--from aia`) proves nothing by itself: it may become a
// trust anchor only when a certificate the keystore already trusts signed it.
bool may_trust(const CertPtr& cert, const CertPool& sources, const std::vector<CertPtr>& anchors) {
  if (sources.origin(*cert).kind != CertOrigin::Kind::kAia) return true;
  for (const CertPtr& anchor : anchors) {
    if (anchor->subject_der == cert->issuer_der && !cert->self_issued() &&
        signature_valid(*cert, *anchor)) {
      return true;
    }
  }
  return false;
}

CertPtr importable(const PeerVerdict& v, const std::unordered_map<std::string, CertPtr>& by_sha,
                   const std::vector<CertPtr>& anchors, const CertPool& sources) {
  for (const Finding& f : v.findings) {
    if (f.code != "MISSING_INTERMEDIATE" && f.code != "UNTRUSTED_ROOT") continue;
    for (const auto& [key, value] : f.details) {
      if (key != "sha256") continue;
      auto it = by_sha.find(value);
      if (it != by_sha.end() && !contains(anchors, it->second) &&
          may_trust(it->second, sources, anchors)) {
        return it->second;
      }
    }
  }
  return nullptr;
}

void plan_peer(const std::vector<CertPtr>& chain, const Keystore& store, const CertPool& sources,
               const std::unordered_map<std::string, CertPtr>& by_sha, const RepairOptions& options,
               int index, RepairPlan& plan) {
  PeerRepair p;
  PeerCheckOptions check;
  check.now = options.now;
  check.tls_server = options.tls_server;
  std::vector<CertPtr> anchors = java_trust_anchors(apply_plan(store, plan));
  PeerVerdict before = verify_peer(chain, anchors, sources, check);
  p.leaf = chain.empty() ? nullptr : chain[0];
  p.trusted_before = p.trusted_after = before.trusted;
  p.java_message_before = p.java_message_after = before.java_message;
  if (!before.trusted && !chain.empty()) {
    // Import what verify_peer names, one certificate at a time, until Java would accept it; keep
    // the imports only if it then does.
    std::vector<CertPtr> imports;
    std::vector<CertPtr> trial = anchors;
    PeerVerdict v = before;
    for (int round = 0; round < kMaxPeerImports && !v.trusted; ++round) {
      CertPtr next = importable(v, by_sha, trial, sources);
      if (!next) break;
      imports.push_back(next);
      trial.push_back(next);
      v = verify_peer(chain, trial, sources, check);
    }
    if (v.trusted) {
      p.trusted_after = true;
      p.java_message_after.clear();
      for (const CertPtr& cert : imports) {
        NewTrustedEntry t;
        t.alias = derive_alias(*cert, all_aliases(store, plan));
        t.cert = cert;
        RepairChange c;
        c.action = RepairAction::kAddTrustedEntry;
        c.alias = t.alias;
        c.cert = cert;
        c.origin = sources.origin(*cert);
        c.peer = index;
        c.reason = "the peer " + chain[0]->subject + " does not send " + cert->subject +
                   " and the keystore does not trust it: Java fails with \"" + before.java_message +
                   "\"";
        p.added_aliases.push_back(t.alias);
        plan.trusted.push_back(std::move(t));
        plan.changes.push_back(std::move(c));
      }
    }
  }
  if (!p.trusted_after && !chain.empty()) {
    // The sources cannot fix it: would trusting a CA certificate of the peer's own chain?
    IntermediatePin pin_found = find_intermediate_pin(chain, anchors, check);
    if (pin_found.verdict == PinVerdict::kPinnable) {
      pin_found.alias = derive_alias(*pin_found.cert, all_aliases(store, plan));
      if (options.trust_intermediate) {
        pin_found.applied = true;
        p.trusted_after = true;
        p.java_message_after.clear();
        NewTrustedEntry t;
        t.alias = pin_found.alias;
        t.cert = pin_found.cert;
        t.pinned = true;
        RepairChange c;
        c.action = RepairAction::kPinIntermediate;
        c.alias = t.alias;
        c.cert = pin_found.cert;
        c.peer = index;
        std::string code =
            pin_found.broken_check
                ? std::string(" (") + path_problem_code(*pin_found.broken_check) + ")"
                : std::string();
        c.reason = "the peer's chain passes through " + pin_found.broken->subject +
                   ", which Java refuses" + code +
                   ", above this valid CA certificate: trusted itself, it ends Java's path "
                   "below the refused one";
        p.added_aliases.push_back(t.alias);
        plan.trusted.push_back(std::move(t));
        plan.changes.push_back(std::move(c));
      }
    }
    p.pin = std::move(pin_found);
  }
  plan.peers.push_back(std::move(p));
}

}  // namespace

const char* repair_action_name(RepairAction action) {
  switch (action) {
    case RepairAction::kAddIntermediate:
      return "add_intermediate";
    case RepairAction::kAddRoot:
      return "add_root";
    case RepairAction::kReorderChain:
      return "reorder_chain";
    case RepairAction::kDropCertificate:
      return "drop_certificate";
    case RepairAction::kAddTrustedEntry:
      return "add_trusted_entry";
    case RepairAction::kPinIntermediate:
      return "pin_intermediate";
  }
  return "unknown";
}

bool RepairPlan::sound() const {
  if (has_errors(remaining)) return false;
  return std::all_of(peers.begin(), peers.end(),
                     [](const PeerRepair& p) { return p.trusted_after; });
}

std::string derive_alias(const Certificate& cert, const std::vector<std::string>& taken) {
  std::string name;
  for (std::string_view type : {kCommonName, kOrganizationalUnit, kOrganization}) {
    name = cert.subject_attribute(type);
    if (!name.empty()) break;
  }
  // Only a-z, 0-9 and '-': Java lower-cases JKS aliases with Locale.ENGLISH, and anything else
  // (spaces, non-ASCII letters) is awkward to type in keytool -alias.
  std::string base;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 0x80) {
      base.push_back(static_cast<char>(std::tolower(c)));
    } else if (!base.empty() && base.back() != '-') {
      base.push_back('-');
    }
  }
  if (base.size() > 64) base.resize(64);
  while (!base.empty() && base.back() == '-') base.pop_back();
  if (base.empty()) base = "certificate";
  std::unordered_set<std::string> used;
  for (const std::string& a : taken) used.insert(lower(a));
  std::string alias = base;
  for (int n = 2; used.count(lower(alias)); ++n) alias = base + "-" + std::to_string(n);
  return alias;
}

Keystore apply_plan(const Keystore& store, const RepairPlan& plan) {
  Keystore out = store;
  for (const ChainRepair& c : plan.chains) {
    for (Entry& e : out.entries) {
      if (e.kind == EntryKind::kPrivateKey && e.alias == c.alias) e.chain = c.after;
    }
  }
  if (plan.converts_hidden) out.hidden_certificates.clear();
  for (const NewTrustedEntry& t : plan.trusted) {
    Entry e;
    e.alias = t.alias;
    e.alias_utf16.assign(t.alias.begin(), t.alias.end());  // ASCII by construction
    e.kind = EntryKind::kTrustedCert;
    e.created_ms = plan.created_ms;
    e.chain = {t.cert};
    if (store.format == StoreFormat::kPkcs12) e.trusted_key_usage = {oids::kAnyExtendedKeyUsage};
    out.entries.push_back(std::move(e));
  }
  return out;
}

RepairPlan plan_repair(const Keystore& store, const CertPool& sources,
                       const std::vector<std::vector<CertPtr>>& peers,
                       const RepairOptions& options) {
  RepairPlan plan;
  plan.created_ms = options.created_ms;

  // 1. PKCS#12 certificates Java loads but never shows become trusted entries first, so that
  // chains and peers below can use them as the keystore's own certificates.
  bool whole_store = options.only_alias.empty();
  if (whole_store && !store.hidden_certificates.empty()) {
    plan.converts_hidden = true;
    for (const CertPtr& cert : store.hidden_certificates) {
      NewTrustedEntry t;
      t.alias = derive_alias(*cert, all_aliases(store, plan));
      t.cert = cert;
      t.from_hidden = true;
      RepairChange c;
      c.action = RepairAction::kAddTrustedEntry;
      c.alias = t.alias;
      c.cert = cert;
      c.origin = CertOrigin::keystore_hidden();
      c.reason =
          "the file holds it without Oracle's trustedKeyUsage attribute, so Java loads it "
          "but neither lists nor trusts it";
      plan.trusted.push_back(std::move(t));
      plan.changes.push_back(std::move(c));
    }
  }

  // 2. Every usable key entry's chain, along verify_keystore's path.
  KeystoreVerifyOptions verify;
  verify.now = options.now;
  verify.tls_server = options.tls_server;
  verify.name_origin = options.name_origin;
  Keystore with_hidden = apply_plan(store, plan);
  KeystoreVerifyReport report = verify_keystore(with_hidden, sources, verify);
  for (const EntryChainReport& r : report.entries) {
    if (!whole_store && r.alias != options.only_alias) continue;
    std::vector<CertPtr> after = rebuilt_chain(r);
    if (std::equal(after.begin(), after.end(), r.stored.begin(), r.stored.end(), same)) continue;
    describe_chain_change(r, after, plan.changes);
    plan.chains.push_back(ChainRepair{r.alias, r.stored, std::move(after)});
  }

  // 3. Peers, each against the keystore as planned so far.
  std::unordered_map<std::string, CertPtr> by_sha;
  for (const CertPtr& c : sources.all()) by_sha.emplace(c->sha256, c);
  for (std::size_t i = 0; i < peers.size(); ++i) {
    plan_peer(peers[i], store, sources, by_sha, options, static_cast<int>(i), plan);
  }

  if (store.format == StoreFormat::kPkcs12) plan_pkcs12_reload(store, sources, plan);

  // 4. What is still wrong once the plan is applied.
  Keystore planned = apply_plan(store, plan);
  KeystoreVerifyReport after = verify_keystore(planned, sources, verify);
  for (Finding& f : after.findings) {
    if (whole_store || f.alias == options.only_alias) plan.remaining.push_back(std::move(f));
  }
  PeerCheckOptions check;
  check.now = options.now;
  check.tls_server = options.tls_server;
  std::vector<CertPtr> anchors = java_trust_anchors(planned);
  for (std::size_t i = 0; i < peers.size(); ++i) {
    PeerRepair& p = plan.peers[i];
    if (peers[i].empty()) {
      plan.remaining.push_back(
          peer_finding("PEER_UNTRUSTED", Severity::kError, "the peer chain holds no certificate",
                       "give --peer a PEM/DER file with the peer's chain", "(empty)"));
      continue;
    }
    PeerVerdict v = verify_peer(peers[i], anchors, sources, check);
    p.trusted_after = v.trusted;
    p.java_message_after = v.java_message;
    if (v.trusted) continue;
    std::string subject = peers[i][0]->subject;
    bool named = false;
    for (Finding f : v.findings) {
      f.details.emplace_back("peer", subject);
      named = named || f.severity == Severity::kError;
      plan.remaining.push_back(std::move(f));
    }
    if (!named) {
      plan.remaining.push_back(peer_finding(
          "PEER_UNTRUSTED", Severity::kError,
          "Java still rejects the peer " + subject + ": " + v.java_message,
          "no --from source holds a certificate that fixes this; see ksdoctor verify --peer",
          subject));
    }
  }
  return plan;
}

}  // namespace ksdoctor
