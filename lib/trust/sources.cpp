// Certificate sources: which files a source names (one file, a folder, the OS trust store), read
// by source_loader.cpp and source_folder.cpp.
#include "ksdoctor/sources.hpp"

#include <filesystem>
#include <system_error>
#include <utility>

#include "ksdoctor/error.hpp"
#include "source_loader.hpp"

namespace ksdoctor {
namespace {

namespace fs = std::filesystem;
using source_loading::Loader;

// Where distributions keep the OS trust store as one bundle (Debian/Ubuntu, Fedora/RHEL, openSUSE,
// Alpine/macOS-style), first match wins; without any, the hashed folder most of them also keep.
constexpr const char* kSystemBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
};
constexpr const char* kSystemFolder = "/etc/ssl/certs";

// Whether `spec` names a folder (true) or a regular file (false), symbolic links followed.
bool is_folder(const std::string& spec) {
  std::error_code ec;
  fs::file_status status = fs::status(spec, ec);
  if (status.type() == fs::file_type::not_found) {
    throw IoError("NOT_FOUND", "the trust source " + spec + " does not exist");
  }
  if (ec) {
    throw IoError("READ_FAILED", "cannot access the trust source " + spec + ": " + ec.message());
  }
  if (status.type() == fs::file_type::directory) return true;
  if (status.type() == fs::file_type::regular) return false;
  throw IoError("READ_FAILED", "the trust source " + spec + " is neither a file nor a folder");
}

TrustSourceResult load_system_store(Loader& loader) {
  for (const char* bundle : kSystemBundles) {
    std::error_code ec;
    if (fs::is_regular_file(bundle, ec)) {
      source_loading::load_file(loader, bundle, CertOrigin::system);
      return loader.take(std::string("the system trust store ") + bundle, bundle);
    }
  }
  std::error_code ec;
  if (!fs::is_directory(kSystemFolder, ec)) {
    std::string tried;
    for (const char* bundle : kSystemBundles) tried += std::string(bundle) + ", ";
    throw IoError("NOT_FOUND", "no system trust store found: none of " + tried + "nor the folder " +
                                   kSystemFolder + " exists");
  }
  source_loading::load_folder(loader, kSystemFolder, CertOrigin::system);
  return loader.take(std::string("the system trust store ") + kSystemFolder, kSystemFolder);
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
