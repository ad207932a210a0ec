#include "dlp/scan.hpp"

#include <algorithm>
#include <utility>

#include "core/strings.hpp"
#include "dlp/install_paths.hpp"
#include "ksdoctor/formats.hpp"
#include "platform/platform.hpp"

namespace ksdoctor {
namespace {

// File names keystores go by; anything else is recorded only when its content is a keystore.
bool keystore_name(const std::string& name) {
  std::string l = lower(name);
  if (l.rfind("prevent", 0) == 0) return true;
  for (const char* ext : {".ks", ".jks", ".jceks", ".p12", ".pfx", ".keystore", ".truststore"}) {
    if (std::string_view(l).ends_with(ext)) return true;
  }
  return false;
}

}  // namespace

Scanner::Scanner(const LocateOptions& options, ScanStats& stats)
    : o_(options), stats_(stats), root_real_(fs::canonical(options.root)) {}

void Scanner::exclude(const std::string& path) {
  if (auto file = fs::file_info(path)) seen_files_.insert(file->id);
}

bool Scanner::inside_root(const std::string& path) const {
  std::string real = fs::canonical(path);
  if (real == root_real_) return true;
  if (real.size() <= root_real_.size() || real.compare(0, root_real_.size(), root_real_) != 0) {
    return false;
  }
  // A root such as "/" or "C:\\" ends with its separator; below "/a/b" the next character must be
  // one ("/a/bc" is outside). Windows' canonical paths use '\\', not '/'.
  return platform::is_separator(root_real_.back()) ||
         platform::is_separator(real[root_real_.size()]);
}

void Scanner::consider(const std::string& path, const std::string& name, const fs::FileInfo& file,
                       std::size_t install) {
  if (seen_files_.count(file.id)) return;
  bool record = keystore_name(name);
  // Anything else is a keystore only by its first bytes (JKS/JCEKS magic, PKCS#12 PFX header).
  // 32 bytes is the smallest JKS file (header and digest of an empty store).
  if (!record && file.size >= 32 && file.size <= o_.limits.max_keystore_bytes) {
    Bytes head = fs::read_head(path, 16);
    record = !head.empty() && detect_format(head).has_value();
  }
  if (!record) return;
  seen_files_.insert(file.id);
  recorded_.push_back({path, file.id, install});
  ++stats_.files;
}

void Scanner::walk(const std::string& start, std::size_t install, int max_depth) {
  auto top = fs::file_info(start);
  if (!top || top->kind != fs::FileKind::kDirectory || !inside_root(start)) return;
  // A folder is read once with its full depth: the wrong places are read with depth 0 first,
  // and the recursive scan reads them again below.
  auto [it, fresh] = dirs_.emplace(top->id, max_depth);
  if (!fresh && it->second >= max_depth) return;
  it->second = std::max(it->second, max_depth);
  std::vector<std::pair<std::string, int>> stack{{start, max_depth}};
  while (!stack.empty() && !stats_.truncated) {
    auto [dir, depth] = stack.back();
    stack.pop_back();
    std::optional<std::vector<std::string>> names = fs::list_names(dir);
    if (!names) continue;
    ++stats_.directories;
    std::vector<std::pair<std::string, int>> subdirs;
    for (const std::string& name : *names) {
      if (stats_.visited >= o_.limits.max_entries) {
        stats_.truncated = true;
        break;
      }
      ++stats_.visited;
      if (o_.progress && stats_.visited % 256 == 0) {
        o_.progress({stats_.visited, stats_.files, dir});
      }
      std::string path = paths::join(dir, name);
      auto file = fs::file_info(path, fs::Links::kDoNotFollow);
      if (!file) continue;
      if (file->kind == fs::FileKind::kSymlink) {
        // Followed only when it stays inside the root: a link to a network share or to "/"
        // must not turn a scan of one install into a scan of everything.
        file = fs::file_info(path);
        if (!file || !inside_root(path)) continue;
      }
      if (file->kind == fs::FileKind::kDirectory) {
        if (depth <= 0) continue;
        auto [dit, dfresh] = dirs_.emplace(file->id, depth - 1);
        // Seen before with at least this depth left (a symbolic link loop, or a folder that
        // two installs share): nothing new below it.
        if (!dfresh && dit->second >= depth - 1) continue;
        dit->second = std::max(dit->second, depth - 1);
        subdirs.emplace_back(path, depth - 1);
      } else if (file->kind == fs::FileKind::kRegular) {
        consider(path, name, *file, install);
      }
    }
    // Depth-first in name order: push in reverse so the first name is read first.
    for (auto s = subdirs.rbegin(); s != subdirs.rend(); ++s) stack.push_back(*s);
  }
}

}  // namespace ksdoctor
