// Splitting paths as text, the way dirname(1) and basename(1) do (no file system access, no
// normalisation), for code that builds sibling and parent paths. The separators are the
// platform's: '/', and on Windows '\' as well (where "C:\" is a root like "/").
#pragma once

#include <string>

#include "platform/platform.hpp"

namespace ksdoctor::paths {

// The position of the last separator in `path`, npos when there is none.
inline std::string::size_type last_separator(const std::string& path) {
  for (auto i = path.size(); i > 0; --i) {
    if (platform::is_separator(path[i - 1])) return i - 1;
  }
  return std::string::npos;
}

// "a/b/c" -> "a/b", "/a" -> "/", "a" -> "."; on Windows also "C:\a" -> "C:\".
inline std::string dirname(const std::string& path) {
  auto slash = last_separator(path);
  if (slash == std::string::npos) return ".";
  if (slash == 0) return path.substr(0, 1);
  const bool drive_root = slash == 2 && path[1] == ':' && platform::is_separator('\\');
  return path.substr(0, drive_root ? 3 : slash);
}

// "a/b/c" -> "c", "a" -> "a"
inline std::string basename(const std::string& path) {
  auto slash = last_separator(path);
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace ksdoctor::paths
