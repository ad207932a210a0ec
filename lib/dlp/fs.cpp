#include "dlp/fs.hpp"

#include "platform/platform.hpp"

namespace ksdoctor::fs {
namespace {

FileKind kind_of(platform::FileType type) {
  switch (type) {
    case platform::FileType::kDirectory:
      return FileKind::kDirectory;
    case platform::FileType::kRegular:
      return FileKind::kRegular;
    case platform::FileType::kSymlink:
      return FileKind::kSymlink;
    default:
      return FileKind::kOther;
  }
}

}  // namespace

std::optional<FileInfo> file_info(const std::string& path, Links links, std::string* failure) {
  platform::FileStatus status = platform::file_status(
      path, links == Links::kFollow ? platform::Follow::kYes : platform::Follow::kNo);
  if (!status.exists() || !status.error.empty()) {
    if (failure) *failure = status.error;
    return std::nullopt;
  }
  FileInfo info;
  info.kind = kind_of(status.type);
  info.id = {status.id.device, status.id.index};
  info.size = status.size;
  info.mtime = status.mtime;
  info.mode = status.mode;
  return info;
}

bool exists(const std::string& path) { return file_info(path).has_value(); }

bool is_directory(const std::string& path) {
  auto info = file_info(path);
  return info && info->kind == FileKind::kDirectory;
}

std::optional<std::vector<std::string>> list_names(const std::string& dir) {
  std::vector<platform::DirEntry> entries;
  try {
    entries = platform::list_directory(dir, platform::Follow::kNo);
  } catch (const IoError&) {
    return std::nullopt;
  }
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (platform::DirEntry& e : entries) names.push_back(std::move(e.name));
  return names;
}

std::string canonical(const std::string& path) {
  return platform::canonical_path(path).value_or(path);
}

Bytes read_head(const std::string& path, std::size_t n) {
  return platform::read_file_head(path, n).value_or(Bytes{});
}

}  // namespace ksdoctor::fs
