// locate --fix: copy the best keystore copy to the configured path, keeping what was there.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ksdoctor/fileio.hpp"
#include "ksdoctor/locate.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string dirname(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string sha256_hex(ByteView bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  return to_hex(ByteView(md, len));
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw IoError("WRITE_FAILED", "cannot " + what + " " + path + ": " + std::strerror(errno));
}

// "20260101T120000Z": sortable and valid in file names on every system.
std::string compact_time(std::int64_t now) {
  std::string t = format_rfc3339(now);  // 2026-01-01T12:00:00Z
  std::string out;
  for (char c : t) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

// The new keystore holds a private key: the source's bits, but at most owner read/write and
// group read, and always owner read/write (the service may run as the file's owner).
std::uint32_t sane_mode(std::uint32_t source_mode) { return (source_mode & 0640) | 0600; }

// Writes `bytes` to a new temp file in `dir`, fsyncs it and renames it to `target` (atomic on
// POSIX file systems). `owner_of` names a file whose owner and group the new file takes when we
// run as root ("" = keep ours). The temp file is removed on failure.
void write_atomically(const std::string& target, ByteView bytes, std::uint32_t mode,
                      const std::string& owner_of) {
  std::string tmpl = paths::join(dirname(target), "." + basename(target) + ".ksdoctor-XXXXXX");
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) fail("create a temporary file in", dirname(target));
  std::string tmp(name.data());
  struct Cleanup {
    int fd;
    std::string path;
    bool done = false;
    ~Cleanup() {
      if (fd >= 0) ::close(fd);
      if (!done) ::unlink(path.c_str());
    }
  } cleanup{fd, tmp};
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) fail("set the mode of", tmp);
  if (!owner_of.empty() && ::geteuid() == 0) {
    struct stat st {};
    // Best effort: on file systems without owners (a mounted Windows drive) this fails harmlessly.
    if (::stat(owner_of.c_str(), &st) == 0 && ::fchown(fd, st.st_uid, st.st_gid) != 0) {
      errno = 0;
    }
  }
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write", tmp);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("sync", tmp);
  if (::close(fd) != 0) {
    cleanup.fd = -1;
    fail("close", tmp);
  }
  cleanup.fd = -1;
  if (::rename(tmp.c_str(), target.c_str()) != 0) fail("rename a temporary file to", target);
  cleanup.done = true;
  // The rename is durable only once the folder is synced.
  int dfd = ::open(dirname(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

FixPlan plan_fix(const InstallReport& r, std::int64_t now) {
  FixPlan plan;
  plan.install = r.install.label();
  plan.target = r.configured.path;
  if (!r.configured.resolved) {
    plan.reason =
        "the configured keystore location is not known (see "
        "KEYSTORE_LOCATION_UNRESOLVED): correct Protect.properties or name the key "
        "with --property first";
    return plan;
  }
  if (r.keystore.usable()) {
    plan.reason =
        "the configured keystore is readable and holds a private key entry; --fix "
        "never replaces a usable keystore";
    return plan;
  }
  if (!r.best) {
    plan.reason = "no readable copy holding a private key entry was found to put there";
    return plan;
  }
  if (r.keystore.exists && !r.keystore.regular) {
    plan.reason = "something that is not a file (" + r.keystore.error + ") is at " + plan.target +
                  "; remove it by hand first";
    return plan;
  }
  const KeystoreFile& src = r.found[*r.best];
  plan.copy = true;
  plan.source = src.path;
  plan.source_sha256 = src.sha256;
  plan.mode = sane_mode(src.mode);
  plan.reason = "the configured keystore " +
                std::string(!r.keystore.exists     ? "is missing"
                            : !r.keystore.readable ? "is not readable"
                                                   : "has no private key entry") +
                "; copying " + src.path + " (" + r.best_reason + ")";
  // Folders to create, outermost first.
  for (std::string dir = r.configured.folder;
       !dir.empty() && dir != "/" && dir != "." && !exists(dir); dir = dirname(dir)) {
    plan.mkdirs.insert(plan.mkdirs.begin(), dir);
  }
  if (r.keystore.exists) {
    plan.backup = plan.target + ".bak";
    if (exists(plan.backup)) {
      std::string stamped = plan.target + ".bak-" + compact_time(now);
      plan.backup = stamped;
      for (int n = 2; exists(plan.backup) && n < 1000; ++n) {
        plan.backup = stamped + "-" + std::to_string(n);
      }
    }
  }
  return plan;
}

void apply_fix(FixPlan& plan) {
  if (!plan.copy) return;
  for (const std::string& dir : plan.mkdirs) {
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) fail("create the folder", dir);
  }
  Bytes source = read_file(plan.source, std::size_t{64} << 20);
  std::string sha = sha256_hex(source);
  if (!plan.source_sha256.empty() && sha != plan.source_sha256) {
    throw IoError("SOURCE_CHANGED", plan.source + " changed since it was examined; run again");
  }
  std::string owner_of = plan.source;
  if (!plan.backup.empty()) {
    struct stat st {};
    if (::stat(plan.target.c_str(), &st) != 0) fail("stat", plan.target);
    Bytes old = read_file(plan.target, std::size_t{64} << 20);
    // The backup keeps the old bytes and mode (never wider than the new file's policy) so that
    // it can simply be renamed back.
    write_atomically(plan.backup, old, sane_mode(static_cast<std::uint32_t>(st.st_mode & 0777)),
                     plan.target);
    owner_of = plan.target;
  }
  write_atomically(plan.target, source, plan.mode, owner_of);
  Bytes written = read_file(plan.target, std::size_t{64} << 20);
  if (sha256_hex(written) != sha) {
    throw IoError("VERIFY_FAILED", plan.target + " does not read back as the bytes written");
  }
  plan.applied = true;
}

std::string restart_reminder() {
  return "Restart the detection server so that Java reads the keystore again (recycle the "
         "server from the Enforce Server administration console, or restart the detection "
         "server's services on the host).";
}

}  // namespace ksdoctor
