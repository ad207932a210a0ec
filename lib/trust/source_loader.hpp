// What the certificate-source loaders share: a file on its way from bytes to certificates, and the
// Loader that turns files into certificates and warnings. sources.cpp picks the files (one file, a
// folder, the OS trust store); source_loader.cpp reads single files and keystores;
// source_folder.cpp reads folders.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/sources.hpp"

namespace ksdoctor::source_loading {

// Certificate files and keystores are kilobytes; a folder may hold anything, and a huge unrelated
// file should cost a skip warning, not a gigabyte of memory.
constexpr std::size_t kMaxSourceFile = std::size_t{64} << 20;

// Why a file gave no certificate, as a clause that follows its path: "<path> is empty".
struct Problem {
  std::string code;
  std::string clause;
  bool password = false;  // a keystore's certificates need a password we do not have
};

// One file on its way from bytes to certificates.
struct FileWork {
  std::string path;   // as the user named it (spec, or spec/name in a folder)
  CertOrigin origin;  // a source or the system trust store, with `path`
  Bytes bytes;
  std::vector<Bytes> blocks;   // decoded PEM CERTIFICATE blocks
  std::vector<ByteView> ders;  // the certificates to parse, into `bytes` or `blocks`
  bool keystore = false;
  bool other_pem = false;  // PEM that read_certificates must handle (TRUSTED CERTIFICATE, ...)
  std::optional<Problem> problem;
};

// The origin of a file's certificates, from its path.
using OriginOf = CertOrigin (*)(std::string path);

class Loader {
 public:
  explicit Loader(const Password& storepass) : storepass_(storepass) {}

  // `single`: the file is the whole source, so what it lacks is an error rather than a warning.
  void load_files(std::span<FileWork> files, bool single);

  // `name`: "the trust source certs/", "the system trust store /etc/ssl/certs".
  TrustSourceResult take(const std::string& name, const std::string& path);

 private:
  void add(CertPtr cert, CertOrigin origin);
  // A problem only when the certificates are locked away by a password; throws FormatError for
  // a malformed keystore.
  std::optional<Problem> load_keystore(const FileWork& w);
  void skip(const FileWork& w, const Problem& problem);

  const Password& storepass_;
  TrustSourceResult result_;
  std::unordered_set<std::string> seen_;  // SHA-256 of every certificate added
};

// One file as the whole source (errors, not warnings, for what it lacks).
void load_file(Loader& loader, const std::string& path, OriginOf origin);

// A certificate (DER) from a store that is no file (the Windows system stores) and the name of
// where it came from, which stands in for a file's path.
struct StoreCertificate {
  std::string where;
  Bytes der;
};

// Each certificate as a file of its own; ones that do not parse are skipped with a warning.
void load_store_certificates(Loader& loader, std::vector<StoreCertificate> certificates,
                             OriginOf origin);

// Every regular file of `folder` (symbolic links followed), sorted by name; files that hold no
// certificate are skipped with a warning.
void load_folder(Loader& loader, const std::string& folder, OriginOf origin);

}  // namespace ksdoctor::source_loading
