// `repair KEYSTORE --from SRC...`: a plan that completes and orders every key entry's chain,
// imports the CA certificates peers need and turns PKCS#12 hidden certificates into trusted
// entries; then the new model, written atomically and checked by reading it back.
//
// plan_repair and apply_plan are pure (no I/O, no clock). write_repaired_keystore is the only
// part that touches files.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/aia.hpp"
#include "ksdoctor/bytes.hpp"
#include "ksdoctor/chains.hpp"
#include "ksdoctor/findings.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor {

struct RepairOptions {
  std::int64_t now = 0;         // epoch seconds: validity checks of paths and peers
  std::int64_t created_ms = 0;  // creation date of the entries the plan adds (epoch ms)
  bool tls_server = true;       // key entries serve TLS and peers are TLS servers (EKU checks)
  OriginNamer name_origin;      // how `remaining` findings word origins (empty: describe_origin)
  // When set, the plan touches only this key entry: no other chain is rebuilt, PKCS#12 hidden
  // certificates stay hidden, and `remaining` holds only this entry's findings (import uses it:
  // everything else in the store must stay as it was).
  std::string only_alias;
  // When Java still rejects a peer because a CA certificate above a valid one in its chain is
  // refused (an expired cross-sign, an intermediate without basicConstraints), trust that valid
  // CA certificate itself (find_intermediate_pin): a pin, added only on request.
  bool trust_intermediate = false;
};

enum class RepairAction {
  kAddIntermediate,  // a CA certificate added to a key entry's chain
  kAddRoot,          // the self-signed root put at the end of a rebuilt chain
  kReorderChain,     // the chain's certificates put in issuer order
  kDropCertificate,  // a duplicate, or a certificate that is not on the path to the root
  kAddTrustedEntry,  // a CA certificate a peer needs, or a PKCS#12 hidden certificate
  kPinIntermediate,  // a valid CA certificate from a peer's own chain, trusted as a pin
};
// "add_intermediate", "add_root", "reorder_chain", "drop_certificate", "add_trusted_entry",
// "pin_intermediate"
const char* repair_action_name(RepairAction action);

struct RepairChange {
  RepairAction action = RepairAction::kAddIntermediate;
  std::string alias;   // the key entry changed, or the trusted entry added
  CertPtr cert;        // the certificate added or dropped; null for kReorderChain
  CertOrigin origin;   // where an added certificate comes from (kUnknown for drops, reorders)
  std::string reason;  // one sentence: why
  int peer = -1;  // kAddTrustedEntry for a peer, kPinIntermediate: its index in the peers argument
};

// A key entry whose chain the plan replaces (the protected key is kept byte for byte).
struct ChainRepair {
  std::string alias;
  std::vector<CertPtr> before;
  std::vector<CertPtr> after;
};

struct NewTrustedEntry {
  std::string alias;  // lower case, unique among all aliases case-insensitively
  CertPtr cert;
  bool from_hidden = false;  // a PKCS#12 hidden certificate (else: a peer needs it)
  bool pinned = false;       // a CA certificate of a peer's chain (find_intermediate_pin)
};

// Can trusting one CA certificate of the peer's own chain make Java accept it?
enum class PinVerdict {
  kPinnable,       // yes: `cert`, below the certificate `broken` Java refuses
  kLeafNotValid,   // the peer's own certificate is expired or not yet valid: no pin helps
  kNoValidCa,      // the certificate Java refuses is the leaf's own issuer: nothing valid below it
  kStillRejected,  // `cert` is valid, but Java rejects the peer even with it trusted
  kNothingBroken,  // no certificate of the chain is refused above a valid CA (e.g. an issuer is
                   // missing, or the chain ends at a valid root): a pin is not the remedy
};
// "pinnable", "leaf_not_valid", "no_valid_ca", "still_rejected", "nothing_broken"
const char* pin_verdict_name(PinVerdict verdict);

// Java accepts a path that ends at any trust anchor and never looks above it, so a peer whose
// chain passes through a refused CA certificate above a valid one is trusted once that valid one
// is a trusted entry. That is a pin: Java then trusts this one certificate (its key, until its
// notAfter), not the CA above it, so a re-issued or re-keyed intermediate is not trusted until it
// is imported too, and the pin lasts after the CA above revokes or replaces it.
struct IntermediatePin {
  PinVerdict verdict = PinVerdict::kNothingBroken;
  // kPinnable: the CA certificate to trust, the lowest valid one right below the break (from the
  // peer's chain). kStillRejected: the valid CA tried. Otherwise null.
  CertPtr cert;
  // The certificate where the path breaks: the one above `cert` Java refuses (kPinnable), the
  // leaf's refused issuer (kNoValidCa), the leaf (kLeafNotValid); null otherwise.
  CertPtr broken;
  std::optional<PathCheck> broken_check;  // why Java refuses `broken`
  bool java_accepts = false;  // verify_peer trusts the peer with `cert` added as a trust anchor
  std::string java_message;   // Java's message with `cert` trusted (kStillRejected)
  std::string alias;          // kPinnable: the trusted entry's alias (derive_alias)
  bool applied = false;       // RepairOptions::trust_intermediate: the plan adds `cert`
};

// Pure. For a peer Java rejects with `anchors`: walks up the peer's chain from the leaf (each
// issuer found among the certificates sent, by name and signature) and asks verify_peer, with
// each certificate valid at `check.now` added as a trust anchor, whether Java would then accept;
// the answer is the highest certificate that works before the first one Java refuses.
// Self-issued certificates (roots) are never proposed: trusting a root is an import, not a pin.
IntermediatePin find_intermediate_pin(const std::vector<CertPtr>& chain,
                                      const std::vector<CertPtr>& anchors,
                                      const PeerCheckOptions& check);

struct PeerRepair {
  CertPtr leaf;  // chain[0]; null for an empty chain
  bool trusted_before = false;
  bool trusted_after = false;  // with the planned keystore's trust anchors
  std::string java_message_before;
  std::string java_message_after;
  std::vector<std::string> added_aliases;  // the trusted entries added for this peer
  // Set when the source certificates alone leave Java rejecting the peer: whether a pin would
  // help (and, with RepairOptions::trust_intermediate, that it was planned: applied).
  std::optional<IntermediatePin> pin;
};

struct RepairPlan {
  std::vector<ChainRepair> chains;
  std::vector<NewTrustedEntry> trusted;
  bool converts_hidden = false;       // hidden_certificates become (are in) `trusted`
  std::vector<RepairChange> changes;  // every change, with its reason, in plan order
  std::vector<PeerRepair> peers;      // one per peers argument, same order
  // What is still wrong with the planned keystore: verify_keystore's findings on it (errors are
  // what repair cannot fix, e.g. MISSING_INTERMEDIATE naming an issuer no source holds) and, for
  // each peer Java still rejects, why (alias unset, detail "peer" = its subject).
  std::vector<Finding> remaining;
  std::int64_t created_ms = 0;

  bool changes_store() const { return !chains.empty() || !trusted.empty(); }
  // The planned keystore has no error finding and Java trusts every peer.
  bool sound() const;
};

// Pure. `sources` are the caller's certificates (with origins). Each usable key entry's chain is
// rebuilt along verify_keystore's path: missing intermediates added, order fixed, duplicates
// and certificates off the path dropped. Every chain that reaches a root ends with it, as keytool
// stores a chain when it installs a CA reply (so the stored chain alone proves the whole path).
// A chain that reaches no root keeps every stored certificate it cannot place (only exact
// duplicates go). For PKCS#12, the planned chains are the ones Java will rebuild on load
// (pkcs12_as_java_reloads), with the difference explained in `changes`. For each peer chain Java
// rejects for a missing issuer, exactly the source certificates that make verify_peer trust it
// become trusted entries.
RepairPlan plan_repair(const Keystore& store, const CertPool& sources,
                       const std::vector<std::vector<CertPtr>>& peers,
                       const RepairOptions& options);

// Pure. The keystore the plan describes: chains replaced, trusted entries appended (dated
// plan.created_ms; PKCS#12 ones with trustedKeyUsage anyExtendedKeyUsage), hidden certificates
// gone when converted. Everything else (keys, dates, order, protection) is kept.
Keystore apply_plan(const Keystore& store, const RepairPlan& plan);

// The lower-case alias keytool users would type for `cert`: its CN (else OU, O, "certificate"),
// every run of characters other than a-z and 0-9 turned into one '-', at most 64 characters;
// "-2", "-3", ... appended while it equals one of `taken` case-insensitively.
std::string derive_alias(const Certificate& cert, const std::vector<std::string>& taken);

// Throws Error("REPAIR_READBACK_MISMATCH", ...) unless `written` (the keystore read back from
// the bytes written) has exactly the planned aliases, kinds, chains (DER), protected keys and
// creation dates. Entries the planned model leaves undated must carry `created_ms` when the
// format stores dates for them.
void check_written_keystore(const Keystore& planned, const Keystore& written,
                            std::int64_t created_ms);

struct RepairWriteOptions {
  std::string target;           // the file to write (the keystore itself for --in-place)
  bool backup = true;           // keep the file being replaced as backup_path(target)
  std::int64_t now = 0;         // epoch seconds, for the backup's name when .bak exists
  std::int64_t created_ms = 0;  // the plan's created_ms
};

struct RepairWriteResult {
  std::string backup;  // "" when none was written (no --backup, or nothing to replace)
  std::size_t bytes = 0;
};

// The file bytes of `planned` in its own format (JKS/JCEKS, or PKCS#12 keeping its protection).
// UsageError("PASSWORD_REQUIRED") for a null password.
Bytes serialize_keystore(const Keystore& planned, const Password& storepass,
                         std::int64_t created_ms);

// Backs up the target when it exists (atomically, mode 0600), then writes `planned` over it
// atomically (mode 0600); before the rename the bytes on disk are read back with
// read_keystore and compared with check_written_keystore, so any difference leaves the target
// as it was. Throws IoError / FormatError / UsageError / Error; the target is then untouched.
RepairWriteResult write_repaired_keystore(const Keystore& planned, const Password& storepass,
                                          const RepairWriteOptions& options);

// `repair --from aia`: how to fetch the missing issuers from their caIssuers URLs.
struct AiaOptions {
  int timeout_ms = 5000;  // per URL
  int max_rounds = 4;     // fetch-and-plan rounds: one per missing level of a chain
  std::size_t max_bytes = std::size_t{1} << 20;
  ProxySettings proxies;  // direct unless given
};

// The AIA rounds any planner can use: `replan()` plans with `sources` as they are now and returns
// the plan's findings; while they name a missing issuer (MISSING_INTERMEDIATE) whose child has a
// caIssuers URL not fetched yet, every such URL is fetched, what it serves added to `sources`
// (origin "aia <url>"), and `replan()` called again, at most `aia.max_rounds` times. Returns the
// failed fetches (AIA_FETCH_FAILED warnings) for the caller to report.
std::vector<Finding> fetch_missing_issuers(CertPool& sources, const AiaOptions& aia,
                                           const std::function<std::vector<Finding>()>& replan);

// plan_repair, then, while the plan still names a missing issuer (MISSING_INTERMEDIATE) whose
// child has a caIssuers URL not fetched yet: fetch every such URL, add what it serves to
// `sources` (origin "aia <url>") and plan again, at most `aia.max_rounds` times. Failed fetches
// are appended to the final plan's `remaining` as AIA_FETCH_FAILED warnings.
RepairPlan plan_repair_with_aia(const Keystore& store, CertPool& sources,
                                const std::vector<std::vector<CertPtr>>& peers,
                                const RepairOptions& options, const AiaOptions& aia);

}  // namespace ksdoctor
