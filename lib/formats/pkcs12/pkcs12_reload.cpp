// What Java lists after loading the PKCS#12 file write_pkcs12 writes: PKCS12KeyStore keeps no
// chain as such, it rebuilds each key's chain from every certificate bag in the file by issuer
// name (pkcs12_chain.hpp), so a chain can come back longer, shorter or reordered.
#include <unordered_set>

#include "ksdoctor/writers.hpp"
#include "pkcs12_chain.hpp"

namespace ksdoctor {

Keystore pkcs12_as_java_reloads(const Keystore& store) {
  // The certificate bags in the order write_pkcs12 emits them: each key's chain, each trusted
  // certificate, entry by entry.
  std::vector<CertPtr> bags;
  for (const Entry& e : store.entries) {
    if (e.kind == EntryKind::kPrivateKey) {
      bags.insert(bags.end(), e.chain.begin(), e.chain.end());
    } else if (e.kind == EntryKind::kTrustedCert && !e.chain.empty()) {
      bags.push_back(e.chain.front());
    }
  }
  pkcs12::ChainBuilder chains(bags);
  Keystore out = store;
  std::unordered_set<std::string> listed;
  for (Entry& e : out.entries) {
    if (e.kind == EntryKind::kPrivateKey && !e.chain.empty()) {
      e.chain = chains.chain_from(e.chain.front());
    }
    for (const CertPtr& c : e.chain) listed.insert(c->sha256);
  }
  out.hidden_certificates.clear();
  for (const CertPtr& c : bags) {
    if (listed.insert(c->sha256).second) out.hidden_certificates.push_back(c);
  }
  return out;
}

}  // namespace ksdoctor
