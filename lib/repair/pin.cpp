// `repair --peer --trust-intermediate`: which valid CA certificate of a peer's own chain, trusted
// as an entry of its own, makes Java accept a peer whose chain passes through a refused CA above
// it. The PKIX predictor (verify_peer) decides, re-run with each candidate added as an anchor.
#include <algorithm>

#include "ksdoctor/repair.hpp"
#include "ksdoctor/trust.hpp"
#include "trust/pkix.hpp"
#include "x509/java_x500.hpp"

namespace ksdoctor {
// File-local helpers, in a namespace named after the file (unity builds batch files together).
namespace pin {

bool within_validity(const Certificate& cert, std::int64_t now) {
  return now >= cert.not_before && now <= cert.not_after;
}

std::optional<PathCheck> validity_problem(const Certificate& cert, std::int64_t now) {
  if (now < cert.not_before) return PathCheck::kNotYetValid;
  if (now > cert.not_after) return PathCheck::kValidity;
  return std::nullopt;
}

// Why Java refuses `cert` as a CA in the middle of a path (PKIXCertPathValidator's checkers),
// judged on the certificate alone.
std::optional<PathCheck> ca_problem(const Certificate& cert, std::int64_t now) {
  if (auto v = validity_problem(cert, now)) return v;
  if (cert.version >= 3 && !cert.is_ca) return PathCheck::kNotCa;
  if (cert.version < 3 && !cert.self_issued()) return PathCheck::kNotCa;
  if (cert.key_usage && !(*cert.key_usage & kKeyCertSign)) return PathCheck::kCaKeyUsage;
  if (!pkix::disabled_key_reason(cert.key).empty()) return PathCheck::kAlgorithmDisabled;
  return std::nullopt;
}

// The issuer of `child` among the certificates the peer sent (name and signature), not yet on
// `path`.
CertPtr sent_issuer(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& path,
                    const Certificate& child) {
  for (const CertPtr& c : chain) {
    bool on_path = std::any_of(path.begin(), path.end(),
                               [&](const CertPtr& p) { return p->sha256 == c->sha256; });
    if (on_path) continue;
    if (java_x500_equal(c->subject_der, child.issuer_der) && signature_valid(child, *c)) return c;
  }
  return nullptr;
}

PeerVerdict with_anchor(const std::vector<CertPtr>& chain, std::vector<CertPtr> anchors,
                        const CertPtr& extra, const PeerCheckOptions& check) {
  anchors.push_back(extra);
  return verify_peer(chain, anchors, CertPool(), check);
}

}  // namespace pin

const char* pin_verdict_name(PinVerdict verdict) {
  switch (verdict) {
    case PinVerdict::kPinnable:
      return "pinnable";
    case PinVerdict::kLeafNotValid:
      return "leaf_not_valid";
    case PinVerdict::kNoValidCa:
      return "no_valid_ca";
    case PinVerdict::kStillRejected:
      return "still_rejected";
    case PinVerdict::kNothingBroken:
      return "nothing_broken";
  }
  return "unknown";
}

IntermediatePin find_intermediate_pin(const std::vector<CertPtr>& chain,
                                      const std::vector<CertPtr>& anchors,
                                      const PeerCheckOptions& check) {
  IntermediatePin out;
  if (chain.empty()) return out;
  const CertPtr& leaf = chain[0];
  if (auto why = pin::validity_problem(*leaf, check.now)) {
    // Java checks the target's dates whatever it is anchored at.
    out.verdict = PinVerdict::kLeafNotValid;
    out.broken = leaf;
    out.broken_check = why;
    return out;
  }
  std::vector<CertPtr> path{leaf};
  CertPtr best;
  while (!path.back()->self_issued()) {
    CertPtr next = pin::sent_issuer(chain, path, *path.back());
    if (!next) break;  // the issuer is not sent: missing, not broken
    if (!pin::within_validity(*next, check.now)) {
      out.broken = next;
      out.broken_check = pin::validity_problem(*next, check.now);
      break;
    }
    // A valid root above: trusting it would be an import of that root, not a pin.
    if (next->self_issued()) break;
    PeerVerdict trial = pin::with_anchor(chain, anchors, next, check);
    if (trial.trusted) {
      best = next;
      path.push_back(next);
      continue;
    }
    if (auto why = pin::ca_problem(*next, check.now)) {
      out.broken = next;
      out.broken_check = why;
      break;
    }
    if (best) {
      // A valid CA Java still refuses above `best`: what breaks is the link to it.
      out.broken = next;
      if (auto why = pkix::validate(path, *next, check.now)) out.broken_check = why->check;
      break;
    }
    // The leaf's own issuer is a valid CA, and trusting it does not help: the leaf is the problem.
    out.verdict = PinVerdict::kStillRejected;
    out.cert = next;
    out.java_message = trial.java_message;
    return out;
  }
  if (best && out.broken) {
    out.verdict = PinVerdict::kPinnable;
    out.cert = best;
    out.java_accepts = true;
  } else if (!best && out.broken) {
    out.verdict = PinVerdict::kNoValidCa;
  } else {
    out.verdict = PinVerdict::kNothingBroken;
    out.broken = nullptr;
    out.broken_check.reset();
  }
  return out;
}

}  // namespace ksdoctor
