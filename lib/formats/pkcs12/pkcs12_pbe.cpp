// The KDF's inner loop uses OpenSSL's low-level SHA functions (deprecated in 3.0, still present, as
// in jks.cpp): per hash they cost a fraction of EVP's dispatch, which dominates a KDF that hashes a
// 20-64 byte value 100 000 times (Java's legacy MAC).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "pkcs12_pbe.hpp"

#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/sha.h>

#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "pkcs12_algorithms.hpp"
#include "pkcs12_der.hpp"
#include "x509/der.hpp"
#include "x509/oids.hpp"

namespace ksdoctor::pkcs12 {
namespace {

[[noreturn]] void params_error(const std::string& why) { throw FormatError("MALFORMED", why); }

// PBEParameters.engineInit: SEQUENCE { salt OCTET STRING, iterationCount INTEGER }.
void parse_pbes1_params(const der::Tlv& params, PbeScheme& scheme) {
  if (params.tag != der::kSequence) {
    params_error("PBE parameter parsing error: not an ASN.1 SEQUENCE tag");
  }
  der::Walker w(params.value, "PBE parameters");
  ByteView salt = octets(w.next(), "PBE parameters");
  scheme.salt.assign(salt.begin(), salt.end());
  scheme.iterations = java_int(w.expect(der::kInteger), "PBE parameters");
  if (!w.at_end()) params_error("PBE parameter parsing error: extra data at the end");
}

// PBES2Parameters.engineInit and PBKDF2Parameters (JDK 17).
void parse_pbes2_params(const der::Tlv& params, PbeScheme& scheme) {
  if (params.tag != der::kSequence) {
    params_error("PBE parameter parsing error: not an ASN.1 SEQUENCE tag");
  }
  der::Walker outer(params.value, "PBES2 parameters");
  der::Tlv kdf = outer.next();
  if (kdf.tag == der::kOid) {
    // Before JDK-8202837 Java wrote PBES2-params like an AlgorithmId (its own OID first).
    der::Tlv inner = outer.next();
    if (inner.tag != der::kSequence) {
      params_error("PBE parameter parsing error: not an ASN.1 SEQUENCE tag");
    }
    outer = der::Walker(inner.value, "PBES2 parameters");
    kdf = outer.next();
  }
  der::Walker kdf_parts(kdf.value, "PBES2 key derivation function");
  if (kdf_parts.peek_tag() != der::kOid ||
      der::oid_to_string(kdf_parts.next().value) != oids::kPbkdf2) {
    params_error("PBE parameter parsing error: expecting the object identifier for PBKDF2");
  }
  if (kdf.tag != der::kSequence) {
    params_error("PBE parameter parsing error: not an ASN.1 SEQUENCE tag");
  }
  der::Tlv pbkdf2 = kdf_parts.next();
  if (pbkdf2.tag != der::kSequence) {
    params_error("PBKDF2 parameter parsing error: not an ASN.1 SEQUENCE tag");
  }
  der::Walker k(pbkdf2.value, "PBKDF2 parameters");
  der::Tlv salt = k.next();
  if (salt.tag != der::kOctetString) {
    params_error("PBKDF2 parameter parsing error: not an ASN.1 OCTET STRING tag");
  }
  scheme.salt.assign(salt.value.begin(), salt.value.end());
  scheme.iterations = java_int(k.expect(der::kInteger), "PBKDF2 parameters");
  k.optional(der::kInteger);  // keyLength: Java derives the key size from the cipher instead
  std::string prf_name = "HmacSHA1";
  const char* prf_digest = "SHA1";
  if (auto prf = k.optional(der::kSequence)) {
    der::Walker p(prf->value, "PBKDF2 prf");
    std::string oid = p.peek_tag() == der::kOid ? der::oid_to_string(p.next().value) : "";
    const Pbkdf2Prf* found = find_oid(pbkdf2_prfs(), oid);
    if (!found) {
      params_error(
          "PBKDF2 parameter parsing error: expecting the object identifier for a "
          "HmacSHA pseudorandom function");
    }
    prf_name = found->java;
    prf_digest = found->digest;
  }

  der::Tlv es = outer.next();
  der::Walker e(es.value, "PBES2 encryption scheme");
  std::string cipher_oid = e.peek_tag() == der::kOid ? der::oid_to_string(e.next().value) : "";
  const Pbes2Cipher* cipher = find_oid(pbes2_ciphers(), cipher_oid);
  if (!cipher) {
    params_error("PBE parameter parsing error: expecting the object identifier for AES cipher");
  }
  scheme.cipher = cipher->cipher;
  scheme.key_len = cipher->key_len;
  scheme.iv_len = 16;
  ByteView iv = octets(e.next(), "PBES2 AES IV");
  scheme.iv.assign(iv.begin(), iv.end());
  scheme.kdf = PbeScheme::Kdf::kPbkdf2;
  scheme.name = "PBEWith" + prf_name + "And" + cipher->java;
  if (!prf_digest) {
    scheme.unsupported = "Cannot find any provider supporting " + scheme.name;
  } else {
    scheme.prf_digest = prf_digest;
    if (scheme.iv.size() != 16) scheme.unsupported = "Wrong IV length: must be 16 bytes long";
  }
}

// OpenSSL algorithms, each fetched once: the digests together on first use, a cipher when a store
// first needs it.
struct Algorithms {
  std::map<std::string, EVP_MD*> digests;
  std::mutex cipher_lock;
  std::map<std::string, EVP_CIPHER*, std::less<>> ciphers;  // nullptr: OpenSSL has none
};

Algorithms& algorithms() {
  static Algorithms* algs = [] {
    load_openssl_providers(Providers::kDefault);
    auto* a = new Algorithms;  // lives for the process, like the providers
    for (const char* name :
         {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SHA512-224", "SHA512-256", "MD5"}) {
      if (EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr)) a->digests[name] = md;
    }
    return a;
  }();
  return *algs;
}

// RC2, RC4 and single DES are only in OpenSSL 3's legacy provider, a module loaded from disk
// (with the shared libcrypto it links): only the stores that use them pay for loading it.
bool in_legacy_provider(std::string_view cipher) {
  return cipher.starts_with("RC2") || cipher.starts_with("RC4") || cipher == "DES-CBC";
}

}  // namespace

const EVP_CIPHER* cipher_named(const std::string& name) {
  Algorithms& algs = algorithms();
  std::lock_guard<std::mutex> lock(algs.cipher_lock);
  auto it = algs.ciphers.find(name);
  if (it == algs.ciphers.end()) {
    load_openssl_providers(in_legacy_provider(name) ? Providers::kDefaultAndLegacy
                                                    : Providers::kDefault);
    it = algs.ciphers.emplace(name, EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr)).first;
  }
  if (!it->second) {
    throw FormatError("UNSUPPORTED_CIPHER", "OpenSSL provides no " + name +
                                                " cipher here (is its legacy provider installed?)");
  }
  return it->second;
}

namespace {

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// Hashes `a` (u bytes) in place `rounds` times with a low-level SHA function; false when `md` has
// none (then EVP is used).
template <typename Ctx, int (*Init)(Ctx*), int (*Update)(Ctx*, const void*, std::size_t),
          int (*Final)(unsigned char*, Ctx*)>
void iterate_low_level(unsigned char* a, std::size_t u, int rounds) {
  Ctx ctx;
  for (int r = 0; r < rounds; ++r) {
    Init(&ctx);
    Update(&ctx, a, u);
    Final(a, &ctx);
  }
  OPENSSL_cleanse(&ctx, sizeof ctx);
}

bool iterate_hash(const EVP_MD* md, unsigned char* a, std::size_t u, int rounds) {
  switch (EVP_MD_get_type(md)) {
    case NID_sha1:
      iterate_low_level<SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final>(a, u, rounds);
      return true;
    case NID_sha224:
      iterate_low_level<SHA256_CTX, SHA224_Init, SHA224_Update, SHA224_Final>(a, u, rounds);
      return true;
    case NID_sha256:
      iterate_low_level<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final>(a, u, rounds);
      return true;
    case NID_sha384:
      iterate_low_level<SHA512_CTX, SHA384_Init, SHA384_Update, SHA384_Final>(a, u, rounds);
      return true;
    case NID_sha512:
      iterate_low_level<SHA512_CTX, SHA512_Init, SHA512_Update, SHA512_Final>(a, u, rounds);
      return true;
    default:
      return false;
  }
}

SecureBytes pbkdf1_md5(const SecureBytes& password, ByteView salt, int iterations) {
  const EVP_MD* md5 = openssl_digest("MD5");
  if (!md5) throw FormatError("UNSUPPORTED_CIPHER", "OpenSSL provides no MD5 digest here");
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  SecureBytes d(16);
  unsigned int len = 0;
  if (!ctx || !EVP_DigestInit_ex(ctx.get(), md5, nullptr) ||
      !EVP_DigestUpdate(ctx.get(), password.data(), password.size()) ||
      !EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) ||
      !EVP_DigestFinal_ex(ctx.get(), d.data(), &len)) {
    throw FormatError("CRYPTO", "MD5 failed");
  }
  for (int i = 1; i < iterations; ++i) {
    if (!EVP_DigestInit_ex(ctx.get(), md5, nullptr) ||
        !EVP_DigestUpdate(ctx.get(), d.data(), d.size()) ||
        !EVP_DigestFinal_ex(ctx.get(), d.data(), &len)) {
      throw FormatError("CRYPTO", "MD5 failed");
    }
  }
  return d;
}

}  // namespace

const EVP_MD* openssl_digest(const std::string& name) {
  auto it = algorithms().digests.find(name);
  return it == algorithms().digests.end() ? nullptr : it->second;
}

void load_openssl_providers(Providers which) {
  // Loading any provider explicitly stops OpenSSL from loading "default" implicitly, so it is
  // always loaded first. A missing legacy module only costs RC2/RC4/DES (reported when needed).
  static std::once_flag default_once, legacy_once;
  std::call_once(default_once, [] { OSSL_PROVIDER_load(nullptr, "default"); });
  if (which == Providers::kDefaultAndLegacy) {
    std::call_once(legacy_once, [] { OSSL_PROVIDER_load(nullptr, "legacy"); });
  }
}

SecureBytes PbePassword::pkcs12_bytes() const {
  if (nul) return {};
  SecureBytes out(utf16be.begin(), utf16be.end());
  out.push_back(0);
  out.push_back(0);
  return out;
}

SecureBytes PbePassword::ascii_bytes() const {
  if (nul) return SecureBytes(1, 0);
  SecureBytes out;
  out.reserve(utf16be.size() / 2);
  for (std::size_t i = 1; i < utf16be.size(); i += 2) out.push_back(utf16be[i] & 0x7F);
  return out;
}

bool java_pbe_ascii(const Password& password) {
  if (password.is_null()) return true;
  SecureBytes chars = password.utf16be();
  for (std::size_t i = 0; i + 1 < chars.size(); i += 2) {
    unsigned c = (static_cast<unsigned>(chars[i]) << 8) | chars[i + 1];
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::vector<PbePassword> java_password_attempts(const Password& password) {
  std::vector<PbePassword> attempts(1);
  attempts[0].utf16be = password.utf16be();
  if (attempts[0].utf16be.empty()) {
    PbePassword nul;
    nul.nul = true;
    attempts.push_back(std::move(nul));
  }
  return attempts;
}

SecureBytes pkcs12_kdf(const EVP_MD* md, const SecureBytes& password, ByteView salt, int id,
                       int iterations, std::size_t length) {
  const std::size_t u = static_cast<std::size_t>(EVP_MD_get_size(md));
  const std::size_t v = static_cast<std::size_t>(EVP_MD_get_block_size(md));
  auto roundup = [](std::size_t x, std::size_t y) { return (x + y - 1) / y * y; };
  const std::size_t s = roundup(salt.size(), v), p = roundup(password.size(), v);
  SecureBytes input(s + p);  // I = S || P, each repeated to a multiple of v
  for (std::size_t i = 0; i < s; ++i) input[i] = salt[i % salt.size()];
  for (std::size_t i = 0; i < p; ++i) input[s + i] = password[i % password.size()];
  const SecureBytes diversifier(v, static_cast<std::uint8_t>(id));

  SecureBytes key(length), a(u), b(v);
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) throw FormatError("CRYPTO", "out of memory");
  unsigned int len = 0;
  for (std::size_t i = 0, done = 0;; ++i) {
    if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
        !EVP_DigestUpdate(ctx.get(), diversifier.data(), v) ||
        !EVP_DigestUpdate(ctx.get(), input.data(), input.size()) ||
        !EVP_DigestFinal_ex(ctx.get(), a.data(), &len)) {
      throw FormatError("CRYPTO", "PKCS#12 key derivation failed");
    }
    if (!iterate_hash(md, a.data(), u, iterations - 1)) {
      for (int r = 1; r < iterations; ++r) {
        if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
            !EVP_DigestUpdate(ctx.get(), a.data(), u) ||
            !EVP_DigestFinal_ex(ctx.get(), a.data(), &len)) {
          throw FormatError("CRYPTO", "PKCS#12 key derivation failed");
        }
      }
    }
    std::size_t take = std::min(u, length - done);
    std::copy(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(take),
              key.begin() + static_cast<std::ptrdiff_t>(done));
    done += take;
    if (done >= length) break;
    // B = A repeated to v bytes, plus one; then every v-byte block of I += B (mod 2^(8v)).
    for (std::size_t j = 0; j < v; ++j) b[j] = a[j % u];
    for (std::size_t j = v; j-- > 0;) {
      if (++b[j] != 0) break;
    }
    for (std::size_t off = 0; off < input.size(); off += v) {
      unsigned carry = 0;
      for (std::size_t j = v; j-- > 0;) {
        unsigned sum = static_cast<unsigned>(input[off + j]) + b[j] + carry;
        input[off + j] = static_cast<std::uint8_t>(sum);
        carry = sum >> 8;
      }
    }
  }
  return key;
}

PbeScheme parse_pbe_scheme(ByteView algorithm_identifier) {
  der::Walker top(algorithm_identifier, "AlgorithmIdentifier");
  der::Walker alg(top.expect(der::kSequence).value, "AlgorithmIdentifier");
  PbeScheme scheme;
  scheme.oid = der::oid_to_string(alg.expect(der::kOid).value);
  std::optional<der::Tlv> params;
  if (!alg.at_end()) {
    der::Tlv p = alg.next();
    if (p.tag != der::kNull) params = p;
  }
  if (scheme.oid == oids::kPbes2) {
    scheme.name = "PBES2";
    if (params) {
      scheme.has_params = true;
      parse_pbes2_params(*params, scheme);
    }
  } else {
    if (params) {
      scheme.has_params = true;
      parse_pbes1_params(*params, scheme);
    }
    const Pbes1Algorithm* found = find_oid(pbes1_algorithms(), scheme.oid);
    if (!found) {
      scheme.name = scheme.oid;
      scheme.unsupported = "Cannot find any provider supporting " + scheme.oid;
    } else {
      const Pbes1Algorithm& p = *found;
      scheme.name = p.name;
      scheme.kdf = p.kdf;
      if (!p.cipher) {
        scheme.unsupported = "Cannot find any provider supporting " + scheme.name;
      } else {
        scheme.cipher = p.cipher;
        scheme.key_len = p.key_len;
        scheme.iv_len = p.iv_len;
        if (p.kdf == PbeScheme::Kdf::kPbkdf1Md5 && scheme.has_params && scheme.salt.size() != 8) {
          scheme.unsupported = "Salt must be 8 bytes long";
        }
      }
    }
  }
  if (scheme.has_params && scheme.unsupported.empty() && scheme.iterations < 1) {
    scheme.unsupported = "IterationCount must be a positive number";
  }
  return scheme;
}

std::optional<SecureBytes> pbe_decrypt(const PbeScheme& scheme, ByteView ciphertext,
                                       const PbePassword& password) {
  if (!scheme.has_params) throw FormatError("UNSUPPORTED_PBE", "Parameters missing");
  if (!scheme.unsupported.empty()) throw FormatError("UNSUPPORTED_PBE", scheme.unsupported);
  const EVP_CIPHER* cipher = cipher_named(scheme.cipher);
  SecureBytes key, iv;
  switch (scheme.kdf) {
    case PbeScheme::Kdf::kPkcs12: {
      const EVP_MD* sha1 = openssl_digest("SHA1");
      if (!sha1) throw FormatError("UNSUPPORTED_CIPHER", "OpenSSL provides no SHA-1 here");
      SecureBytes pw = password.pkcs12_bytes();
      key = pkcs12_kdf(sha1, pw, scheme.salt, 1, scheme.iterations, scheme.key_len);
      if (scheme.iv_len)
        iv = pkcs12_kdf(sha1, pw, scheme.salt, 2, scheme.iterations, scheme.iv_len);
      break;
    }
    case PbeScheme::Kdf::kPbkdf1Md5: {
      SecureBytes d = pbkdf1_md5(password.ascii_bytes(), scheme.salt, scheme.iterations);
      key.assign(d.begin(), d.begin() + 8);
      iv.assign(d.begin() + 8, d.end());
      break;
    }
    case PbeScheme::Kdf::kPbkdf2: {
      const EVP_MD* md = openssl_digest(scheme.prf_digest);
      if (!md) throw FormatError("UNSUPPORTED_CIPHER", "OpenSSL provides no " + scheme.prf_digest);
      SecureBytes pw = password.ascii_bytes();
      key.resize(scheme.key_len);
      if (!PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(pw.data()), static_cast<int>(pw.size()),
                             scheme.salt.data(), static_cast<int>(scheme.salt.size()),
                             scheme.iterations, md, static_cast<int>(key.size()), key.data())) {
        throw FormatError("CRYPTO", "PBKDF2 failed");
      }
      iv.assign(scheme.iv.begin(), scheme.iv.end());
      break;
    }
  }

  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  if (!ctx || !EVP_DecryptInit_ex2(ctx.get(), cipher, key.data(), iv.empty() ? nullptr : iv.data(),
                                   nullptr)) {
    throw FormatError("CRYPTO", "cannot initialise " + scheme.cipher);
  }
  if (ciphertext.size() > static_cast<std::size_t>(INT32_MAX) - 64) {
    throw FormatError("MALFORMED", "encrypted content too large");
  }
  SecureBytes plain(ciphertext.size() + 32);
  int n1 = 0, n2 = 0;
  if (!EVP_DecryptUpdate(ctx.get(), plain.data(), &n1, ciphertext.data(),
                         static_cast<int>(ciphertext.size())) ||
      !EVP_DecryptFinal_ex(ctx.get(), plain.data() + n1, &n2)) {
    return std::nullopt;  // bad padding or length: Java's BadPaddingException
  }
  plain.resize(static_cast<std::size_t>(n1 + n2));
  return plain;
}

}  // namespace ksdoctor::pkcs12
