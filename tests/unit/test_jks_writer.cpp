// write_jks_family without a JVM (tests/writers compares with Java itself).
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <map>

#include "core/text.hpp"
#include "fixture_util.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/writers.hpp"

namespace jks_writer_test {
using namespace ksdoctor;

namespace {

const Password kChangeit = Password::of("changeit");
constexpr std::int64_t kNow = 1767225600000;

Bytes sha1(const Bytes& data) {
  Bytes out(20);
  unsigned int len = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) == 1);
  return out;
}

Entry trusted(const std::string& alias, const std::string& pem_fixture) {
  Entry e;
  e.alias = alias;
  e.alias_utf16 = utf8_to_utf16(alias);
  e.kind = EntryKind::kTrustedCert;
  e.chain = read_certificates(fixture(pem_fixture));
  return e;
}

std::map<std::u16string, const Entry*> by_alias(const Keystore& ks) {
  std::map<std::u16string, const Entry*> out;
  for (const Entry& e : ks.entries) out[e.alias_utf16] = &e;
  return out;
}

}  // namespace

TEST_CASE("writer: an empty JKS store is header, count 0 and the keyed SHA-1") {
  Keystore ks;
  Bytes out = write_jks_family(ks, kChangeit, kNow);
  Bytes body = {0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0, 0, 0};
  Bytes keyed;
  for (char c : std::string("changeit")) keyed.insert(keyed.end(), {0, static_cast<uint8_t>(c)});
  for (char c : std::string("Mighty Aphrodite")) keyed.push_back(static_cast<uint8_t>(c));
  keyed.insert(keyed.end(), body.begin(), body.end());
  Bytes expected = body;
  Bytes digest = sha1(keyed);
  expected.insert(expected.end(), digest.begin(), digest.end());
  CHECK(out == expected);
  CHECK(out == fixture("jks/empty.jks"));

  ks.format = StoreFormat::kJceks;
  Bytes jceks = write_jks_family(ks, Password::of(""), kNow);
  REQUIRE(jceks.size() == 32);
  CHECK(jceks[0] == 0xCE);
  CHECK(read_keystore(jceks, Password::of("")).integrity == Integrity::kVerified);
  CHECK_THROWS_AS(read_keystore(jceks, kChangeit), PasswordError);
}

TEST_CASE("writer: refuses what Java cannot store") {
  Keystore jceks = read_keystore(fixture("jceks/secretkeys.jceks"), kChangeit);
  Keystore jks = jceks;
  jks.format = StoreFormat::kJks;
  try {
    write_jks_family(jks, kChangeit, kNow);
    FAIL("expected UsageError");
  } catch (const UsageError& e) {
    CHECK(e.code() == "SECRET_KEY_IN_JKS");
  }
  try {
    write_jks_family(jceks, Password(), kNow);
    FAIL("expected UsageError");
  } catch (const UsageError& e) {
    CHECK(e.code() == "PASSWORD_REQUIRED");
  }
  Keystore p12 = jceks;
  p12.format = StoreFormat::kPkcs12;
  CHECK_THROWS_AS(write_jks_family(p12, kChangeit, kNow), UsageError);
  Keystore no_cert;
  no_cert.entries.push_back(trusted("x", "pki/root-ca.crt.pem"));
  no_cert.entries[0].chain.clear();
  CHECK_THROWS_AS(write_jks_family(no_cert, kChangeit, kNow), UsageError);
}

TEST_CASE("writer: every JKS/JCEKS fixture reads back as the same model") {
  for (const std::string name :
       {"jks/truststore.jks", "jks/server-fullchain.jks", "jks/uppercase-alias.jks", "jks/v1.jks",
        "jks/duplicate-alias.jks", "jks/unicode-alias.jks", "jks/many-entries.jks",
        "jceks/secretkeys.jceks", "jceks/server.jceks", "jceks/uppercase-alias.jceks",
        "jceks/jks-protected-key.jceks", "demo/prevent.ks"}) {
    CAPTURE(name);
    Keystore model = read_keystore(fixture(name), kChangeit);
    Bytes out = write_jks_family(model, kChangeit, kNow);
    Keystore again = read_keystore(out, kChangeit);
    CHECK(again.version == 2);
    CHECK(again.format == model.format);
    REQUIRE(again.entries.size() == model.entries.size());
    auto before = by_alias(model);
    for (const auto& [alias, e] : by_alias(again)) {
      REQUIRE(before.count(alias) == 1);
      const Entry* m = before[alias];
      CHECK(e->kind == m->kind);
      CHECK(e->created_ms == m->created_ms);
      CHECK((e->key ? e->key->blob : Bytes{}) == (m->key ? m->key->blob : Bytes{}));
      REQUIRE(e->chain.size() == m->chain.size());
      for (std::size_t i = 0; i < e->chain.size(); ++i) CHECK(e->chain[i]->der == m->chain[i]->der);
    }
  }
}

TEST_CASE("writer: duplicate aliases keep the first record's position, the last record's value") {
  Keystore ks = read_keystore(fixture("jks/duplicate-alias.jks"), kChangeit);
  REQUIRE(ks.entries.size() == 1);
  CHECK(ks.entries[0].file_position == 0u);
  Keystore again = read_keystore(write_jks_family(ks, kChangeit, kNow), kChangeit);
  REQUIRE(again.entries.size() == 1);
  CHECK(again.entries[0].chain[0]->der == ks.entries[0].chain[0]->der);
  CHECK(again.entries[0].created_ms == ks.entries[0].created_ms);
}

TEST_CASE("writer: raw upper-case aliases stay, added aliases are lower-cased like setEntry") {
  Keystore ks = read_keystore(fixture("jks/uppercase-alias.jks"), kChangeit);
  Entry added = trusted("Added-CA", "pki/other-root-ca.crt.pem");
  added.alias_utf16 = u"Added-\u0130";  // İ lower-cases to i + U+0307 in Locale.ENGLISH
  ks.entries.push_back(added);
  Keystore again = read_keystore(write_jks_family(ks, kChangeit, kNow), kChangeit);
  auto aliases = by_alias(again);
  CHECK(aliases.count(u"MailServer") == 1);
  CHECK(aliases.count(u"RootCA") == 1);
  CHECK(aliases.count(u"\u0130stanbul-ca") == 1);
  REQUIRE(aliases.count(java_lowercase(u"Added-\u0130")) == 1);
  const Entry* e = aliases[java_lowercase(u"Added-\u0130")];
  CHECK(e->created_ms == kNow);
  CHECK(again.lookupable(*e));
  CHECK(again.entries.size() == ks.entries.size());
}

TEST_CASE("writer: an added alias equal to a loaded one replaces it in place") {
  Keystore ks = read_keystore(fixture("jks/truststore.jks"), kChangeit);
  std::vector<std::u16string> order;
  for (const Entry& e : ks.entries) order.push_back(e.alias_utf16);
  Entry replacement = trusted("Root-CA", "pki/server.crt.pem");
  replacement.created_ms = 42;
  ks.entries.push_back(replacement);
  Keystore again = read_keystore(write_jks_family(ks, kChangeit, kNow), kChangeit);
  REQUIRE(again.entries.size() == 3);
  std::vector<std::u16string> after;
  for (const Entry& e : again.entries) after.push_back(e.alias_utf16);
  CHECK(after == order);
  const Entry* root = by_alias(again)[u"root-ca"];
  CHECK(root->created_ms == 42);
  CHECK(root->chain[0]->der == replacement.chain[0]->der);
}

}  // namespace jks_writer_test
