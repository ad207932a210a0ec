// import: reading PEM keys of every encoding, and plan_import on PKIs built for each case (chain
// completion and order, refusals, names, the key managers' choice, CA replies).
#include <doctest/doctest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "ksdoctor/error.hpp"
#include "ksdoctor/import.hpp"
#include "ksdoctor/keys.hpp"
#include "test_pki.hpp"

namespace import_test {
using namespace ksdoctor;
using testpki::kNow;
using testpki::kYear;

namespace {

const Password kStorepass = Password::of("changeit");

Bytes pem_of(EVP_PKEY* key, const std::string& form, const char* pass = nullptr) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  int ok = 0;
  if (form == "pkcs8") {
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else if (form == "pkcs8-encrypted") {
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), pass,
                                       static_cast<int>(std::strlen(pass)), nullptr, nullptr);
  } else {  // "traditional": PKCS#1 for RSA, SEC1 for EC
    ok =
        PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  REQUIRE(ok == 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return Bytes(data, data + len);
}

SecureBytes pkcs8_of(EVP_PKEY* key) {
  return read_pem_private_key(pem_of(key, "pkcs8"), Password());
}

struct Pki {
  testpki::Node root = testpki::root("Import Root");
  testpki::Node inter = testpki::issue("Import Issuing CA", &root, {});
  testpki::Node leaf = issue_leaf("smtp.example.com", {});
  testpki::Node issue_leaf(const std::string& cn, testpki::Spec spec,
                           std::shared_ptr<EVP_PKEY> key = nullptr) {
    testpki::Spec s = testpki::leaf_spec();
    // What Java's PKIX key manager asks of a server's EC certificate (else "extension mismatch").
    s.key_usage = "critical,digitalSignature,keyAgreement";
    if (!spec.eku.empty()) s.eku = spec.eku;
    s.not_before = spec.not_before;
    s.not_after = spec.not_after;
    return testpki::issue(cn, &inter, s, std::move(key));
  }
};

ImportMaterial pem_material(const testpki::Node& leaf, std::vector<CertPtr> certs) {
  ImportMaterial m;
  m.kind = ImportSourceKind::kPemKey;
  m.path = "certs.pem";
  m.pkcs8 = pkcs8_of(leaf.key.get());
  m.certs = std::move(certs);
  return m;
}

ImportOptions options(const std::string& alias) {
  ImportOptions o;
  o.alias = alias;
  o.now = kNow;
  o.created_ms = kNow * 1000;
  return o;
}

CertPool pool_of(std::vector<CertPtr> certs) {
  CertPool pool;
  for (CertPtr& c : certs) pool.add(std::move(c), CertOrigin::source("ca.pem"));
  return pool;
}

std::vector<std::string> codes(const ImportPlan& plan) {
  std::vector<std::string> out;
  for (const Finding& f : plan.findings) out.push_back(f.code);
  return out;
}

bool has_code(const ImportPlan& plan, const std::string& code) {
  std::vector<std::string> all = codes(plan);
  return std::find(all.begin(), all.end(), code) != all.end();
}

std::vector<std::string> subjects(const std::vector<CertPtr>& chain) {
  std::vector<std::string> out;
  for (const CertPtr& c : chain) out.push_back(c->common_name());
  return out;
}

// A key entry whose key really opens with the store password (the key managers try it).
Entry real_key_entry(const std::string& alias, const testpki::Node& leaf,
                     std::vector<CertPtr> chain, StoreFormat format = StoreFormat::kJks) {
  Entry e = testpki::key_entry(alias, std::move(chain));
  e.key = protect_private_key(pkcs8_of(leaf.key.get()), format, kStorepass);
  e.created_ms = (kNow - kYear) * 1000;
  return e;
}

}  // namespace

TEST_CASE("import: PEM private keys in every encoding become the PKCS#8 of the same key") {
  std::shared_ptr<EVP_PKEY> rsa(EVP_RSA_gen(2048), EVP_PKEY_free);
  std::shared_ptr<EVP_PKEY> ec = testpki::new_key("prime256v1");
  for (const auto& [name, key] : {std::pair{"RSA", rsa}, std::pair{"EC", ec}}) {
    CAPTURE(name);
    testpki::Node root = testpki::root("PEM Root");
    testpki::Node leaf = testpki::issue("pem.example.com", &root, testpki::leaf_spec(), key);
    for (const char* form : {"pkcs8", "traditional"}) {
      CAPTURE(form);
      Bytes pem = pem_of(key.get(), form);
      std::string text(pem.begin(), pem.end());
      CHECK(text.find(std::string(form) == "pkcs8"
                          ? "BEGIN PRIVATE KEY"
                          : (std::string(name) == "RSA" ? "BEGIN RSA PRIVATE KEY"
                                                        : "BEGIN EC PRIVATE KEY")) !=
            std::string::npos);
      CHECK(private_key_matches(read_pem_private_key(pem, Password()), *leaf.cert));
    }
    Bytes encrypted = pem_of(key.get(), "pkcs8-encrypted", "s3cret");
    CHECK(private_key_matches(read_pem_private_key(encrypted, Password::of("s3cret")), *leaf.cert));
    CHECK_THROWS_AS(read_pem_private_key(encrypted, Password::of("wrong")), PasswordError);
    CHECK_THROWS_AS(read_pem_private_key(encrypted, Password()), PasswordError);
  }
  const std::string not_a_key = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  CHECK_THROWS_AS(read_pem_private_key(Bytes(not_a_key.begin(), not_a_key.end()), Password()),
                  FormatError);
}

TEST_CASE("import: the chain is completed from --from, ordered, and ends at its root") {
  Pki pki;
  testpki::Node stranger = testpki::root("Unrelated Root");
  Keystore store = new_keystore(StoreFormat::kJks);
  store.entries.push_back(testpki::trusted_entry("other-root", stranger.cert));
  Keystore before = store;

  SUBCASE("leaf only, the CA certificates in --from") {
    ImportPlan plan =
        plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}),
                    pool_of({pki.root.cert, pki.inter.cert}), kStorepass, options("smtp"));
    CHECK(plan.ok());
    CHECK(subjects(plan.new_entry->chain) ==
          std::vector<std::string>{"smtp.example.com", "Import Issuing CA", "Import Root"});
  }
  SUBCASE("reversed, with an unrelated certificate, from the source alone") {
    ImportPlan plan = plan_import(
        store,
        pem_material(pki.leaf, {pki.root.cert, stranger.cert, pki.inter.cert, pki.leaf.cert}),
        CertPool(), kStorepass, options("smtp"));
    CHECK(plan.ok());
    CHECK(subjects(plan.new_entry->chain) ==
          std::vector<std::string>{"smtp.example.com", "Import Issuing CA", "Import Root"});
    CHECK(std::any_of(plan.changes.begin(), plan.changes.end(), [](const RepairChange& c) {
      return c.action == RepairAction::kDropCertificate &&
             c.cert->common_name() == "Unrelated Root";
    }));
    Keystore after = apply_import(store, plan);
    REQUIRE(after.entries.size() == 2);
    CHECK(after.entries[0].alias == "other-root");
    CHECK(after.entries[0].chain[0]->der == before.entries[0].chain[0]->der);
    CHECK(after.entries[1].alias == "smtp");
    CHECK(after.entries[1].key.has_value());
  }
  SUBCASE("the intermediate nowhere: MISSING_INTERMEDIATE, nothing to write") {
    ImportPlan plan = plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}),
                                  pool_of({pki.root.cert}), kStorepass, options("smtp"));
    CHECK_FALSE(plan.ok());
    CHECK(has_code(plan, "MISSING_INTERMEDIATE"));
  }
}

TEST_CASE("import: refusals and warnings") {
  Pki pki;
  Keystore store = new_keystore(StoreFormat::kPkcs12);
  CertPool cas = pool_of({pki.root.cert, pki.inter.cert});

  SUBCASE("a key that belongs to no given certificate") {
    testpki::Node other = pki.issue_leaf("other.example.com", {});
    ImportMaterial m = pem_material(other, {pki.leaf.cert});
    ImportPlan plan = plan_import(store, m, cas, kStorepass, options("smtp"));
    CHECK_FALSE(plan.ok());
    CHECK(codes(plan) == std::vector<std::string>{"KEY_CERT_MISMATCH"});
    CHECK_FALSE(plan.new_entry);
  }
  SUBCASE("an existing alias without --replace; with it the entry keeps its place") {
    testpki::Node old = pki.issue_leaf("smtp.example.com", {});
    store.entries.push_back(
        real_key_entry("smtp", old, {old.cert, pki.inter.cert}, StoreFormat::kPkcs12));
    store.entries.push_back(testpki::trusted_entry("root", pki.root.cert));
    ImportPlan refused = plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}), cas,
                                     kStorepass, options("smtp"));
    CHECK(has_code(refused, "ALIAS_EXISTS"));
    CHECK_FALSE(refused.ok());
    ImportOptions replace = options("SMTP");  // PKCS#12 finds aliases case-insensitively
    replace.replace = true;
    ImportPlan plan =
        plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}), cas, kStorepass, replace);
    CHECK(plan.ok());
    CHECK(plan.replaces);
    CHECK(plan.alias == "smtp");
    Keystore after = apply_import(store, plan);
    REQUIRE(after.entries.size() == 2);
    CHECK(after.entries[0].alias == "smtp");
    CHECK(after.entries[0].chain[0]->sha256 == pki.leaf.cert->sha256);
  }
  SUBCASE("an expired leaf") {
    testpki::Spec spec;
    spec.not_before = kNow - 2 * kYear;
    spec.not_after = kNow - kYear;
    testpki::Node expired = pki.issue_leaf("smtp.example.com", spec);
    ImportPlan plan =
        plan_import(store, pem_material(expired, {expired.cert}), cas, kStorepass, options("smtp"));
    CHECK_FALSE(plan.ok());
    CHECK(has_code(plan, "CERT_EXPIRED"));
  }
  SUBCASE("a client certificate") {
    testpki::Spec spec;
    spec.eku = "clientAuth";
    testpki::Node client = pki.issue_leaf("smtp.example.com", spec);
    ImportPlan plan =
        plan_import(store, pem_material(client, {client.cert}), cas, kStorepass, options("smtp"));
    CHECK_FALSE(plan.ok());
    CHECK(has_code(plan, "EKU_NOT_SERVER_AUTH"));
  }
  SUBCASE("a hostname the certificate does not name is a warning") {
    ImportOptions o = options("smtp");
    o.hostnames = {"dlp.example.com"};
    ImportPlan plan =
        plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}), cas, kStorepass, o);
    CHECK(plan.ok());
    CHECK(has_code(plan, "HOSTNAME_NOT_IN_SAN"));
  }
  SUBCASE("a key password other than the store password") {
    ImportOptions o = options("smtp");
    o.keypass = Password::of("different");
    ImportPlan plan =
        plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}), cas, kStorepass, o);
    CHECK_FALSE(plan.ok());
    CHECK(has_code(plan, "KEY_PASSWORD_DIFFERS"));
  }
}

TEST_CASE("import: an old entry for the same server that Java would present instead") {
  Pki pki;
  testpki::Spec expired;
  expired.not_before = kNow - 2 * kYear;
  expired.not_after = kNow - 1;
  testpki::Node old = pki.issue_leaf("smtp.example.com", expired);
  for (StoreFormat format : {StoreFormat::kJks, StoreFormat::kPkcs12}) {
    CAPTURE(format_name(format));
    Keystore store = new_keystore(format);
    store.entries.push_back(real_key_entry("alpha-old", old, {old.cert, pki.inter.cert}, format));
    store.entries.push_back(testpki::trusted_entry("root", pki.root.cert));
    CertPool cas = pool_of({pki.root.cert, pki.inter.cert});
    ImportPlan plan = plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}), cas, kStorepass,
                                  options("zeta-new"));
    REQUIRE(plan.presented);
    CHECK(plan.key_type == "EC");
    bool old_wins = std::any_of(plan.findings.begin(), plan.findings.end(), [](const Finding& f) {
      return f.code == "OLD_KEY_ENTRY_PRESENTED";
    });
    // Whichever manager picks alpha-old, the plan must say so; PKIX never prefers an expired one.
    for (const PresentedAlias& p : plan.presented->by_key_type) {
      if (p.key_type != "EC") continue;
      CHECK(p.pkix == std::optional<std::string>("zeta-new"));
      CHECK(old_wins == (p.sunx509 == std::optional<std::string>("alpha-old")));
    }
    ImportOptions replace = options("alpha-old");
    replace.replace = true;
    ImportPlan fixed =
        plan_import(store, pem_material(pki.leaf, {pki.leaf.cert}), cas, kStorepass, replace);
    CHECK(fixed.ok());
  }
}

TEST_CASE("import: a CA reply replaces the chain of the key entry it answers") {
  Pki pki;
  // keytool -genkeypair: the entry holds a self-signed certificate for its key.
  testpki::Spec self = testpki::leaf_spec();
  testpki::Node selfsigned = testpki::issue("smtp.example.com", nullptr, self, pki.leaf.key);
  Keystore store = new_keystore(StoreFormat::kJks);
  store.entries.push_back(real_key_entry("smtp", pki.leaf, {selfsigned.cert}));
  const Bytes key_blob = store.entries[0].key->blob;
  CertPool cas = pool_of({pki.root.cert});

  ImportMaterial reply;
  reply.kind = ImportSourceKind::kCertReply;
  reply.path = "reply.p7b";
  reply.certs = {pki.inter.cert, pki.leaf.cert};
  ImportPlan plan = plan_import(store, reply, cas, kStorepass, options("smtp"));
  CHECK(plan.ok());
  CHECK(plan.replaces);
  REQUIRE(plan.new_entry);
  CHECK(plan.new_entry->key->blob == key_blob);
  CHECK(subjects(plan.new_entry->chain) ==
        std::vector<std::string>{"smtp.example.com", "Import Issuing CA", "Import Root"});

  testpki::Node other = pki.issue_leaf("smtp.example.com", {});
  reply.certs = {other.cert};
  ImportPlan one = plan_import(store, reply, cas, kStorepass, options("smtp"));
  REQUIRE(codes(one) == std::vector<std::string>{"REPLY_KEY_MISMATCH"});
  CHECK(one.findings[0].message.find("Public keys in reply and keystore don't match") == 0);
  reply.certs = {other.cert, pki.inter.cert};
  ImportPlan several = plan_import(store, reply, cas, kStorepass, options("smtp"));
  REQUIRE(codes(several) == std::vector<std::string>{"REPLY_KEY_MISMATCH"});
  CHECK(several.findings[0].message.find(
            "Certificate reply does not contain public key for <smtp>") == 0);
  ImportPlan missing = plan_import(store, reply, cas, kStorepass, options("nothere"));
  CHECK(codes(missing) == std::vector<std::string>{"REPLY_WITHOUT_KEY_ENTRY"});
}

}  // namespace import_test
