// BKS and UBER without a JVM: Twofish against the published known-answer vectors, and the
// reader/writer pair on stores built here (tests/bks compares with BouncyCastle itself).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

#include "core/strings.hpp"
#include "core/text.hpp"
#include "fixture_util.hpp"
#include "formats/bks/bks_format.hpp"
#include "formats/bks/twofish.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/writers.hpp"

namespace bks_test {
using namespace ksdoctor;

namespace {

Bytes unhex(const std::string& h) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}

Entry trusted(const std::string& alias) {
  Entry e;
  e.alias = alias;
  e.alias_utf16 = utf8_to_utf16(alias);
  e.kind = EntryKind::kTrustedCert;
  e.created_ms = 1767225600000;
  e.chain = read_certificates(fixture("pki/root-ca.crt.pem"));
  return e;
}

}  // namespace

TEST_CASE("twofish: the known-answer vectors of the Twofish paper") {
  struct Vector {
    const char* key;
    const char* cipher;
  };
  // Plaintext all zero; keys of 128, 192 and 256 bits (the paper's appendix and ECB_TBL.TXT).
  const Vector vectors[] = {
      {"00000000000000000000000000000000", "9F589F5CF6122C32B6BFEC2F2AE8C35A"},
      {"0123456789ABCDEFFEDCBA98765432100011223344556677", "CFD1D2E5A9BE9CDF501F13B892BD2248"},
      {"0123456789ABCDEFFEDCBA987654321000112233445566778899AABBCCDDEEFF",
       "37527BE0052334B89F0CFCCAE87CFA20"},
      {"0000000000000000000000000000000000000000000000000000000000000000",
       "57FF739D4DC92C1BD7FC01700CC8216F"},
  };
  for (const Vector& v : vectors) {
    bks::Twofish cipher(unhex(v.key));
    std::uint8_t zero[16] = {}, out[16], back[16];
    cipher.encrypt_block(zero, out);
    CHECK(to_hex(ByteView(out, 16)) == lower(v.cipher));
    cipher.decrypt_block(out, back);
    CHECK(std::memcmp(back, zero, 16) == 0);
  }
  CHECK_THROWS_AS(bks::Twofish(Bytes(15, 0)), FormatError);
}

TEST_CASE("bks: written stores read back, the password is checked, the format detected") {
  for (StoreFormat format : {StoreFormat::kBks, StoreFormat::kUber}) {
    CAPTURE(format_name(format));
    Keystore store;
    store.format = format;
    store.entries = {trusted("Root"), trusted("root"), trusted("r\xc3\xa9seau")};
    Bytes bytes = write_bks_family(store, Password::of("changeit"), 0);
    REQUIRE(detect_format(bytes) == format);
    Keystore back = read_keystore(bytes, Password::of("changeit"));
    CHECK(back.format == format);
    CHECK(back.version == (format == StoreFormat::kBks ? 2 : 1));
    CHECK(back.integrity == Integrity::kVerified);
    REQUIRE(back.entries.size() == 3);
    for (const Entry& e : back.entries) CHECK(back.lookupable(e));  // case-sensitive
    CHECK_THROWS_AS(read_keystore(bytes, Password::of("wrong")), PasswordError);
    if (format == StoreFormat::kBks) {
      // BouncyCastle skips the HMAC for a null or an empty password.
      CHECK(read_keystore(bytes, Password()).integrity == Integrity::kNotVerified);
      CHECK(read_keystore(bytes, Password::of("")).integrity == Integrity::kNotVerified);
      Bytes cut(bytes.begin(), bytes.end() - 1);
      CHECK_THROWS_AS(read_keystore(cut, Password::of("changeit")), FormatError);
    }
    CHECK_THROWS_AS(read_keystore(bytes, Password::of("changeit"), StoreFormat::kJks), FormatError);
  }
}

TEST_CASE("bks: a sealed private key opens with its password only, and converts") {
  Keystore jks = read_keystore(fixture("jks/server-fullchain.jks"), Password::of("changeit"));
  auto it = std::find_if(jks.entries.begin(), jks.entries.end(),
                         [](const Entry& x) { return x.kind == EntryKind::kPrivateKey; });
  REQUIRE(it != jks.entries.end());
  const Entry& source = *it;
  SecureBytes pkcs8 = recover_private_key(jks, source, Password::of("changeit"));
  Entry e = source;
  e.file_position.reset();
  e.key = protect_private_key(pkcs8, StoreFormat::kBks, Password::of("keypass"));
  CHECK(e.key->algorithm == bks::kSealedAlgorithm);
  CHECK(e.key->iterations >= 1024);
  CHECK(e.key->iterations < 2048);
  Keystore store;
  store.format = StoreFormat::kBks;
  store.entries = {e};
  Keystore back = read_keystore(write_bks_family(store, Password::of("s"), 0), Password::of("s"));
  REQUIRE(back.entries.size() == 1);
  CHECK(back.entries[0].kind == EntryKind::kPrivateKey);
  CHECK(recover_private_key(back, back.entries[0], Password::of("keypass")) == pkcs8);
  CHECK_THROWS_AS(recover_private_key(back, back.entries[0], Password::of("other")), PasswordError);
}

TEST_CASE("bks: version 1 keys its HMAC with two bytes, and what BouncyCastle refuses") {
  // An empty version-1 store: header, the 0 that ends the entries, the HMAC.
  Bytes salt(20, 7);
  Bytes body = {0};
  SecureBytes pw = bks::password_bytes(Password::of("changeit"));
  Bytes v1 = {0, 0, 0, 1, 0, 0, 0, 20};
  v1.insert(v1.end(), salt.begin(), salt.end());
  v1.insert(v1.end(), {0, 0, 4, 0});
  v1.insert(v1.end(), body.begin(), body.end());
  Bytes mac = bks::store_mac(pw, salt, 1024, 1, body);
  v1.insert(v1.end(), mac.begin(), mac.end());
  REQUIRE(detect_format(v1) == StoreFormat::kBks);
  Keystore ks = read_keystore(v1, Password::of("changeit"));
  CHECK(ks.version == 1);
  CHECK(ks.entries.empty());
  CHECK(mac != bks::store_mac(pw, salt, 1024, 2, body));
  // Type 9: BouncyCastle reads alias, date and chain before it looks at the type.
  Bytes bad_type(v1.begin(), v1.begin() + 8 + 20 + 4);
  Bytes entry = {9, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  bad_type.insert(bad_type.end(), entry.begin(), entry.end());
  bad_type.insert(bad_type.end(), mac.begin(), mac.end());
  CHECK_THROWS_WITH_AS(read_bks_family(bad_type, Password::of("changeit"), StoreFormat::kBks),
                       "Unknown object type in store.", FormatError);
  Bytes bad_version = v1;
  bad_version[3] = 3;
  CHECK_THROWS_AS(read_keystore(bad_version, Password::of("changeit"), StoreFormat::kBks),
                  FormatError);
}

}  // namespace bks_test
