#include "source_loader.hpp"

#include <string_view>
#include <utility>

#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "x509/parse_many.hpp"

namespace ksdoctor::source_loading {
namespace {

std::string pem_labels(std::string_view text) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  std::string labels;
  for (std::size_t pos = text.find(kBegin); pos != std::string_view::npos;
       pos = text.find(kBegin, pos)) {
    pos += kBegin.size();
    std::size_t end = text.find("-----", pos);
    if (end == std::string_view::npos || end - pos > 64) break;
    std::string_view label = text.substr(pos, end - pos);
    if (labels.find(label) == std::string::npos) {
      labels += (labels.empty() ? "" : ", ") + std::string(label);
    }
  }
  return labels;
}

// Decides what a file holds without parsing any certificate yet, and without throwing for the
// ordinary cases (a folder of thousands of PEM files, or of README files, stays fast).
void classify(FileWork& w) {
  const ByteView bytes(w.bytes);
  if (bytes.empty()) {
    w.problem = Problem{"EMPTY_FILE", "is empty"};
    return;
  }
  if (detect_format(bytes)) {
    w.keystore = true;
    return;
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find("-----BEGIN ") != std::string_view::npos) {
    if (text.find("-----BEGIN TRUSTED CERTIFICATE-----") != std::string_view::npos ||
        text.find("-----BEGIN X509 CERTIFICATE-----") != std::string_view::npos) {
      w.other_pem = true;
      return;
    }
    try {
      w.blocks = pem_blocks(text, "CERTIFICATE");
    } catch (const FormatError& e) {
      w.problem = Problem{e.code(), std::string("is not readable PEM (") + e.what() + ")"};
      return;
    }
    if (w.blocks.empty()) {
      w.problem = Problem{"NO_CERTIFICATE",
                          "holds no certificate, only PEM blocks of type " + pem_labels(text)};
      return;
    }
    for (const Bytes& block : w.blocks) w.ders.emplace_back(block);
    return;
  }
  if (bytes[0] == 0x30) {  // a DER SEQUENCE: maybe one certificate
    w.ders.push_back(bytes);
    return;
  }
  w.problem = Problem{"UNKNOWN_FORMAT",
                      "holds neither certificates (PEM or DER) nor a keystore (JKS, JCEKS or "
                      "PKCS#12)"};
}

}  // namespace

TrustSourceResult Loader::take(const std::string& name, const std::string& path) {
  if (result_.certificates.empty()) {
    Finding f;
    f.code = "TRUST_SOURCE_EMPTY";
    f.severity = Severity::kWarning;
    f.message = name + " holds no certificate";
    f.remedy =
        "name a PEM or DER certificate file, a folder of them, a keystore, or 'system' (the OS "
        "trust store)";
    f.details.emplace_back("path", path);
    result_.warnings.push_back(std::move(f));
  }
  return std::move(result_);
}

void Loader::add(CertPtr cert, CertOrigin origin) {
  if (!seen_.insert(cert->sha256).second) return;
  result_.certificates.push_back(SourcedCertificate{std::move(cert), std::move(origin)});
}

void Loader::skip(const FileWork& w, const Problem& problem) {
  Finding f;
  f.code = "TRUST_SOURCE_FILE_SKIPPED";
  f.severity = Severity::kWarning;
  f.message = "skipped " + w.path + ", which " + problem.clause;
  f.remedy =
      "nothing to do if the file is not meant to hold certificates; otherwise replace it with a "
      "PEM or DER certificate file or a keystore that opens";
  f.details.emplace_back("path", w.path);
  result_.warnings.push_back(std::move(f));
}

std::optional<Problem> Loader::load_keystore(const FileWork& w) {
  Keystore store;
  bool wrong_password = false;
  try {
    store = read_keystore(w.bytes, storepass_);
  } catch (const PasswordError&) {
    if (storepass_.is_null()) throw;
    // The store password belongs to the keystore being checked, not necessarily to this one.
    // Without a password Java reads everything but encrypted PKCS#12 certificates.
    store = read_keystore(w.bytes, Password());
    wrong_password = true;
  }

  std::size_t count = store.hidden_certificates.size();
  for (const Entry& entry : store.entries) count += entry.chain.size();
  const bool unverified = store.integrity == Integrity::kNotVerified;
  const std::string encrypted =
      unverified && store.protection && store.protection->cert_algorithm != "NONE"
          ? store.protection->cert_algorithm
          : std::string();
  if (count == 0 && !encrypted.empty()) {
    return Problem{wrong_password ? "WRONG_PASSWORD" : "PASSWORD_REQUIRED",
                   "keeps its certificates encrypted (" + encrypted + ") and " +
                       (wrong_password ? "the password given does not open it"
                                       : "no password was given to read them"),
                   true};
  }

  for (const Entry& entry : store.entries) {
    CertOrigin origin = w.origin;
    origin.alias = entry.alias;
    for (const CertPtr& cert : entry.chain) add(cert, origin);
  }
  CertOrigin hidden = w.origin;
  hidden.hidden = true;
  for (const CertPtr& cert : store.hidden_certificates) add(cert, hidden);

  if (unverified) {
    Finding f;
    f.code = "TRUST_SOURCE_NOT_VERIFIED";
    f.severity = Severity::kWarning;
    f.message = wrong_password ? "the password does not open " + w.path +
                                     ", so its certificates were read without checking its "
                                     "integrity"
                               : w.path +
                                     " was read without a password, so its integrity was "
                                     "not checked";
    if (!encrypted.empty()) {
      f.message += "; its encrypted certificates (" + encrypted + ") could not be read";
    }
    f.remedy =
        "export the certificates you trust from it (keytool -exportcert -rfc) and name the PEM "
        "file instead";
    f.details.emplace_back("path", w.path);
    result_.warnings.push_back(std::move(f));
  }
  return std::nullopt;
}

void Loader::load_files(std::span<FileWork> files, bool single) {
  for (FileWork& w : files) {
    if (!w.problem) classify(w);
  }

  // Every plain certificate of the batch in one call (so fingerprints are computed on a second
  // thread); if one is bad, each is parsed again alone to tell which file to skip.
  std::vector<ByteView> ders;
  for (const FileWork& w : files) ders.insert(ders.end(), w.ders.begin(), w.ders.end());
  std::vector<CertPtr> certs;
  std::vector<std::string> errors;  // per DER, filled only on the slow path
  try {
    certs = parse_certificates(ders);
  } catch (const FormatError&) {
    certs.assign(ders.size(), nullptr);
    errors.assign(ders.size(), std::string());
    for (std::size_t i = 0; i < ders.size(); ++i) {
      try {
        certs[i] = parse_certificate(Bytes(ders[i].begin(), ders[i].end()));
      } catch (const FormatError& e) {
        errors[i] = e.what();
      }
    }
  }

  std::size_t next = 0;
  for (FileWork& w : files) {
    const std::size_t first = next;
    next += w.ders.size();
    std::optional<Problem> problem = w.problem;
    std::vector<CertPtr> parsed;
    if (!problem && !w.ders.empty()) {
      for (std::size_t i = first; i < next && !problem; ++i) {
        if (!certs[i]) {
          problem = Problem{"BAD_CERTIFICATE", "is not a readable certificate (" + errors[i] + ")"};
        }
      }
      if (!problem) parsed.assign(certs.begin() + first, certs.begin() + next);
    } else if (!problem && w.other_pem) {
      try {
        parsed = read_certificates(w.bytes);
      } catch (const FormatError& e) {
        problem = Problem{e.code(), std::string("is not readable PEM (") + e.what() + ")"};
      }
    } else if (!problem && w.keystore) {
      try {
        problem = load_keystore(w);
      } catch (const PasswordError& e) {
        if (single) throw;
        problem = Problem{e.code(), std::string("could not be opened (") + e.what() + ")"};
      } catch (const FormatError& e) {
        problem = Problem{e.code(), std::string("is not a readable keystore (") + e.what() + ")"};
      }
    }
    if (problem) {
      if (single && problem->password) {
        throw PasswordError(problem->code, w.path + " " + problem->clause);
      }
      if (single) throw FormatError(problem->code, w.path + " " + problem->clause);
      skip(w, *problem);
      continue;
    }
    for (CertPtr& cert : parsed) add(std::move(cert), w.origin);
  }
}

void load_file(Loader& loader, const std::string& path, OriginOf origin) {
  std::vector<FileWork> files(1);
  files[0].path = path;
  files[0].origin = origin(path);
  files[0].bytes = read_file(path, kMaxSourceFile);
  loader.load_files(files, true);
}

void load_store_certificates(Loader& loader, std::vector<StoreCertificate> certificates,
                             OriginOf origin) {
  std::vector<FileWork> files(certificates.size());
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    files[i].path = std::move(certificates[i].where);
    files[i].origin = origin(files[i].path);
    files[i].bytes = std::move(certificates[i].der);
  }
  loader.load_files(files, false);
}

}  // namespace ksdoctor::source_loading
