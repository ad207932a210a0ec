// Atomic replace on POSIX systems: mkstemp beside the target, write, fsync, rename, fsync folder.
#ifndef _WIN32

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "platform/platform.hpp"

namespace ksdoctor::platform {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw IoError("WRITE_FAILED", "cannot " + what + " " + path + ": " + std::strerror(errno));
}

std::string folder_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string temp_pattern(const std::string& target) {
  auto slash = target.find_last_of('/');
  if (slash == std::string::npos) return "." + target + ".ksdoctor-XXXXXX";
  return target.substr(0, slash + 1) + "." + target.substr(slash + 1) + ".ksdoctor-XXXXXX";
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

// Removes the temporary file unless it was renamed into place.
struct Temporary {
  int fd = -1;
  std::string path;
  bool renamed = false;
  ~Temporary() {
    if (fd >= 0) ::close(fd);
    if (!renamed) ::unlink(path.c_str());
  }
};

}  // namespace

void replace_file(const std::string& target, ByteView bytes, const ReplaceOptions& options) {
  std::string pattern = temp_pattern(target);
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) fail("create a temporary file in", folder_of(target));
  Temporary temp{fd, name.data()};
  if (::fchmod(fd, static_cast<mode_t>(options.mode)) != 0) fail("set the mode of", temp.path);
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
      fail("write", temp.path);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("sync", temp.path);
  if (options.verify) options.verify(read_back(fd, temp.path, bytes.size()));
  temp.fd = -1;
  if (::close(fd) != 0) fail("close", temp.path);
  if (::rename(temp.path.c_str(), target.c_str()) != 0) {
    fail("rename a temporary file to", target);
  }
  temp.renamed = true;
  // The rename is durable only once the folder is synced.
  int dir = ::open(folder_of(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
