// The PKCS#12 reader against the fixtures in fixtures/pkcs12/ (every expectation below was checked
// against Java 17's KeyStore with tests/java/ListKeystore.java), plus stores built here with
// OpenSSL for the cases no fixture covers (MAC without encrypted certificates, non-ASCII password).
#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "fixture_util.hpp"
#include "formats/pkcs12/pkcs12_der.hpp"
#include "formats/pkcs12/pkcs12_keys.hpp"
#include "formats/pkcs12/pkcs12_pbe.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/timeutil.hpp"

namespace pkcs12_test {
using namespace ksdoctor;

namespace {

const Password kChangeit = Password::of("changeit");
constexpr std::int64_t kDate2020 = 1577836800000;

InspectResult inspect_p12(const std::string& name, Password storepass = kChangeit) {
  InspectOptions options;
  options.storepass = std::move(storepass);
  options.now = parse_time("2030-01-01");
  return inspect_keystore(fixture("pkcs12/" + name), options);
}

Keystore read_p12(const std::string& name, const Password& storepass = kChangeit) {
  return read_keystore(fixture("pkcs12/" + name), storepass);
}

std::string cn(const CertPtr& cert) { return cert->subject.substr(0, cert->subject.find(',')); }

// "alias:kind:CN>CN>CN" for each entry, in aliases() order.
std::vector<std::string> listing(const Keystore& ks) {
  std::vector<std::string> out;
  for (const Entry& e : ks.entries) {
    std::string s = e.alias + ":" + kind_name(e.kind) + ":";
    for (std::size_t i = 0; i < e.chain.size(); ++i) s += (i ? ">" : "") + cn(e.chain[i]);
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> hidden(const Keystore& ks) {
  std::vector<std::string> out;
  for (const CertPtr& c : ks.hidden_certificates) out.push_back(cn(c));
  return out;
}

std::vector<const Finding*> findings(const InspectResult& r, const std::string& code) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings) {
    if (f.code == code) out.push_back(&f);
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

template <typename E>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

const std::string kServer = "CN=mail.example.com";
const std::string kIntermediate = "CN=Example Issuing CA 1";
const std::string kRoot = "CN=Example Root CA";
const std::string kOtherRoot = "CN=Downstream MTA Root CA";
const std::string kFullChain = kServer + ">" + kIntermediate + ">" + kRoot;

// A PKCS#12 written by OpenSSL's PKCS12_create from the fixture PKI: server key and leaf.
// nid_cert -1 leaves the certificates unencrypted; mac_iter -1 omits the MAC.
Bytes openssl_p12(const char* password, int nid_cert, int mac_iter) {
  pkcs12::load_openssl_providers(pkcs12::Providers::kDefaultAndLegacy);  // RC2-40
  auto read_pem = [](const std::string& path, auto reader) {
    FILE* f = std::fopen(fixture_path(path).c_str(), "r");
    REQUIRE(f != nullptr);
    auto* v = reader(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    REQUIRE(v != nullptr);
    return v;
  };
  EVP_PKEY* key = read_pem("pki/server.key.pem", PEM_read_PrivateKey);
  X509* cert = read_pem("pki/server.crt.pem", PEM_read_X509);
  PKCS12* p12 = PKCS12_create(password, "server", key, cert, nullptr, 0, nid_cert, 0, mac_iter, 0);
  REQUIRE(p12 != nullptr);
  unsigned char* der = nullptr;
  int len = i2d_PKCS12(p12, &der);
  REQUIRE(len > 0);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  PKCS12_free(p12);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace

TEST_CASE("PKCS#12 fixtures list exactly what Java lists") {
  struct Case {
    const char* file;
    std::vector<std::string> entries;
    std::vector<std::string> hidden;
  };
  const std::vector<Case> cases = {
      {"java-selfsigned.p12", {"selfsigned:private_key:CN=selfsigned.example.com"}, {}},
      {"java-fullchain.p12",
       {"server:private_key:" + kFullChain, "root-ca:trusted_cert:" + kRoot,
        "other-root-ca:trusted_cert:" + kOtherRoot},
       {}},
      {"java-legacy.p12",
       {"legacy:private_key:CN=legacy.example.com", "root-ca:trusted_cert:" + kRoot},
       {}},
      {"java-iter1024.p12", {"old:private_key:CN=old.example.com"}, {}},
      {"java-passwordless.p12",
       {"root-ca:trusted_cert:" + kRoot, "other-root-ca:trusted_cert:" + kOtherRoot},
       {}},
      {"java-multikey.p12",
       {"rsa-key:private_key:CN=rsa.example.com", "ec-key:private_key:CN=ec.example.com",
        "server:private_key:" + kFullChain},
       {}},
      {"java-secretkeys.p12",
       {"aes256:secret_key:", "hmacsha256:secret_key:", "root-ca:trusted_cert:" + kRoot},
       {}},
      {"openssl-fullchain.p12", {"server:private_key:" + kFullChain}, {}},
      {"openssl-legacy.p12", {"server:private_key:" + kFullChain}, {}},
      {"openssl-truststore.p12", {}, {kIntermediate, kRoot, kOtherRoot}},
      {"openssl-nomac-nokeyenc.p12", {}, {kServer, kIntermediate, kRoot}},
      {"openssl-noname.p12", {"1:private_key:" + kFullChain}, {}},
      {"raw-duplicate-alias.p12",
       {"mailserver:private_key:" + kFullChain, "rootca:trusted_cert:" + kOtherRoot,
        "1:trusted_cert:" + kIntermediate},
       {}},
      {"raw-trusted-leaf.p12",
       {"server:private_key:", "1:trusted_cert:" + kIntermediate, "2:trusted_cert:" + kRoot},
       {kServer}},
      {"raw-no-attributes.p12", {"1:private_key:" + kFullChain, "2:trusted_cert:" + kRoot}, {}},
      {"raw-ber.p12", {"server:private_key:" + kFullChain}, {}},
      {"raw-key-iter-too-large.p12", {"server:private_key:" + kServer}, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    Keystore ks = read_p12(c.file);
    CHECK(ks.format == StoreFormat::kPkcs12);
    CHECK(ks.version == 3);
    CHECK(listing(ks) == c.entries);
    CHECK(hidden(ks) == c.hidden);
  }
  Keystore empty = read_p12("openssl-empty-password.p12", Password::of(""));
  CHECK(listing(empty) == std::vector<std::string>{"server:private_key:" + kFullChain});
}

TEST_CASE("PKCS#12 protection is named as Java names it") {
  struct Case {
    const char* file;
    Pkcs12Protection p;
  };
  const std::string aes = "PBEWithHmacSHA256AndAES_256";
  const std::vector<Case> cases = {
      {"java-selfsigned.p12", {aes, 10000, aes, 10000, "HmacPBESHA256", 10000}},
      {"java-legacy.p12",
       {"PBEWithSHA1AndRC2_40", 50000, "PBEWithSHA1AndDESede", 50000, "HmacPBESHA1", 100000}},
      {"java-iter1024.p12", {aes, 1024, aes, 1024, "HmacPBESHA256", 1024}},
      {"java-passwordless.p12", {"NONE", 0, "", 0, "", 0}},
      {"openssl-fullchain.p12", {aes, 2048, aes, 2048, "HmacPBESHA256", 2048}},
      {"openssl-legacy.p12",
       {"PBEWithSHA1AndRC2_40", 2048, "PBEWithSHA1AndDESede", 2048, "HmacPBESHA1", 2048}},
      {"openssl-nomac-nokeyenc.p12", {"NONE", 0, "", 0, "", 0}},
      {"raw-key-iter-too-large.p12", {"NONE", 0, aes, 5000001, "HmacPBESHA256", 10000}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    Keystore ks = read_p12(c.file);
    REQUIRE(ks.protection);
    const Pkcs12Protection& p = *ks.protection;
    CHECK(p.cert_algorithm == c.p.cert_algorithm);
    CHECK(p.cert_iterations == c.p.cert_iterations);
    CHECK(p.key_algorithm == c.p.key_algorithm);
    CHECK(p.key_iterations == c.p.key_iterations);
    CHECK(p.mac_algorithm == c.p.mac_algorithm);
    CHECK(p.mac_iterations == c.p.mac_iterations);
  }
  Keystore legacy = read_p12("java-legacy.p12");
  REQUIRE(legacy.entries[0].key);
  CHECK(legacy.entries[0].key->algorithm == "PBEWithSHA1AndDESede");
  CHECK(legacy.entries[0].key->algorithm_oid == "1.2.840.113549.1.12.1.3");
  CHECK(legacy.entries[0].key->iterations == 50000);
  CHECK(read_p12("java-selfsigned.p12").entries[0].key->algorithm_oid == "1.2.840.113549.1.5.13");
}

TEST_CASE("PKCS#12 integrity: verified, no MAC, not verified with a null password") {
  CHECK(read_p12("java-selfsigned.p12").integrity == Integrity::kVerified);
  CHECK(read_p12("java-passwordless.p12").integrity == Integrity::kNoMac);
  CHECK(read_p12("openssl-nomac-nokeyenc.p12").integrity == Integrity::kNoMac);
  CHECK(read_p12("java-selfsigned.p12", Password()).integrity == Integrity::kNotVerified);
  CHECK(read_p12("java-passwordless.p12", Password()).integrity == Integrity::kNotVerified);
}

TEST_CASE("PKCS#12 keys are recovered with the store password and match their certificates") {
  for (const char* file :
       {"java-selfsigned.p12", "java-fullchain.p12", "java-legacy.p12", "java-iter1024.p12",
        "java-multikey.p12", "openssl-fullchain.p12", "openssl-legacy.p12", "openssl-noname.p12",
        "raw-duplicate-alias.p12", "raw-no-attributes.p12", "raw-ber.p12"}) {
    CAPTURE(file);
    InspectResult r = inspect_p12(file);
    REQUIRE(r.keys.size() == r.store.entries.size());
    for (std::size_t i = 0; i < r.store.entries.size(); ++i) {
      if (r.store.entries[i].kind != EntryKind::kPrivateKey) continue;
      CAPTURE(r.store.entries[i].alias);
      CHECK(r.keys[i].status == KeyCheck::kRecovered);
      CHECK(r.keys[i].matches_chain == true);
    }
    CHECK(findings(r, "KEY_NOT_RECOVERABLE").empty());
    CHECK(findings(r, "KEY_UNREADABLE").empty());
  }
  InspectResult multi = inspect_p12("java-multikey.p12");
  CHECK(multi.keys[0].algorithm == "RSA 2048");
  CHECK(multi.keys[1].algorithm == "EC P-256");

  InspectResult empty = inspect_p12("openssl-empty-password.p12", Password::of(""));
  CHECK(empty.store.integrity == Integrity::kVerified);
  CHECK(empty.keys[0].status == KeyCheck::kRecovered);
  CHECK(empty.keys[0].matches_chain == true);
}

TEST_CASE("PKCS#12 secret keys are recovered and described") {
  InspectResult r = inspect_p12("java-secretkeys.p12");
  REQUIRE(r.store.entries.size() == 3);
  CHECK(r.keys[0].status == KeyCheck::kRecovered);
  CHECK(r.keys[0].algorithm == "AES 256");
  CHECK(r.keys[1].algorithm == "HmacSHA256 256");
  CHECK(r.store.entries[0].created_ms.has_value());
}

TEST_CASE("PKCS#12 entry details: dates, localKeyID, trustedKeyUsage, blob as stored") {
  Keystore full = read_p12("java-fullchain.p12");
  const Entry& server = full.entries[0];
  REQUIRE(server.created_ms.has_value());  // keytool's localKeyID "Time <ms>"
  std::string lkid(server.local_key_id.begin(), server.local_key_id.end());
  CHECK(lkid == "Time " + std::to_string(*server.created_ms));
  const Entry& root = full.entries[1];
  CHECK_FALSE(root.created_ms.has_value());  // Java: the load time, not stored
  CHECK(root.trusted_key_usage == std::vector<std::string>{"2.5.29.37.0"});

  CHECK(read_p12("raw-duplicate-alias.p12").entries[0].created_ms == kDate2020);
  CHECK_FALSE(read_p12("openssl-fullchain.p12").entries[0].created_ms.has_value());
  CHECK(read_p12("openssl-fullchain.p12").entries[0].local_key_id.size() == 20);  // SHA-1 of cert

  // Key bags live in a plain SafeContents: the blob is the bag value, byte for byte.
  Bytes file = fixture("pkcs12/java-selfsigned.p12");
  Keystore selfsigned = read_p12("java-selfsigned.p12");
  const Bytes& blob = selfsigned.entries[0].key->blob;
  REQUIRE(blob.size() > 100);
  CHECK(std::search(file.begin(), file.end(), blob.begin(), blob.end()) != file.end());
}

TEST_CASE("PKCS#12 with a null password: encrypted certificates skipped, MAC unchecked") {
  Keystore full = read_p12("java-fullchain.p12", Password());
  CHECK(listing(full) == std::vector<std::string>{"server:private_key:"});
  CHECK(full.hidden_certificates.empty());
  // Java says nothing of what it skipped; the protection is still reported.
  CHECK(full.protection->cert_algorithm == "PBEWithHmacSHA256AndAES_256");
  CHECK(full.protection->mac_algorithm == "HmacPBESHA256");

  Keystore plain = read_p12("java-passwordless.p12", Password());
  CHECK(plain.entries.size() == 2);
  Keystore nomac = read_p12("openssl-nomac-nokeyenc.p12", Password());
  CHECK(hidden(nomac).size() == 3);
  // A MAC Java would refuse is not even parsed without a password.
  CHECK(read_p12("refused-mac-iter-too-large.p12", Password()).entries.empty());

  InspectResult r = inspect_p12("openssl-fullchain.p12", Password());
  auto chainless = findings(r, "KEY_ENTRY_WITHOUT_CHAIN");
  REQUIRE(chainless.size() == 1);
  CHECK(chainless[0]->severity == Severity::kInfo);
  CHECK(contains(chainless[0]->message, "without a password"));
  CHECK(findings(r, "INTEGRITY_NOT_VERIFIED").size() == 1);
}

TEST_CASE("PKCS#12 wrong and refused passwords fail with Java's words") {
  auto load = [](const std::string& name, const char* pw) {
    return [=] { read_p12(name, Password::of(pw)); };
  };
  CHECK(error_of<PasswordError>(load("java-selfsigned.p12", "wrong")) ==
        "keystore password was incorrect");
  CHECK(error_of<PasswordError>(load("openssl-legacy.p12", "wrong")) ==
        "keystore password was incorrect");
  CHECK(error_of<PasswordError>(load("openssl-empty-password.p12", "changeit")) ==
        "keystore password was incorrect");
  CHECK(error_of<PasswordError>(load("openssl-fullchain.p12", "")) ==
        "keystore password was incorrect");
  // No encrypted SafeContents: the MAC is what fails.
  Bytes mac_only = openssl_p12("changeit", -1, 2048);
  CHECK(read_keystore(mac_only, kChangeit).integrity == Integrity::kVerified);
  CHECK(error_of<PasswordError>([&] { read_keystore(mac_only, Password::of("wrong")); }) ==
        "Integrity check failed: java.security.UnrecoverableKeyException: Failed PKCS12 "
        "integrity checking");
  // Without MAC and encrypted certificates any password opens the store, as in Java.
  CHECK(read_p12("java-passwordless.p12", Password::of("wrong")).entries.size() == 2);

  // Java's PBE keys accept printable ASCII only.
  std::string cert_error = error_of<PasswordError>(load("java-selfsigned.p12", "ch\xc3\xa4ngeit"));
  CHECK(contains(cert_error, "keystore password was incorrect"));
  CHECK(contains(cert_error, "Password is not ASCII"));
  CHECK(contains(
      error_of<PasswordError>([&] { read_keystore(mac_only, Password::of("ch\xc3\xa4ngeit")); }),
      "Integrity check failed: java.io.IOException: getSecretKey failed: Password is "
      "not ASCII"));
  Bytes unicode = openssl_p12("ch\xc3\xa4ngeit", NID_pbe_WithSHA1And40BitRC2_CBC, 2048);
  CHECK(contains(
      error_of<PasswordError>([&] { read_keystore(unicode, Password::of("ch\xc3\xa4ngeit")); }),
      "Password is not ASCII"));
  CHECK(read_keystore(unicode, Password()).entries.size() == 1);
}

TEST_CASE("PKCS#12 iteration counts above 5 000 000 are refused like Java") {
  CHECK(error_of<FormatError>([] { read_p12("refused-mac-iter-too-large.p12"); }) ==
        "Integrity check failed: java.security.InvalidAlgorithmParameterException: MAC iteration "
        "count too large: 5000001");
  CHECK(contains(error_of<FormatError>([] { read_p12("refused-cert-iter-too-large.p12"); }),
                 "cert PBE iteration count too large"));
  InspectResult r = inspect_p12("raw-key-iter-too-large.p12");
  CHECK(r.keys[0].status == KeyCheck::kUnreadable);
  CHECK(contains(r.keys[0].detail, "Get Key failed: key PBE iteration count too large"));
}

TEST_CASE("PKCS#12 findings: invisible certificates, ignored bags, chainless keys") {
  InspectResult trust = inspect_p12("openssl-truststore.p12");
  auto invisible = findings(trust, "PKCS12_CERTS_INVISIBLE_TO_JAVA");
  REQUIRE(invisible.size() == 1);
  CHECK(invisible[0]->severity == Severity::kError);
  CHECK(contains(invisible[0]->message, "the trustAnchors parameter must be non-empty"));
  CHECK(contains(invisible[0]->remedy, "keytool -importcert -trustcacerts"));
  CHECK(contains(invisible[0]->remedy, "ksdoctor repair"));
  CHECK(findings(trust, "EMPTY_TRUST_ANCHORS").size() == 1);

  InspectResult nomac = inspect_p12("openssl-nomac-nokeyenc.p12");
  auto ignored = findings(nomac, "PKCS12_BAG_IGNORED_BY_JAVA");
  REQUIRE(ignored.size() == 1);
  CHECK(ignored[0]->severity == Severity::kError);
  CHECK(contains(ignored[0]->message, "'server'"));
  REQUIRE(nomac.store.ignored_bags.size() == 1);
  CHECK(nomac.store.ignored_bags[0].type == "keyBag");
  CHECK(findings(nomac, "PKCS12_CERTS_INVISIBLE_TO_JAVA").size() == 1);

  InspectResult leaf = inspect_p12("raw-trusted-leaf.p12");
  auto chainless = findings(leaf, "KEY_ENTRY_WITHOUT_CHAIN");
  REQUIRE(chainless.size() == 1);
  CHECK(chainless[0]->severity == Severity::kError);
  CHECK(contains(chainless[0]->message, "trustedKeyUsage"));
  REQUIRE(leaf.store.entries[0].excluded_trusted_leaf);
  CHECK(cn(leaf.store.entries[0].excluded_trusted_leaf) == kServer);
  // The hidden leaf is explained by KEY_ENTRY_WITHOUT_CHAIN, not reported twice.
  CHECK(findings(leaf, "PKCS12_CERTS_INVISIBLE_TO_JAVA").empty());

  for (const char* file :
       {"java-fullchain.p12", "openssl-fullchain.p12", "java-passwordless.p12"}) {
    CAPTURE(file);
    InspectResult r = inspect_p12(file);
    CHECK(findings(r, "PKCS12_CERTS_INVISIBLE_TO_JAVA").empty());
    CHECK(findings(r, "WEAK_PKCS12_PROTECTION").empty());
    CHECK_FALSE(has_errors(r.findings));
  }
}

TEST_CASE("PKCS#12 findings: weak protection") {
  auto parts = [](const InspectResult& r) {
    std::vector<std::string> out;
    for (const Finding* f : findings(r, "WEAK_PKCS12_PROTECTION")) {
      CHECK(f->severity == Severity::kWarning);
      CHECK(contains(f->message, "Java 17 writes PBEWithHmacSHA256AndAES_256"));
      out.push_back(f->details.at(0).second);
    }
    return out;
  };
  CHECK(parts(inspect_p12("java-legacy.p12")) == std::vector<std::string>{"certificates", "mac"});
  CHECK(parts(inspect_p12("openssl-legacy.p12")) ==
        std::vector<std::string>{"certificates", "mac"});
  InspectResult old = inspect_p12("java-iter1024.p12");
  CHECK(parts(old) == std::vector<std::string>{"iterations"});
  CHECK(findings(old, "WEAK_PKCS12_PROTECTION")[0]->details.at(1).second ==
        "certificates 1024, keys 1024, MAC 1024");
}

TEST_CASE("PKCS#12 BER is read as Java reads it") {
  Bytes ber = fixture("pkcs12/raw-ber.p12");
  REQUIRE(ber[1] == 0x80);  // indefinite length
  Bytes storage;
  ByteView der = pkcs12::first_element_as_der(ber, storage, "test");
  CHECK(der.data() == storage.data());
  CHECK(der[1] != 0x80);
  Bytes der_file = fixture("pkcs12/java-selfsigned.p12");
  Bytes unused;
  CHECK(pkcs12::first_element_as_der(der_file, unused, "test").data() == der_file.data());
}

TEST_CASE("PKCS#12 malformed input is refused, never a crash") {
  Bytes file = fixture("pkcs12/java-fullchain.p12");
  for (std::size_t len :
       {std::size_t{0}, std::size_t{5}, std::size_t{64}, file.size() / 2, file.size() - 1}) {
    CAPTURE(len);
    Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(len));
    CHECK_THROWS_AS(read_pkcs12(cut, kChangeit), Error);
  }
  Bytes v2 = file;
  const std::uint8_t kVersion3[] = {0x02, 0x01, 0x03};
  auto version = std::search(v2.begin(), v2.end(), std::begin(kVersion3), std::end(kVersion3));
  REQUIRE(version != v2.end());
  version[2] = 2;
  CHECK(error_of<FormatError>([&] { read_pkcs12(v2, kChangeit); }) ==
        "PKCS12 keystore not in version 3 format");
  CHECK_THROWS_AS(pkcs12_decrypt_shrouded_key(Bytes{0x30, 0x00}, kChangeit), FormatError);
}

}  // namespace pkcs12_test
