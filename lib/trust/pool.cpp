#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "formats/java_x500.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor {
namespace {

std::string key_of(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace

struct CertPool::Index {
  std::unordered_map<std::string, std::size_t> by_der_hash;  // sha256 → position
  std::unordered_map<std::u16string, std::vector<std::size_t>> by_subject;
  std::unordered_map<std::string, std::vector<std::size_t>> by_key_id;
  std::vector<std::string> origins;
};

CertPool::CertPool() : index_(std::make_unique<Index>()) {}
CertPool::~CertPool() = default;
CertPool::CertPool(CertPool&&) noexcept = default;
CertPool& CertPool::operator=(CertPool&&) noexcept = default;

bool CertPool::add(CertPtr cert, std::string origin) {
  if (!index_->by_der_hash.emplace(cert->sha256, certs_.size()).second) return false;
  std::size_t position = certs_.size();
  index_->by_subject[java_x500_canonical(cert->subject_der)].push_back(position);
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

const std::string& CertPool::origin(const Certificate& cert) const {
  static const std::string kNone;
  auto it = index_->by_der_hash.find(cert.sha256);
  return it == index_->by_der_hash.end() ? kNone : index_->origins[it->second];
}

std::vector<CertPtr> CertPool::with_subject(const Bytes& name_der) const {
  std::vector<CertPtr> out;
  auto it = index_->by_subject.find(java_x500_canonical(name_der));
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

bool verify_with_openssl(const Certificate& child, const Certificate& issuer) {
  const unsigned char* p = child.der.data();
  std::unique_ptr<X509, decltype(&X509_free)> x(
      d2i_X509(nullptr, &p, static_cast<long>(child.der.size())), X509_free);
  const unsigned char* k = issuer.spki_der.data();
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      d2i_PUBKEY(nullptr, &k, static_cast<long>(issuer.spki_der.size())), EVP_PKEY_free);
  if (!x || !key) return false;
  return X509_verify(x.get(), key.get()) == 1;
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
