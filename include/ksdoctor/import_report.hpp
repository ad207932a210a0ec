// Rendering `import` results: the old and the new entry, how the chain was completed, what Java
// would object to, what happened to the file, and the restart the detection server needs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ksdoctor/import.hpp"
#include "ksdoctor/marks.hpp"

namespace ksdoctor::report {

// What the command did with the plan.
struct ImportRun {
  std::string file;                  // the keystore read (or to be created)
  std::string format;                // "JKS", "JCEKS", "PKCS12"
  bool creates = false;              // the keystore did not exist
  std::vector<std::string> sources;  // the source files, as given
  std::string target;                // --out FILE or the keystore (--in-place); "" for --dry-run
  bool dry_run = false;
  bool written = false;
  std::string backup;                    // "" when none was written
  std::vector<Finding> source_warnings;  // from loading the --from sources
  OriginNamer name_origin;               // how changes name origins (empty: describe_origin)
};

nlohmann::ordered_json import_json(const ImportPlan& plan, const ImportRun& run);
std::string import_text(const ImportPlan& plan, const ImportRun& run,
                        const Marks& marks = kUnicodeMarks);

}  // namespace ksdoctor::report
