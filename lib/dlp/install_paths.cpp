#include "dlp/install_paths.hpp"

#include <optional>

#include "core/strings.hpp"
#include "dlp/fs.hpp"
#include "platform/platform.hpp"

namespace ksdoctor::paths {

std::vector<std::string> split_native(std::string_view path) {
  return split(path, platform::is_separator('\\'));
}

std::vector<std::string> split(std::string_view path, bool windows) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && cur != ".") out.push_back(cur);
    cur.clear();
  };
  for (char c : path) {
    if (c == '/' || (windows && c == '\\')) {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return out;
}

std::string join(const std::string& base, std::string_view rel) {
  if (rel.empty()) return base;
  if (base.empty()) return std::string(rel);
  std::string out = base;
  // "C:\\" + "x" is "C:\\x" and "C:" + "x" is "C:x" (drive-relative), not "C:/x".
  if (!platform::is_separator(out.back()) && platform::path_root(out) != out) out.push_back('/');
  out.append(rel);
  return out;
}

Resolved resolve(const std::string& base, const std::vector<std::string>& components,
                 bool insensitive) {
  Resolved r{base, fs::exists(base)};
  for (const std::string& comp : components) {
    if (!r.exists) {
      r.path = join(r.path, comp);
      continue;
    }
    std::string exact = join(r.path, comp);
    if (fs::exists(exact)) {
      r.path = exact;
      continue;
    }
    std::optional<std::string> found;
    if (insensitive) {
      for (const std::string& name : fs::list_names(r.path).value_or(std::vector<std::string>{})) {
        if (iequals(name, comp)) {
          found = name;
          break;
        }
      }
    }
    r.path = join(r.path, found ? *found : comp);
    r.exists = found.has_value();
  }
  return r;
}

bool version_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t i0 = i, j0 = j;
      while (i < a.size() && digit(a[i])) ++i;
      while (j < b.size() && digit(b[j])) ++j;
      std::string_view na = a.substr(i0, i - i0), nb = b.substr(j0, j - j0);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

}  // namespace ksdoctor::paths
