#include "ksdoctor/keys.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include "bks_keys.hpp"
#include "formats/jks/java_serial.hpp"
#include "formats/pkcs12/pkcs12_keys.hpp"
#include "key_protection.hpp"
#include "keys/rsa_der.hpp"
#include "secret_key_oids.hpp"
#include "x509/der.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {
namespace {

struct PbeParams {
  ByteView salt;
  int iterations = 0;
};

PbeParams parse_pbe_params(ByteView params_der) {
  der::Walker top(params_der, "PBE parameters");
  der::Walker seq(top.expect(der::kSequence).value, "PBE parameters");
  PbeParams p;
  p.salt = seq.expect(der::kOctetString).value;
  ByteView count = der::integer_magnitude(seq.expect(der::kInteger).value);
  if (count.size() > 4) throw FormatError("MALFORMED", "PBE iteration count too large");
  std::int64_t v = 0;
  for (std::uint8_t b : count) v = (v << 8) | b;
  if (v > 5'000'000) throw FormatError("MALFORMED", "PBE iteration count too large");
  p.iterations = static_cast<int>(v);
  return p;
}

const javaser::Value& field(const javaser::Value& obj, const char* name,
                            javaser::Value::Kind kind) {
  if (obj.kind == javaser::Value::Kind::kObject) {
    auto it = obj.object->fields.find(name);
    if (it != obj.object->fields.end() && it->second.kind == kind) return it->second;
  }
  throw FormatError("MALFORMED", std::string("serialized key lacks field ") + name);
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

PkeyPtr load_private(const SecureBytes& pkcs8) {
  const unsigned char* p = pkcs8.data();
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(pkcs8.size()));
  if (!info) throw FormatError("BAD_KEY", "the recovered private key is not valid PKCS#8");
  PkeyPtr key(EVP_PKCS82PKEY(info), EVP_PKEY_free);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!key) throw FormatError("BAD_KEY", "the recovered private key cannot be decoded");
  return key;
}

// PKCS12KeyStore.engineGetKey turns a "PBE..." secret key into a PBEKey through its
// SecretKeyFactory (getKeySpec keeps the low 7 bits of each byte, PBEKey then demands printable
// ASCII); other names stay a SecretKeySpec.
void pkcs12_pbe_key(SecretKeyMaterial& key) {
  if (!key.algorithm.starts_with("PBE")) return;
  static const char* const kFactories[] = {
      "PBEWithMD5AndDES",      "PBEWithSHA1AndDESede", "PBEWithSHA1AndRC4_40",
      "PBEWithSHA1AndRC4_128", "PBEWithSHA1AndRC2_40", "PBEWithSHA1AndRC2_128",
  };
  bool known = false;
  for (const char* name : kFactories) known = known || key.algorithm == name;
  if (!known) {
    throw FormatError("KEY_UNREADABLE",
                      "Get Key failed: " + key.algorithm + " SecretKeyFactory not available");
  }
  for (std::uint8_t& b : key.key) b &= 0x7f;
  if (key.key.size() == 1 && key.key[0] == 0) return;
  for (std::uint8_t b : key.key) {
    if (b < 0x20 || b > 0x7e)
      throw FormatError("KEY_UNREADABLE", "Get Key failed: Password is not ASCII");
  }
}

// PKCS12KeyStore.engineGetKey for a secret key: the bag's EncryptedPrivateKeyInfo decrypts to
// SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }.
SecretKeyMaterial pkcs12_secret_key(const Entry& entry, const Password& keypass) {
  SecureBytes plain = pkcs12_decrypt_shrouded_key(entry.key->blob, keypass);
  SecretKeyMaterial out;
  try {
    der::Walker top(ByteView(plain.data(), plain.size()), "secret key");
    der::Walker info(top.expect(der::kSequence).value, "secret key");
    info.expect(der::kInteger);
    der::Walker alg(info.expect(der::kSequence).value, "secret key algorithm");
    out.algorithm = java_secret_key_name(der::oid_to_string(alg.expect(der::kOid).value));
    ByteView key = info.expect(der::kOctetString).value;
    out.key.assign(key.begin(), key.end());
  } catch (const FormatError& e) {
    throw FormatError("KEY_UNREADABLE", std::string("Get Key failed: ") + e.what());
  }
  pkcs12_pbe_key(out);
  return out;
}

// JceKeyStore.engineGetKey: the sealed object's PBEWithMD5AndTripleDES content is a serialized
// SecretKeySpec, or a KeyRep that readResolve turns into one (keytool's DESede and PBE keys).
SecretKeyMaterial jceks_secret_key(const Entry& entry, const Password& keypass) {
  using Kind = javaser::Value::Kind;
  javaser::Value sealed = javaser::read_stream(entry.key->blob);
  const auto& params = field(sealed, "encodedParams", Kind::kByteArray);
  const auto& content = field(sealed, "encryptedContent", Kind::kByteArray);
  PbeParams pbe = parse_pbe_params(*params.bytes);
  SecureBytes plain = pbe_md5_triple_des_decrypt(*content.bytes, pbe.salt, pbe.iterations, keypass);
  javaser::Value key;
  try {
    key = javaser::read_stream(ByteView(plain.data(), plain.size()));
  } catch (const FormatError&) {
    throw PasswordError("KEY_NOT_RECOVERABLE", "Cannot recover key");
  }
  const bool key_rep =
      key.kind == Kind::kObject && key.object->class_name == "java.security.KeyRep";
  if (!key_rep &&
      (key.kind != Kind::kObject || key.object->class_name != "javax.crypto.spec.SecretKeySpec")) {
    throw FormatError("KEY_UNREADABLE",
                      "the sealed key is neither a SecretKeySpec nor a KeyRep "
                      "(Java's jceks.key.serialFilter rejects it)");
  }
  SecretKeyMaterial out;
  out.algorithm = *field(key, "algorithm", Kind::kString).text;
  if (key_rep) {
    const auto& type = field(key, "type", Kind::kEnum);
    const auto& format = field(key, "format", Kind::kString);
    if (*type.text != "SECRET" || *format.text != "RAW") {
      throw FormatError("KEY_UNREADABLE", "KeyRep of type " + *type.text + " and format " +
                                              *format.text + " is not a secret key");
    }
  }
  // javax.crypto.spec.SecretKeySpec keeps the bytes in "key"; java.security.KeyRep in "encoded".
  const SecureBytes& bytes = *field(key, key_rep ? "encoded" : "key", Kind::kByteArray).bytes;
  out.key.assign(bytes.begin(), bytes.end());
  return out;
}

}  // namespace

SecureBytes recover_private_key(const Keystore& store, const Entry& entry,
                                const Password& keypass) {
  if (entry.kind != EntryKind::kPrivateKey || !entry.key) {
    throw UsageError("NOT_A_KEY_ENTRY", "entry '" + entry.alias + "' is not a private key entry");
  }
  if (keypass.is_null()) {
    throw PasswordError("KEY_NOT_RECOVERABLE", "no key password to recover the key with");
  }
  if (store.format == StoreFormat::kPkcs12) {
    return pkcs12_decrypt_shrouded_key(entry.key->blob, keypass);
  }
  if (store.format == StoreFormat::kBks || store.format == StoreFormat::kUber) {
    return bks_recover_private_key(entry, keypass);
  }
  der::Walker top(entry.key->blob, "protected key");
  der::Walker epki(top.expect(der::kSequence).value, "protected key");
  der::Tlv alg = epki.expect(der::kSequence);
  ByteView encrypted = epki.expect(der::kOctetString).value;
  der::Walker alg_parts(alg.value, "protected key algorithm");
  std::string oid = der::oid_to_string(alg_parts.expect(der::kOid).value);
  if (oid == oids::kJksKeyProtector) return jks_key_protector_recover(encrypted, keypass);
  if (oid == oids::kJceKeyProtector && store.format == StoreFormat::kJceks) {
    PbeParams params = parse_pbe_params(alg_parts.expect(der::kSequence).whole);
    return pbe_md5_triple_des_decrypt(encrypted, params.salt, params.iterations, keypass);
  }
  throw FormatError("UNSUPPORTED_KEY_PROTECTION", "Unsupported key protection algorithm " + oid);
}

SecretKeyMaterial recover_secret_key_material(const Keystore& store, const Entry& entry,
                                              const Password& keypass) {
  const bool bouncy = store.format == StoreFormat::kBks || store.format == StoreFormat::kUber;
  bool supported =
      bouncy || store.format == StoreFormat::kJceks || store.format == StoreFormat::kPkcs12;
  if (entry.kind != EntryKind::kSecretKey || !entry.key || !supported) {
    throw UsageError("NOT_A_SECRET_KEY",
                     "entry '" + entry.alias + "' is not a JCEKS, PKCS#12 or BKS secret key");
  }
  if (keypass.is_null()) {
    throw PasswordError("KEY_NOT_RECOVERABLE", "no key password to recover the key with");
  }
  if (store.format == StoreFormat::kPkcs12) return pkcs12_secret_key(entry, keypass);
  if (bouncy) return bks_recover_secret_key(entry, keypass);
  return jceks_secret_key(entry, keypass);
}

SecretKeyInfo recover_secret_key(const Keystore& store, const Entry& entry,
                                 const Password& keypass) {
  SecretKeyMaterial material = recover_secret_key_material(store, entry, keypass);
  return SecretKeyInfo{material.algorithm, static_cast<int>(material.key.size() * 8)};
}

PublicKeyInfo describe_private_key(const SecureBytes& pkcs8) {
  PublicKeyInfo info;
  if (auto rsa = rsa_der::from_pkcs8(pkcs8)) {
    info.algorithm = "RSA";
    info.bits = rsa->bits();
    return info;
  }
  PkeyPtr key = load_private(pkcs8);
  info.bits = EVP_PKEY_get_bits(key.get());
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
      info.algorithm = "RSA";
      break;
    case EVP_PKEY_RSA_PSS:
      info.algorithm = "RSASSA-PSS";
      break;
    case EVP_PKEY_DSA:
      info.algorithm = "DSA";
      break;
    case EVP_PKEY_ED25519:
      info.algorithm = "Ed25519";
      break;
    case EVP_PKEY_ED448:
      info.algorithm = "Ed448";
      break;
    case EVP_PKEY_X25519:
      info.algorithm = "X25519";
      break;
    case EVP_PKEY_X448:
      info.algorithm = "X448";
      break;
    case EVP_PKEY_EC: {
      info.algorithm = "EC";
      char group[64] = {0};
      std::size_t len = 0;
      if (EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len)) {
        std::string g(group, len);
        if (g == "prime256v1")
          g = "P-256";
        else if (g == "secp384r1")
          g = "P-384";
        else if (g == "secp521r1")
          g = "P-521";
        else if (g == "secp224r1")
          g = "P-224";
        else if (g == "prime192v1")
          g = "P-192";
        info.curve = g;
      }
      break;
    }
    default:
      info.algorithm = "unknown";
  }
  return info;
}

bool private_key_matches(const SecureBytes& pkcs8, const Certificate& cert) {
  if (auto rsa_private = rsa_der::from_pkcs8(pkcs8)) {
    if (auto rsa_public = rsa_der::from_spki(cert.spki_der)) {
      auto same = [](ByteView a, ByteView b) { return std::ranges::equal(a, b); };
      return same(rsa_private->modulus, rsa_public->modulus) &&
             same(rsa_private->exponent, rsa_public->exponent);
    }
  }
  PkeyPtr priv = load_private(pkcs8);
  const unsigned char* p = cert.spki_der.data();
  PkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(cert.spki_der.size())), EVP_PKEY_free);
  if (!pub) return false;
  return EVP_PKEY_eq(priv.get(), pub.get()) == 1;
}

}  // namespace ksdoctor
