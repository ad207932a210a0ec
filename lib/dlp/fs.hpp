// The file system as locate sees it, on top of the platform layer: nullopt and empty answers
// where the platform throws, since a scan skips what it cannot read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor::fs {

enum class FileKind { kDirectory, kRegular, kSymlink, kOther };

// Device and inode (Windows: volume and file index): the same file or folder under two names.
using FileId = std::pair<std::uint64_t, std::uint64_t>;

struct FileInfo {
  FileKind kind = FileKind::kOther;
  FileId id;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;  // epoch seconds
  std::uint32_t mode = 0;  // permission bits
};

enum class Links { kFollow, kDoNotFollow };

// What is at `path`; nullopt when nothing is or it cannot be looked at. `failure`, when given,
// is set to the reason in the second case ("" when there is simply nothing there).
std::optional<FileInfo> file_info(const std::string& path, Links links = Links::kFollow,
                                  std::string* failure = nullptr);

bool exists(const std::string& path);        // following symbolic links
bool is_directory(const std::string& path);  // following symbolic links

// The names in folder `dir` (without "." and ".."), in byte order; nullopt when it cannot be read.
std::optional<std::vector<std::string>> list_names(const std::string& dir);

// The path with symbolic links, "." and ".." resolved, for comparing locations; the path itself
// when it does not exist.
std::string canonical(const std::string& path);

// Up to `n` bytes from the start of the regular file `path`, never following a symbolic link at
// the end of the path nor waiting on a FIFO; empty when it cannot be read.
Bytes read_head(const std::string& path, std::size_t n);

}  // namespace ksdoctor::fs
