// Files and folders on POSIX systems.
#ifndef _WIN32

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "platform/platform.hpp"

namespace ksdoctor::platform {
namespace {

std::string reason(int error) { return std::strerror(error); }

[[noreturn]] void fail_read(const std::string& what, const std::string& path) {
  throw IoError("READ_FAILED", "cannot " + what + " " + path + ": " + reason(errno));
}

[[noreturn]] void too_large(const std::string& path, std::size_t max_bytes) {
  throw IoError("TOO_LARGE", path + " is larger than " + std::to_string(max_bytes) + " bytes");
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

FileType type_of(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

FileType type_of(unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
      return FileType::kRegular;
    case DT_DIR:
      return FileType::kDirectory;
    case DT_LNK:
      return FileType::kSymlink;
    default:
      return FileType::kOther;
  }
}

FileStatus status_of(const struct stat& st) {
  FileStatus s;
  s.type = type_of(st.st_mode);
  s.size = st.st_size > 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  s.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
  s.mtime = static_cast<std::int64_t>(st.st_mtime);
  s.id = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
  return s;
}

// Reads from `fd` into `data` from `size` on until the end of the file, growing the buffer while
// the file keeps giving bytes, never beyond one byte past max_bytes.
void read_rest(int fd, const std::string& path, Bytes& data, std::size_t& size,
               std::size_t max_bytes) {
  const std::size_t cap = max_bytes < SIZE_MAX ? max_bytes + 1 : max_bytes;
  for (;;) {
    if (size == data.size()) data.resize(std::min(std::max(size * 2, std::size_t{65536}), cap));
    ssize_t n = ::read(fd, data.data() + size, data.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_read("read", path);
    }
    if (n == 0) return;
    size += static_cast<std::size_t>(n);
    if (size > max_bytes) too_large(path, max_bytes);
  }
}

}  // namespace

bool is_separator(char c) { return c == '/'; }

std::string path_root(std::string_view path) { return path.starts_with('/') ? "/" : ""; }

bool is_absolute_path(std::string_view path) { return path.starts_with('/'); }

FileStatus file_status(const std::string& path, Follow follow) {
  struct stat st {};
  int rc = follow == Follow::kYes ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (rc == 0) return status_of(st);
  FileStatus s;
  if (errno != ENOENT && errno != ENOTDIR) {
    s.type = FileType::kOther;
    s.error = reason(errno);
  }
  return s;
}

bool same_file(const std::string& a, const std::string& b) {
  FileStatus sa = file_status(a), sb = file_status(b);
  return sa.exists() && sb.exists() && sa.error.empty() && sb.error.empty() && sa.id == sb.id;
}

Bytes read_file(const std::string& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail_read("open", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_read("stat", path);
  if (S_ISDIR(st.st_mode)) throw IoError("READ_FAILED", path + " is a directory, not a file");
  if (st.st_size > 0 && static_cast<std::size_t>(st.st_size) > max_bytes) {
    too_large(path, max_bytes);
  }
  // Straight into the result (one copy, a few system calls). One byte more than fstat's size lets
  // a file that grew meanwhile be noticed.
  const std::size_t cap = max_bytes < SIZE_MAX ? max_bytes + 1 : max_bytes;
  const std::size_t expected = st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
  Bytes data(std::min(expected > 0 ? expected + 1 : std::size_t{65536}, cap));
  std::size_t size = 0;
  read_rest(fd.get(), path, data, size, max_bytes);
  data.resize(size);
  return data;
}

FileBytes::FileBytes(FileBytes&& other) noexcept { *this = std::move(other); }

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this == &other) return *this;
  if (mapped_) ::munmap(data_, mapped_);
  fallback_ = std::move(other.fallback_);
  mapped_ = other.mapped_;
  size_ = other.size_;
  data_ = mapped_ ? other.data_ : fallback_.data();
  other.data_ = nullptr;
  other.size_ = other.mapped_ = 0;
  return *this;
}

FileBytes::~FileBytes() {
  if (mapped_) ::munmap(data_, mapped_);
}

FileBytes read_file_fast(const std::string& path, std::size_t max_bytes) {
  FileBytes result;
  auto slow = [&] {
    FileBytes copy;
    copy.fallback_ = read_file(path, max_bytes);
    copy.data_ = copy.fallback_.data();
    copy.size_ = copy.fallback_.size();
    return copy;
  };
  struct stat st {};
  bool regular = ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
                 static_cast<std::size_t>(st.st_size) <= max_bytes;
  if (!regular) return slow();
  std::size_t length = static_cast<std::size_t>(st.st_size) + 1;
  void* memory = ::mmap(nullptr, length, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory == MAP_FAILED) return slow();
  result.data_ = static_cast<std::uint8_t*>(memory);
  result.mapped_ = length;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail_read("open", path);
  for (;;) {
    ssize_t n = ::read(fd.get(), result.data_ + result.size_, length - result.size_);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_read("read", path);
    }
    if (n == 0) return result;
    result.size_ += static_cast<std::size_t>(n);
    // The file grew since stat: read it the slow way.
    if (result.size_ == length) return slow();
  }
}

std::optional<Bytes> read_file_head(const std::string& path, std::size_t count) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  Bytes head(count);
  std::size_t size = 0;
  while (size < count) {
    ssize_t n = ::read(fd.get(), head.data() + size, count - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  head.resize(size);
  return head;
}

namespace {

// Lists an open folder (the DIR takes ownership of `fd`); `at` is a descriptor of the same folder
// for looking up types that readdir does not give.
std::vector<DirEntry> list_open(int fd, int at, const std::string& path, Follow follow) {
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    fail_read("list the folder", path);
  }
  std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
  // A dup()ed descriptor shares its position with the original: start from the top.
  ::rewinddir(dir);
  std::vector<DirEntry> out;
  errno = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    FileType type = type_of(e->d_type);
    bool look = e->d_type == DT_UNKNOWN || (type == FileType::kSymlink && follow == Follow::kYes);
    if (look) {
      struct stat st {};
      int flags = follow == Follow::kYes ? 0 : AT_SYMLINK_NOFOLLOW;
      type = ::fstatat(at, e->d_name, &st, flags) == 0 ? type_of(st.st_mode) : FileType::kMissing;
    }
    out.push_back({e->d_name, type});
    errno = 0;
  }
  if (errno != 0) fail_read("list the folder", path);
  std::sort(out.begin(), out.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace

std::vector<DirEntry> list_directory(const std::string& path, Follow follow) {
  Fd at(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (at.get() < 0) fail_read("open the folder", path);
  int fd = ::dup(at.get());
  if (fd < 0) fail_read("list the folder", path);
  return list_open(fd, at.get(), path, follow);
}

Folder::Folder(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_read("open the folder", path);
  handle_ = fd;
}

Folder::~Folder() { ::close(static_cast<int>(handle_)); }

std::vector<std::string> Folder::regular_files() const {
  int dir = static_cast<int>(handle_);
  int fd = ::dup(dir);
  if (fd < 0) fail_read("list the folder", path_);
  std::vector<std::string> names;
  for (DirEntry& e : list_open(fd, dir, path_, Follow::kYes)) {
    if (e.type == FileType::kRegular) names.push_back(std::move(e.name));
  }
  return names;
}

Folder::Read Folder::read_start(const std::string& name, std::vector<std::uint8_t>& buffer) const {
  Read r;
  Fd fd(::openat(static_cast<int>(handle_), name.c_str(),
                 O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    r.error = reason(errno);
    return r;
  }
  r.opened = true;
  ssize_t n;
  do {
    n = ::read(fd.get(), buffer.data(), buffer.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    r.error = reason(errno);
    return r;
  }
  r.size = static_cast<std::size_t>(n);
  r.complete = r.size < buffer.size();
  return r;
}

std::optional<std::string> canonical_path(const std::string& path) {
  std::unique_ptr<char, void (*)(void*)> real(::realpath(path.c_str(), nullptr), std::free);
  if (!real) return std::nullopt;
  return std::string(real.get());
}

void make_directories(const std::string& path, std::uint32_t mode) {
  if (path.empty()) return;
  std::string::size_type from = path.find_first_not_of('/');
  while (from != std::string::npos) {
    std::string::size_type slash = path.find('/', from);
    std::string prefix = path.substr(0, slash);
    if (::mkdir(prefix.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
      throw IoError("WRITE_FAILED", "cannot create the folder " + prefix + ": " + reason(errno));
    }
    from = slash == std::string::npos ? slash : path.find_first_not_of('/', slash);
  }
  if (!file_status(path).is_directory()) {
    throw IoError("WRITE_FAILED", "cannot create the folder " + path + ": " + reason(EEXIST));
  }
}

bool remove_file(const std::string& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw IoError("WRITE_FAILED", "cannot remove " + path + ": " + reason(errno));
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
