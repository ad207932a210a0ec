// verify KEYSTORE: one test per rule, on PKIs built for the rule, plus adversarial pools.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "ksdoctor/chains.hpp"
#include "test_pki.hpp"

namespace chains_test {
using namespace ksdoctor;
using testpki::kNow;
using testpki::kYear;

namespace {

struct Pki {
  testpki::Node root = testpki::root("Test Root");
  testpki::Node inter = testpki::issue("Test Issuing CA", &root, {});
  testpki::Node leaf = testpki::issue("mail.example.test", &inter, testpki::leaf_spec());
};

Pki& pki() {
  static Pki shared;
  return shared;
}

KeystoreVerifyReport run(const std::vector<Entry>& entries, const CertPool& trust = CertPool()) {
  Keystore store;
  store.entries = entries;
  KeystoreVerifyOptions options;
  options.now = kNow;
  return verify_keystore(store, trust, options);
}

std::vector<std::string> codes(const KeystoreVerifyReport& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.push_back(f.code);
  return out;
}

bool has(const KeystoreVerifyReport& r, const std::string& code) {
  auto c = codes(r);
  return std::find(c.begin(), c.end(), code) != c.end();
}

std::string detail(const Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.details) {
    if (k == key) return v;
  }
  return {};
}

const Finding& first(const KeystoreVerifyReport& r, const std::string& code) {
  for (const Finding& f : r.findings) {
    if (f.code == code) return f;
  }
  throw std::runtime_error("no finding " + code);
}

}  // namespace

TEST_CASE("a complete, ordered chain to a trusted root has no findings") {
  auto& p = pki();
  auto r = run({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert, p.root.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  REQUIRE(r.entries.size() == 1);
  const EntryChainReport& e = r.entries[0];
  CHECK(r.findings.empty());
  CHECK(e.complete);
  CHECK(e.ordered);
  CHECK(e.signatures_ok);
  CHECK(e.reaches_root);
  CHECK(e.root_trusted);
  REQUIRE(e.path.size() == 3);
  CHECK(e.path[2].self_signed);
  CHECK(e.path[0].signature_ok);
}

TEST_CASE("a leaf-only entry names the intermediate a trust source holds") {
  auto& p = pki();
  CertPool trust;
  trust.add(p.inter.cert, CertOrigin::source("bundle.pem"));
  trust.add(p.root.cert, CertOrigin::source("bundle.pem"));
  auto r = run({testpki::key_entry("smtp", {p.leaf.cert})}, trust);
  const EntryChainReport& e = r.entries[0];
  CHECK(e.reaches_root);
  CHECK(e.root_trusted);
  CHECK_FALSE(e.complete);
  const Finding& f = first(r, "MISSING_INTERMEDIATE");
  CHECK(f.severity == Severity::kError);
  // Worded without command-line syntax unless the caller names origins itself.
  CHECK(detail(f, "found_in") == "bundle.pem");
  CHECK(f.message.find("(found in bundle.pem)") != std::string::npos);
  CHECK(f.remedy.find("--from bundle.pem --in-place") != std::string::npos);
  CHECK(detail(f, "issuer") == p.leaf.cert->issuer);
  CHECK(detail(f, "authority_key_id") == to_hex(p.leaf.cert->authority_key_id));
  CHECK(e.path[0].origin == CertOrigin::stored_chain());
  CHECK(e.path[1].origin == CertOrigin::source("bundle.pem"));

  KeystoreVerifyOptions named;
  named.now = kNow;
  named.name_origin = [](const CertOrigin& o) { return "<" + o.path + ">"; };
  Keystore store;
  store.entries = {testpki::key_entry("smtp", {p.leaf.cert})};
  KeystoreVerifyReport r2 = verify_keystore(store, trust, named);
  const Finding& f2 = first(r2, "MISSING_INTERMEDIATE");
  CHECK(detail(f2, "found_in") == "<bundle.pem>");
  CHECK(f2.message.find("(found in <bundle.pem>)") != std::string::npos);
}

TEST_CASE("an intermediate found in another keystore entry is named as that entry") {
  auto& p = pki();
  auto r =
      run({testpki::key_entry("smtp", {p.leaf.cert}), testpki::trusted_entry("inter", p.inter.cert),
           testpki::trusted_entry("root", p.root.cert)});
  const Finding& f = first(r, "MISSING_INTERMEDIATE");
  CHECK(detail(f, "found_in") == "keystore entry 'inter'");
  CHECK(f.remedy.find("--from KEYSTORE --in-place") != std::string::npos);
  CHECK(r.entries[0].path[1].origin == CertOrigin::keystore_entry("inter"));
}

TEST_CASE("a missing intermediate found nowhere is named with its AKI and AIA URL") {
  auto& p = pki();
  testpki::Spec spec = testpki::leaf_spec();
  spec.aia = "http://pki.example.test/issuing.crt";
  auto leaf = testpki::issue("aia.example.test", &p.inter, spec);
  auto r = run({testpki::key_entry("smtp", {leaf.cert}), testpki::trusted_entry("r", p.root.cert)});
  const EntryChainReport& e = r.entries[0];
  CHECK_FALSE(e.reaches_root);
  CHECK_FALSE(e.path.back().issuer_found);
  const Finding& f = first(r, "MISSING_INTERMEDIATE");
  CHECK(detail(f, "issuer") == p.inter.cert->subject);
  CHECK(detail(f, "authority_key_id") == to_hex(p.inter.cert->subject_key_id));
  CHECK(detail(f, "ca_issuers") == "http://pki.example.test/issuing.crt");
  CHECK(f.remedy.find("http://pki.example.test/issuing.crt") != std::string::npos);
}

TEST_CASE("a stored chain out of issuer order is reported and still rebuilt") {
  auto& p = pki();
  auto r = run({testpki::key_entry("smtp", {p.leaf.cert, p.root.cert, p.inter.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  const EntryChainReport& e = r.entries[0];
  CHECK_FALSE(e.ordered);
  CHECK(e.reaches_root);
  CHECK(e.complete);
  CHECK(has(r, "CHAIN_OUT_OF_ORDER"));
  CHECK_FALSE(has(r, "MISSING_INTERMEDIATE"));
}

TEST_CASE("a same-name CA that did not sign the leaf is a bad signature") {
  auto& p = pki();
  auto impostor = testpki::issue("Test Issuing CA", &p.root, {});  // same DN, other key
  auto r = run({testpki::key_entry("smtp", {p.leaf.cert, impostor.cert, p.root.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  const EntryChainReport& e = r.entries[0];
  CHECK_FALSE(e.signatures_ok);
  CHECK(has(r, "CHAIN_SIGNATURE_INVALID"));
  CHECK_FALSE(e.reaches_root);
  REQUIRE(e.path.size() == 2);
  CHECK(e.path[0].name_chains);
  CHECK_FALSE(e.path[0].signature_ok);
}

TEST_CASE("a root that no trust source holds is UNTRUSTED_ROOT (a warning)") {
  auto& p = pki();
  auto r = run({testpki::key_entry("smtp", {p.leaf.cert, p.inter.cert, p.root.cert})});
  const Finding& f = first(r, "UNTRUSTED_ROOT");
  CHECK(f.severity == Severity::kWarning);
  CHECK(detail(f, "sha256") == p.root.cert->sha256);
  CHECK(r.entries[0].complete);
  CHECK_FALSE(r.entries[0].root_trusted);
}

TEST_CASE("a root that is not a CA is ANCHOR_NOT_CA") {
  testpki::Spec not_ca;
  not_ca.ca = false;
  not_ca.key_usage = "critical,keyCertSign,digitalSignature";
  auto bad_root = testpki::root("Not A CA Root", not_ca);
  auto leaf = testpki::issue("x.example.test", &bad_root, testpki::leaf_spec());
  auto r = run({testpki::key_entry("smtp", {leaf.cert, bad_root.cert}),
                testpki::trusted_entry("root", bad_root.cert)});
  CHECK(has(r, "ANCHOR_NOT_CA"));
  REQUIRE(r.entries[0].java_problem);
  CHECK(r.entries[0].java_problem->check == PathCheck::kAnchorNotCa);
  CHECK(r.entries[0].java_problem->java_reason.find("is not a CA certificate") !=
        std::string::npos);
}

TEST_CASE("a pathLenConstraint violation is PATH_LEN_EXCEEDED") {
  auto& p = pki();
  testpki::Spec zero;
  zero.path_len = 0;
  auto top = testpki::issue("Constrained CA", &p.root, zero);
  auto below = testpki::issue("Too Deep CA", &top, {});
  auto leaf = testpki::issue("deep.example.test", &below, testpki::leaf_spec());
  auto r = run({testpki::key_entry("smtp", {leaf.cert, below.cert, top.cert, p.root.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  CHECK(has(r, "PATH_LEN_EXCEEDED"));
}

TEST_CASE("a key Java's disabledAlgorithms refuses is ALGORITHM_DISABLED_BY_JAVA") {
  auto& p = pki();
  testpki::Spec weak = testpki::leaf_spec();
  weak.curve = "prime192v1";
  auto leaf = testpki::issue("weak.example.test", &p.inter, weak);
  auto r = run({testpki::key_entry("smtp", {leaf.cert, p.inter.cert, p.root.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  CHECK(has(r, "ALGORITHM_DISABLED_BY_JAVA"));
  REQUIRE(r.entries[0].java_problem);
  CHECK(r.entries[0].java_problem->check == PathCheck::kAlgorithmDisabled);
  CHECK(r.entries[0].java_problem->java_reason.find("EC 192 bit key") != std::string::npos);
}

TEST_CASE("an expired intermediate on the path is CERT_EXPIRED") {
  auto& p = pki();
  testpki::Spec old;
  old.not_before = kNow - 3 * kYear;
  old.not_after = kNow - kYear;
  auto inter = testpki::issue("Expired Issuing CA", &p.root, old);
  auto leaf = testpki::issue("old.example.test", &inter, testpki::leaf_spec());
  auto r = run({testpki::key_entry("smtp", {leaf.cert, inter.cert, p.root.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  const Finding& f = first(r, "CERT_EXPIRED");
  CHECK(detail(f, "subject") == inter.cert->subject);
  CHECK(r.entries[0].java_problem == PathProblem{PathCheck::kValidity, "validity check failed"});
}

TEST_CASE("a not yet valid intermediate is CERT_NOT_YET_VALID, not CERT_EXPIRED") {
  auto& p = pki();
  testpki::Spec future;
  future.not_before = kNow + kYear;
  future.not_after = kNow + 3 * kYear;
  auto inter = testpki::issue("Future Issuing CA", &p.root, future);
  auto leaf = testpki::issue("early.example.test", &inter, testpki::leaf_spec());
  auto r = run({testpki::key_entry("smtp", {leaf.cert, inter.cert, p.root.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  const Finding& f = first(r, "CERT_NOT_YET_VALID");
  CHECK(f.severity == Severity::kError);
  CHECK(detail(f, "subject") == inter.cert->subject);
  CHECK_FALSE(has(r, "CERT_EXPIRED"));
  // Java's message is the same as for an expired certificate; the check differs.
  CHECK(r.entries[0].java_problem == PathProblem{PathCheck::kNotYetValid, "validity check failed"});

  // A peer sending the same chain: Java validates it against the trusted root.
  PeerCheckOptions options;
  options.now = kNow;
  PeerVerdict v = verify_peer({leaf.cert, inter.cert}, {p.root.cert}, CertPool(), options);
  CHECK_FALSE(v.trusted);
  CHECK(v.java_message ==
        "PKIX path validation failed: java.security.cert.CertPathValidatorException: validity "
        "check failed");
  REQUIRE(v.findings.size() == 1);
  CHECK(v.findings[0].code == "CERT_NOT_YET_VALID");
  CHECK(std::string(path_problem_code(PathCheck::kNotYetValid)) == "CERT_NOT_YET_VALID");
  CHECK(std::string(path_problem_code(PathCheck::kValidity)) == "CERT_EXPIRED");

  // Past its notAfter, the same kind of certificate is CERT_EXPIRED.
  testpki::Spec old;
  old.not_before = kNow - 3 * kYear;
  old.not_after = kNow - kYear;
  auto expired = testpki::issue("Old Issuing CA", &p.root, old);
  auto old_leaf = testpki::issue("late.example.test", &expired, testpki::leaf_spec());
  v = verify_peer({old_leaf.cert, expired.cert}, {p.root.cert}, CertPool(), options);
  REQUIRE(v.findings.size() == 1);
  CHECK(v.findings[0].code == "CERT_EXPIRED");
}

TEST_CASE("a leaf without serverAuth is EKU_NOT_SERVER_AUTH") {
  auto& p = pki();
  testpki::Spec client = testpki::leaf_spec();
  client.eku = "clientAuth";
  auto leaf = testpki::issue("client.example.test", &p.inter, client);
  auto r = run({testpki::key_entry("smtp", {leaf.cert, p.inter.cert, p.root.cert}),
                testpki::trusted_entry("root", p.root.cert)});
  CHECK(has(r, "EKU_NOT_SERVER_AUTH"));
}

TEST_CASE("a self-signed key entry reaches its own root") {
  testpki::Spec self = testpki::leaf_spec();
  auto leaf = testpki::root("selfsigned.example.test", self);
  auto r = run({testpki::key_entry("smtp", {leaf.cert})});
  CHECK(r.entries[0].reaches_root);
  CHECK(r.entries[0].complete);
  CHECK(has(r, "UNTRUSTED_ROOT"));
  CHECK_FALSE(has(r, "MISSING_INTERMEDIATE"));
}

TEST_CASE("200 same-name CAs and a cross-sign cycle finish in bounded time") {
  CertPool trust;
  // 200 CAs all named "Flood CA", each issued by an earlier one (self-issued, so no pathLen
  // budget is spent): at every level every one of them is a candidate issuer by name.
  std::vector<testpki::Node> flood{testpki::root("Flood CA")};
  for (int i = 1; i < 200; ++i)
    flood.push_back(testpki::issue("Flood CA", &flood[(i * 7) % i], {}));
  for (const auto& n : flood) trust.add(n.cert, CertOrigin::source("flood"));
  auto flood_leaf = testpki::issue("flood.example.test", &flood.back(), testpki::leaf_spec());
  // A and B cross-sign each other; the leaf hangs below A; no root.
  auto a_self = testpki::root("Cycle CA A");
  auto b = testpki::issue("Cycle CA B", &a_self, {});
  auto a = testpki::issue("Cycle CA A", &b, {}, a_self.key);
  auto b2 = testpki::issue("Cycle CA B", &a, {}, b.key);
  trust.add(a.cert, CertOrigin::source("cycle"));
  trust.add(b2.cert, CertOrigin::source("cycle"));
  auto cycle_leaf = testpki::issue("cycle.example.test", &a, testpki::leaf_spec());

  auto start = std::chrono::steady_clock::now();
  auto r = run({testpki::key_entry("flood", {flood_leaf.cert}),
                testpki::key_entry("cycle", {cycle_leaf.cert})},
               trust);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 10.0);
  REQUIRE(r.entries.size() == 2);
  CHECK(r.entries[0].reaches_root);  // through the flood, by signatures, to "Flood CA" itself
  CHECK(r.entries[0].path.back().cert->sha256 == flood[0].cert->sha256);
  CHECK_FALSE(r.entries[1].reaches_root);
  CHECK(r.entries[1].path.size() == 3);  // leaf, A, B: then the loop back to A is refused

  // The peer path builder over the same pools, anchored elsewhere: bounded too.
  PeerCheckOptions options;
  options.now = kNow;
  // An unrelated certificate second makes the chain unordered, so Java's builder (not the
  // validator) has to search the flood.
  std::vector<CertPtr> chain{flood_leaf.cert, b2.cert};
  for (std::size_t i = 1; i < flood.size(); ++i) chain.push_back(flood[i].cert);
  start = std::chrono::steady_clock::now();
  PeerVerdict v = verify_peer(chain, {pki().root.cert}, CertPool(), options);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 10.0);
  CHECK_FALSE(v.trusted);
  v = verify_peer({cycle_leaf.cert, b2.cert, a.cert}, {pki().root.cert}, CertPool(), options);
  CHECK_FALSE(v.trusted);
  // Anchored at the flood's root, Java finds the one signed path through the flood.
  v = verify_peer(chain, {flood[0].cert}, CertPool(), options);
  INFO(v.java_message);
  CHECK(v.trusted);
}

TEST_CASE("an expired root is a warning: Java ignores a trust anchor's dates") {
  testpki::Spec old;
  old.not_before = kNow - 3 * kYear;
  old.not_after = kNow - kYear;
  auto old_root = testpki::root("Expired Root", old);
  auto leaf = testpki::issue("r.example.test", &old_root, testpki::leaf_spec());
  auto r = run({testpki::key_entry("smtp", {leaf.cert, old_root.cert}),
                testpki::trusted_entry("root", old_root.cert)});
  const Finding& f = first(r, "CERT_EXPIRED");
  CHECK(f.severity == Severity::kWarning);
  CHECK_FALSE(r.entries[0].java_problem);
  CHECK_FALSE(has_errors(r.findings));
}

}  // namespace chains_test
