// The CLI contract: exit codes, password sources, one-line errors, JSON shape.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_run.hpp"
#include "fixture_util.hpp"

namespace cli_test {
namespace {

using clitest::lines;
using clitest::Run;
using clitest::run;
using clitest::slurp;

const std::string kAt = " --at 2030-01-01";

}  // namespace

TEST_CASE("inspect: password from env var, file, KSDOCTOR_STOREPASS and argv agree") {
  std::string ks = fixture_path("jks/server-fullchain.jks");
  Run env = run("inspect " + ks + " --format json --storepass-env PW" + kAt, "PW=changeit");
  REQUIRE(env.status == 0);
  auto j = nlohmann::json::parse(env.out);
  CHECK(j["integrity"] == "verified");
  std::string pwfile = "/tmp/ksdoctor-pw-" + std::to_string(testos::pid());
  std::ofstream(pwfile) << "changeit\n";
  Run file = run("inspect " + ks + " --format json --storepass-file " + pwfile + kAt);
  std::remove(pwfile.c_str());
  CHECK(file.out == env.out);
  Run global = run("inspect " + ks + " --format json" + kAt, "KSDOCTOR_STOREPASS=changeit");
  CHECK(global.out == env.out);
  Run argv = run("inspect " + ks + " --format json --storepass changeit" + kAt);
  CHECK(argv.out == env.out);
  CHECK(env.out.find("changeit") == std::string::npos);
}

TEST_CASE("inspect: no password and no TTY opens like Java with a null password") {
  Run r = run("inspect " + fixture_path("jks/truststore.jks") + " --format json" + kAt);
  CHECK(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["integrity"] == "not_verified");
  bool flagged = false;
  for (auto& f : j["findings"]) flagged |= f["code"] == "INTEGRITY_NOT_VERIFIED";
  CHECK(flagged);
}

TEST_CASE("inspect: wrong password is exit 2 with Java's message on one line") {
  Run r = run("inspect " + fixture_path("jks/truststore.jks") + " --storepass-env PW", "PW=wrong");
  CHECK(r.status == 2);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("Keystore was tampered with, or password was incorrect") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("inspect: exit 1 when an error-severity finding exists") {
  Run r = run("inspect " + fixture_path("jks/key-cert-mismatch.jks") + kAt,
              "KSDOCTOR_STOREPASS=changeit");
  CHECK(r.status == 1);
  CHECK(r.out.find("KEY_CERT_MISMATCH") != std::string::npos);
}

TEST_CASE("inspect: unreadable and non-keystore input is exit 2 with one line") {
  Run missing = run("inspect /nonexistent/prevent.ks");
  CHECK(missing.status == 2);
  CHECK(lines(missing.err) == 1);
  Run pem = run("inspect " + fixture_path("pki/root-ca.crt.pem"));
  CHECK(pem.status == 2);
  CHECK(lines(pem.err) == 1);
  Run usage = run("inspect");
  CHECK(usage.status == 2);
  CHECK(lines(usage.err) == 1);
  Run two_ways =
      run("inspect " + fixture_path("jks/truststore.jks") + " --storepass x --storepass-env PW",
          "PW=y");
  CHECK(two_ways.status == 2);
  Run bad_time = run("inspect " + fixture_path("jks/truststore.jks") + " --at tomorrow");
  CHECK(bad_time.status == 2);
  CHECK(lines(bad_time.err) == 1);
}

TEST_CASE("inspect: text output draws the chain as a tree") {
  Run r = run("inspect " + fixture_path("jks/server-fullchain.jks") + kAt,
              "KSDOCTOR_STOREPASS=changeit");
  CHECK(r.status == 0);
  CHECK(r.out.find("└─ CN=Example Issuing CA 1") != std::string::npos);
  CHECK(r.out.find("private key") != std::string::npos);
}

TEST_CASE("inspect --format json carries the documented fields") {
  Run r = run("inspect " + fixture_path("jks/server-fullchain.jks") + " --format json" + kAt,
              "KSDOCTOR_STOREPASS=changeit");
  auto j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"file", "format", "integrity", "entries", "hidden_certificates", "findings"}) {
    CHECK(j.contains(key));
  }
  CHECK(j["format"] == "JKS");
  for (auto& e : j["entries"]) {
    for (const char* key : {"alias", "kind", "created", "chain"}) CHECK(e.contains(key));
    for (auto& c : e["chain"]) {
      for (const char* key : {"subject", "issuer", "serial", "not_before", "not_after", "sha256",
                              "sha1", "key", "signature_algorithm", "is_ca", "self_signed"}) {
        CHECK(c.contains(key));
      }
    }
  }
}

TEST_CASE("verify KEYSTORE: the demo's leaf-only entry names its missing intermediate") {
  std::string ks = fixture_path("demo/prevent.ks");
  Run broken = run("verify " + ks + " --format json" + kAt, "KSDOCTOR_STOREPASS=changeit");
  CHECK(broken.status == 1);
  auto j = nlohmann::json::parse(broken.out);
  REQUIRE(j["entries"].size() == 1);
  CHECK(j["entries"][0]["alias"] == "smtp");
  CHECK(j["entries"][0]["reaches_root"] == false);
  CHECK(j["findings"][0]["code"] == "MISSING_INTERMEDIATE");
  CHECK(j["findings"][0]["issuer"] == "CN=Example Issuing CA 1,O=Example Corp,C=US");
  CHECK(j["findings"][0]["ca_issuers"] == "http://pki.example.com/intermediate.crt");

  // With the intermediate in a --trust folder the path reaches the keystore's root, and the
  // finding says which source holds the certificate the stored chain lacks.
  Run found = run("verify " + ks + " --format json --trust " + fixture_path("pki") + kAt,
                  "KSDOCTOR_STOREPASS=changeit");
  CHECK(found.status == 1);
  j = nlohmann::json::parse(found.out);
  CHECK(j["entries"][0]["reaches_root"] == true);
  CHECK(j["entries"][0]["root_trusted"] == true);
  CHECK(j["entries"][0]["complete"] == false);
  CHECK(j["findings"][0]["code"] == "MISSING_INTERMEDIATE");
  CHECK(std::string(j["findings"][0]["found_in"]).rfind("--trust ", 0) == 0);

  Run text = run("verify " + ks + " --trust " + fixture_path("pki/intermediate-ca.crt.pem") + kAt,
                 "KSDOCTOR_STOREPASS=changeit");
  CHECK(text.out.find("└─ ✔ CN=Example Issuing CA 1") != std::string::npos);
  Run dot = run("verify " + ks + " --format dot" + kAt, "KSDOCTOR_STOREPASS=changeit");
  CHECK(dot.out.rfind("digraph", 0) == 0);
  CHECK(dot.out.find("missing: CN=Example Issuing CA 1") != std::string::npos);
}

TEST_CASE("verify KEYSTORE: a full chain to a trusted root exits 0") {
  std::string ks = fixture_path("jks/server-fullchain.jks");
  Run ok =
      run("verify " + ks + " --cross-check --trust " + fixture_path("pki/root-ca.crt.pem") + kAt,
          "KSDOCTOR_STOREPASS=changeit");
  CHECK(ok.status == 0);
  CHECK(ok.out.find("✔ complete chain, ordered, root trusted") != std::string::npos);
}

TEST_CASE("verify: a --trust source that does not exist is exit 2 with one line") {
  Run r = run("verify " + fixture_path("demo/prevent.ks") + " --trust /nonexistent/ca.pem",
              "KSDOCTOR_STOREPASS=changeit");
  CHECK(r.status == 2);
  CHECK(lines(r.err) == 1);
  CHECK(r.out.empty());
}

}  // namespace cli_test
