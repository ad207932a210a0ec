#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "fixture_util.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/timeutil.hpp"

namespace jks_test {
using namespace ksdoctor;

namespace {

const Password kChangeit = Password::of("changeit");

InspectResult inspect_fixture(const std::string& name, Password storepass = kChangeit,
                              std::optional<Password> keypass = std::nullopt) {
  InspectOptions options;
  options.storepass = std::move(storepass);
  options.keypass = std::move(keypass);
  options.now = parse_time("2030-01-01");
  return inspect_keystore(fixture(name), options);
}

bool has_code(const InspectResult& r, const std::string& code) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const Finding& f) { return f.code == code; });
}

const Entry& entry(const Keystore& ks, const std::string& alias) {
  auto it = std::find_if(ks.entries.begin(), ks.entries.end(),
                         [&](const Entry& e) { return e.alias == alias; });
  REQUIRE(it != ks.entries.end());
  return *it;
}

}  // namespace

TEST_CASE("format detection is by content") {
  CHECK(detect_format(fixture("jks/truststore.jks")) == StoreFormat::kJks);
  CHECK(detect_format(fixture("jceks/server.jceks")) == StoreFormat::kJceks);
  CHECK(detect_format(fixture("pki/root-ca.crt.pem")) == std::nullopt);
  CHECK_THROWS_AS(read_keystore(fixture("pki/root-ca.crt.pem"), kChangeit), FormatError);
}

TEST_CASE("wrong store password gives Java's wording") {
  try {
    read_keystore(fixture("jks/truststore.jks"), Password::of("wrong"));
    FAIL("expected PasswordError");
  } catch (const PasswordError& e) {
    CHECK(std::string(e.what()) == "Keystore was tampered with, or password was incorrect");
  }
}

TEST_CASE("null password skips the digest; empty password still checks it") {
  Keystore ks = read_keystore(fixture("jks/truststore.jks"), Password());
  CHECK(ks.integrity == Integrity::kNotVerified);
  CHECK(ks.entries.size() == 3);
  Keystore empty = read_keystore(fixture("jks/empty-password.jks"), Password::of(""));
  CHECK(empty.integrity == Integrity::kVerified);
  CHECK_THROWS_AS(read_keystore(fixture("jks/empty-password.jks"), kChangeit), PasswordError);
}

TEST_CASE("full chain key entry: key recovered and matching, chain in order") {
  InspectResult r = inspect_fixture("jks/server-fullchain.jks");
  const Entry& server = entry(r.store, "server");
  CHECK(server.kind == EntryKind::kPrivateKey);
  REQUIRE(server.chain.size() == 3);
  CHECK(server.chain[0]->subject.find("CN=mail.example.com") == 0);
  CHECK(server.chain[2]->self_issued());
  CHECK(server.chain[0]->ca_issuers ==
        std::vector<std::string>{"http://pki.example.com/intermediate.crt"});
  CHECK_FALSE(has_errors(r.findings));
  std::size_t i = static_cast<std::size_t>(&server - r.store.entries.data());
  CHECK(r.keys[i].status == KeyCheck::kRecovered);
  CHECK(r.keys[i].algorithm == "RSA 2048");
  CHECK(r.keys[i].matches_chain == true);
}

TEST_CASE("leaf-only chain is flagged") {
  CHECK(has_code(inspect_fixture("jks/server-leafonly.jks"), "KEY_CHAIN_LEAF_ONLY"));
  CHECK(has_code(inspect_fixture("demo/prevent.ks"), "KEY_CHAIN_LEAF_ONLY"));
}

TEST_CASE("key and certificate mismatch") {
  CHECK(has_code(inspect_fixture("jks/key-cert-mismatch.jks"), "KEY_CERT_MISMATCH"));
}

TEST_CASE("key password differing from the store password") {
  CHECK(has_code(inspect_fixture("jks/keypass-differs.jks"), "KEY_NOT_RECOVERABLE"));
  InspectResult ok =
      inspect_fixture("jks/keypass-differs.jks", kChangeit, Password::of("keypassword"));
  CHECK_FALSE(has_code(ok, "KEY_NOT_RECOVERABLE"));
  CHECK(has_code(inspect_fixture("jceks/keypass-differs.jceks"), "KEY_NOT_RECOVERABLE"));
  CHECK_FALSE(has_code(
      inspect_fixture("jceks/keypass-differs.jceks", kChangeit, Password::of("keypassword")),
      "KEY_NOT_RECOVERABLE"));
}

TEST_CASE("upper-case aliases are listed but not lookupable") {
  InspectResult r = inspect_fixture("jks/uppercase-alias.jks");
  CHECK(has_code(r, "ALIAS_NOT_LOOKUPABLE"));
  CHECK_FALSE(r.store.lookupable(entry(r.store, "MailServer")));
  CHECK(r.store.lookupable(entry(r.store, "other-root-ca")));
  CHECK(has_code(inspect_fixture("jceks/uppercase-alias.jceks"), "ALIAS_NOT_LOOKUPABLE"));
}

TEST_CASE("v1 JKS, duplicate aliases, unicode aliases") {
  CHECK(read_keystore(fixture("jks/v1.jks"), kChangeit).version == 1);
  Keystore dup = read_keystore(fixture("jks/duplicate-alias.jks"), kChangeit);
  REQUIRE(dup.entries.size() == 1);
  CHECK(dup.entries[0].chain[0]->subject.find("Downstream MTA Root CA") != std::string::npos);
  CHECK(*dup.entries[0].created_ms == 1609459200000);  // the later entry (2021) wins
  Keystore uni = read_keystore(fixture("jks/unicode-alias.jks"), kChangeit);
  bool has_nul = false, has_smile = false;
  for (const Entry& e : uni.entries) {
    has_nul |= e.alias.find('\0') != std::string::npos;
    has_smile |= e.alias.find("\xF0\x9F\x98\x80") != std::string::npos;
  }
  CHECK(has_nul);
  CHECK(has_smile);
}

TEST_CASE("empty store has no trust anchors") {
  CHECK(has_code(inspect_fixture("jks/empty.jks"), "EMPTY_TRUST_ANCHORS"));
  CHECK_FALSE(has_code(inspect_fixture("jks/truststore.jks"), "EMPTY_TRUST_ANCHORS"));
}

TEST_CASE("lint: weak keys, disabled signatures, validity") {
  CHECK(has_code(inspect_fixture("jks/rsa-512.jks"), "KEY_DISABLED_BY_JAVA"));
  CHECK(has_code(inspect_fixture("jks/rsa-1024.jks"), "WEAK_KEY"));
  CHECK(has_code(inspect_fixture("jks/md5-signed.jks"), "SIGNATURE_ALGORITHM_DISABLED"));
  CHECK(has_code(inspect_fixture("jks/sha1-signed.jks"), "WEAK_SIGNATURE_ALGORITHM"));
  CHECK(has_code(inspect_fixture("jks/expired.jks"), "CERT_EXPIRED"));
  CHECK(has_code(inspect_fixture("jks/not-yet-valid.jks"), "CERT_NOT_YET_VALID"));
  CHECK_FALSE(has_code(inspect_fixture("jks/selfsigned.jks"), "CERT_EXPIRED"));
}

TEST_CASE("expiring soon honours --warn-days at a given time") {
  Keystore ks = read_keystore(fixture("jks/selfsigned.jks"), kChangeit);
  const Certificate& cert = *ks.entries[0].chain[0];
  std::vector<Finding> out;
  lint_certificate(cert, "a", "chain[0]", cert.not_after - 10 * 86400, 30, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].code == "CERT_EXPIRING_SOON");
  out.clear();
  lint_certificate(cert, "a", "chain[0]", cert.not_after - 10 * 86400, 5, out);
  CHECK(out.empty());
}

TEST_CASE("key algorithms are described") {
  auto key_of = [](const std::string& name) {
    InspectResult r = inspect_fixture(name);
    for (std::size_t i = 0; i < r.store.entries.size(); ++i) {
      if (r.store.entries[i].kind == EntryKind::kPrivateKey) return r.keys[i].algorithm;
    }
    return std::string();
  };
  CHECK(key_of("jks/ec-p256.jks") == "EC P-256");
  CHECK(key_of("jks/ec-p384.jks") == "EC P-384");
  CHECK(key_of("jks/dsa-2048.jks") == "DSA 2048");
  CHECK(key_of("jceks/server.jceks") == "RSA 2048");
  CHECK(key_of("jceks/jks-protected-key.jceks") == "RSA 2048");
}

TEST_CASE("JCEKS secret keys are recovered and described") {
  InspectResult r = inspect_fixture("jceks/secretkeys.jceks");
  std::map<std::string, std::string> got;
  for (std::size_t i = 0; i < r.store.entries.size(); ++i) {
    if (r.store.entries[i].kind == EntryKind::kSecretKey)
      got[r.store.entries[i].alias] = r.keys[i].algorithm;
  }
  CHECK(got["aes256"] == "AES 256");
  CHECK(got["hmacsha256"].rfind("HmacSHA256", 0) == 0);
  CHECK(got["desede"] == "DESede 192");
  InspectResult wrong = inspect_fixture("jceks/secretkeys.jceks", kChangeit, Password::of("nope"));
  CHECK(has_code(wrong, "KEY_NOT_RECOVERABLE"));
}

TEST_CASE("--type follows Java's dual-format loaders") {
  Bytes jks = fixture("jks/truststore.jks");
  Bytes jceks = fixture("jceks/server.jceks");
  CHECK(read_keystore(jks, kChangeit, StoreFormat::kPkcs12).format == StoreFormat::kJks);
  CHECK(read_keystore(jks, kChangeit, StoreFormat::kJceks).format == StoreFormat::kJceks);
  CHECK_THROWS_AS(read_keystore(jceks, kChangeit, StoreFormat::kJks), FormatError);
  CHECK(read_keystore(jceks, kChangeit, StoreFormat::kJceks).format == StoreFormat::kJceks);
}

}  // namespace jks_test
