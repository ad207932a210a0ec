// write_keystore_verify_json (and write_inspect_json, which shares its writer) against the
// reference: the nlohmann document's dump(2), byte for byte.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "fixture_util.hpp"
#include "ksdoctor/chains.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/verify_report.hpp"
#include "test_pki.hpp"

namespace verify_json_test {
using namespace ksdoctor;

namespace {

constexpr std::int64_t kAt2070 = 3155760000;  // 2070-01-01T00:00:00Z: the fixtures have expired

// Origins named as `verify` names them.
const OriginNamer kVerifyNames = report::origin_namer("--trust");

struct Streamed {
  std::string text;
  int pieces = 0;
};

Streamed streamed(const std::string& file, const KeystoreVerifyReport& report,
                  const std::vector<Finding>& extra) {
  Streamed out;
  report::write_keystore_verify_json(
      file, report, extra,
      [&](std::string_view piece) {
        out.text += piece;
        ++out.pieces;
      },
      kVerifyNames);
  return out;
}

// Where two texts first differ, with some context, for a readable failure.
std::string first_difference(const std::string& got, const std::string& want) {
  auto [a, b] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  auto at = static_cast<std::size_t>(a - got.begin());
  std::size_t from = at < 80 ? 0 : at - 80;
  return "at byte " + std::to_string(at) + "\n  streamed: …" + got.substr(from, 160) +
         "\n  dump(2):  …" + want.substr(from, 160);
}

// Returns the number of pieces the sink received.
int check_identical(const std::string& file, const KeystoreVerifyReport& report,
                    const std::vector<Finding>& extra = {}) {
  Streamed got = streamed(file, report, extra);
  std::string want = report::keystore_verify_json(file, report, extra, kVerifyNames).dump(2);
  INFO(first_difference(got.text, want));
  CHECK(got.text == want);
  return got.pieces;
}

Keystore fixture_store(const std::string& name) {
  return read_keystore(fixture(name), Password::of("changeit"));
}

CertPool intermediate_pool() {
  CertPool pool;
  for (CertPtr& c : read_certificates(fixture("pki/intermediate-ca.crt.pem"))) {
    pool.add(std::move(c), CertOrigin::source(fixture_path("pki/intermediate-ca.crt.pem")));
  }
  return pool;
}

KeystoreVerifyReport verify(const Keystore& store, const CertPool& pool, std::int64_t now) {
  KeystoreVerifyOptions options;
  options.now = now;
  return verify_keystore(store, pool, options);
}

Finding finding(std::string code, Severity severity, std::optional<std::string> alias,
                std::vector<std::pair<std::string, std::string>> details = {}) {
  Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.alias = std::move(alias);
  f.message = "message for " + f.code;
  f.remedy = "remedy for " + f.code;
  f.details = std::move(details);
  return f;
}

// A PKI whose names, AIA URI and aliases need escaping or are not ASCII.
struct OddPki {
  testpki::Node root = testpki::root("Wurzel \"CA\" \\ Größe 日本 😀");
  testpki::Node inter = testpki::issue("Zwischen, CA+1; <x>=y", &root, aia_spec());
  testpki::Node leaf = testpki::issue("tab\there\nnew line \x01\x1f\x7f", &inter, leaf_spec());

  static testpki::Spec aia_spec() {
    testpki::Spec s;
    s.aia = "http://example.test/ca\"quoted\"\\path.crt";
    return s;
  }
  static testpki::Spec leaf_spec() {
    testpki::Spec s = testpki::leaf_spec();
    s.aia = "http://example.test/inter.crt";
    return s;
  }
};

OddPki& odd_pki() {
  static OddPki shared;
  return shared;
}

KeystoreVerifyReport odd_report() {
  OddPki& p = odd_pki();
  Keystore store;
  store.entries = {testpki::key_entry("full \"chain\"", {p.leaf.cert, p.inter.cert, p.root.cert}),
                   testpki::key_entry("leaf\\only", {p.leaf.cert}),
                   testpki::key_entry("out of order é", {p.leaf.cert, p.root.cert, p.inter.cert}),
                   testpki::trusted_entry("root", p.root.cert)};
  CertPool pool;
  pool.add(p.inter.cert, CertOrigin::source("/tmp/ünïcode \"dir\"\\inter.pem\t"));
  return verify(store, pool, testpki::kNow);
}

}  // namespace

TEST_CASE("verify JSON: the streamed writer equals dump(2) on the fixtures") {
  bool java_problem = false, no_java_problem = false, broken = false, to_root = false;
  for (std::int64_t now : {testpki::kNow, kAt2070}) {
    CAPTURE(now);
    for (const char* name :
         {"demo/prevent.ks", "jks/server-fullchain.jks", "jks/server-leafonly.jks"}) {
      CAPTURE(name);
      Keystore store = fixture_store(name);
      KeystoreVerifyReport alone = verify(store, CertPool(), now);
      KeystoreVerifyReport with_trust = verify(store, intermediate_pool(), now);
      CHECK_FALSE(alone.entries.empty());
      check_identical(fixture_path(name), alone);
      check_identical(fixture_path(name), with_trust);
      check_identical(name, with_trust, alone.findings);  // the other run's findings as notes
      for (const EntryChainReport& e : with_trust.entries) {
        (e.java_problem ? java_problem : no_java_problem) = true;
        (e.reaches_root ? to_root : broken) = true;
      }
    }
  }
  // The identity above covers java_problem both ways, and broken and complete paths.
  CHECK(java_problem);
  CHECK(no_java_problem);
  CHECK(broken);
  CHECK(to_root);
}

TEST_CASE("verify JSON: escaping, non-ASCII text, empty and null members") {
  KeystoreVerifyReport report = odd_report();
  REQUIRE(report.entries.size() == 3);
  check_identical("", report);
  check_identical("C:\\keystores\\\"prevent\".ks\r\n\b\f\x02 ümlaut ✔ 😀", report);

  SUBCASE("java_problem set and unset, empty aliases, origins and chains") {
    report.entries[0].java_problem = PathProblem{
        PathCheck::kNameChaining, "PKIX path building failed: \"quoted\" \\ \n\t\x03 ü"};
    report.entries[1].java_problem.reset();
    report.entries[1].alias.clear();
    report.entries[2].path.front().origin = CertOrigin();
    report.entries[2].stored.clear();
    report.entries.push_back(report.entries[0]);
    report.entries.back().path.clear();
    check_identical("store.jks", report);
  }
  SUBCASE("no entries, no findings") {
    check_identical("empty.jks", KeystoreVerifyReport());
    KeystoreVerifyReport no_findings = report;
    no_findings.findings.clear();
    check_identical("empty.jks", no_findings);
  }
  SUBCASE("extra findings with details") {
    std::vector<Finding> extra = {
        finding("TRUST_SOURCE_UNREADABLE", Severity::kWarning, std::nullopt,
                {{"source", "/etc/ssl/\"certs\"\\x"}, {"reason", "No such file\n\x1b[0m ✘"}}),
        finding("CROSS_CHECK_DISAGREES", Severity::kError, "alias \"é\"",
                {{"botan", "Certificate issuer not found"}, {"message", "replaced in place"}}),
        // A detail named like a member replaces it in place; "alias" without an alias is appended.
        finding("X", Severity::kInfo, std::nullopt,
                {{"alias", "late alias"}, {"code", "Y"}, {"extra", ""}, {"extra", "again"}}),
        finding("", Severity::kInfo, std::string(), {{"", ""}}),
    };
    check_identical("store.jks", report, extra);
    check_identical("store.jks", KeystoreVerifyReport(), extra);
  }
}

TEST_CASE("verify JSON: a large report arrives in several pieces, still identical") {
  KeystoreVerifyReport one = odd_report();
  KeystoreVerifyReport big;
  for (int i = 0; i < 100; ++i) {
    for (EntryChainReport e : one.entries) {
      e.alias += " #" + std::to_string(i);
      big.entries.push_back(std::move(e));
    }
    big.findings.insert(big.findings.end(), one.findings.begin(), one.findings.end());
  }
  int pieces = check_identical("big.jks", big, one.findings);
#ifdef NDEBUG
  CHECK(pieces > 1);
#else
  CHECK(pieces == 1);  // debug builds write everything, then compare with dump(2)
#endif
}

TEST_CASE("verify JSON: invalid UTF-8 fails as dump(2) does, before anything is written") {
  auto throws_like_dump = [](const std::string& file, const KeystoreVerifyReport& report,
                             const std::vector<Finding>& extra) {
    CHECK_THROWS_AS(report::keystore_verify_json(file, report, extra, kVerifyNames).dump(2),
                    nlohmann::json::type_error);
    int calls = 0;
    CHECK_THROWS_AS(report::write_keystore_verify_json(
                        file, report, extra, [&](std::string_view) { ++calls; }, kVerifyNames),
                    nlohmann::json::type_error);
    CHECK(calls == 0);
  };
  const KeystoreVerifyReport good = odd_report();
  const std::vector<Finding> notes = {finding("NOTE", Severity::kInfo, "a")};
  SUBCASE("file") { throws_like_dump("bad\xff.jks", good, notes); }
  SUBCASE("alias") {
    KeystoreVerifyReport r = good;
    r.entries[1].alias = "truncated \xc3";
    throws_like_dump("store.jks", r, notes);
  }
  SUBCASE("java_problem") {
    KeystoreVerifyReport r = good;
    r.entries[2].java_problem = PathProblem{PathCheck::kSignature, "surrogate \xed\xa0\x80"};
    throws_like_dump("store.jks", r, notes);
  }
  SUBCASE("origin") {
    KeystoreVerifyReport r = good;
    r.entries[0].path.back().origin = CertOrigin::source("overlong \xc0\xaf");
    throws_like_dump("store.jks", r, notes);
  }
  SUBCASE("an extra finding's detail name") {
    std::vector<Finding> bad = notes;
    bad.back().details.emplace_back("name \xf5", "value");
    throws_like_dump("store.jks", good, bad);
  }
}

TEST_CASE("inspect JSON: the streamed writer still equals dump(2)") {
  for (const char* name : {"demo/prevent.ks", "jks/server-fullchain.jks", "jks/unicode-alias.jks",
                           "pkcs12/java-fullchain.p12", "pkcs12/openssl-truststore.p12"}) {
    CAPTURE(name);
    InspectOptions options;
    options.storepass = Password::of("changeit");
    options.now = testpki::kNow;
    InspectResult result = inspect_keystore(fixture(name), options);
    std::string got;
    report::write_inspect_json(name, result, [&](std::string_view piece) { got += piece; });
    std::string want = report::inspect_json(name, result).dump(2);
    INFO(first_difference(got, want));
    CHECK(got == want);
  }
}

}  // namespace verify_json_test
