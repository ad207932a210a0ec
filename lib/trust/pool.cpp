#include <openssl/evp.h>
#include <openssl/x509.h>

#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "ksdoctor/error.hpp"
#include "ksdoctor/trust.hpp"
#include "x509/der.hpp"
#include "x509/java_x500.hpp"

namespace ksdoctor {
namespace {

std::string key_of(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace

struct CertPool::Index {
  std::unordered_map<std::string, std::size_t> by_der_hash;  // sha256 → position
  std::unordered_map<std::u16string, std::vector<std::size_t>> by_subject;
  std::unordered_map<std::string, std::vector<std::size_t>> by_key_id;
  std::vector<CertOrigin> origins;
};

CertPool::CertPool() : index_(std::make_unique<Index>()) {}
CertPool::~CertPool() = default;
CertPool::CertPool(CertPool&&) noexcept = default;
CertPool& CertPool::operator=(CertPool&&) noexcept = default;

bool CertPool::add(CertPtr cert, CertOrigin origin) {
  if (!index_->by_der_hash.emplace(cert->sha256, certs_.size()).second) return false;
  std::size_t position = certs_.size();
  index_->by_subject[java_x500_canonical_cached(cert->subject_der)].push_back(position);
  if (!cert->subject_key_id.empty()) {
    index_->by_key_id[key_of(cert->subject_key_id)].push_back(position);
  }
  index_->origins.push_back(std::move(origin));
  certs_.push_back(std::move(cert));
  return true;
}

bool CertPool::contains(const Certificate& cert) const {
  return index_->by_der_hash.count(cert.sha256) != 0;
}

const CertOrigin& CertPool::origin(const Certificate& cert) const {
  static const CertOrigin kNone;
  auto it = index_->by_der_hash.find(cert.sha256);
  return it == index_->by_der_hash.end() ? kNone : index_->origins[it->second];
}

std::vector<CertPtr> CertPool::with_subject(const Bytes& name_der) const {
  std::vector<CertPtr> out;
  auto it = index_->by_subject.find(java_x500_canonical_cached(name_der));
  if (it == index_->by_subject.end()) return out;
  for (std::size_t i : it->second) out.push_back(certs_[i]);
  return out;
}

std::vector<CertPtr> CertPool::with_key_id(const Bytes& subject_key_id) const {
  std::vector<CertPtr> out;
  auto it = index_->by_key_id.find(key_of(subject_key_id));
  if (it == index_->by_key_id.end()) return out;
  for (std::size_t i : it->second) out.push_back(certs_[i]);
  return out;
}

std::vector<CertPtr> java_trust_anchors(const Keystore& store) {
  std::vector<CertPtr> anchors;
  std::unordered_set<std::string> seen;
  for (const Entry& e : store.entries) {
    if (!store.lookupable(e) || e.chain.empty() || e.kind == EntryKind::kSecretKey) continue;
    if (seen.insert(e.chain[0]->sha256).second) anchors.push_back(e.chain[0]);
  }
  return anchors;
}

namespace {

using PublicKey = std::shared_ptr<EVP_PKEY>;

// Decoding an RSA key through OpenSSL 3's decoders costs more than the verification itself, and
// thousands of leaves share a handful of issuers: decode each issuer key once.
PublicKey issuer_key(const Bytes& spki_der) {
  static std::mutex mutex;
  static std::unordered_map<std::string, PublicKey> keys;
  std::string id(spki_der.begin(), spki_der.end());
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = keys.find(id);
    if (it != keys.end()) return it->second;
  }
  const unsigned char* k = spki_der.data();
  PublicKey key(d2i_PUBKEY(nullptr, &k, static_cast<long>(spki_der.size())), EVP_PKEY_free);
  std::lock_guard<std::mutex> lock(mutex);
  keys.emplace(std::move(id), key);
  return key;
}

// The digest a signature algorithm uses; nullptr for the pure schemes (EdDSA); `known` false
// for anything else (RSA-PSS, whose parameters OpenSSL's X509_verify interprets for us).
const EVP_MD* digest_for(std::string_view oid, bool& known) {
  struct Entry {
    std::string_view oid;
    const char* digest;
  };
  static const Entry kTable[] = {
      {"1.2.840.113549.1.1.11", "SHA256"},
      {"1.2.840.113549.1.1.12", "SHA384"},
      {"1.2.840.113549.1.1.13", "SHA512"},
      {"1.2.840.113549.1.1.14", "SHA224"},
      {"1.2.840.113549.1.1.5", "SHA1"},
      {"1.2.840.113549.1.1.4", "MD5"},
      {"1.2.840.10045.4.3.2", "SHA256"},
      {"1.2.840.10045.4.3.3", "SHA384"},
      {"1.2.840.10045.4.3.4", "SHA512"},
      {"1.2.840.10045.4.3.1", "SHA224"},
      {"1.2.840.10045.4.1", "SHA1"},
      {"2.16.840.1.101.3.4.3.2", "SHA256"},
      {"2.16.840.1.101.3.4.3.1", "SHA224"},
      {"1.2.840.10040.4.3", "SHA1"},
      {"1.3.101.112", nullptr},
      {"1.3.101.113", nullptr},
  };
  // Fetched once: an implicit fetch per verification costs a provider lookup under a lock.
  static std::mutex mutex;
  using Digest = std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)>;
  static std::unordered_map<std::string, Digest> fetched;
  for (const Entry& e : kTable) {
    if (e.oid != oid) continue;
    known = true;
    if (!e.digest) return nullptr;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = fetched.find(e.digest);
    if (it == fetched.end()) {
      it = fetched.emplace(e.digest, Digest(EVP_MD_fetch(nullptr, e.digest, nullptr), EVP_MD_free))
               .first;
    }
    return it->second.get();
  }
  known = false;
  return nullptr;
}

// The parts of a certificate a verification needs. False when it does not have that shape.
struct SignedParts {
  der::Tlv tbs, algorithm, signature;
  ByteView inner_algorithm;  // the TBS's copy of the signature algorithm
};

bool split_certificate(const Bytes& der, SignedParts& parts) {
  try {
    der::Walker outer(der);
    der::Walker cert(outer.expect(der::kSequence).value);
    parts.tbs = cert.expect(der::kSequence);
    parts.algorithm = cert.expect(der::kSequence);
    parts.signature = cert.expect(der::kBitString);
    der::Walker fields(parts.tbs.value);
    if (fields.peek_tag() == der::context(0, true)) fields.next();  // version
    fields.next();                                                  // serialNumber
    parts.inner_algorithm = fields.expect(der::kSequence).whole;
    return !parts.signature.value.empty() && parts.signature.value[0] == 0;
  } catch (const Error&) {
    return false;
  }
}

// Setting up a verification context costs as much as the RSA verification itself; each thread
// keeps one per issuer key and digest (a context is reusable, not shareable).
EVP_PKEY_CTX* verify_context(const PublicKey& key, const EVP_MD* md) {
  using Context = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
  thread_local std::map<std::pair<EVP_PKEY*, const EVP_MD*>, std::pair<PublicKey, Context>> cache;
  auto it = cache.find({key.get(), md});
  if (it != cache.end()) return it->second.second.get();
  Context ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr), EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) {
    return nullptr;
  }
  if (cache.size() > 4096) cache.clear();
  EVP_PKEY_CTX* raw = ctx.get();
  cache.emplace(std::make_pair(key.get(), md), std::make_pair(key, std::move(ctx)));
  return raw;
}

bool verify_with_x509(const Certificate& child, EVP_PKEY* key) {
  const unsigned char* p = child.der.data();
  std::unique_ptr<X509, decltype(&X509_free)> x(
      d2i_X509(nullptr, &p, static_cast<long>(child.der.size())), X509_free);
  return x && X509_verify(x.get(), key) == 1;
}

// Verifies the TBS bytes directly: d2i_X509 would decode the child's own public key through
// OpenSSL 3's decoders, which costs several times the verification.
bool verify_with_openssl(const Certificate& child, const Certificate& issuer) {
  PublicKey key = issuer_key(issuer.spki_der);
  if (!key) return false;
  SignedParts parts;
  if (!split_certificate(child.der, parts)) return false;
  bool known = false;
  const EVP_MD* md = digest_for(child.signature_oid, known);
  // X509_verify also requires the TBS's algorithm to equal the outer one; let it decide those.
  ByteView outer = parts.algorithm.whole;
  bool same_algorithm = std::equal(parts.inner_algorithm.begin(), parts.inner_algorithm.end(),
                                   outer.begin(), outer.end());
  if (!known || !same_algorithm) return verify_with_x509(child, key.get());
  const der::Tlv& tbs = parts.tbs;
  ByteView sig = parts.signature.value.subspan(1);
  if (!md) {  // EdDSA signs the message itself
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
      return false;
    }
    return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), tbs.whole.data(),
                            tbs.whole.size()) == 1;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(tbs.whole.data(), tbs.whole.size(), digest, &digest_size, md, nullptr) != 1) {
    return false;
  }
  EVP_PKEY_CTX* ctx = verify_context(key, md);
  return ctx && EVP_PKEY_verify(ctx, sig.data(), sig.size(), digest, digest_size) == 1;
}

}  // namespace

bool signature_valid(const Certificate& child, const Certificate& issuer) {
  // Keyed by the child's hash and the issuer's key: a signature is a fact about those two.
  static std::mutex mutex;
  static std::unordered_map<std::string, bool> memo;
  std::string key = child.sha256;
  key.append(reinterpret_cast<const char*>(issuer.spki_der.data()), issuer.spki_der.size());
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = memo.find(key);
    if (it != memo.end()) return it->second;
  }
  bool ok = verify_with_openssl(child, issuer);
  std::lock_guard<std::mutex> lock(mutex);
  memo.emplace(std::move(key), ok);
  return ok;
}

}  // namespace ksdoctor
