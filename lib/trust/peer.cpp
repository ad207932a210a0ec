// What PKIXValidator.engineValidate does with a peer's chain: the shortcuts for chains that reach
// a trusted certificate, the validator for well-ordered chains whose last issuer is trusted, and
// otherwise SunCertPathBuilder's depth-first search over the peer's own certificates.
#include <algorithm>
#include <functional>
#include <optional>

#include "ksdoctor/trust.hpp"
#include "pkix.hpp"
#include "x509/java_x500.hpp"

namespace ksdoctor {
namespace {

constexpr const char* kBuildFailed =
    "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: "
    "unable to find valid certification path to requested target";
constexpr const char* kValidationFailed =
    "PKIX path validation failed: java.security.cert.CertPathValidatorException: ";
constexpr int kMaxBuildSteps = 20000;  // bounds adversarial pools (same-DN CAs, cross-sign cycles)
constexpr int kMaxPathCas = 5;         // PKIXBuilderParameters' default maxPathLength

bool same(const CertPtr& a, const CertPtr& b) { return a->sha256 == b->sha256; }

bool is_anchor(const std::vector<CertPtr>& anchors, const Certificate& cert) {
  return std::any_of(anchors.begin(), anchors.end(),
                     [&](const CertPtr& a) { return a->sha256 == cert.sha256; });
}

// Same subject and public key as an anchor (PKIXValidator's "trustedSubjects" test).
bool matches_anchor_key(const std::vector<CertPtr>& anchors, const Certificate& cert) {
  return std::any_of(anchors.begin(), anchors.end(), [&](const CertPtr& a) {
    return a->spki_der == cert.spki_der && java_x500_equal(a->subject_der, cert.subject_der);
  });
}

struct Outcome {
  bool ok = false;
  std::string message;
  std::vector<CertPtr> path;  // target first, then the anchor
  // The check that failed, when the message is a validation failure rather than "no path".
  std::optional<PathCheck> check;
};

// PKIXCertPathValidator over every anchor the first certificate's issuer selects.
Outcome do_validate(const std::vector<CertPtr>& path, const std::vector<CertPtr>& anchors,
                    std::int64_t now) {
  const Certificate& first = *path.back();
  std::optional<PathProblem> last_error;
  for (const CertPtr& anchor : anchors) {
    if (!java_x500_equal(anchor->subject_der, first.issuer_der)) continue;
    // The selector is adaptable: an anchor without an SKI still matches.
    if (!first.authority_key_id.empty() && !anchor->subject_key_id.empty() &&
        anchor->subject_key_id != first.authority_key_id) {
      continue;
    }
    auto error = pkix::validate(path, *anchor, now);
    if (!error) {
      Outcome o{true, "", path, std::nullopt};
      o.path.push_back(anchor);
      return o;
    }
    last_error = error;
  }
  PathProblem problem = last_error.value_or(PathProblem{
      PathCheck::kNoMatchingAnchor, "Path does not chain with any of the trust anchors"});
  return Outcome{false, kValidationFailed + problem.java_reason, {}, problem.check};
}

// SunCertPathBuilder, forward from the target through the peer's certificates to an anchor.
class Builder {
 public:
  Builder(const std::vector<CertPtr>& store, const std::vector<CertPtr>& anchors, std::int64_t now)
      : store_(store), anchors_(anchors), now_(now) {}

  Outcome build(const CertPtr& target) {
    if (now_ < target->not_before || now_ > target->not_after)
      return {false, kBuildFailed, {}, std::nullopt};
    std::vector<CertPtr> path{target};
    target_ = target.get();
    if (search(path, 0)) {
      Outcome o{true, "", found_, std::nullopt};
      return o;
    }
    return {false, kBuildFailed, {}, std::nullopt};
  }

  // Issuer names the search looked for and found nothing for (the missing intermediates).
  const std::vector<CertPtr>& dead_ends() const { return dead_ends_; }

 private:
  std::vector<CertPtr> candidates(const Certificate& cert, int traversed_cas) const {
    std::vector<CertPtr> out;
    for (const CertPtr& a : anchors_) {
      // Observed with JDK 17 (tests/trust): beyond the target's own issuer, the builder does not
      // take an anchor that is not valid at the check time.
      bool beyond_target = traversed_cas > 0 || &cert != target_;
      if (beyond_target && (now_ < a->not_before || now_ > a->not_after)) continue;
      if (java_x500_equal(a->subject_der, cert.issuer_der)) out.push_back(a);
    }
    if (traversed_cas < kMaxPathCas) {
      for (const CertPtr& c : store_) {
        if (!java_x500_equal(c->subject_der, cert.issuer_der)) continue;
        if (now_ < c->not_before || now_ > c->not_after) continue;
        if (!c->is_ca && c->version >= 3) continue;
        if (c->path_len && *c->path_len < traversed_cas) continue;
        if (std::any_of(out.begin(), out.end(), [&](const CertPtr& o) { return same(o, c); }))
          continue;
        out.push_back(c);
      }
    }
    // PKIXCertComparator: an AKI/SKI match first, then issuers that are trusted subjects.
    auto rank = [&](const CertPtr& c) {
      if (!cert.authority_key_id.empty() && c->subject_key_id == cert.authority_key_id) return 0;
      for (const CertPtr& a : anchors_) {
        if (java_x500_equal(a->subject_der, c->issuer_der)) return 1;
      }
      return 2;
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](const CertPtr& a, const CertPtr& b) { return rank(a) < rank(b); });
    return out;
  }

  bool search(std::vector<CertPtr>& path, int traversed_cas) {
    const Certificate& current = *path.back();
    std::vector<CertPtr> next = candidates(current, traversed_cas);
    if (next.empty()) dead_ends_.push_back(path.back());
    for (const CertPtr& cand : next) {
      if (++steps_ > kMaxBuildSteps) return false;
      if (std::any_of(path.begin(), path.end(), [&](const CertPtr& p) { return same(p, cand); })) {
        continue;  // loop
      }
      if (is_anchor(anchors_, *cand)) {
        if (!pkix::validate(path, *cand, now_)) {
          found_ = path;
          found_.push_back(cand);
          return true;
        }
        continue;
      }
      if (cand->version >= 3 && !pkix::acts_as_ca(*cand)) continue;
      if (cand->version < 3) continue;  // getBasicConstraints() is -1: "cert is NOT a CA cert"
      path.push_back(cand);
      bool done = search(path, traversed_cas + (cand->self_issued() ? 0 : 1));
      path.pop_back();
      if (done) return true;
    }
    return false;
  }

  const std::vector<CertPtr>& store_;
  const std::vector<CertPtr>& anchors_;
  std::int64_t now_;
  int steps_ = 0;
  const Certificate* target_ = nullptr;
  std::vector<CertPtr> found_;
  std::vector<CertPtr> dead_ends_;
};

Outcome engine_validate(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors,
                        std::int64_t now, Builder& builder, bool& built) {
  const Certificate* prev_issuer = nullptr;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const Certificate& cert = *chain[i];
    if (i != 0 && !java_x500_equal(cert.subject_der, prev_issuer->issuer_der)) {
      built = true;
      return builder.build(chain[0]);  // not ordered: let the builder sort it out
    }
    if (is_anchor(anchors, cert) || matches_anchor_key(anchors, cert)) {
      if (i == 0) return Outcome{true, "", {chain[0]}, std::nullopt};
      return do_validate(
          std::vector<CertPtr>(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(i)),
          anchors, now);
    }
    prev_issuer = &cert;
  }
  const Certificate& last = *chain.back();
  for (const CertPtr& a : anchors) {
    if (java_x500_equal(a->subject_der, last.issuer_der) && signature_valid(last, *a)) {
      return do_validate(chain, anchors, now);
    }
  }
  built = true;
  return builder.build(chain[0]);
}

Finding path_problem(const PathProblem& why, const std::vector<CertPtr>& path,
                     const Certificate& anchor) {
  Finding f = pkix::explain(why.check, why.java_reason);
  f.message = "the path from " + path[0]->subject + " to the trusted " + anchor.subject +
              " exists but Java refuses it: " + why.java_reason;
  return f;
}

Finding import_finding(const char* code, const CertPtr& cert, const std::string& why) {
  Finding f;
  f.code = code;
  f.severity = Severity::kError;
  f.message = why + ": importing " + cert->subject +
              " into the keystore as a trusted certificate lets Java build the path";
  f.remedy =
      "ksdoctor repair KEYSTORE --peer CHAIN.pem --from FILE-WITH-IT, or keytool "
      "-importcert -trustcacerts -alias NAME -file it.pem -keystore KEYSTORE";
  f.details = {{"subject", cert->subject}, {"sha256", cert->sha256}};
  return f;
}

// Walks up from the leaf through what the peer sent; the first issuer it lacks is what the
// keystore needs (a trusted intermediate is a valid anchor for Java, so one certificate suffices).
void name_missing(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors,
                  const CertPool& suggestions, std::int64_t now, std::vector<Finding>& findings) {
  auto issuer_in = [](const std::vector<CertPtr>& certs, const Certificate& child) -> CertPtr {
    for (const CertPtr& c : certs) {
      if (java_x500_equal(c->subject_der, child.issuer_der) && signature_valid(child, *c)) return c;
    }
    return nullptr;
  };
  CertPtr current = chain[0];
  std::vector<CertPtr> path{current};
  for (std::size_t depth = 0; depth <= chain.size(); ++depth) {
    for (const CertPtr& anchor : anchors) {
      if (!java_x500_equal(anchor->subject_der, current->issuer_der)) continue;
      // Nothing is missing: the path exists but Java refuses a certificate on it.
      if (auto why = pkix::validate(path, *anchor, now)) {
        findings.push_back(path_problem(*why, path, *anchor));
        return;
      }
    }
    if (current->self_issued()) {
      if (!is_anchor(anchors, *current)) {
        findings.push_back(
            import_finding("UNTRUSTED_ROOT", current,
                           "the peer's chain ends at a root the keystore does not trust"));
      }
      return;
    }
    if (CertPtr sent = issuer_in(chain, *current)) {
      current = sent;
      path.push_back(current);
      continue;
    }
    if (CertPtr known = issuer_in(suggestions.all(), *current)) {
      findings.push_back(import_finding(
          "MISSING_INTERMEDIATE", known,
          "the peer does not send " + known->subject + " and the keystore does not hold it"));
      findings.back().details.emplace_back("issuer", current->issuer);
      if (!current->authority_key_id.empty()) {
        findings.back().details.emplace_back("authority_key_id", to_hex(current->authority_key_id));
      }
      return;
    }
    Finding f;
    f.code = "MISSING_INTERMEDIATE";
    f.severity = Severity::kError;
    f.message = "no certificate for issuer " + current->issuer + " (of " + current->subject +
                ") is in the peer's chain or the keystore: Java cannot build a path";
    f.remedy = current->ca_issuers.empty()
                   ? "obtain the CA certificate " + current->issuer +
                         " from the peer's operator, then: ksdoctor repair KEYSTORE --peer "
                         "CHAIN.pem --from FILE"
                   : "download it from " + current->ca_issuers[0] +
                         ", then: ksdoctor repair KEYSTORE --peer CHAIN.pem --from FILE";
    f.details.emplace_back("issuer", current->issuer);
    if (!current->authority_key_id.empty()) {
      f.details.emplace_back("authority_key_id", to_hex(current->authority_key_id));
    }
    if (!current->ca_issuers.empty()) f.details.emplace_back("ca_issuers", current->ca_issuers[0]);
    findings.push_back(std::move(f));
    return;
  }
}

}  // namespace

PeerVerdict verify_peer(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors,
                        const CertPool& suggestions, const PeerCheckOptions& options) {
  PeerVerdict verdict;
  if (chain.empty()) {
    verdict.java_message = "null or zero-length certificate chain";
    return verdict;
  }
  if (anchors.empty()) {
    verdict.java_message =
        "Unexpected error: java.security.InvalidAlgorithmParameterException: the trustAnchors "
        "parameter must be non-empty";
    Finding f;
    f.code = "EMPTY_TRUST_ANCHORS";
    f.severity = Severity::kError;
    f.message = "the keystore holds no trust anchor, so Java trusts no peer at all";
    f.remedy = "import the CA certificates of the peers: keytool -importcert -trustcacerts";
    verdict.findings.push_back(std::move(f));
    return verdict;
  }
  Builder builder(chain, anchors, options.now);
  bool built = false;
  Outcome outcome = engine_validate(chain, anchors, options.now, builder, built);
  if (outcome.ok && outcome.path.size() > 1) {
    // PKIXValidator checks the anchor of the path it got back.
    const Certificate& anchor = *outcome.path.back();
    std::string prefix = built ? "PKIX path building failed: " : "PKIX path validation failed: ";
    if (auto why = pkix::anchor_problem(anchor)) {
      outcome = {false,
                 prefix + "sun.security.validator.ValidatorException: " + why->java_reason,
                 {},
                 why->check};
    }
  }
  if (outcome.ok && options.tls_server && outcome.path.size() > 1) {
    if (auto why = pkix::tls_server_leaf_problem(*outcome.path[0])) {
      outcome = {false, why->java_reason, {}, why->check};
    }
  }
  verdict.trusted = outcome.ok;
  verdict.java_message = outcome.message;
  verdict.path = outcome.path;
  if (verdict.trusted) return verdict;

  if (outcome.check) {
    verdict.findings.push_back(pkix::explain(*outcome.check, outcome.message));
  } else {
    name_missing(chain, anchors, suggestions, options.now, verdict.findings);
  }
  return verdict;
}

}  // namespace ksdoctor
