// Files and folders on Windows, through the wide (UTF-16) APIs.
#ifdef _WIN32

#include <windows.h>

#include <algorithm>
#include <climits>

#include "platform/platform.hpp"
#include "platform/windows_text.hpp"

namespace ksdoctor::platform {
namespace {

using win::error_text;
using win::Handle;
using win::narrow;
using win::widen;

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

[[noreturn]] void fail_read(const std::string& what, const std::string& path, DWORD error) {
  throw IoError("READ_FAILED", "cannot " + what + " " + path + ": " + error_text(error));
}

[[noreturn]] void too_large(const std::string& path, std::size_t max_bytes) {
  throw IoError("TOO_LARGE", path + " is larger than " + std::to_string(max_bytes) + " bytes");
}

bool means_absent(DWORD error) {
  return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND ||
         error == ERROR_INVALID_NAME || error == ERROR_BAD_NETPATH || error == ERROR_BAD_PATHNAME ||
         error == ERROR_DIRECTORY || error == ERROR_INVALID_DRIVE;
}

bool is_link_tag(DWORD tag) {
  return tag == IO_REPARSE_TAG_SYMLINK || tag == IO_REPARSE_TAG_MOUNT_POINT;
}

std::int64_t unix_seconds(FILETIME t) {
  ULARGE_INTEGER v;
  v.LowPart = t.dwLowDateTime;
  v.HighPart = t.dwHighDateTime;
  return static_cast<std::int64_t>(v.QuadPart / 10000000) - 11644473600LL;
}

FileType type_of(DWORD attributes) {
  return (attributes & FILE_ATTRIBUTE_DIRECTORY) ? FileType::kDirectory : FileType::kRegular;
}

std::uint32_t mode_of(DWORD attributes) {
  if (attributes & FILE_ATTRIBUTE_DIRECTORY) return 0777;
  return (attributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
}

HANDLE open_for_reading(const std::wstring& path, DWORD flags) {
  return CreateFileW(path.c_str(), GENERIC_READ, kShareAll, nullptr, OPEN_EXISTING, flags, nullptr);
}

// Reads up to `size` bytes with as many ReadFile calls as it takes; fewer only at the end.
bool read_fully(HANDLE h, std::uint8_t* data, std::size_t size, std::size_t& got) {
  got = 0;
  while (got < size) {
    DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(size - got, 1u << 30));
    DWORD n = 0;
    if (!ReadFile(h, data + got, chunk, &n, nullptr)) return false;
    if (n == 0) break;
    got += n;
  }
  return true;
}

}  // namespace

bool is_separator(char c) { return c == '/' || c == '\\'; }

std::string path_root(std::string_view path) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (path.size() >= 2 && is_separator(path[0]) && is_separator(path[1])) {
    // \\server\share\ : the root ends after the share's separator (or with the path).
    std::size_t at = 2;
    for (int part = 0; part < 2 && at < path.size(); ++part) {
      while (at < path.size() && !is_separator(path[at])) ++at;
      if (at < path.size()) ++at;
    }
    return std::string(path.substr(0, at));
  }
  if (path.size() >= 2 && letter(path[0]) && path[1] == ':') {
    return std::string(path.substr(0, path.size() >= 3 && is_separator(path[2]) ? 3 : 2));
  }
  if (!path.empty() && is_separator(path[0])) return std::string(path.substr(0, 1));
  return "";
}

bool is_absolute_path(std::string_view path) {
  std::string root = path_root(path);
  if (root.size() >= 2 && is_separator(root[0]) && is_separator(root[1])) return true;  // UNC
  return root.size() == 3;                                                              // "C:\\"
}

FileStatus file_status(const std::string& path, Follow follow) {
  std::wstring wide = widen(path);
  FileStatus s;
  DWORD flags = FILE_FLAG_BACKUP_SEMANTICS;  // needed to open folders
  if (follow == Follow::kNo) flags |= FILE_FLAG_OPEN_REPARSE_POINT;
  Handle h(CreateFileW(wide.c_str(), FILE_READ_ATTRIBUTES, kShareAll, nullptr, OPEN_EXISTING, flags,
                       nullptr));
  BY_HANDLE_FILE_INFORMATION info{};
  if (h.valid() && GetFileInformationByHandle(h.get(), &info)) {
    s.type = type_of(info.dwFileAttributes);
    if (follow == Follow::kNo && (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
      FILE_ATTRIBUTE_TAG_INFO tag{};
      if (GetFileInformationByHandleEx(h.get(), FileAttributeTagInfo, &tag, sizeof tag) &&
          is_link_tag(tag.ReparseTag)) {
        s.type = FileType::kSymlink;
      }
    }
    s.size = (std::uint64_t{info.nFileSizeHigh} << 32) | info.nFileSizeLow;
    s.mode = mode_of(info.dwFileAttributes);
    s.mtime = unix_seconds(info.ftLastWriteTime);
    s.id = {info.dwVolumeSerialNumber,
            (std::uint64_t{info.nFileIndexHigh} << 32) | info.nFileIndexLow};
    if (GetFileType(h.get()) != FILE_TYPE_DISK) s.type = FileType::kOther;
    return s;
  }
  DWORD error = GetLastError();
  if (means_absent(error)) return s;
  // Opening may be denied where the attributes can still be read (no identity then).
  WIN32_FILE_ATTRIBUTE_DATA data{};
  if (GetFileAttributesExW(wide.c_str(), GetFileExInfoStandard, &data)) {
    s.type = type_of(data.dwFileAttributes);
    s.size = (std::uint64_t{data.nFileSizeHigh} << 32) | data.nFileSizeLow;
    s.mode = mode_of(data.dwFileAttributes);
    s.mtime = unix_seconds(data.ftLastWriteTime);
    return s;
  }
  s.type = FileType::kOther;
  s.error = error_text(error);
  return s;
}

bool same_file(const std::string& a, const std::string& b) {
  FileStatus sa = file_status(a), sb = file_status(b);
  return sa.exists() && sb.exists() && sa.id != FileId{} && sa.id == sb.id;
}

Bytes read_file(const std::string& path, std::size_t max_bytes) {
  Handle h(open_for_reading(widen(path), FILE_FLAG_SEQUENTIAL_SCAN));
  if (!h.valid()) {
    DWORD error = GetLastError();
    if (file_status(path).is_directory()) {
      throw IoError("READ_FAILED", path + " is a directory, not a file");
    }
    fail_read("open", path, error);
  }
  LARGE_INTEGER size{};
  if (!GetFileSizeEx(h.get(), &size)) fail_read("stat", path, GetLastError());
  if (size.QuadPart > 0 && static_cast<std::uint64_t>(size.QuadPart) > max_bytes) {
    too_large(path, max_bytes);
  }
  // One byte more than the size lets a file that grew meanwhile be noticed.
  const std::size_t cap = max_bytes < SIZE_MAX ? max_bytes + 1 : max_bytes;
  const auto expected = static_cast<std::size_t>(size.QuadPart);
  Bytes data(std::min(expected + 1, cap));
  std::size_t total = 0;
  for (;;) {
    std::size_t got = 0;
    if (!read_fully(h.get(), data.data() + total, data.size() - total, got)) {
      fail_read("read", path, GetLastError());
    }
    total += got;
    if (total > max_bytes) too_large(path, max_bytes);
    if (total < data.size()) break;
    data.resize(std::min(std::max(total * 2, std::size_t{65536}), cap));
  }
  data.resize(total);
  return data;
}

FileBytes::FileBytes(FileBytes&& other) noexcept { *this = std::move(other); }

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this == &other) return *this;
  fallback_ = std::move(other.fallback_);
  mapped_ = 0;
  size_ = other.size_;
  data_ = fallback_.data();
  other.data_ = nullptr;
  other.size_ = 0;
  return *this;
}

FileBytes::~FileBytes() = default;

FileBytes read_file_fast(const std::string& path, std::size_t max_bytes) {
  FileBytes result;
  result.fallback_ = read_file(path, max_bytes);
  result.data_ = result.fallback_.data();
  result.size_ = result.fallback_.size();
  return result;
}

std::optional<Bytes> read_file_head(const std::string& path, std::size_t count) {
  Handle h(open_for_reading(widen(path), FILE_FLAG_OPEN_REPARSE_POINT));
  if (!h.valid() || GetFileType(h.get()) != FILE_TYPE_DISK) return std::nullopt;
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(h.get(), &info)) return std::nullopt;
  if (info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) {
    return std::nullopt;
  }
  Bytes head(count);
  std::size_t got = 0;
  if (!read_fully(h.get(), head.data(), count, got)) return std::nullopt;
  head.resize(got);
  return head;
}

std::vector<DirEntry> list_directory(const std::string& path, Follow follow) {
  std::wstring pattern = widen(win::join(path, "*"));
  WIN32_FIND_DATAW found{};
  HANDLE search = FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &found, FindExSearchNameMatch,
                                   nullptr, FIND_FIRST_EX_LARGE_FETCH);
  std::vector<DirEntry> out;
  if (search == INVALID_HANDLE_VALUE) {
    DWORD error = GetLastError();
    // A drive's root may have no entries at all, not even "." and "..".
    if (error == ERROR_FILE_NOT_FOUND && file_status(path).is_directory()) return out;
    fail_read("open the folder", path, error);
  }
  do {
    std::wstring wname = found.cFileName;
    if (wname == L"." || wname == L"..") continue;
    DirEntry e{narrow(wname), type_of(found.dwFileAttributes)};
    if ((found.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) && is_link_tag(found.dwReserved0)) {
      e.type =
          follow == Follow::kNo ? FileType::kSymlink : file_status(win::join(path, e.name)).type;
    }
    out.push_back(std::move(e));
  } while (FindNextFileW(search, &found));
  DWORD error = GetLastError();
  FindClose(search);
  if (error != ERROR_NO_MORE_FILES) fail_read("list the folder", path, error);
  std::sort(out.begin(), out.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

// Windows has no openat(): the folder's path is joined to each name.
Folder::Folder(const std::string& path) : path_(path) {
  if (!file_status(path).is_directory()) {
    fail_read("open the folder", path, ERROR_DIRECTORY);
  }
}

Folder::~Folder() = default;

std::vector<std::string> Folder::regular_files() const {
  std::vector<std::string> names;
  for (DirEntry& e : list_directory(path_, Follow::kYes)) {
    if (e.type == FileType::kRegular) names.push_back(std::move(e.name));
  }
  return names;
}

Folder::Read Folder::read_start(const std::string& name, std::vector<std::uint8_t>& buffer) const {
  Read r;
  Handle h(open_for_reading(widen(win::join(path_, name)), FILE_FLAG_SEQUENTIAL_SCAN));
  if (!h.valid()) {
    r.error = error_text(GetLastError());
    return r;
  }
  r.opened = true;
  if (GetFileType(h.get()) != FILE_TYPE_DISK) {
    r.error = "not a file";
    return r;
  }
  DWORD n = 0;
  DWORD want = static_cast<DWORD>(std::min<std::size_t>(buffer.size(), 1u << 30));
  if (!ReadFile(h.get(), buffer.data(), want, &n, nullptr)) {
    r.error = error_text(GetLastError());
    return r;
  }
  r.size = n;
  r.complete = r.size < buffer.size();
  return r;
}

std::optional<std::string> canonical_path(const std::string& path) {
  Handle h(CreateFileW(widen(path).c_str(), FILE_READ_ATTRIBUTES, kShareAll, nullptr, OPEN_EXISTING,
                       FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!h.valid()) return std::nullopt;
  std::wstring buffer(MAX_PATH, L'\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    DWORD n = GetFinalPathNameByHandleW(h.get(), buffer.data(), static_cast<DWORD>(buffer.size()),
                                        FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (n == 0) return std::nullopt;
    if (n < buffer.size()) {
      buffer.resize(n);
      // \\?\C:\x -> C:\x; \\?\UNC\server\share -> \\server\share
      if (buffer.rfind(L"\\\\?\\UNC\\", 0) == 0) return "\\\\" + narrow(buffer.substr(8));
      if (buffer.rfind(L"\\\\?\\", 0) == 0) return narrow(buffer.substr(4));
      return narrow(buffer);
    }
    buffer.assign(n, L'\0');
  }
  return std::nullopt;
}

void make_directories(const std::string& path, std::uint32_t /*mode*/) {
  std::size_t from = 0;
  if (path.size() >= 2 && (path[0] == '\\' || path[0] == '/') &&
      (path[1] == '\\' || path[1] == '/')) {
    // \\server\share\ is there or not; folders below it are made.
    from = path.find_first_of("/\\", path.find_first_of("/\\", 2) + 1);
    if (from == std::string::npos) return;
  }
  while (from != std::string::npos) {
    std::size_t next = path.find_first_of("/\\", from + 1);
    std::string prefix = path.substr(0, next);
    bool root = prefix.empty() || prefix == "\\" || prefix == "/" ||
                (prefix.size() == 2 && prefix[1] == ':');
    if (!root && !file_status(prefix).is_directory() &&
        !CreateDirectoryW(widen(prefix).c_str(), nullptr)) {
      DWORD error = GetLastError();
      if (error != ERROR_ALREADY_EXISTS || !file_status(prefix).is_directory()) {
        throw IoError("WRITE_FAILED",
                      "cannot create the folder " + prefix + ": " +
                          error_text(error == ERROR_ALREADY_EXISTS ? ERROR_DIRECTORY : error));
      }
    }
    from = next;
  }
}

bool remove_file(const std::string& path) {
  if (DeleteFileW(widen(path).c_str())) return true;
  DWORD error = GetLastError();
  if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return false;
  throw IoError("WRITE_FAILED", "cannot remove " + path + ": " + error_text(error));
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
