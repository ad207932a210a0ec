// Splitting '/'-separated paths as text, the way dirname(1) and basename(1) do (no file system
// access, no normalisation), for code that builds sibling and parent paths.
#pragma once

#include <string>

namespace ksdoctor::paths {

// "a/b/c" -> "a/b", "/a" -> "/", "a" -> "."
inline std::string dirname(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// "a/b/c" -> "c", "a" -> "a"
inline std::string basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace ksdoctor::paths
