// repair: the plan on PKIs built for each case, apply_plan, the read-back check, and the CLI's
// file handling (dry run, --out, --in-place, backups, modes).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_run.hpp"
#include "fixture_util.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/repair_report.hpp"
#include "ksdoctor/writers.hpp"
#include "platform/platform.hpp"
#include "test_os.hpp"
#include "test_pki.hpp"

namespace repair_test {
using namespace ksdoctor;
using testpki::kNow;

namespace {

namespace fs = std::filesystem;

struct Pki {
  testpki::Node root = testpki::root("Test Root");
  testpki::Node inter = testpki::issue("Test Issuing CA", &root, {});
  testpki::Node leaf = testpki::issue("mail.example.test", &inter, testpki::leaf_spec());
  testpki::Node peer = testpki::issue("relay.example.test", &inter, testpki::leaf_spec());
  testpki::Node other = testpki::root("Other Root");
};

Pki& pki() {
  static Pki shared;
  return shared;
}

RepairOptions options() {
  RepairOptions o;
  o.now = kNow;
  o.created_ms = kNow * 1000;
  return o;
}

// The plan --trust-intermediate makes for one peer whose chain a single pin fixes: sound, the peer
// trusted, one trusted entry added.
RepairPlan plan_with_one_pin(const Keystore& store, const std::vector<std::vector<CertPtr>>& peers) {
  RepairOptions pinning = options();
  pinning.trust_intermediate = true;
  RepairPlan with = plan_repair(store, CertPool(), peers, pinning);
  CHECK(with.sound());
  CHECK(with.peers[0].trusted_after);
  REQUIRE(with.trusted.size() == 1);
  return with;
}

Keystore store_of(std::vector<Entry> entries, StoreFormat format = StoreFormat::kJks) {
  Keystore s;
  s.format = format;
  s.entries = std::move(entries);
  return s;
}

CertPool pool_of(const std::vector<CertPtr>& certs) {
  CertPool pool;
  for (const CertPtr& c : certs) pool.add(c, CertOrigin::source("ca.pem"));
  return pool;
}

std::vector<std::string> subjects(const std::vector<CertPtr>& chain) {
  std::vector<std::string> out;
  for (const CertPtr& c : chain) out.push_back(c->subject);
  return out;
}

std::vector<RepairAction> actions(const RepairPlan& plan) {
  std::vector<RepairAction> out;
  for (const RepairChange& c : plan.changes) out.push_back(c.action);
  return out;
}

bool has_code(const std::vector<Finding>& findings, const std::string& code) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.code == code; });
}

std::string detail(const Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.details) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace

TEST_CASE("repair plan: a leaf-only chain gets its intermediate and root") {
  auto& p = pki();
  Keystore store = store_of(
      {testpki::key_entry("smtp", {p.leaf.cert}), testpki::trusted_entry("root", p.root.cert)});
  RepairPlan plan = plan_repair(store, pool_of({p.inter.cert}), {}, options());
  REQUIRE(plan.chains.size() == 1);
  CHECK(subjects(plan.chains[0].after) == subjects({p.leaf.cert, p.inter.cert, p.root.cert}));
  CHECK(actions(plan) ==
        std::vector<RepairAction>{RepairAction::kAddIntermediate, RepairAction::kAddRoot});
  CHECK(plan.changes[0].origin == CertOrigin::source("ca.pem"));
  CHECK(plan.changes[1].origin == CertOrigin::keystore_entry("root"));
  CHECK(plan.trusted.empty());
  CHECK(plan.sound());
  Keystore after = apply_plan(store, plan);
  CHECK(after.entries[0].chain.size() == 3);
  CHECK(after.entries[0].key.has_value());
}

TEST_CASE("repair plan: an out-of-order chain is reordered, nothing added") {
  auto& p = pki();
  Keystore store = store_of({testpki::key_entry("smtp", {p.leaf.cert, p.root.cert, p.inter.cert})});
  RepairPlan plan = plan_repair(store, CertPool(), {}, options());
  REQUIRE(plan.chains.size() == 1);
  CHECK(subjects(plan.chains[0].after) == subjects({p.leaf.cert, p.inter.cert, p.root.cert}));
  CHECK(actions(plan) == std::vector<RepairAction>{RepairAction::kReorderChain});
  CHECK_FALSE(has_code(plan.remaining, "CHAIN_OUT_OF_ORDER"));
}

TEST_CASE("repair plan: duplicates and unrelated certificates are dropped") {
  auto& p = pki();
  Keystore store =
      store_of({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert, p.inter.cert, p.other.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  RepairPlan plan = plan_repair(store, CertPool(), {}, options());
  REQUIRE(plan.chains.size() == 1);
  CHECK(subjects(plan.chains[0].after) == subjects({p.leaf.cert, p.inter.cert, p.root.cert}));
  std::vector<std::string> dropped;
  for (const RepairChange& c : plan.changes) {
    if (c.action == RepairAction::kDropCertificate) dropped.push_back(c.cert->subject);
  }
  CHECK(dropped == subjects({p.inter.cert, p.other.cert}));
  CHECK(plan.changes.front().action == RepairAction::kAddRoot);
}

TEST_CASE("repair plan: a complete chain ending with its root has nothing to do") {
  auto& p = pki();
  Keystore store = store_of({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert, p.root.cert}),
                             testpki::trusted_entry("root", p.root.cert)});
  RepairPlan plan = plan_repair(store, pool_of({p.inter.cert, p.root.cert}), {}, options());
  CHECK(plan.changes.empty());
  CHECK_FALSE(plan.changes_store());
  CHECK(plan.sound());
}

TEST_CASE("repair plan: an ordered chain without its root gains the root, as keytool stores it") {
  auto& p = pki();
  Keystore store = store_of({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert}),
                             testpki::trusted_entry("root", p.root.cert)});
  RepairPlan plan = plan_repair(store, CertPool(), {}, options());
  REQUIRE(plan.chains.size() == 1);
  CHECK(subjects(plan.chains[0].after) == subjects({p.leaf.cert, p.inter.cert, p.root.cert}));
  CHECK(actions(plan) == std::vector<RepairAction>{RepairAction::kAddRoot});
  CHECK(plan.sound());

  SUBCASE("and without the root anywhere the chain is left as it is") {
    Keystore rootless = store_of({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert})});
    RepairPlan none = plan_repair(rootless, CertPool(), {}, options());
    CHECK(none.chains.empty());
  }
}

TEST_CASE("repair plan: PKCS#12 chains are planned as Java rebuilds them on load") {
  auto& p = pki();
  SUBCASE("a certificate the issuer-name rebuild does not reach leaves the chain") {
    // No root anywhere: the chain cannot be rebuilt, and a JKS would keep it as it is; Java's
    // PKCS12KeyStore will only ever list the leaf.
    Keystore jks = store_of({testpki::key_entry("smtp", {p.leaf.cert, p.other.cert})});
    CHECK(plan_repair(jks, CertPool(), {}, options()).chains.empty());
    Keystore p12 = jks;
    p12.format = StoreFormat::kPkcs12;
    RepairPlan plan = plan_repair(p12, CertPool(), {}, options());
    REQUIRE(plan.chains.size() == 1);
    CHECK(subjects(plan.chains[0].after) == subjects({p.leaf.cert}));
    REQUIRE(plan.changes.size() == 1);
    CHECK(plan.changes[0].action == RepairAction::kDropCertificate);
    CHECK(plan.changes[0].reason.find("Java rebuilds PKCS#12 chains") != std::string::npos);
    CHECK(pkcs12_as_java_reloads(apply_plan(p12, plan)).entries[0].chain.size() == 1);
  }
}

TEST_CASE("repair plan: a missing issuer no source holds is named, not fixed") {
  auto& p = pki();
  testpki::Spec leaf = testpki::leaf_spec();
  leaf.aia = "http://pki.example.test/issuing.crt";
  testpki::Node aia_leaf = testpki::issue("aia.example.test", &p.inter, leaf);
  Keystore store = store_of(
      {testpki::key_entry("smtp", {aia_leaf.cert}), testpki::trusted_entry("root", p.root.cert)});
  RepairPlan plan = plan_repair(store, CertPool(), {}, options());
  CHECK(plan.chains.empty());
  CHECK_FALSE(plan.sound());
  REQUIRE(has_code(plan.remaining, "MISSING_INTERMEDIATE"));
  const Finding& f = plan.remaining[0];
  CHECK(f.severity == Severity::kError);
  CHECK(detail(f, "issuer") == p.inter.cert->subject);
  CHECK(detail(f, "authority_key_id") == to_hex(p.inter.cert->subject_key_id));
  CHECK(detail(f, "ca_issuers") == "http://pki.example.test/issuing.crt");
}

TEST_CASE("repair plan: a peer that omits its intermediate gets exactly that CA as trusted") {
  auto& p = pki();
  Keystore store = store_of({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert}),
                             testpki::trusted_entry("root", p.root.cert)});
  std::vector<std::vector<CertPtr>> peers{{p.peer.cert}};
  // The root is in the sources too: only the intermediate is needed (a trusted intermediate is a
  // valid anchor for Java).
  RepairPlan plan =
      plan_repair(store, pool_of({p.other.cert, p.inter.cert, p.root.cert}), peers, options());
  REQUIRE(plan.trusted.size() == 1);
  CHECK(plan.trusted[0].alias == "test-issuing-ca");
  CHECK(plan.trusted[0].cert->sha256 == p.inter.cert->sha256);
  REQUIRE(plan.peers.size() == 1);
  CHECK_FALSE(plan.peers[0].trusted_before);
  CHECK(plan.peers[0].trusted_after);
  CHECK(plan.peers[0].added_aliases == std::vector<std::string>{"test-issuing-ca"});
  CHECK(plan.changes.back().peer == 0);
  CHECK(plan.sound());
  Keystore after = apply_plan(store, plan);
  REQUIRE(after.entries.size() == 3);
  CHECK(after.entries[2].kind == EntryKind::kTrustedCert);
  CHECK(after.entries[2].created_ms == kNow * 1000);

  SUBCASE("a second peer under the same CA needs nothing more") {
    testpki::Node second = testpki::issue("second.example.test", &p.inter, testpki::leaf_spec());
    peers.push_back({second.cert});
    RepairPlan two = plan_repair(store, pool_of({p.inter.cert}), peers, options());
    CHECK(two.trusted.size() == 1);
    CHECK(two.peers[1].trusted_after);
    CHECK(two.peers[1].added_aliases.empty());
  }
  SUBCASE("without the CA in the sources the peer stays untrusted, with the issuer named") {
    RepairPlan none = plan_repair(store, pool_of({p.other.cert}), peers, options());
    CHECK(none.trusted.empty());
    CHECK_FALSE(none.peers[0].trusted_after);
    CHECK_FALSE(none.sound());
    REQUIRE(has_code(none.remaining, "MISSING_INTERMEDIATE"));
    for (const Finding& f : none.remaining) {
      if (f.code != "MISSING_INTERMEDIATE") continue;
      CHECK(detail(f, "issuer") == p.inter.cert->subject);
      CHECK(detail(f, "peer") == p.peer.cert->subject);
    }
  }
  SUBCASE("an already trusted peer changes nothing") {
    Keystore trusting =
        store_of({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert, p.root.cert}),
                  testpki::trusted_entry("root", p.root.cert),
                  testpki::trusted_entry("inter", p.inter.cert)});
    RepairPlan none = plan_repair(trusting, pool_of({p.inter.cert}), peers, options());
    CHECK(none.changes.empty());
    CHECK(none.peers[0].trusted_before);
  }
}

// A partner PKI after a cross-sign expiry: the new root's cross certificate (signed by the old
// root the keystore trusts) has expired, and the partner still sends it above its valid
// intermediate.
struct CrossPki {
  testpki::Node old_root = testpki::root("Partner Old Root");
  testpki::Node new_root = testpki::root("Partner Root R2");
  testpki::Node cross = testpki::issue("Partner Root R2", &old_root, expired(), new_root.key);
  testpki::Node inter = testpki::issue("Partner Issuing CA", &new_root, {});
  testpki::Node leaf = testpki::issue("mx.partner.test", &inter, testpki::leaf_spec());

  static testpki::Spec expired() {
    testpki::Spec s;
    s.not_before = kNow - 3 * testpki::kYear;
    s.not_after = kNow - testpki::kYear;
    return s;
  }
};

CrossPki& cross_pki() {
  static CrossPki shared;
  return shared;
}

TEST_CASE("repair --trust-intermediate: an expired cross-sign above a valid intermediate") {
  auto& x = cross_pki();
  Keystore store = store_of({testpki::trusted_entry("old-root", x.old_root.cert)});
  std::vector<std::vector<CertPtr>> peers{{x.leaf.cert, x.inter.cert, x.cross.cert}};

  RepairPlan without = plan_repair(store, CertPool(), peers, options());
  REQUIRE(without.peers.size() == 1);
  const PeerRepair& p = without.peers[0];
  CHECK_FALSE(p.trusted_after);
  CHECK_FALSE(without.sound());
  CHECK(without.trusted.empty());
  CHECK(has_code(without.remaining, "CERT_EXPIRED"));
  REQUIRE(p.pin);
  CHECK(p.pin->verdict == PinVerdict::kPinnable);
  CHECK(p.pin->cert->sha256 == x.inter.cert->sha256);
  CHECK(p.pin->broken->sha256 == x.cross.cert->sha256);
  CHECK(p.pin->broken_check == PathCheck::kValidity);
  CHECK(p.pin->java_accepts);
  CHECK_FALSE(p.pin->applied);
  CHECK(p.pin->alias == "partner-issuing-ca");

  RepairPlan with = plan_with_one_pin(store, peers);
  CHECK(with.trusted[0].pinned);
  CHECK(with.trusted[0].cert->sha256 == x.inter.cert->sha256);
  CHECK(with.peers[0].added_aliases == std::vector<std::string>{"partner-issuing-ca"});
  CHECK(actions(with) == std::vector<RepairAction>{RepairAction::kPinIntermediate});
  CHECK(with.changes[0].peer == 0);
  REQUIRE(with.peers[0].pin);
  CHECK(with.peers[0].pin->applied);
  // The planned keystore's anchors make Java accept the peer (verify_peer, not the plan, says so).
  PeerCheckOptions check;
  check.now = kNow;
  CHECK(verify_peer(peers[0], java_trust_anchors(apply_plan(store, with)), CertPool(), check)
            .trusted);

  SUBCASE("the text names the certificate, says why it is a pin and gives the command") {
    report::RepairRun run;
    run.file = "prevent.ks";
    run.target = "prevent.ks";
    run.peer_files = {"mx.pem"};
    run.pin_command = "ksdoctor repair prevent.ks --peer mx.pem --trust-intermediate --in-place";
    std::string text = report::repair_text(without, run, report::kAsciiMarks);
    CHECK(text.find("Java accepts it once this CA certificate of its chain is a trusted entry of "
                    "its own: " +
                    x.inter.cert->subject + " (SHA-256 " + x.inter.cert->sha256 + ")") !=
          std::string::npos);
    CHECK(text.find("breaks above it at " + x.cross.cert->subject + " (expired on ") !=
          std::string::npos);
    CHECK(text.find("That is a pin") != std::string::npos);
    CHECK(text.find("To pin it: " + run.pin_command + "\n") != std::string::npos);
    nlohmann::json j = report::repair_json(without, run);
    CHECK(j["peers"][0]["pin"]["verdict"] == "pinnable");
    CHECK(j["peers"][0]["pin"]["broken_check"] == "CERT_EXPIRED");
    CHECK(j["peers"][0]["pin"]["certificate"]["sha256"] == x.inter.cert->sha256);
    CHECK(j["peers"][0]["pin"]["applied"] == false);

    run.trust_intermediate = true;
    std::string done = report::repair_text(with, run, report::kAsciiMarks);
    CHECK(done.find("pinned " + x.inter.cert->subject) != std::string::npos);
    CHECK(done.find("To pin it") == std::string::npos);
    CHECK(report::repair_json(with, run)["added_entries"][0]["for"] == "pin");
  }
}

TEST_CASE("repair --trust-intermediate: the pin is the valid CA right below the break") {
  auto& x = cross_pki();
  // leaf <- lower <- upper <- expired cross: trusting upper (the higher one) is enough and pins
  // less of the partner's hierarchy than the lower one.
  testpki::Node upper = testpki::issue("Partner Policy CA", &x.new_root, {});
  testpki::Node lower = testpki::issue("Partner Server CA", &upper, {});
  testpki::Node leaf = testpki::issue("mx2.partner.test", &lower, testpki::leaf_spec());
  PeerCheckOptions check;
  check.now = kNow;
  IntermediatePin pin = find_intermediate_pin({leaf.cert, lower.cert, upper.cert, x.cross.cert},
                                              {x.old_root.cert}, check);
  CHECK(pin.verdict == PinVerdict::kPinnable);
  CHECK(pin.cert->sha256 == upper.cert->sha256);
  CHECK(pin.broken->sha256 == x.cross.cert->sha256);
  // The same certificates sent out of order: the walk follows issuers, not positions.
  IntermediatePin shuffled = find_intermediate_pin(
      {leaf.cert, x.cross.cert, upper.cert, lower.cert}, {x.old_root.cert}, check);
  CHECK(shuffled.verdict == PinVerdict::kPinnable);
  CHECK(shuffled.cert->sha256 == upper.cert->sha256);
}

TEST_CASE(
    "repair --trust-intermediate: an intermediate without basicConstraints above a valid one") {
  auto& p = pki();
  testpki::Spec no_bc;
  no_bc.basic_constraints = false;
  testpki::Node broken = testpki::issue("Legacy Bridge CA", &p.root, no_bc);
  testpki::Node good = testpki::issue("Partner Mail CA", &broken, {});
  testpki::Node leaf = testpki::issue("mx3.partner.test", &good, testpki::leaf_spec());
  Keystore store = store_of({testpki::trusted_entry("root", p.root.cert)});
  std::vector<std::vector<CertPtr>> peers{{leaf.cert, good.cert, broken.cert}};
  RepairPlan without = plan_repair(store, CertPool(), peers, options());
  CHECK_FALSE(without.sound());
  CHECK(has_code(without.remaining, "NOT_A_CA"));
  REQUIRE(without.peers[0].pin);
  CHECK(without.peers[0].pin->verdict == PinVerdict::kPinnable);
  CHECK(without.peers[0].pin->cert->sha256 == good.cert->sha256);
  CHECK(without.peers[0].pin->broken_check == PathCheck::kNotCa);

  RepairPlan with = plan_with_one_pin(store, peers);
  CHECK(with.trusted[0].alias == "partner-mail-ca");
}

TEST_CASE("repair --trust-intermediate: refuses when no pin can help, and says why") {
  auto& p = pki();
  RepairOptions pinning = options();
  pinning.trust_intermediate = true;
  Keystore store = store_of({testpki::trusted_entry("root", p.root.cert)});

  SUBCASE("the leaf's own issuer is expired: nothing valid below the break") {
    testpki::Node old = testpki::issue("Lapsed Issuing CA", &p.root, CrossPki::expired());
    testpki::Node leaf = testpki::issue("mx4.partner.test", &old, testpki::leaf_spec());
    RepairPlan plan = plan_repair(store, CertPool(), {{leaf.cert, old.cert}}, pinning);
    CHECK_FALSE(plan.sound());
    CHECK(plan.trusted.empty());
    CHECK(plan.changes.empty());
    REQUIRE(plan.peers[0].pin);
    CHECK(plan.peers[0].pin->verdict == PinVerdict::kNoValidCa);
    CHECK(plan.peers[0].pin->broken->sha256 == old.cert->sha256);
    CHECK_FALSE(plan.peers[0].pin->cert);
    report::RepairRun run;
    run.file = "prevent.ks";
    run.trust_intermediate = true;
    CHECK(report::repair_text(plan, run, report::kAsciiMarks)
              .find("--trust-intermediate cannot help: the leaf's issuer " + old.cert->subject +
                    " is itself refused (expired on") != std::string::npos);
  }
  SUBCASE("the peer's own certificate has expired: no pin helps") {
    auto& x = cross_pki();
    testpki::Spec lapsed = testpki::leaf_spec();
    lapsed.not_before = kNow - 3 * testpki::kYear;
    lapsed.not_after = kNow - testpki::kYear;
    testpki::Node leaf = testpki::issue("mx5.partner.test", &x.inter, lapsed);
    Keystore old_store = store_of({testpki::trusted_entry("old-root", x.old_root.cert)});
    RepairPlan plan =
        plan_repair(old_store, CertPool(), {{leaf.cert, x.inter.cert, x.cross.cert}}, pinning);
    CHECK_FALSE(plan.sound());
    CHECK(plan.trusted.empty());
    REQUIRE(plan.peers[0].pin);
    CHECK(plan.peers[0].pin->verdict == PinVerdict::kLeafNotValid);
    CHECK(plan.peers[0].pin->broken->sha256 == leaf.cert->sha256);
    CHECK(plan.peers[0].pin->broken_check == PathCheck::kValidity);
  }
  SUBCASE("a missing issuer is not a break: the remedy stays importing it") {
    testpki::Node leaf = testpki::issue("mx6.partner.test", &p.inter, testpki::leaf_spec());
    Keystore other = store_of({testpki::trusted_entry("other", p.other.cert)});
    RepairPlan plan = plan_repair(other, CertPool(), {{leaf.cert}}, pinning);
    CHECK_FALSE(plan.sound());
    REQUIRE(plan.peers[0].pin);
    CHECK(plan.peers[0].pin->verdict == PinVerdict::kNothingBroken);
    CHECK(plan.trusted.empty());
  }
}

TEST_CASE("repair: aliases are readable, lower case and unique case-insensitively") {
  auto& p = pki();
  testpki::Node ca = testpki::root("Example Issuing CA 1");
  CHECK(derive_alias(*ca.cert, {}) == "example-issuing-ca-1");
  CHECK(derive_alias(*ca.cert, {"Example-Issuing-CA-1"}) == "example-issuing-ca-1-2");
  CHECK(derive_alias(*ca.cert, {"example-issuing-ca-1", "EXAMPLE-ISSUING-CA-1-2"}) ==
        "example-issuing-ca-1-3");
  testpki::Node odd = testpki::root("  Zürich / Root, \"CA\"+ ");
  CHECK(derive_alias(*odd.cert, {}) == "z-rich-root-ca");
  testpki::Node dashes = testpki::root("***");
  CHECK(derive_alias(*dashes.cert, {}) == "certificate");
  CHECK(derive_alias(*p.inter.cert, {}) == "test-issuing-ca");
}

TEST_CASE("repair plan: PKCS#12 hidden certificates become trusted entries") {
  auto& p = pki();
  Keystore store =
      store_of({testpki::trusted_entry("test-root", p.root.cert)}, StoreFormat::kPkcs12);
  store.hidden_certificates = {p.inter.cert, p.other.cert};
  RepairPlan plan = plan_repair(store, CertPool(), {}, options());
  CHECK(plan.converts_hidden);
  REQUIRE(plan.trusted.size() == 2);
  CHECK(plan.trusted[0].alias == "test-issuing-ca");
  CHECK(plan.trusted[1].alias == "other-root");
  CHECK(plan.trusted[0].from_hidden);
  Keystore after = apply_plan(store, plan);
  CHECK(after.hidden_certificates.empty());
  REQUIRE(after.entries.size() == 3);
  CHECK(after.entries[1].trusted_key_usage == std::vector<std::string>{"2.5.29.37.0"});
  CHECK(java_trust_anchors(after).size() == 3);
}

TEST_CASE("repair write: the demo keystore, in place, with a backup, mode 0600") {
  fs::path dir =
      fs::temp_directory_path() / ("ksdoctor-repair-unit-" + std::to_string(testos::pid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string ks = (dir / "prevent.ks").string();
  fs::copy_file(fixture_path("demo/prevent.ks"), ks);
  Bytes original = read_file(ks);
  Password pw = Password::of("changeit");
  Keystore store = read_keystore(original, pw);
  CertPool sources;
  for (const CertPtr& c : read_certificates(fixture("pki/intermediate-ca.crt.pem"))) {
    sources.add(c, CertOrigin::source("intermediate-ca.crt.pem"));
  }
  RepairPlan plan = plan_repair(store, sources, {}, options());
  REQUIRE(plan.chains.size() == 1);
  Keystore planned = apply_plan(store, plan);

  RepairWriteOptions w;
  w.target = ks;
  w.now = kNow;
  w.created_ms = plan.created_ms;
  RepairWriteResult result = write_repaired_keystore(planned, pw, w);
  CHECK(result.backup == ks + ".bak");
  CHECK(read_file(result.backup) == original);
  Keystore back = read_keystore(read_file(ks), pw);
  CHECK_NOTHROW(check_written_keystore(planned, back, plan.created_ms));
  for (const std::string& f : {ks, result.backup}) {
    if (!testos::kWindows) CHECK((platform::file_status(f).mode & 0777) == 0600);
  }
  SUBCASE("a second backup does not overwrite the first") {
    RepairWriteResult again = write_repaired_keystore(planned, pw, w);
    CHECK(again.backup != result.backup);
    CHECK(read_file(result.backup) == original);
  }
  SUBCASE("the read-back check refuses a different model") {
    Keystore wrong = planned;
    wrong.entries[0].chain.pop_back();
    CHECK_THROWS_AS(check_written_keystore(wrong, back, plan.created_ms), Error);
    Keystore redated = planned;
    redated.entries[0].created_ms = 1;
    CHECK_THROWS_AS(check_written_keystore(redated, back, plan.created_ms), Error);
  }
  SUBCASE("a null password is refused before anything is written") {
    Bytes before = read_file(ks);
    CHECK_THROWS_AS(write_repaired_keystore(planned, Password(), w), UsageError);
    CHECK(read_file(ks) == before);
  }
  fs::remove_all(dir);
}

// --- the CLI ------------------------------------------------------------------------------------

namespace {

using CliRun = clitest::Run;
using clitest::slurp;

CliRun cli(const std::string& args, const std::string& env = "KSDOCTOR_STOREPASS=changeit") {
  return clitest::run("repair " + args, env);
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("repair CLI: dry run, --out, --in-place, backups and refusals") {
  fs::path dir =
      fs::temp_directory_path() / ("ksdoctor-repair-cli-dir-" + std::to_string(testos::pid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string ks = (dir / "prevent.ks").string();
  fs::copy_file(fixture_path("demo/prevent.ks"), ks);
  std::string original = slurp(ks);
  std::string from = " --from " + fixture_path("pki/intermediate-ca.crt.pem");
  const std::string at = " --at 2030-01-01";

  SUBCASE("--dry-run prints the plan, writes nothing, exits 1 when it would change") {
    CliRun r = cli(ks + from + at + " --dry-run --format json");
    CHECK(r.status == 1);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["dry_run"] == true);
    CHECK(j["changed"] == true);
    CHECK(j["written"] == false);
    CHECK(j["sound"] == true);
    CHECK(j["changes"][0]["action"] == "add_intermediate");
    CHECK(listing(dir) == std::vector<std::string>{"prevent.ks"});
    CHECK(slurp(ks) == original);
    CliRun text = cli(ks + from + at + " --dry-run", "");
    CHECK(text.status == 1);  // no password needed to plan
    CHECK(text.out.find("dry run: nothing written") != std::string::npos);
  }
  SUBCASE("--out leaves the input alone; the new file is 0600 and sound") {
    std::string out = (dir / "new.ks").string();
    CliRun r = cli(ks + from + at + " --out " + out);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(slurp(ks) == original);
    CHECK(listing(dir) == std::vector<std::string>{"new.ks", "prevent.ks"});
    if (!testos::kWindows) CHECK((platform::file_status(out).mode & 0777) == 0600);
    CliRun again = cli(out + from + at + " --dry-run --format json");
    CHECK(again.status == 0);
    CHECK(nlohmann::json::parse(again.out)["changes"].empty());
    CliRun same = cli(out + from + at + " --out " + (dir / "same.ks").string());
    CHECK(same.status == 0);
    CHECK(slurp((dir / "same.ks").string()) == slurp(out));  // deterministic with --at
  }
  SUBCASE("--in-place keeps KEYSTORE.bak; --no-backup does not") {
    CliRun r = cli(ks + from + at + " --in-place");
    CHECK(r.status == 0);
    CHECK(listing(dir) == std::vector<std::string>{"prevent.ks", "prevent.ks.bak"});
    CHECK(slurp(ks + ".bak") == original);
    CHECK(slurp(ks) != original);
    std::string repaired = slurp(ks);
    CliRun nothing = cli(ks + from + at + " --in-place");
    CHECK(nothing.status == 0);
    CHECK(slurp(ks) == repaired);
    CHECK(listing(dir).size() == 2);  // nothing to do: no second backup
    fs::remove(ks + ".bak");
    fs::copy_file(fixture_path("demo/prevent.ks"), ks, fs::copy_options::overwrite_existing);
    CliRun nb = cli(ks + from + at + " --in-place --no-backup");
    CHECK(nb.status == 0);
    CHECK(listing(dir) == std::vector<std::string>{"prevent.ks"});
  }
  SUBCASE("source warnings are reported, in JSON and text, like verify reports them") {
    fs::path src = dir / "sources";
    fs::create_directories(src);
    fs::copy_file(fixture_path("pki/intermediate-ca.crt.pem"), src / "inter.pem");
    std::ofstream(src / "README.txt") << "not a certificate\n";
    const std::string folder = " --from " + src.string();
    CliRun r = cli(ks + folder + at + " --dry-run --format json");
    CHECK(r.status == 1);  // a warning does not change the exit code: the plan changes the store
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["sound"] == true);
    // The origin is named as the user named the source: with --from.
    CHECK(j["changes"][0]["origin"] == "--from " + (src / "inter.pem").string());
    bool skipped = false;
    for (const auto& f : j["findings"]) {
      if (f["code"] != "TRUST_SOURCE_FILE_SKIPPED") continue;
      skipped = true;
      CHECK(f["severity"] == "warning");
      CHECK(f["path"] == (src / "README.txt").string());
    }
    CHECK(skipped);
    CliRun text = cli(ks + folder + at + " --dry-run");
    CHECK(text.out.find("TRUST_SOURCE_FILE_SKIPPED") != std::string::npos);
    CHECK(text.out.find("from --from " + (src / "inter.pem").string()) != std::string::npos);
    CHECK(listing(dir) == std::vector<std::string>{"prevent.ks", "sources"});
  }
  SUBCASE("exit 1 when something cannot be fixed, and it says what") {
    CliRun r = cli(ks + at + " --out " + (dir / "new.ks").string());
    CHECK(r.status == 1);
    CHECK(r.out.find("MISSING_INTERMEDIATE") != std::string::npos);
    CHECK(r.out.find("http://pki.example.com/intermediate.crt") != std::string::npos);
  }
  SUBCASE("refusals: no password, no destination, --out is the input, wrong password") {
    for (const auto& [args, env] : std::vector<std::pair<std::string, std::string>>{
             {ks + from + " --in-place", ""},
             {ks + from, "KSDOCTOR_STOREPASS=changeit"},
             {ks + from + " --out " + ks, "KSDOCTOR_STOREPASS=changeit"},
             {ks + from + " --in-place --out x.ks", "KSDOCTOR_STOREPASS=changeit"},
             {ks + from + " --in-place", "KSDOCTOR_STOREPASS=wrong"}}) {
      CliRun r = cli(args + at, env);
      CHECK_MESSAGE(r.status == 2, args);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK(slurp(ks) == original);
      CHECK(listing(dir) == std::vector<std::string>{"prevent.ks"});
    }
  }
  fs::remove_all(dir);
}

}  // namespace repair_test
