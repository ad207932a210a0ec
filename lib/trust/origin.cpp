#include "ksdoctor/trust.hpp"

namespace ksdoctor {

std::string describe_origin(const CertOrigin& origin) {
  using Kind = CertOrigin::Kind;
  switch (origin.kind) {
    case Kind::kUnknown:
      return {};
    case Kind::kStoredChain:
      return "stored chain";
    case Kind::kKeystore:
      if (origin.hidden) return "hidden certificate of this PKCS#12 file";
      return origin.alias.empty() ? "this keystore" : "keystore entry '" + origin.alias + "'";
    case Kind::kSource:
      if (origin.hidden) return origin.path + " hidden certificate";
      return origin.alias.empty() ? origin.path : origin.path + " entry '" + origin.alias + "'";
    case Kind::kSystem:
      return "system trust store (" + origin.path + ")";
    case Kind::kAia:
      return "aia " + origin.path;
  }
  return {};
}

}  // namespace ksdoctor
