// PKCS#12 as JDK 17's sun.security.pkcs12.PKCS12KeyStore.engineStore writes it:
//
//   PFX { version 3, authSafe data { AuthenticatedSafe }, MacData }
//   AuthenticatedSafe = SEQUENCE {
//     data { SafeContents: one pkcs8ShroudedKeyBag / secretBag per key entry }   (if any key)
//     encryptedData { SafeContents: the certBags, encrypted with the store password } (if any cert)
//   }
//
// in aliases() order both times (createSafeContent, createEncryptedData). Bag attributes as
// getBagAttributes writes them, in this order inside an unsorted SET:
//   key bag           friendlyName(alias), localKeyID(keyId)
//   key chain[0]      friendlyName(alias), localKeyID(keyId)
//   key chain[1..]    friendlyName(subject DN, X500Principal.getName())  -- never a localKeyID
//   trusted cert      friendlyName(alias), localKeyID(keyId, when it has one), trustedKeyUsage
// A key entry's keyId is its localKeyID as loaded, else "Time <creation ms>" as setKeyEntry makes
// it; a trusted entry keeps the localKeyID it was loaded with and gets none when new
// (setCertEntry). trustedKeyUsage is the loaded OID list, else anyExtendedKeyUsage (AnyUsage).
//
// What the model does not carry is not written: hidden certificates (Java drops them on store too;
// only certificates that became entries, or are in a key entry's chain, are written), ignored bags,
// and attributes other than the three above. The model keeps aliases as aliases() returns them
// (lower case), so where Java would reuse a loaded bag's mixed-case friendlyName (leaf and trusted
// cert bags) the lower-case alias is written; Java lower-cases on lookup, so nothing it sees
// changes.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

#include "core/strings.hpp"
#include "core/text.hpp"
#include "ksdoctor/writers.hpp"
#include "pkcs12_algorithms.hpp"
#include "pkcs12_pbe.hpp"
#include "pkcs12_writer_der.hpp"
#include "x509/der.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {
namespace {

namespace w = pkcs12::derw;

constexpr const char* kX509Certificate = "1.2.840.113549.1.9.22.1";
constexpr const char* kFriendlyName = "1.2.840.113549.1.9.20";
constexpr const char* kLocalKeyId = "1.2.840.113549.1.9.21";
constexpr const char* kTrustedKeyUsage = "2.16.840.1.113894.746875.1.1";

// PKCS12KeyStore's defaults (JDK 17) and its salt length (SALT_LEN) for PBE and MAC alike.
constexpr const char* kDefaultCertAlgorithm = "PBEWithHmacSHA256AndAES_256";
constexpr const char* kDefaultMacAlgorithm = "HmacPBESHA256";
constexpr int kDefaultIterations = 10'000;
constexpr std::size_t kSaltLength = 20;

[[noreturn]] void usage(const std::string& code, const std::string& why) {
  throw UsageError(code, why);
}

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (n && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw FormatError("CRYPTO", "OpenSSL could not generate random bytes");
  }
  return out;
}

const EVP_MD* digest_or_throw(const std::string& name) {
  const EVP_MD* md = pkcs12::openssl_digest(name);
  if (!md) throw FormatError("UNSUPPORTED_CIPHER", "OpenSSL provides no " + name + " digest here");
  return md;
}

// --- certificate encryption (PKCS12KeyStore.encryptContent) --------------------------------------

// A scheme Java's Cipher.getInstance(certProtectionAlgorithm) provides.
struct CertScheme {
  std::string name;  // Java's name, as reported back by the reader
  bool pbes2 = false;
  std::string oid;     // PBES1: the scheme's OID; PBES2: the cipher's OID
  std::string cipher;  // OpenSSL cipher name
  std::size_t key_len = 0;
  std::size_t iv_len = 0;
  std::string prf_oid;  // PBES2 only
  std::string prf_digest;
};

std::optional<CertScheme> cert_scheme(const std::string& name) {
  for (const pkcs12::Pbes1Algorithm& p : pkcs12::pbes1_algorithms()) {
    if (p.kdf != pkcs12::PbeScheme::Kdf::kPkcs12 || !p.cipher || !iequals(name, p.name)) continue;
    CertScheme s;
    s.name = p.name;
    s.oid = p.oid;
    s.cipher = p.cipher;
    s.key_len = p.key_len;
    s.iv_len = p.iv_len;
    return s;
  }
  for (const pkcs12::Pbkdf2Prf& prf : pkcs12::pbkdf2_prfs()) {
    if (!prf.digest) continue;
    for (const pkcs12::Pbes2Cipher& cipher : pkcs12::pbes2_ciphers()) {
      std::string java = std::string("PBEWith") + prf.java + "And" + cipher.java;
      if (!iequals(name, java)) continue;
      CertScheme s;
      s.name = java;
      s.pbes2 = true;
      s.oid = cipher.oid;
      s.cipher = cipher.cipher;
      s.key_len = cipher.key_len;
      s.iv_len = 16;
      s.prf_oid = prf.oid;
      s.prf_digest = prf.digest;
      return s;
    }
  }
  return std::nullopt;
}

Bytes cipher_encrypt(const std::string& cipher_name, const SecureBytes& key, ByteView iv,
                     ByteView plain) {
  const EVP_CIPHER* cipher = pkcs12::cipher_named(cipher_name);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  if (!ctx || !EVP_EncryptInit_ex2(ctx.get(), cipher, key.data(), iv.empty() ? nullptr : iv.data(),
                                   nullptr)) {
    throw FormatError("CRYPTO", "cannot initialise " + cipher_name);
  }
  Bytes out(plain.size() + 32);
  int n1 = 0, n2 = 0;
  if (!EVP_EncryptUpdate(ctx.get(), out.data(), &n1, plain.data(),
                         static_cast<int>(plain.size())) ||
      !EVP_EncryptFinal_ex(ctx.get(), out.data() + n1, &n2)) {
    throw FormatError("CRYPTO", cipher_name + " encryption failed");
  }
  out.resize(static_cast<std::size_t>(n1 + n2));
  return out;
}

// The EncryptedContentInfo { data, AlgorithmIdentifier, [0] IMPLICIT ciphertext }.
Bytes encrypted_content_info(const CertScheme& scheme, int iterations, ByteView plain,
                             const pkcs12::PbePassword& password) {
  const Bytes salt = random_bytes(kSaltLength);
  Bytes algorithm, ciphertext;
  if (scheme.pbes2) {
    const Bytes iv = random_bytes(scheme.iv_len);
    SecureBytes pw = password.ascii_bytes();
    SecureBytes key(scheme.key_len);
    if (!PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(pw.data()), static_cast<int>(pw.size()),
                           salt.data(), static_cast<int>(salt.size()), iterations,
                           digest_or_throw(scheme.prf_digest), static_cast<int>(key.size()),
                           key.data())) {
      throw FormatError("CRYPTO", "PBKDF2 failed");
    }
    ciphertext = cipher_encrypt(scheme.cipher, key, iv, plain);
    // PBES2Parameters.engineGetEncoded: keyLength and the prf (with NULL) are always written.
    algorithm = w::sequence(
        {w::oid(oids::kPbes2),
         w::sequence(
             {w::sequence({w::oid(oids::kPbkdf2),
                           w::sequence({w::octet_string(salt), w::integer(iterations),
                                        w::integer(static_cast<std::int64_t>(scheme.key_len)),
                                        w::sequence({w::oid(scheme.prf_oid), w::null()})})}),
              w::sequence({w::oid(scheme.oid), w::octet_string(iv)})})});
  } else {
    const EVP_MD* sha1 = digest_or_throw("SHA1");
    SecureBytes pw = password.pkcs12_bytes();
    SecureBytes key = pkcs12::pkcs12_kdf(sha1, pw, salt, 1, iterations, scheme.key_len);
    SecureBytes iv;
    if (scheme.iv_len) iv = pkcs12::pkcs12_kdf(sha1, pw, salt, 2, iterations, scheme.iv_len);
    ciphertext = cipher_encrypt(scheme.cipher, key, ByteView(iv.data(), iv.size()), plain);
    algorithm = w::sequence(
        {w::oid(scheme.oid), w::sequence({w::octet_string(salt), w::integer(iterations)})});
  }
  return w::sequence({w::oid(oids::kData), algorithm, w::tlv(der::context(0, false), ciphertext)});
}

// --- MacData (sun.security.pkcs12.MacData)
// --------------------------------------------------------

struct MacScheme {
  std::string name;  // "HmacPBESHA256"
  std::string digest_oid;
  std::string digest;  // OpenSSL name
};

std::optional<MacScheme> mac_scheme(const std::string& name) {
  for (const pkcs12::MacDigest& d : pkcs12::mac_digests()) {
    if (!d.digest) continue;
    std::string java = std::string("HmacPBE") + d.java;
    if (iequals(name, java)) return MacScheme{java, d.oid, d.digest};
  }
  return std::nullopt;
}

Bytes mac_data(const MacScheme& scheme, int iterations, ByteView auth_safe,
               const pkcs12::PbePassword& password) {
  const EVP_MD* md = digest_or_throw(scheme.digest);
  const Bytes salt = random_bytes(kSaltLength);
  const auto n = static_cast<std::size_t>(EVP_MD_get_size(md));
  SecureBytes key = pkcs12::pkcs12_kdf(md, password.pkcs12_bytes(), salt, 3, iterations, n);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()), auth_safe.data(), auth_safe.size(), mac,
            &mac_len)) {
    throw FormatError("CRYPTO", "HMAC failed");
  }
  // The digest AlgorithmIdentifier carries NULL parameters (AlgorithmId.derEncode).
  return w::sequence({w::sequence({w::sequence({w::oid(scheme.digest_oid), w::null()}),
                                   w::octet_string(ByteView(mac, mac_len))}),
                      w::octet_string(salt), w::integer(iterations)});
}

// --- protection settings ----------------------------------------------------------------------

struct Settings {
  std::optional<CertScheme> cert;  // nullopt: "NONE", certificates stored unencrypted
  int cert_iterations = kDefaultIterations;
  std::optional<MacScheme> mac;  // nullopt: no MacData
  int mac_iterations = kDefaultIterations;
};

int checked_iterations(int iterations, const char* what) {
  if (iterations <= 0) return kDefaultIterations;  // Java's -1: the default
  if (iterations > pkcs12::kMaxIterationCount) {
    usage("UNSUPPORTED_PROTECTION", std::string(what) + " iteration count " +
                                        std::to_string(iterations) +
                                        " is above 5000000: Java 17 would refuse to load the file");
  }
  return iterations;
}

// Java keeps a loaded file's algorithms on store (engineLoad sets certProtectionAlgorithm and
// macAlgorithm); a part the file did not have falls back to the defaults, except a missing MAC,
// which stays missing ("NONE").
Settings resolve_settings(const Keystore& store, const Pkcs12WriteOptions& options) {
  const Pkcs12Protection* p = options.protection ? &*options.protection
                              : store.protection ? &*store.protection
                                                 : nullptr;
  Settings s;
  std::string cert_name =
      p && !p->cert_algorithm.empty() ? p->cert_algorithm : kDefaultCertAlgorithm;
  if (!iequals(cert_name, "NONE")) {
    s.cert = cert_scheme(cert_name);
    if (!s.cert) {
      usage("UNSUPPORTED_PROTECTION",
            "cannot write PKCS#12 certificates protected with " + cert_name +
                " (supported: PBEWithHmacSHA{1,224,256,384,512}AndAES_{128,256}, "
                "PBEWithSHA1AndRC2_40/_128, PBEWithSHA1AndRC4_40/_128, PBEWithSHA1AndDESede, "
                "NONE)");
    }
    s.cert_iterations = checked_iterations(p ? p->cert_iterations : 0, "certificate PBE");
  }
  std::string mac_name = p ? p->mac_algorithm : kDefaultMacAlgorithm;
  if (!mac_name.empty() && !iequals(mac_name, "NONE")) {
    s.mac = mac_scheme(mac_name);
    if (!s.mac) {
      usage("UNSUPPORTED_PROTECTION",
            "cannot write a PKCS#12 MAC with " + mac_name +
                " (supported: HmacPBESHA1, HmacPBESHA224, HmacPBESHA256, HmacPBESHA384, "
                "HmacPBESHA512, HmacPBESHA512/224, HmacPBESHA512/256, NONE)");
    }
    s.mac_iterations = checked_iterations(p ? p->mac_iterations : 0, "MAC");
  }
  return s;
}

// --- bags ----------------------------------------------------------------------------------------

Bytes attribute(const char* type, ByteView values) {
  return w::sequence({w::oid(type), w::tlv(der::kSet, values)});
}

// getBagAttributes: friendlyName, localKeyID, trustedKeyUsage, each when given, in that order.
Bytes bag_attributes(std::u16string_view friendly_name, const Bytes* key_id,
                     const std::vector<std::string>* trusted_usage) {
  Bytes attrs = attribute(kFriendlyName, w::bmp_string(friendly_name));
  if (key_id) w::append(attrs, attribute(kLocalKeyId, w::octet_string(*key_id)));
  if (trusted_usage) {
    Bytes oids;
    for (const std::string& usage_oid : *trusted_usage) w::append(oids, w::oid(usage_oid));
    w::append(attrs, attribute(kTrustedKeyUsage, oids));
  }
  return w::tlv(der::kSet, attrs);
}

Bytes safe_bag(const char* type, ByteView value, ByteView attributes) {
  return w::sequence({w::oid(type), w::explicit0(value), attributes});
}

Bytes cert_bag(const Certificate& cert, ByteView attributes) {
  Bytes value = w::sequence({w::oid(kX509Certificate), w::explicit0(w::octet_string(cert.der))});
  return safe_bag(oids::kCertBag, value, attributes);
}

Bytes content_info_data(ByteView content) {
  return w::sequence({w::oid(oids::kData), w::explicit0(w::octet_string(content))});
}

// The key's EncryptedPrivateKeyInfo must be one, as Java's EncryptedPrivateKeyInfo(byte[]) checks.
void check_encrypted_private_key_info(const Entry& entry) {
  const Bytes& blob = entry.key->blob;
  try {
    der::Walker top(blob, "EncryptedPrivateKeyInfo");
    der::Walker epki(top.expect(der::kSequence).value, "EncryptedPrivateKeyInfo");
    epki.expect(der::kSequence);
    epki.expect(der::kOctetString);
    if (!epki.at_end() || !top.at_end()) epki.fail("trailing data");
  } catch (const FormatError& e) {
    usage("KEY_NOT_PKCS8", "key entry '" + entry.alias +
                               "' is not protected as a PKCS#8 EncryptedPrivateKeyInfo, as "
                               "PKCS#12 requires (" +
                               e.what() + "); convert the store to re-protect its keys");
  }
}

Bytes key_id_of(const Entry& entry, std::int64_t now_ms) {
  if (!entry.local_key_id.empty()) return entry.local_key_id;
  std::string id = "Time " + std::to_string(entry.created_ms.value_or(now_ms));
  return Bytes(id.begin(), id.end());
}

}  // namespace

Bytes write_pkcs12(const Keystore& store, const Password& storepass, std::int64_t now_ms,
                   const Pkcs12WriteOptions& options) {
  if (storepass.is_null()) {
    usage("PASSWORD_REQUIRED", "a store password is needed to write a PKCS#12 keystore");
  }
  if (!pkcs12::java_pbe_ascii(storepass)) {
    usage("PASSWORD_NOT_ASCII",
          "Java's PKCS12 keystore accepts only printable ASCII passwords (getSecretKey failed: "
          "Password is not ASCII)");
  }
  const Settings settings = resolve_settings(store, options);
  const pkcs12::PbePassword password = pkcs12::java_password_attempts(storepass).front();

  Bytes key_bags, cert_bags;
  bool any_key = false;
  std::size_t certificates = 0;
  for (const Entry& entry : store.entries) {
    switch (entry.kind) {
      case EntryKind::kPrivateKey:
      case EntryKind::kSecretKey: {
        if (!entry.key) usage("KEY_MISSING", "key entry '" + entry.alias + "' has no key");
        check_encrypted_private_key_info(entry);
        const Bytes key_id = key_id_of(entry, now_ms);
        Bytes attrs = bag_attributes(entry.alias_utf16, &key_id, nullptr);
        if (entry.kind == EntryKind::kPrivateKey) {
          w::append(key_bags, safe_bag(oids::kShroudedKeyBag, entry.key->blob, attrs));
          for (std::size_t i = 0; i < entry.chain.size(); ++i) {
            Bytes cert_attrs =
                i == 0 ? attrs
                       : bag_attributes(utf8_to_utf16(entry.chain[i]->subject), nullptr, nullptr);
            w::append(cert_bags, cert_bag(*entry.chain[i], cert_attrs));
            ++certificates;
          }
        } else {
          // A secretBag whose secretTypeId is pkcs8ShroudedKeyBag, around the same structure.
          Bytes value = w::sequence(
              {w::oid(oids::kShroudedKeyBag), w::explicit0(w::octet_string(entry.key->blob))});
          w::append(key_bags, safe_bag(oids::kSecretBag, value, attrs));
        }
        any_key = true;
        break;
      }
      case EntryKind::kTrustedCert: {
        if (entry.chain.empty()) {
          usage("CERTIFICATE_MISSING", "trusted entry '" + entry.alias + "' has no certificate");
        }
        static const std::vector<std::string> kAnyUsage = {oids::kAnyExtendedKeyUsage};
        const std::vector<std::string>& usages =
            entry.trusted_key_usage.empty() ? kAnyUsage : entry.trusted_key_usage;
        Bytes attrs = bag_attributes(
            entry.alias_utf16, entry.local_key_id.empty() ? nullptr : &entry.local_key_id, &usages);
        w::append(cert_bags, cert_bag(*entry.chain.front(), attrs));
        ++certificates;
        break;
      }
    }
  }

  Bytes content_infos;
  if (any_key) w::append(content_infos, content_info_data(w::tlv(der::kSequence, key_bags)));
  // Java writes the certificate SafeContents when its certificate count is not zero; after a load
  // that count includes certificates that never became entries (written as an empty SafeContents).
  if (certificates > 0 || !store.hidden_certificates.empty()) {
    Bytes safe_contents = w::tlv(der::kSequence, cert_bags);
    if (settings.cert) {
      Bytes encrypted_data = w::sequence(
          {w::integer(0), encrypted_content_info(*settings.cert, settings.cert_iterations,
                                                 safe_contents, password)});
      w::append(content_infos,
                w::sequence({w::oid(oids::kEncryptedData), w::explicit0(encrypted_data)}));
    } else {
      w::append(content_infos, content_info_data(safe_contents));
    }
  }
  const Bytes auth_safe = w::tlv(der::kSequence, content_infos);

  Bytes pfx = w::cat({w::integer(3), content_info_data(auth_safe)});
  if (settings.mac) {
    w::append(pfx, mac_data(*settings.mac, settings.mac_iterations, auth_safe, password));
  }
  return w::tlv(der::kSequence, pfx);
}

}  // namespace ksdoctor
