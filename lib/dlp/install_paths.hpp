// Path text as install layouts and locate handle it: Windows-style components on any host,
// case-insensitive names, and version folders ordered as people order them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ksdoctor::paths {

// Splits on '/' (and on '\\' when `windows`), dropping empty components and ".".
std::vector<std::string> split(std::string_view path, bool windows);
// Splits a path of this machine on its separators (platform::is_separator).
std::vector<std::string> split_native(std::string_view path);
// `base` + "/" + `rel` (no doubled separators; `rel` may be empty). A `base` that is only a root
// ("/", "C:\\", "C:") gets `rel` appended directly.
std::string join(const std::string& base, std::string_view rel);

// Resolves `components` under the existing folder `base`, one folder at a time, matching each
// name exactly or (when `insensitive`) ignoring ASCII case, preferring an exact match and then
// the first match in byte order. Components that do not exist are appended as written.
struct Resolved {
  std::string path;
  bool exists = false;  // every component was found
};
Resolved resolve(const std::string& base, const std::vector<std::string>& components,
                 bool insensitive);

// Orders version strings as people do: "9.1" < "15.8.00000" < "16.0" < "25.1" (digit runs compare
// as numbers, everything else byte-wise).
bool version_less(std::string_view a, std::string_view b);

}  // namespace ksdoctor::paths
