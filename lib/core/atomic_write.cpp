#include "ksdoctor/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/paths.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor {
namespace {

using paths::basename;
using paths::dirname;

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw IoError("WRITE_FAILED", "cannot " + what + " " + path + ": " + std::strerror(errno));
}

Bytes read_back(int fd, const std::string& path, std::size_t size) {
  Bytes back(size);
  std::size_t off = 0;
  while (off < size) {
    ssize_t n = ::pread(fd, back.data() + off, size - off, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("read back", path);
    off += static_cast<std::size_t>(n);
  }
  return back;
}

}  // namespace

void write_file_atomically(const std::string& target, ByteView bytes,
                           const AtomicWriteOptions& options) {
  std::string dir = dirname(target);
  std::string pattern = (dir == "/" ? "" : dir) + "/." + basename(target) + ".ksdoctor-XXXXXX";
  if (dir == "." && target.find('/') == std::string::npos) {
    pattern = "." + target + ".ksdoctor-XXXXXX";
  }
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) fail("create a temporary file in", dir);
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
  if (::fchmod(fd, static_cast<mode_t>(options.mode)) != 0) fail("set the mode of", tmp);
  if (!options.owner_of.empty() && ::geteuid() == 0) {
    struct stat st {};
    // Best effort: on file systems without owners (a mounted Windows drive) this fails harmlessly.
    if (::stat(options.owner_of.c_str(), &st) == 0 && ::fchown(fd, st.st_uid, st.st_gid) != 0) {
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
  if (options.verify) options.verify(read_back(fd, tmp, bytes.size()));
  if (::close(fd) != 0) {
    cleanup.fd = -1;
    fail("close", tmp);
  }
  cleanup.fd = -1;
  if (::rename(tmp.c_str(), target.c_str()) != 0) fail("rename a temporary file to", target);
  cleanup.done = true;
  // The rename is durable only once the folder is synced.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string backup_path(const std::string& target, std::int64_t now) {
  std::string backup = target + ".bak";
  if (!exists(backup)) return backup;
  std::string stamp;
  for (char c : format_rfc3339(now)) {  // 20260101T120000Z: sortable, valid in file names
    if (c != '-' && c != ':') stamp.push_back(c);
  }
  std::string stamped = target + ".bak-" + stamp;
  backup = stamped;
  for (int n = 2; exists(backup) && n < 1000; ++n) backup = stamped + "-" + std::to_string(n);
  return backup;
}

}  // namespace ksdoctor
