// Which key entry a Java TLS server presents: java.util.HashMap's order (SunX509) and the
// X509KeyManagerImpl ranking (PKIX). The Java-oracle test (tests/keymgr) checks the prediction
// against a real JVM on random stores; these pin the pieces.
#include <doctest/doctest.h>
#include <openssl/x509.h>

#include <algorithm>

#include "core/java_hashmap.hpp"
#include "ksdoctor/key_managers.hpp"
#include "ksdoctor/keys.hpp"
#include "test_pki.hpp"

namespace key_managers_test {
using namespace ksdoctor;

namespace {

std::vector<std::u16string> u16(const std::vector<std::string>& keys) {
  std::vector<std::u16string> out;
  for (const std::string& k : keys) out.emplace_back(k.begin(), k.end());
  return out;
}

std::vector<std::string> hashmap_keys(const std::vector<std::string>& keys) {
  auto order = java_hashmap_order(u16(keys));
  REQUIRE(order.has_value());
  std::vector<std::string> out;
  for (std::size_t i : *order) out.push_back(keys[i]);
  return out;
}

std::vector<std::string> split(const std::string& csv) {
  std::vector<std::string> out(1);
  for (char c : csv) {
    if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

// The expected orders were printed once by JDK 17.0.15: a fresh java.util.HashMap<String,
// Integer>, put() of each key in the order given, then String.join(",", map.keySet()).
TEST_CASE("java_hashmap_order: the orders a JDK 17 HashMap iterates in") {
  CHECK(hashmap_keys({"zeta-new", "alpha-old"}) == split("alpha-old,zeta-new"));
  CHECK(hashmap_keys({"zeta-new", "alpha-old", "mid-other"}) ==
        split("mid-other,alpha-old,zeta-new"));
  // 17 keys: one resize from 16 to 32 buckets at the 13th put.
  CHECK(hashmap_keys(split("mykey,server,tomcat,prevent,smtp,old,new,2019,2020,2021,2022,2023,2024,"
                           "a,b,c,d")) ==
        split("server,new,a,b,smtp,c,d,tomcat,old,2023,2022,2021,mykey,2020,prevent,2019,2024"));
  // Equal String.hashCode ("Aa" and "BB"): one bucket, insertion order.
  CHECK(hashmap_keys(split("Aa,BB,AaAa,BBBB,AaBB,BBAa")) == split("Aa,BB,AaAa,BBBB,AaBB,BBAa"));
  // 40 keys: resizes to 32 and 64 buckets.
  std::vector<std::string> forty;
  for (int i = 0; i < 40; ++i) forty.push_back("alias-" + std::to_string(i));
  CHECK(hashmap_keys(forty) ==
        split("alias-9,alias-6,alias-5,alias-8,alias-7,alias-2,alias-28,alias-1,alias-27,alias-4,"
              "alias-26,alias-3,alias-25,alias-0,alias-29,alias-31,alias-30,alias-13,alias-35,"
              "alias-12,alias-34,alias-11,alias-33,alias-10,alias-32,alias-17,alias-39,alias-16,"
              "alias-38,alias-15,alias-37,alias-14,alias-36,alias-19,alias-18,alias-20,alias-24,"
              "alias-23,alias-22,alias-21"));
  // Nine keys in one bucket of 64: the ninth makes treeifyBin resize (16 -> 32) instead.
  CHECK(hashmap_keys(split("k70,k92,k609,k708,k807,k829,k906,k928,k4909")) ==
        split("k70,k92,k609,k708,k807,k829,k906,k928,k4909"));
}

TEST_CASE("java_hashmap_order: a repeated put keeps the first position, reports the last index") {
  auto order = java_hashmap_order(u16({"zeta-new", "alpha-old", "zeta-new"}));
  REQUIRE(order.has_value());
  CHECK(*order == std::vector<std::size_t>{1, 2});
}

TEST_CASE("java_hashmap_order: a tree bin is not guessed") {
  // Eleven keys in one bucket of 128: the eleventh put treeifies the bin of a 64-bucket table,
  // and Java then iterates k708,k70,k829,... (the tree's root first): ksdoctor says it cannot tell.
  CHECK_FALSE(java_hashmap_order(
                  u16(split("k70,k708,k829,k906,k8091,k9180,k11033,k11077,k11110,k11154,k11198")))
                  .has_value());
  CHECK(java_hashmap_order(u16(split("k70,k708,k829,k906,k8091,k9180,k11033,k11077,k11110,k11154")))
            .has_value());
}

namespace {

const Password kPass = Password::of("changeit");

SecureBytes pkcs8_of(EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(key);
  unsigned char* der = nullptr;
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
  SecureBytes out(der, der + len);
  OPENSSL_free(der);
  PKCS8_PRIV_KEY_INFO_free(p8);
  return out;
}

// A JKS key entry with a self-signed EC certificate valid [from, to], its key under `pass`.
Entry ec_entry(const std::string& alias, std::int64_t from, std::int64_t to,
               const std::string& key_usage = "critical,digitalSignature,keyAgreement",
               const Password& pass = kPass) {
  testpki::Spec spec = testpki::leaf_spec();
  spec.not_before = from;
  spec.not_after = to;
  spec.key_usage = key_usage;
  testpki::Node node = testpki::root(alias, spec);
  Entry e = testpki::key_entry(alias, {node.cert});
  e.key = protect_private_key(pkcs8_of(node.key.get()), StoreFormat::kJks, pass);
  return e;
}

const PresentedAlias& type(const KeyManagerPrediction& p, const std::string& key_type) {
  auto it = std::find_if(p.by_key_type.begin(), p.by_key_type.end(),
                         [&](const PresentedAlias& t) { return t.key_type == key_type; });
  REQUIRE(it != p.by_key_type.end());
  return *it;
}

}  // namespace

TEST_CASE("predict_key_managers: SunX509 presents the expired entry its HashMap lists first") {
  using testpki::kNow;
  using testpki::kYear;
  Keystore store;
  store.entries.push_back(ec_entry("zeta-new", kNow - kYear, kNow + kYear));
  store.entries.push_back(ec_entry("alpha-old", kNow - 3 * kYear, kNow - kYear));
  KeyManagerPrediction p = predict_key_managers(store, kPass, kNow);
  CHECK_FALSE(p.sunx509_init_fails);
  CHECK(p.ambiguous());
  const PresentedAlias& ec = type(p, "EC");
  CHECK(ec.sunx509 == "alpha-old");
  CHECK(ec.pkix == "zeta-new");
  REQUIRE(ec.candidates.size() == 2);
  CHECK(ec.candidates[1].fitness == KeyEntryFitness::kExpired);

  std::vector<Finding> findings = key_manager_findings(store, p, kNow);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].code == "EXPIRED_KEY_ENTRY_PRESENTED");
  CHECK(findings[0].severity == Severity::kError);
  CHECK(findings[0].alias == "alpha-old");
  CHECK(findings[0].remedy.find("keytool -delete -alias alpha-old") != std::string::npos);

  // Two years earlier alpha-old was the valid one: nothing to report.
  CHECK(key_manager_findings(store, p, kNow - 2 * kYear).empty());
}

TEST_CASE("predict_key_managers: PKIX ranks extension mismatches last and ignores key passwords") {
  using testpki::kNow;
  using testpki::kYear;
  Keystore store;
  // An EC server certificate without keyAgreement is an EXTENSION_MISMATCH to X509KeyManagerImpl.
  store.entries.push_back(
      ec_entry("no-agreement", kNow - kYear, kNow + kYear, "critical,digitalSignature"));
  store.entries.push_back(ec_entry("expired", kNow - 3 * kYear, kNow - kYear));
  KeyManagerPrediction p = predict_key_managers(store, kPass, kNow);
  CHECK(type(p, "EC").pkix == "expired");
  CHECK(type(p, "EC").candidates[0].fitness == KeyEntryFitness::kExtensionMismatch);

  // A key under another password: SunX509's init fails, PKIX still chooses it (it chooses
  // without opening keys).
  store.entries.push_back(ec_entry("other-pass", kNow - kYear, kNow + kYear,
                                   "critical,digitalSignature,keyAgreement",
                                   Password::of("secret")));
  p = predict_key_managers(store, kPass, kNow);
  CHECK(p.sunx509_init_fails);
  CHECK(p.unrecoverable_aliases == std::vector<std::string>{"other-pass"});
  CHECK_FALSE(type(p, "EC").sunx509.has_value());
  CHECK(type(p, "EC").pkix == "other-pass");
  CHECK(key_manager_findings(store, p, kNow).empty());
}

TEST_CASE("predict_key_managers: one key entry per type is nothing to tell") {
  using testpki::kNow;
  using testpki::kYear;
  Keystore store;
  store.entries.push_back(ec_entry("only", kNow - kYear, kNow + kYear));
  store.entries.push_back(testpki::trusted_entry("ca", store.entries[0].chain[0]));
  KeyManagerPrediction p = predict_key_managers(store, kPass, kNow);
  CHECK_FALSE(p.ambiguous());
  CHECK(type(p, "EC").sunx509 == "only");
  CHECK(type(p, "EC").pkix == "only");
}

TEST_CASE("java_key_type: Java's PublicKey.getAlgorithm() names") {
  CHECK(java_key_type(PublicKeyInfo{"Ed25519", 255, ""}) == "EdDSA");
  CHECK(java_key_type(PublicKeyInfo{"RSA", 2048, ""}) == "RSA");
  CHECK(java_key_type(PublicKeyInfo{"EC", 256, "P-256"}) == "EC");
}

}  // namespace key_managers_test
