// The PKCS#12 writer (write_pkcs12) read back by ksdoctor's own reader: every fixture Java loads
// keeps its model, new stores get JDK 17's defaults (PBES2 AES-256 / HmacPBESHA256, 10 000
// iterations, 20-byte salts, 16-byte IVs), kept and requested protections are honoured, and what
// Java could not write is refused. tests/p12writer checks the same files against a JVM.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/text.hpp"
#include "fixture_util.hpp"
#include "formats/pkcs12/pkcs12_bags.hpp"
#include "formats/pkcs12/pkcs12_der.hpp"
#include "formats/pkcs12/pkcs12_mac.hpp"
#include "formats/pkcs12/pkcs12_pbe.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/writers.hpp"
#include "x509/der.hpp"

namespace pkcs12_writer_test {
using namespace ksdoctor;

namespace {

constexpr std::int64_t kNow = 1'900'000'000'000;  // 2030-03-17

struct Fixture {
  const char* name;
  const char* password;
};

// Every PKCS#12 fixture Java 17 loads (fixtures/manifest.tsv), with its store password.
const Fixture kLoadable[] = {
    {"java-selfsigned.p12", "changeit"},
    {"java-fullchain.p12", "changeit"},
    {"java-legacy.p12", "changeit"},
    {"java-iter1024.p12", "changeit"},
    {"java-passwordless.p12", "changeit"},
    {"java-multikey.p12", "changeit"},
    {"java-secretkeys.p12", "changeit"},
    {"openssl-fullchain.p12", "changeit"},
    {"openssl-legacy.p12", "changeit"},
    {"openssl-truststore.p12", "changeit"},
    {"openssl-nomac-nokeyenc.p12", "changeit"},
    {"openssl-noname.p12", "changeit"},
    {"openssl-empty-password.p12", ""},
    {"raw-duplicate-alias.p12", "changeit"},
    {"raw-trusted-leaf.p12", "changeit"},
    {"raw-no-attributes.p12", "changeit"},
    {"raw-ber.p12", "changeit"},
    {"raw-key-iter-too-large.p12", "changeit"},
};

std::vector<std::string> fingerprints(const std::vector<CertPtr>& certs) {
  std::vector<std::string> out;
  for (const CertPtr& c : certs) out.push_back(c->sha256);
  return out;
}

CertPtr pki_cert(const std::string& name) {
  return read_certificates(fixture("pki/" + name + ".crt.pem")).at(0);
}

Entry trusted(const std::string& alias, CertPtr cert) {
  Entry e;
  e.alias = alias;
  e.alias_utf16 = utf8_to_utf16(alias);
  e.kind = EntryKind::kTrustedCert;
  e.chain = {std::move(cert)};
  return e;
}

// A model built here, as a repair would: trusted certificates Java should see as trust anchors.
Keystore trusted_only_model() {
  Keystore ks;
  ks.format = StoreFormat::kPkcs12;
  ks.version = 3;
  for (const char* name : {"root-ca", "intermediate-ca", "other-root-ca"}) {
    ks.entries.push_back(trusted(name, pki_cert(name)));
  }
  return ks;
}

// The ContentInfos of a written PFX's AuthenticatedSafe and its MacData (test-side walk).
struct Layout {
  std::vector<std::string> content_types;
  Bytes pfx;  // owns the bytes the views below point into
  std::vector<ByteView> content_infos;
  std::optional<der::Tlv> mac;
};

Layout layout_of(Bytes pfx) {
  Layout l;
  l.pfx = std::move(pfx);
  der::Walker top(l.pfx);
  der::Walker p(top.expect(der::kSequence).value);
  REQUIRE(pkcs12::java_int(p.expect(der::kInteger), "version") == 3);
  der::Walker ci(p.expect(der::kSequence).value);
  ci.expect(der::kOid);
  der::Walker wrapped(ci.expect(der::context(0, true)).value);
  der::Walker octets(wrapped.expect(der::kOctetString).value);
  der::Walker as(octets.expect(der::kSequence).value);
  while (!as.at_end()) {
    der::Tlv info = as.expect(der::kSequence);
    der::Walker fields(info.value);
    l.content_types.push_back(der::oid_to_string(fields.expect(der::kOid).value));
    l.content_infos.push_back(info.value);
  }
  if (!p.at_end()) l.mac = p.expect(der::kSequence);
  return l;
}

// The encryption AlgorithmIdentifier of an encryptedData ContentInfo's contents.
pkcs12::PbeScheme cert_scheme_of(ByteView content_info) {
  der::Walker fields(content_info);
  fields.expect(der::kOid);
  der::Walker wrapped(fields.expect(der::context(0, true)).value);
  der::Walker ed(wrapped.expect(der::kSequence).value);
  ed.expect(der::kInteger);
  der::Walker eci(ed.expect(der::kSequence).value);
  eci.expect(der::kOid);
  return pkcs12::parse_pbe_scheme(eci.expect(der::kSequence).whole);
}

// The bags of a plain data ContentInfo.
std::vector<pkcs12::SafeBag> plain_bags(ByteView content_info) {
  der::Walker fields(content_info);
  fields.expect(der::kOid);
  der::Walker wrapped(fields.expect(der::context(0, true)).value);
  return pkcs12::parse_safe_contents(wrapped.expect(der::kOctetString).value);
}

constexpr const char* kDataOid = "1.2.840.113549.1.7.1";
constexpr const char* kEncryptedDataOid = "1.2.840.113549.1.7.6";

}  // namespace

TEST_CASE("pkcs12 writer: every fixture Java loads keeps its model through write and read") {
  for (const Fixture& f : kLoadable) {
    const std::string name = f.name;
    CAPTURE(name);
    const Password pass = Password::of(f.password);
    const Keystore original = read_keystore(fixture(std::string("pkcs12/") + f.name), pass);
    const Bytes written = write_pkcs12(original, pass, kNow);
    const Keystore again = read_pkcs12(written, pass);

    CHECK(again.format == StoreFormat::kPkcs12);
    CHECK(again.integrity ==
          (original.integrity == Integrity::kNoMac ? Integrity::kNoMac : Integrity::kVerified));
    REQUIRE(again.entries.size() == original.entries.size());
    for (std::size_t i = 0; i < original.entries.size(); ++i) {
      const Entry& a = original.entries[i];
      const Entry& b = again.entries[i];
      CAPTURE(a.alias);
      CHECK(b.alias_utf16 == a.alias_utf16);
      CHECK(b.kind == a.kind);
      CHECK(fingerprints(b.chain) == fingerprints(a.chain));
      CHECK(b.trusted_key_usage == a.trusted_key_usage);
      if (!a.local_key_id.empty()) CHECK(b.local_key_id == a.local_key_id);
      if (a.key) {
        REQUIRE(b.key);
        CHECK(b.key->blob == a.key->blob);
        CHECK(b.key->algorithm == a.key->algorithm);
        // The localKeyID is kept (so is the date it may hold); a key without one gets
        // "Time <now>", as setKeyEntry would give it.
        if (a.local_key_id.empty()) {
          CHECK(b.created_ms == kNow);
        } else {
          CHECK(b.created_ms == a.created_ms);
        }
      }
    }
    // Only certificates that are entries or in chains are written.
    CHECK(again.hidden_certificates.empty());
    CHECK(again.ignored_bags.empty());

    // The file's algorithms are kept.
    REQUIRE(original.protection);
    REQUIRE(again.protection);
    const Pkcs12Protection& p = *original.protection;
    const Pkcs12Protection& q = *again.protection;
    CHECK(q.mac_algorithm == p.mac_algorithm);
    CHECK(q.mac_iterations == p.mac_iterations);
    CHECK(q.key_algorithm == p.key_algorithm);
    if (p.cert_algorithm == "NONE" || p.cert_algorithm.empty()) {
      // Unencrypted certificates stay unencrypted ("" when the file ends up with none).
      CHECK((q.cert_algorithm == "NONE" || q.cert_algorithm.empty()));
    } else {
      CHECK(q.cert_algorithm == p.cert_algorithm);
      CHECK(q.cert_iterations == p.cert_iterations);
    }
  }
}

TEST_CASE("pkcs12 writer: a store built here gets JDK 17's defaults and real trusted entries") {
  const Keystore model = trusted_only_model();
  const Password pass = Password::of("changeit");
  const Bytes written = write_pkcs12(model, pass, kNow);
  const Keystore ks = read_pkcs12(written, pass);

  REQUIRE(ks.entries.size() == 3);
  const char* aliases[] = {"root-ca", "intermediate-ca", "other-root-ca"};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(aliases[i]);
    CHECK(ks.entries[i].alias == aliases[i]);
    CHECK(ks.entries[i].kind == EntryKind::kTrustedCert);
    CHECK(ks.entries[i].chain.at(0)->sha256 == model.entries[i].chain[0]->sha256);
    CHECK(ks.entries[i].trusted_key_usage == std::vector<std::string>{"2.5.29.37.0"});
    CHECK(ks.entries[i].local_key_id.empty());  // setCertEntry gives none
  }
  CHECK(ks.hidden_certificates.empty());
  CHECK(ks.integrity == Integrity::kVerified);
  REQUIRE(ks.protection);
  CHECK(ks.protection->cert_algorithm == "PBEWithHmacSHA256AndAES_256");
  CHECK(ks.protection->cert_iterations == 10000);
  CHECK(ks.protection->mac_algorithm == "HmacPBESHA256");
  CHECK(ks.protection->mac_iterations == 10000);

  // No key: no data SafeContents, only the encrypted certificates; salts as Java makes them.
  Layout l = layout_of(written);
  REQUIRE(l.content_types == std::vector<std::string>{kEncryptedDataOid});
  pkcs12::PbeScheme scheme = cert_scheme_of(l.content_infos[0]);
  CHECK(scheme.name == "PBEWithHmacSHA256AndAES_256");
  CHECK(scheme.salt.size() == 20);
  CHECK(scheme.iv.size() == 16);
  CHECK(scheme.iterations == 10000);
  REQUIRE(l.mac);
  pkcs12::MacData mac = pkcs12::parse_mac_data(*l.mac);
  CHECK(mac.algorithm == "HmacPBESHA256");
  CHECK(mac.salt.size() == 20);
  CHECK(mac.iterations == 10000);

  // Salts and IVs are random: a second write differs but reads the same.
  const Bytes second = write_pkcs12(model, pass, kNow);
  CHECK(second != written);
  CHECK(read_pkcs12(second, pass).entries.size() == 3);
}

TEST_CASE("pkcs12 writer: key bags carry friendlyName and localKeyID \"Time <ms>\"") {
  const Password pass = Password::of("changeit");
  Keystore model = read_keystore(fixture("pkcs12/java-fullchain.p12"), pass);
  REQUIRE(model.entries.at(0).kind == EntryKind::kPrivateKey);
  model.entries[0].local_key_id.clear();  // as if set with setKeyEntry
  model.entries[0].created_ms = 1'600'000'000'123;
  model.protection.reset();
  const Bytes written = write_pkcs12(model, pass, kNow);

  Layout l = layout_of(written);
  REQUIRE(l.content_types == std::vector<std::string>{kDataOid, kEncryptedDataOid});
  std::vector<pkcs12::SafeBag> keys = plain_bags(l.content_infos[0]);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].type == pkcs12::BagType::kShroudedKey);
  CHECK(keys[0].blob == model.entries[0].key->blob);
  CHECK(keys[0].friendly_name == std::u16string(u"server"));
  const std::string time = "Time 1600000000123";
  CHECK(keys[0].local_key_id == Bytes(time.begin(), time.end()));
  CHECK_FALSE(keys[0].trusted_key_usage);

  const Keystore ks = read_pkcs12(written, pass);
  CHECK(ks.entries.at(0).created_ms == 1'600'000'000'123);
  CHECK(fingerprints(ks.entries[0].chain) == fingerprints(model.entries[0].chain));
  CHECK(ks.protection->cert_algorithm == "PBEWithHmacSHA256AndAES_256");
}

TEST_CASE("pkcs12 writer: requested and kept protections") {
  const Password pass = Password::of("changeit");
  const Keystore legacy = read_keystore(fixture("pkcs12/java-legacy.p12"), pass);

  SUBCASE("the legacy file keeps RC2-40 and HmacPBESHA1") {
    const Keystore ks = read_pkcs12(write_pkcs12(legacy, pass, kNow), pass);
    CHECK(ks.protection->cert_algorithm == "PBEWithSHA1AndRC2_40");
    CHECK(ks.protection->cert_iterations == 50000);
    CHECK(ks.protection->mac_algorithm == "HmacPBESHA1");
    CHECK(ks.protection->mac_iterations == 100000);
  }
  SUBCASE("options override the file's") {
    Pkcs12WriteOptions options;
    options.protection =
        Pkcs12Protection{"PBEWithHmacSHA256AndAES_256", 10000, "", 0, "HmacPBESHA256", 10000};
    const Keystore ks = read_pkcs12(write_pkcs12(legacy, pass, kNow, options), pass);
    CHECK(ks.protection->cert_algorithm == "PBEWithHmacSHA256AndAES_256");
    CHECK(ks.protection->cert_iterations == 10000);
    CHECK(ks.protection->mac_algorithm == "HmacPBESHA256");
    CHECK(ks.protection->mac_iterations == 10000);
    CHECK(ks.protection->key_algorithm == legacy.protection->key_algorithm);  // blobs untouched
  }
  SUBCASE("DESede certificates, HmacPBESHA1 MAC") {
    Pkcs12WriteOptions options;
    options.protection = Pkcs12Protection{"PBEWithSHA1AndDESede", 2048, "", 0, "HmacPBESHA1", 4096};
    const Keystore ks = read_pkcs12(write_pkcs12(trusted_only_model(), pass, kNow, options), pass);
    CHECK(ks.entries.size() == 3);
    CHECK(ks.protection->cert_algorithm == "PBEWithSHA1AndDESede");
    CHECK(ks.protection->cert_iterations == 2048);
    CHECK(ks.protection->mac_algorithm == "HmacPBESHA1");
    CHECK(ks.protection->mac_iterations == 4096);
  }
  SUBCASE("NONE: plain certificates, no MacData (password-less, like JDK 18+ cacerts)") {
    Pkcs12WriteOptions options;
    options.protection = Pkcs12Protection{"NONE", 0, "", 0, "", 0};
    const Bytes written = write_pkcs12(trusted_only_model(), pass, kNow, options);
    Layout l = layout_of(written);
    CHECK(l.content_types == std::vector<std::string>{kDataOid});
    CHECK_FALSE(l.mac);
    const Keystore ks = read_pkcs12(written, Password());  // Java needs no password for it
    CHECK(ks.entries.size() == 3);
    CHECK(ks.protection->cert_algorithm == "NONE");
    CHECK(ks.protection->mac_algorithm.empty());
  }
}

TEST_CASE("pkcs12 writer: refuses what Java could not write or read back") {
  const Password pass = Password::of("changeit");
  const Keystore model = trusted_only_model();
  auto code_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const UsageError& e) {
      return e.code();
    }
    return "<no UsageError>";
  };
  CHECK(code_of([&] { write_pkcs12(model, Password(), kNow); }) == "PASSWORD_REQUIRED");
  CHECK(code_of([&] { write_pkcs12(model, Password::of("p\xC3\xA4ss"), kNow); }) ==
        "PASSWORD_NOT_ASCII");

  Pkcs12WriteOptions options;
  options.protection = Pkcs12Protection{"PBEWithMD5AndDES", 1000, "", 0, "HmacPBESHA256", 1000};
  CHECK(code_of([&] { write_pkcs12(model, pass, kNow, options); }) == "UNSUPPORTED_PROTECTION");
  options.protection =
      Pkcs12Protection{"PBEWithHmacSHA256AndAES_256", 1000, "", 0, "HmacPBEMD5", 1000};
  CHECK(code_of([&] { write_pkcs12(model, pass, kNow, options); }) == "UNSUPPORTED_PROTECTION");
  options.protection =
      Pkcs12Protection{"PBEWithHmacSHA256AndAES_256", 5'000'001, "", 0, "HmacPBESHA256", 1000};
  CHECK(code_of([&] { write_pkcs12(model, pass, kNow, options); }) == "UNSUPPORTED_PROTECTION");

  // A JCEKS secret key is a serialized sealed object, not an EncryptedPrivateKeyInfo.
  const Keystore jceks = read_keystore(fixture("jceks/secretkeys.jceks"), pass);
  CHECK(code_of([&] { write_pkcs12(jceks, pass, kNow); }) == "KEY_NOT_PKCS8");
}

}  // namespace pkcs12_writer_test
