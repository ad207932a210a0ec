// Secret keys between JCEKS and PKCS#12 without a JVM: protect_secret_key, the writers and the
// readers must give back the same algorithm and bytes, the JCEKS serialization must be exactly
// keytool's, and what Java could not store must be refused. tests/convert checks the same
// conversions against a JVM.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/text.hpp"
#include "fixture_util.hpp"
#include "formats/jks/java_serial.hpp"
#include "ksdoctor/convert.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/keys.hpp"
#include "ksdoctor/writers.hpp"

namespace secret_keys_test {
using namespace ksdoctor;

namespace {

const Password kChangeit = Password::of("changeit");
const Password kKeypass = Password::of("k3y-pass");
constexpr std::int64_t kNow = 1'900'000'000'000;
constexpr std::int64_t kCreated = 1'600'000'000'123;

SecureBytes pattern(std::size_t n, std::uint8_t seed) {
  SecureBytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 7);
  return out;
}

SecretKeyMaterial material(const std::string& algorithm, std::size_t n, std::uint8_t seed = 1) {
  return SecretKeyMaterial{algorithm, pattern(n, seed)};
}

// One secret key entry written in `format` and read back by ksdoctor's own reader.
Keystore round_trip(const SecretKeyMaterial& key, StoreFormat format) {
  Keystore store;
  store.format = format;
  store.version = format == StoreFormat::kPkcs12 ? 3 : 2;
  Entry e;
  e.alias = "secret";
  e.alias_utf16 = utf8_to_utf16(e.alias);
  e.kind = EntryKind::kSecretKey;
  e.created_ms = kCreated;
  e.key = protect_secret_key(key, format, kKeypass);
  store.entries.push_back(std::move(e));
  Bytes bytes = format == StoreFormat::kPkcs12 ? write_pkcs12(store, kChangeit, kNow)
                                               : write_jks_family(store, kChangeit, kNow);
  Keystore back = read_keystore(bytes, kChangeit);
  REQUIRE(back.format == format);
  REQUIRE(back.entries.size() == 1);
  REQUIRE(back.entries[0].kind == EntryKind::kSecretKey);
  CHECK(back.entries[0].created_ms == kCreated);
  return back;
}

template <typename F>
std::string code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

Bytes unhex(std::string_view hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

}  // namespace

TEST_CASE("secret keys survive JCEKS and PKCS#12 protection, writing and reading") {
  const std::vector<SecretKeyMaterial> keys = {
      material("AES", 32),         material("AES", 16, 9),         material("HmacSHA256", 64),
      material("DESede", 24),      material("HmacSHA512", 300),  // long-form DER lengths
      material("HmacSHA3-256", 1), material("HmacSHA512/224", 28),
  };
  for (StoreFormat format : {StoreFormat::kJceks, StoreFormat::kPkcs12}) {
    for (const SecretKeyMaterial& key : keys) {
      CAPTURE(format_name(format));
      CAPTURE(key.algorithm);
      CAPTURE(key.key.size());
      Keystore back = round_trip(key, format);
      SecretKeyMaterial got = recover_secret_key_material(back, back.entries[0], kKeypass);
      CHECK(got.algorithm == key.algorithm);
      CHECK(got.key == key.key);
      SecretKeyInfo info = recover_secret_key(back, back.entries[0], kKeypass);
      CHECK(info.algorithm == key.algorithm);
      CHECK(info.bits == static_cast<int>(key.key.size() * 8));
      CHECK(code_of([&] {
              recover_secret_key_material(back, back.entries[0], Password::of("wrong-pass"));
            }) == "KEY_NOT_RECOVERABLE");
      CHECK_THROWS_AS(recover_secret_key_material(back, back.entries[0], Password::of("x")),
                      PasswordError);
    }
  }
}

TEST_CASE("protection is fresh each time and follows JDK 17's defaults") {
  SecretKeyMaterial key = material("AES", 32);
  ProtectedKey a = protect_secret_key(key, StoreFormat::kJceks, kKeypass);
  ProtectedKey b = protect_secret_key(key, StoreFormat::kJceks, kKeypass);
  CHECK(a.blob != b.blob);  // random salt
  CHECK(a.algorithm == "PBEWithMD5AndTripleDES");
  javaser::Value sealed = javaser::read_stream(a.blob);
  REQUIRE(sealed.kind == javaser::Value::Kind::kObject);
  CHECK(sealed.object->class_name == "com.sun.crypto.provider.SealedObjectForKeyProtector");
  // PBEParameter { OCTET STRING salt(8), INTEGER 200000 }
  const SecureBytes& params = *sealed.object->fields.at("encodedParams").bytes;
  REQUIRE(params.size() == 17);
  CHECK(Bytes(params.end() - 5, params.end()) == Bytes{0x02, 0x03, 0x03, 0x0D, 0x40});

  ProtectedKey p = protect_secret_key(key, StoreFormat::kPkcs12, kKeypass);
  CHECK(p.algorithm == "PBEWithHmacSHA256AndAES_256");
  CHECK(p.iterations == 10000);
  Keystore back = round_trip(key, StoreFormat::kPkcs12);
  CHECK(back.entries[0].key->algorithm == "PBEWithHmacSHA256AndAES_256");
  CHECK(back.entries[0].key->iterations == 10000);
}

TEST_CASE("PKCS#12 names the algorithm as Java's AlgorithmId does") {
  // What JDK 17 reports after storing a SecretKeySpec of the first name in PKCS12 and loading it.
  const std::pair<const char*, const char*> kBack[] = {
      {"AES", "AES"},
      {"aes", "AES"},
      {"hmacsha256", "HmacSHA256"},
      {"DES", "DES/CBC"},
      {"desede", "DESede"},
      {"RC4", "ARCFOUR"},
      {"AESWrap_256", "AES_256/KW/NoPadding"},
      {"PBKDF2WithHmacSHA1", "PBKDF2WithHmacSHA1"},
      {"OID.2.16.840.1.101.3.4.1", "AES"},
      {"1.3.14.3.2.17", "DESede"},
      {"1.2.3.4", "1.2.3.4"},
      {"OID.1.2.3.4", "1.2.3.4"},
      {"1.2.03.4", "1.2.3.4"},
      {"Hmac\u017FHA1", "HmacSHA1"},  // U+017F upper-cases to 'S' in Java
  };
  for (const auto& [name, java] : kBack) {
    CAPTURE(name);
    SecretKeyMaterial key = material(name, 16);
    Keystore back = round_trip(key, StoreFormat::kPkcs12);
    SecretKeyMaterial got = recover_secret_key_material(back, back.entries[0], kKeypass);
    CHECK(got.algorithm == java);
    CHECK(got.key == key.key);
  }
}

TEST_CASE("a name Java's PKCS12 keystore cannot map is refused, JCEKS takes any name") {
  // Java: KeyStoreException "Key protection algorithm not found: ... unrecognized algorithm name"
  for (const char* name :
       {"Blowfish", "RC2", "HmacMD5", "ChaCha20", "TripleDES", "Generic", "", "HmacSHA256 ", "1..2",
        "1.2.", "3.1", "1.40", "1", "AES.x", "PBEWithMD5AndTripleDES", "Hmac\u0131SHA1"}) {
    CAPTURE(name);
    SecretKeyMaterial key = material(name, 16);
    CHECK(code_of([&] { protect_secret_key(key, StoreFormat::kPkcs12, kKeypass); }) ==
          "UNKNOWN_SECRET_KEY_ALGORITHM");
    CHECK_THROWS_AS(protect_secret_key(key, StoreFormat::kPkcs12, kKeypass), UsageError);
  }
  SecretKeyMaterial blowfish = material("Blowfish", 16);
  Keystore back = round_trip(blowfish, StoreFormat::kJceks);
  CHECK(recover_secret_key_material(back, back.entries[0], kKeypass).algorithm == "Blowfish");

  CHECK(code_of([&] { protect_secret_key(blowfish, StoreFormat::kJks, kKeypass); }) ==
        "SECRET_KEY_IN_JKS");
  CHECK(code_of([&] { protect_secret_key(blowfish, StoreFormat::kJceks, Password()); }) ==
        "PASSWORD_REQUIRED");
  CHECK(code_of([&] {
          protect_secret_key(material("AES", 16), StoreFormat::kPkcs12,
                             Password::of("p\xC3\xA4ss"));
        }) == "PASSWORD_NOT_ASCII");
}

TEST_CASE("PKCS#12 PBE secret keys come back through Java's PBEKey") {
  // A keytool -importpass password: printable ASCII survives; anything else Java cannot load.
  SecretKeyMaterial pass{"PBEWithMD5AndDES", SecureBytes{'s', '3', 'c', 'r', 'e', 't'}};
  Keystore back = round_trip(pass, StoreFormat::kPkcs12);
  SecretKeyMaterial got = recover_secret_key_material(back, back.entries[0], kKeypass);
  CHECK(got.algorithm == "PBEWithMD5AndDES");
  CHECK(got.key == pass.key);
  Keystore binary = round_trip(material("PBEWithMD5AndDES", 8, 0), StoreFormat::kPkcs12);
  CHECK(code_of([&] { recover_secret_key_material(binary, binary.entries[0], kKeypass); }) ==
        "KEY_UNREADABLE");
  Keystore pbes2 = round_trip(SecretKeyMaterial{"PBES2", pass.key}, StoreFormat::kPkcs12);
  CHECK(code_of([&] { recover_secret_key_material(pbes2, pbes2.entries[0], kKeypass); }) ==
        "KEY_UNREADABLE");
}

TEST_CASE("the JCEKS serialization is byte for byte what Java writes") {
  // ObjectOutputStream.writeObject(new SecretKeySpec({A0..AF}, "AES")) on OpenJDK 17.
  const Bytes java = unhex(
      "aced00057372001f6a617661782e63727970746f2e737065632e5365637265744b6579537065635b470b66e2"
      "30614d0200024c0009616c676f726974686d7400124c6a6176612f6c616e672f537472696e673b5b00036b65"
      "797400025b427870740003414553757200025b42acf317f8060854e0020000787000000010a0a1a2a3a4a5a6"
      "a7a8a9aaabacadaeaf");
  SecureBytes key(16);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0xA0 + i);
  SecureBytes spec = javaser::write_secret_key_spec("AES", key);
  CHECK(Bytes(spec.begin(), spec.end()) == java);

  // Every sealed object keytool wrote into the fixture, rebuilt from its own fields.
  Keystore store = read_keystore(fixture("jceks/secretkeys.jceks"), kChangeit);
  int sealed_count = 0;
  for (const Entry& e : store.entries) {
    if (e.kind != EntryKind::kSecretKey) continue;
    CAPTURE(e.alias);
    javaser::Value v = javaser::read_stream(e.key->blob);
    const auto& f = v.object->fields;
    Bytes rebuilt = javaser::write_sealed_object_for_key_protector(
        {*f.at("encodedParams").bytes, *f.at("encryptedContent").bytes, *f.at("paramsAlg").text,
         *f.at("sealAlg").text});
    CHECK(rebuilt == e.key->blob);
    ++sealed_count;
  }
  CHECK(sealed_count == 3);
}

TEST_CASE("convert carries the fixtures' secret keys between JCEKS and PKCS#12 and back") {
  for (const char* path : {"jceks/secretkeys.jceks", "pkcs12/java-secretkeys.p12"}) {
    CAPTURE(path);
    Keystore source = read_keystore(fixture(path), kChangeit);
    StoreFormat other =
        source.format == StoreFormat::kJceks ? StoreFormat::kPkcs12 : StoreFormat::kJceks;
    ConvertOptions there{other, kChangeit, std::nullopt};
    Keystore converted = convert_keystore(source, there).store;
    Bytes bytes = other == StoreFormat::kPkcs12 ? write_pkcs12(converted, kChangeit, kNow)
                                                : write_jks_family(converted, kChangeit, kNow);
    Keystore written = read_keystore(bytes, kChangeit);
    ConvertOptions back{source.format, kChangeit, std::nullopt};
    Keystore again = convert_keystore(written, back).store;
    int secret_count = 0;
    for (const Entry& original : source.entries) {
      if (original.kind != EntryKind::kSecretKey) continue;
      ++secret_count;
      CAPTURE(original.alias);
      SecretKeyMaterial want = recover_secret_key_material(source, original, kChangeit);
      for (const Keystore* ks : {&written, &again}) {
        const Entry* match = nullptr;
        for (const Entry& e : ks->entries) {
          if (e.alias == original.alias) match = &e;
        }
        REQUIRE(match != nullptr);
        CHECK(match->created_ms == original.created_ms);
        SecretKeyMaterial got = recover_secret_key_material(*ks, *match, kChangeit);
        CHECK(got.algorithm == want.algorithm);
        CHECK(got.key == want.key);
      }
    }
    CHECK(secret_count >= 2);
    ConvertOptions jks{StoreFormat::kJks, kChangeit, std::nullopt};
    CHECK(code_of([&] { convert_keystore(source, jks); }) == "SECRET_KEY_IN_JKS");
    ConvertOptions wrong{other, kChangeit, Password::of("wrong-pass")};
    CHECK_THROWS_AS(convert_keystore(source, wrong), PasswordError);
  }
}

}  // namespace secret_keys_test
