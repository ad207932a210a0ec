#include "dlp/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace ksdoctor::fs {

std::optional<FileInfo> file_info(const std::string& path, Links links, std::string* failure) {
  struct stat st {};
  int rc = links == Links::kFollow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (rc != 0) {
    if (failure) {
      *failure = errno == ENOENT || errno == ENOTDIR ? "" : std::strerror(errno);
    }
    return std::nullopt;
  }
  FileInfo info;
  info.kind = S_ISDIR(st.st_mode)   ? FileKind::kDirectory
              : S_ISREG(st.st_mode) ? FileKind::kRegular
              : S_ISLNK(st.st_mode) ? FileKind::kSymlink
                                    : FileKind::kOther;
  info.id = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.mtime = static_cast<std::int64_t>(st.st_mtime);
  info.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
  return info;
}

bool exists(const std::string& path) { return file_info(path).has_value(); }

bool is_directory(const std::string& path) {
  auto info = file_info(path);
  return info && info->kind == FileKind::kDirectory;
}

std::optional<std::vector<std::string>> list_names(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return std::nullopt;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      names.emplace_back(e->d_name);
    }
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) return buf;
  return path;
}

Bytes read_head(const std::string& path, std::size_t n) {
  Bytes head(n);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return {};
  ssize_t got = ::read(fd, head.data(), head.size());
  ::close(fd);
  head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return head;
}

}  // namespace ksdoctor::fs
