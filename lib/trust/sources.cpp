#include "ksdoctor/sources.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>

#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "x509/parse_many.hpp"

namespace ksdoctor {
namespace {

namespace fs = std::filesystem;

// Where distributions keep the OS trust store as one bundle (Debian/Ubuntu, Fedora/RHEL, openSUSE,
// Alpine/macOS-style), first match wins; without any, the hashed folder most of them also keep.
constexpr const char* kSystemBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
};
constexpr const char* kSystemFolder = "/etc/ssl/certs";

// Certificate files and keystores are kilobytes; a folder may hold anything, and a huge unrelated
// file should cost a skip warning, not a gigabyte of memory.
constexpr std::size_t kMaxSourceFile = std::size_t{64} << 20;

// A folder's files are read on a second thread while this one parses what it has read; both
// costs are of the same size (system calls there, PEM decoding and parsing here). Files are
// parsed this many at a time: enough for parse_certificates to put its own helper to work.
constexpr std::size_t kBatchFiles = 256;
// The reader hands files over this many at a time (fewer lock round trips), stays at most this
// far ahead (bounding the memory that file contents hold), and is not started for small folders.
constexpr std::size_t kHandOver = 32;
constexpr std::size_t kMaxAheadFiles = 4 * kBatchFiles;
constexpr std::size_t kMaxAheadBytes = std::size_t{64} << 20;
constexpr std::size_t kThreadedFolder = 128;

// Why a file gave no certificate, as a clause that follows its path: "<path> is empty".
struct Problem {
  std::string code;
  std::string clause;
  bool password = false;  // a keystore's certificates need a password we do not have
};

// One file on its way from bytes to certificates.
struct FileWork {
  std::string path;    // as the user named it (spec, or spec/name in a folder)
  std::string origin;  // "--trust <path>" or "system trust store (<path>)"
  Bytes bytes;
  std::vector<Bytes> blocks;   // decoded PEM CERTIFICATE blocks
  std::vector<ByteView> ders;  // the certificates to parse, into `bytes` or `blocks`
  bool keystore = false;
  bool other_pem = false;  // PEM that read_certificates must handle (TRUSTED CERTIFICATE, ...)
  std::optional<Problem> problem;
};

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
      if (!canonical_certificate_blocks(text, w.blocks)) w.blocks = pem_blocks(text, "CERTIFICATE");
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

class Loader {
 public:
  explicit Loader(const Password& storepass) : storepass_(storepass) {}

  // `single`: the file is the whole source, so what it lacks is an error rather than a warning.
  void load_files(std::span<FileWork> files, bool single);

  // `name`: "the trust source certs/", "the system trust store /etc/ssl/certs".
  TrustSourceResult take(const std::string& name, const std::string& path) {
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

 private:
  void add(CertPtr cert, std::string origin) {
    if (!seen_.insert(cert->sha256).second) return;
    result_.certificates.push_back(SourcedCertificate{std::move(cert), std::move(origin)});
  }
  // A problem only when the certificates are locked away by a password; throws FormatError for
  // a malformed keystore.
  std::optional<Problem> load_keystore(const FileWork& w);
  void skip(const FileWork& w, const Problem& problem);

  const Password& storepass_;
  TrustSourceResult result_;
  std::unordered_set<std::string> seen_;  // SHA-256 of every certificate added
};

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
    for (const CertPtr& cert : entry.chain) add(cert, w.origin + " entry '" + entry.alias + "'");
  }
  for (const CertPtr& cert : store.hidden_certificates) add(cert, w.origin + " hidden certificate");

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

using OriginOf = std::string (*)(const std::string& path);

std::string trust_origin(const std::string& path) { return "--trust " + path; }
std::string system_origin(const std::string& path) { return "system trust store (" + path + ")"; }

void load_file(Loader& loader, const std::string& path, OriginOf origin) {
  std::vector<FileWork> files(1);
  files[0].path = path;
  files[0].origin = origin(path);
  files[0].bytes = read_file(path, kMaxSourceFile);
  loader.load_files(files, true);
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// A folder's files, read through the folder's descriptor. Opening a file costs a few microseconds
// on a small VM, so a folder of 10 000 certificates is dominated by system calls: openat() on the
// bare name skips the path walk, and a read into a buffer larger than certificate files saves
// read_file's fstat() and end-of-file read (a short read of a regular file is its end).
class FolderReader {
 public:
  explicit FolderReader(std::string folder) : folder_(std::move(folder)) {
    dir_ = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_ < 0) fail("cannot open the folder");
  }
  ~FolderReader() { ::close(dir_); }
  FolderReader(const FolderReader&) = delete;
  FolderReader& operator=(const FolderReader&) = delete;

  // The regular files (symbolic links followed: OS stores are mostly links), sorted by name.
  std::vector<std::string> list() {
    int fd = ::dup(dir_);
    if (fd < 0) fail("cannot list the folder");
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
      ::close(fd);
      fail("cannot list the folder");
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(dir)) {
      unsigned char type = e->d_type;
      if (type == DT_LNK || type == DT_UNKNOWN) {
        struct stat st {};
        type = ::fstatat(dir_, e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      }
      if (type == DT_REG) names.emplace_back(e->d_name);
      errno = 0;
    }
    const int error = errno;
    ::closedir(dir);
    if (error != 0) {
      errno = error;
      fail("cannot list the folder");
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // Fills `w.bytes`, or `w.problem` when the file cannot be read.
  void read(const std::string& name, FileWork& w) {
    // O_NONBLOCK: the name was a regular file when listed, but a FIFO put there since must not
    // hang the run.
    int fd = ::openat(dir_, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      w.problem =
          Problem{"READ_FAILED", std::string("could not be opened (") + std::strerror(errno) + ")"};
      return;
    }
    FdCloser closer{fd};
    ssize_t n;
    do {
      n = ::read(fd, buffer_.data(), buffer_.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      w.problem =
          Problem{"READ_FAILED", std::string("could not be read (") + std::strerror(errno) + ")"};
      return;
    }
    const auto size = static_cast<std::size_t>(n);
    if (size < buffer_.size()) {
      w.bytes.assign(buffer_.begin(), buffer_.begin() + n);
      return;
    }
    try {  // larger than any certificate file: a bundle or a big keystore
      w.bytes = read_file(w.path, kMaxSourceFile);
    } catch (const IoError& e) {
      w.problem = Problem{e.code(), std::string("could not be read (") + e.what() + ")"};
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw IoError("READ_FAILED", what + " " + folder_ + ": " + std::strerror(errno));
  }

  std::string folder_;
  int dir_ = -1;
  Bytes buffer_ = Bytes(std::size_t{64} << 10);
};

// Reads a folder's files on a second thread, handing them over in order.
class ReadAhead {
 public:
  ReadAhead(FolderReader& reader, const std::vector<std::string>& names,
            std::vector<FileWork>& files)
      : reader_(reader), names_(names), files_(files) {
    if (files.size() < kThreadedFolder) return;
    try {
      thread_ = std::jthread([this] { run(); });
    } catch (const std::system_error&) {
      // No thread to be had: wait_for() reads the files itself.
    }
  }
  ~ReadAhead() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
  }  // then thread_ joins
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // Blocks until files [0, stop) are read.
  void wait_for(std::size_t stop) {
    if (!thread_.joinable()) {
      for (std::size_t i = ready_; i < stop; ++i) reader_.read(names_[i], files_[i]);
      ready_ = stop;
      return;
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return ready_ >= stop || error_; });
    if (error_) std::rethrow_exception(error_);
  }

  // Files [0, stop) are done with; their contents (`freed` bytes) are gone.
  void consumed(std::size_t stop, std::size_t freed) {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      consumed_ = stop;
      bytes_ahead_ -= freed;
    }
    changed_.notify_all();
  }

 private:
  void run() {
    try {
      std::size_t pending = 0;
      for (std::size_t i = 0; i < files_.size(); ++i) {
        if (i % kHandOver == 0) {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [&] {
            // Never hold back the batch the parser waits for, whatever its size.
            return cancelled_ || i < consumed_ + kBatchFiles ||
                   (i - consumed_ < kMaxAheadFiles && bytes_ahead_ < kMaxAheadBytes);
          });
          if (cancelled_) return;
        }
        reader_.read(names_[i], files_[i]);
        pending += files_[i].bytes.size();
        if ((i + 1) % kHandOver == 0 || i + 1 == files_.size()) {
          {
            std::lock_guard lock(mutex_);
            ready_ = i + 1;
            bytes_ahead_ += pending;
          }
          pending = 0;
          changed_.notify_all();
        }
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
      }
      changed_.notify_all();
    }
  }

  FolderReader& reader_;
  const std::vector<std::string>& names_;
  std::vector<FileWork>& files_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t ready_ = 0;     // files [0, ready_) are read
  std::size_t consumed_ = 0;  // files [0, consumed_) are parsed and emptied
  std::size_t bytes_ahead_ = 0;
  bool cancelled_ = false;
  std::exception_ptr error_;
  std::jthread thread_;  // last: joined before the members it uses go away
};

void load_folder(Loader& loader, const std::string& folder, OriginOf origin) {
  FolderReader reader(folder);
  std::vector<std::string> names = reader.list();
  const std::string prefix = folder.ends_with('/') ? folder : folder + '/';
  std::vector<FileWork> files(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    files[i].path = prefix + names[i];
    files[i].origin = origin(files[i].path);
  }
  ReadAhead ahead(reader, names, files);
  for (std::size_t start = 0; start < files.size(); start += kBatchFiles) {
    const std::size_t stop = std::min(files.size(), start + kBatchFiles);
    ahead.wait_for(stop);
    std::span<FileWork> batch(files.data() + start, stop - start);
    loader.load_files(batch, false);
    std::size_t freed = 0;
    for (FileWork& w : batch) {
      freed += w.bytes.size();
      w = FileWork();
    }
    ahead.consumed(stop, freed);
  }
}

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

}  // namespace

TrustSourceResult load_trust_source(const std::string& spec, const Password& storepass) {
  Loader loader(storepass);
  if (spec == "system") {
    for (const char* bundle : kSystemBundles) {
      std::error_code ec;
      if (fs::is_regular_file(bundle, ec)) {
        load_file(loader, bundle, system_origin);
        return loader.take(std::string("the system trust store ") + bundle, bundle);
      }
    }
    std::error_code ec;
    if (!fs::is_directory(kSystemFolder, ec)) {
      std::string tried;
      for (const char* bundle : kSystemBundles) tried += std::string(bundle) + ", ";
      throw IoError("NOT_FOUND", "no system trust store found: none of " + tried +
                                     "nor the folder " + kSystemFolder + " exists");
    }
    load_folder(loader, kSystemFolder, system_origin);
    return loader.take(std::string("the system trust store ") + kSystemFolder, kSystemFolder);
  }
  if (is_folder(spec)) {
    load_folder(loader, spec, trust_origin);
  } else {
    load_file(loader, spec, trust_origin);
  }
  return loader.take("the trust source " + spec, spec);
}

}  // namespace ksdoctor
