// Certificate sources: which files a source names (one file, a folder, the OS trust store), read
// by source_loader.cpp and source_folder.cpp.
#include "ksdoctor/sources.hpp"

#include <utility>

#include "ksdoctor/error.hpp"
#include "platform/platform.hpp"
#include "source_loader.hpp"

namespace ksdoctor {
namespace {

using source_loading::Loader;

// Whether `spec` names a folder (true) or a regular file (false), symbolic links followed.
bool is_folder(const std::string& spec) {
  platform::FileStatus status = platform::file_status(spec);
  if (!status.exists()) {
    throw IoError("NOT_FOUND", "the trust source " + spec + " does not exist");
  }
  if (!status.error.empty()) {
    throw IoError("READ_FAILED", "cannot access the trust source " + spec + ": " + status.error);
  }
  if (status.is_directory()) return true;
  if (status.is_regular()) return false;
  throw IoError("READ_FAILED", "the trust source " + spec + " is neither a file nor a folder");
}

// The OS trust store as the platform finds it: a bundle file, a folder of certificate files, or
// (Windows) the certificates of its system stores.
TrustSourceResult load_system_store(Loader& loader) {
  platform::SystemTrustStore store = platform::system_trust_store();
  const std::string name = "the system trust store " + store.location;
  switch (store.kind) {
    case platform::SystemTrustStore::Kind::kBundleFile:
      source_loading::load_file(loader, store.location, CertOrigin::system);
      break;
    case platform::SystemTrustStore::Kind::kFolder:
      source_loading::load_folder(loader, store.location, CertOrigin::system);
      break;
    case platform::SystemTrustStore::Kind::kCertificates: {
      std::vector<source_loading::StoreCertificate> certificates;
      certificates.reserve(store.certificates.size());
      for (platform::SystemTrustStore::Certificate& c : store.certificates) {
        std::string where = c.store.empty() ? store.location : "certificate store " + c.store;
        certificates.push_back({std::move(where), std::move(c.der)});
      }
      source_loading::load_store_certificates(loader, std::move(certificates), CertOrigin::system);
      break;
    }
  }
  return loader.take(name, store.location);
}

}  // namespace

TrustSourceResult load_trust_source(const std::string& spec, const Password& storepass) {
  Loader loader(storepass);
  if (spec == "system") return load_system_store(loader);
  if (is_folder(spec)) {
    source_loading::load_folder(loader, spec, CertOrigin::source);
  } else {
    source_loading::load_file(loader, spec, CertOrigin::source);
  }
  return loader.take("the trust source " + spec, spec);
}

TrustSources load_trust_sources(const std::vector<std::string>& specs, const Password& storepass) {
  TrustSources out;
  for (const std::string& spec : specs) {
    TrustSourceResult source = load_trust_source(spec, storepass);
    for (SourcedCertificate& c : source.certificates) {
      out.pool.add(std::move(c.cert), std::move(c.origin));
    }
    for (Finding& f : source.warnings) out.warnings.push_back(std::move(f));
  }
  return out;
}

}  // namespace ksdoctor
