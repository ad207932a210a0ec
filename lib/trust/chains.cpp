// verify KEYSTORE: for each key entry, the path a peer needs from its leaf to a root, found among
// the stored chain, the keystore's other certificates and the --trust sources; then what is wrong
// with the stored chain (what Java will send) and with the path (what Java's validator says).
#include "ksdoctor/chains.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <unordered_set>

#include "pkix.hpp"
#include "x509/java_x500.hpp"

namespace ksdoctor {
namespace {

constexpr int kMaxStepsPerEntry = 4000;  // bounds same-DN floods and cross-sign cycles
constexpr std::size_t kMaxDepth = 12;

bool is_root(const Certificate& cert) { return cert.self_issued() && signature_valid(cert, cert); }

// Where each candidate issuer can come from, in preference order.
struct Sources {
  const std::vector<CertPtr>* stored = nullptr;
  const CertPool* keystore = nullptr;
  const CertPool* trust = nullptr;

  const OriginNamer* name = nullptr;  // how findings word an origin

  CertOrigin origin_of(const Certificate& cert) const {
    for (const CertPtr& c : *stored) {
      if (c->sha256 == cert.sha256) return CertOrigin::stored_chain();
    }
    if (keystore->contains(cert)) return keystore->origin(cert);
    return trust->origin(cert);
  }
};

// Issuer candidates whose name chains to `child`'s issuer, best first: a key identifier match,
// then certificates valid at `now`, then where they come from (stored, keystore, --trust).
std::vector<CertPtr> issuers_by_name(const Certificate& child, const Sources& sources,
                                     std::int64_t now) {
  std::vector<CertPtr> out;
  std::unordered_set<std::string> seen;
  auto take = [&](const CertPtr& c) {
    if (seen.insert(c->sha256).second) out.push_back(c);
  };
  for (const CertPtr& c : *sources.stored) {
    if (java_x500_equal(c->subject_der, child.issuer_der)) take(c);
  }
  for (const CertPtr& c : sources.keystore->with_subject(child.issuer_der)) take(c);
  for (const CertPtr& c : sources.trust->with_subject(child.issuer_der)) take(c);
  auto rank = [&](const CertPtr& c) {
    int r = 0;
    if (child.authority_key_id.empty() || c->subject_key_id != child.authority_key_id) r += 2;
    if (now < c->not_before || now > c->not_after) r += 1;
    return r;
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const CertPtr& a, const CertPtr& b) { return rank(a) < rank(b); });
  return out;
}

// Depth-first search to a self-signed root, preferring a trusted one. Remembers the longest
// dead end so a broken chain can be shown up to where it breaks.
class PathSearch {
 public:
  PathSearch(const Sources& sources, const std::unordered_set<std::string>& trusted_roots,
             std::int64_t now)
      : sources_(sources), trusted_roots_(trusted_roots), now_(now) {}

  void run(const CertPtr& leaf) {
    std::vector<CertPtr> path{leaf};
    search(path);
  }

  // The path to report: to a trusted root, else to any root, else the longest partial path.
  const std::vector<CertPtr>& best() const {
    if (!trusted_.empty()) return trusted_;
    if (!untrusted_.empty()) return untrusted_;
    return longest_;
  }
  // A name-matching issuer whose signature does not verify, at the end of best() when broken.
  CertPtr wrong_signer() const {
    return trusted_.empty() && untrusted_.empty() ? bad_sig_ : nullptr;
  }

 private:
  bool search(std::vector<CertPtr>& path) {
    const Certificate& current = *path.back();
    if (is_root(current)) {
      bool trusted = trusted_roots_.count(current.sha256) != 0;
      if (trusted) {
        trusted_ = path;
        return true;
      }
      if (untrusted_.empty()) untrusted_ = path;
      return false;
    }
    if (path.size() > longest_.size()) {
      longest_ = path;
      bad_sig_ = nullptr;
    }
    if (path.size() >= kMaxDepth) return false;
    for (const CertPtr& cand : issuers_by_name(current, sources_, now_)) {
      if (++steps_ > kMaxStepsPerEntry) return false;
      bool loop = std::any_of(path.begin(), path.end(),
                              [&](const CertPtr& p) { return p->sha256 == cand->sha256; });
      if (loop) continue;
      if (!signature_valid(current, *cand)) {
        if (path.size() == longest_.size() && !bad_sig_) bad_sig_ = cand;
        continue;
      }
      path.push_back(cand);
      bool done = search(path);
      path.pop_back();
      if (done) return true;
    }
    return false;
  }

  const Sources& sources_;
  const std::unordered_set<std::string>& trusted_roots_;
  std::int64_t now_;
  int steps_ = 0;
  std::vector<CertPtr> trusted_, untrusted_, longest_;
  CertPtr bad_sig_;
};

Finding entry_finding(const std::string& alias, const char* code, Severity severity,
                      std::string message, std::string remedy) {
  Finding f;
  f.code = code;
  f.severity = severity;
  f.alias = alias;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  return f;
}

// What `repair --from` needs to add a certificate found in `origin`: the source file, else the
// keystore (its other entries).
std::string repair_source(const CertOrigin& origin) {
  return origin.kind == CertOrigin::Kind::kSource ? origin.path : "KEYSTORE";
}

void add_issuer_details(Finding& f, const Certificate& child) {
  f.details.emplace_back("issuer", child.issuer);
  if (!child.authority_key_id.empty()) {
    f.details.emplace_back("authority_key_id", to_hex(child.authority_key_id));
  }
  if (!child.ca_issuers.empty()) f.details.emplace_back("ca_issuers", child.ca_issuers[0]);
}

void check_stored_links(EntryChainReport& r) {
  r.ordered = true;
  r.signatures_ok = true;
  for (std::size_t i = 0; i + 1 < r.stored.size(); ++i) {
    const Certificate& child = *r.stored[i];
    const Certificate& next = *r.stored[i + 1];
    if (!java_x500_equal(child.issuer_der, next.subject_der) || child.self_issued()) {
      r.ordered = false;
      continue;
    }
    if (signature_valid(child, next)) continue;
    r.signatures_ok = false;
    Finding f = entry_finding(
        r.alias, "CHAIN_SIGNATURE_INVALID", Severity::kError,
        "the stored chain names " + next.subject + " as the issuer of " + child.subject +
            ", but its key does not verify the signature (a different CA with the same name, or a "
            "corrupted certificate)",
        "replace the chain with the one the CA issued: ksdoctor repair KEYSTORE --from "
        "CA-BUNDLE.pem --in-place");
    f.details = {{"subject", child.subject}, {"issuer_sha256", next.sha256}};
    r.findings.push_back(std::move(f));
  }
  if (!r.ordered) {
    r.findings.push_back(entry_finding(
        r.alias, "CHAIN_OUT_OF_ORDER", Severity::kWarning,
        "the stored chain is not in issuer order (each certificate followed by its issuer); "
        "Java sends it as stored and strict peers reject it",
        "ksdoctor repair KEYSTORE --in-place reorders it (keytool -importcert of the full chain "
        "as a certificate reply does too)"));
  }
}

void check_path(EntryChainReport& r, const Sources& sources, CertPtr wrong_signer,
                const KeystoreVerifyOptions& options) {
  const Certificate& leaf = *r.stored[0];
  const Certificate& end = *r.path.back().cert;
  if (!r.reaches_root) {
    if (wrong_signer) {
      Finding f = entry_finding(
          r.alias, "CHAIN_SIGNATURE_INVALID", Severity::kError,
          "no certificate named " + end.issuer + " verifies the signature of " + end.subject +
              " (" + (*sources.name)(sources.origin_of(*wrong_signer)) +
              " has the name but another key): the real issuing CA is missing",
          "obtain the CA certificate that signed it, then: ksdoctor repair KEYSTORE --from FILE");
      add_issuer_details(f, end);
      r.findings.push_back(std::move(f));
      return;
    }
    Finding f = entry_finding(
        r.alias, "MISSING_INTERMEDIATE", Severity::kError,
        "no certificate for " + end.issuer + " (the issuer of " + end.subject +
            ") is in the stored chain, the keystore or the trust sources given: the chain stops "
            "short of a root and peers will fail with \"PKIX path building failed\"",
        end.ca_issuers.empty()
            ? "get the CA certificate " + end.issuer +
                  " from the CA, then: ksdoctor repair KEYSTORE --from FILE --in-place"
            : "download it from " + end.ca_issuers[0] +
                  " and run ksdoctor repair KEYSTORE --from FILE --in-place (or let repair fetch "
                  "it: --from aia)");
    add_issuer_details(f, end);
    r.findings.push_back(std::move(f));
    return;
  }
  // A path exists. What the stored chain lacks is what the server fails to send.
  for (std::size_t i = 1; i < r.path.size(); ++i) {
    const PathLink& link = r.path[i];
    bool root = i + 1 == r.path.size();
    if (root || link.origin.kind == CertOrigin::Kind::kStoredChain) continue;
    const std::string found_in = (*sources.name)(link.origin);
    Finding f = entry_finding(
        r.alias, "MISSING_INTERMEDIATE", Severity::kError,
        "the stored chain lacks " + link.cert->subject + " (found in " + found_in +
            "): Java sends only the stored chain, so peers that do not hold this intermediate "
            "fail with \"PKIX path building failed\"",
        "ksdoctor repair KEYSTORE --from " + repair_source(link.origin) +
            " --in-place adds it to the entry's chain");
    add_issuer_details(f, *r.path[i - 1].cert);
    f.details.emplace_back("found_in", found_in);
    f.details.emplace_back("sha256", link.cert->sha256);
    r.findings.push_back(std::move(f));
  }
  const Certificate& root = end;
  if (!r.root_trusted) {
    bool self_signed_leaf = r.path.size() == 1;
    Finding f = entry_finding(
        r.alias, "UNTRUSTED_ROOT", Severity::kWarning,
        self_signed_leaf ? leaf.subject + " is self-signed: every peer must import it explicitly"
                         : "the chain ends at " + root.subject +
                               ", which is neither a trusted entry of this keystore nor in a trust "
                               "source given: "
                               "peers must have imported it",
        self_signed_leaf ? "use a certificate issued by a CA the peers trust"
                         : "check that the peers trust this root (pass --trust system or the "
                           "peers' truststore to confirm)");
    f.details = {{"subject", root.subject}, {"sha256", root.sha256}};
    r.findings.push_back(std::move(f));
  }
  for (std::size_t i = 0; i < r.path.size(); ++i) {
    const Certificate& cert = *r.path[i].cert;
    if (options.now >= cert.not_before && options.now <= cert.not_after) continue;
    // Java never checks the dates of the root it trusts; other TLS stacks do.
    bool java_ignores = i > 0 && i + 1 == r.path.size();
    bool not_yet = options.now < cert.not_before;
    std::string state = not_yet ? "not yet valid" : "expired";
    Finding f = entry_finding(
        r.alias, not_yet ? "CERT_NOT_YET_VALID" : "CERT_EXPIRED",
        java_ignores ? Severity::kWarning : Severity::kError,
        java_ignores ? "the root " + cert.subject + " is " + state +
                           ": Java peers ignore a trust anchor's dates, other TLS stacks refuse it"
                     : cert.subject + " on the path is " + state +
                           ": Java fails with \"validity check failed\"",
        not_yet ? "check the clock of the machine Java runs on; otherwise put the certificate "
                  "that is valid now in the chain (ksdoctor repair --from it)"
                : "renew it and repair the chain with the renewed certificate");
    f.details = {{"subject", cert.subject}, {"sha256", cert.sha256}};
    r.findings.push_back(std::move(f));
  }
  if (r.path.size() == 1) return;
  std::vector<CertPtr> below_root;
  for (std::size_t i = 0; i + 1 < r.path.size(); ++i) below_root.push_back(r.path[i].cert);
  std::optional<PathProblem> why = pkix::validate(below_root, root, options.now);
  if (!why) why = pkix::anchor_problem(root);
  if (!why && options.tls_server) why = pkix::tls_server_leaf_problem(leaf);
  if (!why) return;
  r.java_problem = *why;
  // Already named per certificate.
  if (why->check == PathCheck::kValidity || why->check == PathCheck::kNotYetValid) return;
  Finding f = pkix::explain(why->check, why->java_reason);
  f.alias = r.alias;
  f.message = "peers running Java refuse this chain: " + why->java_reason;
  r.findings.push_back(std::move(f));
}

EntryChainReport verify_entry(const Entry& entry, const CertPool& keystore_pool,
                              const CertPool& trust,
                              const std::unordered_set<std::string>& trusted_roots,
                              const OriginNamer& name_origin,
                              const KeystoreVerifyOptions& options) {
  EntryChainReport r;
  r.alias = entry.alias;
  r.stored = entry.chain;
  Sources sources{&r.stored, &keystore_pool, &trust, &name_origin};
  check_stored_links(r);

  PathSearch search(sources, trusted_roots, options.now);
  search.run(r.stored[0]);
  const std::vector<CertPtr>& best = search.best();
  r.reaches_root = is_root(*best.back());
  r.root_trusted = r.reaches_root && trusted_roots.count(best.back()->sha256) != 0;
  for (std::size_t i = 0; i < best.size(); ++i) {
    PathLink link;
    link.cert = best[i];
    link.origin = i == 0 ? CertOrigin::stored_chain() : sources.origin_of(*best[i]);
    link.self_signed = i + 1 == best.size() && r.reaches_root;
    if (i + 1 < best.size()) {
      link.issuer_found = link.name_chains = link.signature_ok = true;
    } else if (link.self_signed) {
      link.issuer_found = link.name_chains = link.signature_ok = true;
    }
    r.path.push_back(std::move(link));
  }
  if (CertPtr wrong = search.wrong_signer()) {
    // Shown as the link that fails: the name chains, the signature does not.
    PathLink& last = r.path.back();
    last.issuer_found = last.name_chains = true;
    last.signature_ok = false;
    PathLink bad;
    bad.cert = wrong;
    bad.origin = sources.origin_of(*wrong);
    check_path(r, sources, wrong, options);
    r.path.push_back(std::move(bad));
  } else {
    check_path(r, sources, nullptr, options);
  }
  std::size_t non_root = r.path.size() - (r.reaches_root && r.path.size() > 1 ? 1 : 0);
  r.complete = r.reaches_root;
  for (std::size_t i = 0; i < non_root && i < r.path.size(); ++i) {
    if (r.path[i].origin.kind != CertOrigin::Kind::kStoredChain) r.complete = false;
  }
  return r;
}

}  // namespace

KeystoreVerifyReport verify_keystore(const Keystore& store, const CertPool& trust,
                                     const KeystoreVerifyOptions& options) {
  CertPool keystore_pool;
  std::unordered_set<std::string> trusted_roots;
  for (const Entry& e : store.entries) {
    if (!store.lookupable(e)) continue;
    for (const CertPtr& c : e.chain) keystore_pool.add(c, CertOrigin::keystore_entry(e.alias));
    if (e.kind == EntryKind::kTrustedCert && !e.chain.empty()) {
      trusted_roots.insert(e.chain[0]->sha256);
    }
  }
  for (const CertPtr& c : trust.all()) trusted_roots.insert(c->sha256);

  std::vector<const Entry*> keyed;
  for (const Entry& e : store.entries) {
    if (e.kind == EntryKind::kPrivateKey && !e.chain.empty() && store.lookupable(e)) {
      keyed.push_back(&e);
    }
  }
  const OriginNamer name_origin =
      options.name_origin ? options.name_origin : OriginNamer(describe_origin);
  KeystoreVerifyReport report;
  report.entries.resize(keyed.size());
  // Entries are independent (the signature memo is shared and locked): large stores use every
  // core, which halves the wall time of a 5 000-entry store on two.
  std::size_t workers = keyed.size() < 256 ? 1 : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min<std::size_t>(workers, 8);
  std::vector<std::exception_ptr> errors(workers);
  auto work = [&](std::size_t worker) {
    try {
      for (std::size_t i = worker; i < keyed.size(); i += workers) {
        report.entries[i] =
            verify_entry(*keyed[i], keystore_pool, trust, trusted_roots, name_origin, options);
      }
    } catch (...) {
      errors[worker] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  for (const EntryChainReport& e : report.entries) {
    report.findings.insert(report.findings.end(), e.findings.begin(), e.findings.end());
  }
  if (options.keypass && !options.keypass->is_null()) {
    report.key_managers = predict_key_managers(store, *options.keypass, options.now);
    std::vector<Finding> presented = key_manager_findings(store, *report.key_managers, options.now);
    report.findings.insert(report.findings.end(), presented.begin(), presented.end());
  }
  return report;
}

}  // namespace ksdoctor
