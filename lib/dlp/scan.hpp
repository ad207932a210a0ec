// The file system scan of `locate`: every keystore-looking file in the known wrong places and
// below each install's folders, within the limits, never leaving the search root.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dlp/fs.hpp"
#include "ksdoctor/locate.hpp"

namespace ksdoctor {

struct Recorded {
  std::string path;
  fs::FileId id;
  std::size_t install = 0;  // index of the install whose tree it was found in
};

class Scanner {
 public:
  // `options` (root, limits, progress) must outlive the scanner; `stats` counts what it did.
  Scanner(const LocateOptions& options, ScanStats& stats);

  // Files already accounted for (the configured keystores) are not recorded again.
  void exclude(const std::string& path);

  // The files directly in `dir` (one of the known wrong places).
  void look_in(const std::string& dir, std::size_t install) { walk(dir, install, 0); }

  // Everything below `dir`, to max_depth.
  void scan(const std::string& dir, std::size_t install) {
    walk(dir, install, o_.limits.max_depth);
  }

  // In the order found: depth-first, names in byte order.
  const std::vector<Recorded>& recorded() const { return recorded_; }

 private:
  bool inside_root(const std::string& path) const;
  void consider(const std::string& path, const std::string& name, const fs::FileInfo& file,
                std::size_t install);
  void walk(const std::string& start, std::size_t install, int max_depth);

  const LocateOptions& o_;
  ScanStats& stats_;
  std::string root_real_;
  std::map<fs::FileId, int> dirs_;  // folder -> the most depth it was read with
  std::set<fs::FileId> seen_files_;
  std::vector<Recorded> recorded_;
};

}  // namespace ksdoctor
