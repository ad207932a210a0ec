// DLP detection server install layouts: where the program files, Protect.properties, the data
// folder and the keystore folder sit, as a small data table that callers can extend.
//
// Sources (docs/cli.md "locate" repeats this): the Windows layout is the one Broadcom's articles
// describe (program files under Program Files, data — including the keystore folder DLP reads —
// under ProgramData). The Linux layout is assumed by analogy (/opt for programs, /var for data),
// and the older single-tree `SymantecDLP` layouts are assumed from pre-15.1 releases. None of
// them is hard-coded elsewhere: locate only reads this table.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ksdoctor {

// A folder where admins commonly put prevent.ks by mistake, relative to the install's program
// folder or its data folder.
struct WrongPlace {
  enum class Base { kProgram, kData };
  Base base = Base::kProgram;
  std::string dir;  // '/'-separated, "" = the base folder itself
  std::string why;  // shown to users: why DLP does not read it
};

struct InstallLayout {
  std::string name;      // "windows", "linux", "windows-legacy", "linux-legacy", ...
  bool windows = false;  // path components match case-insensitively; values may be C:\ paths
  // Relative to the search root, '/'-separated. "{version}" stands for exactly one folder whose
  // name is the version (any string: "15.8.00000", "16.0", "25.1"); at most once, and the same
  // version in both patterns. A layout without "{version}" has an empty version.
  std::string program_dir;
  std::string properties;    // relative to program_dir
  std::string data_dir;      // relative to the root, like program_dir
  std::string keystore_dir;  // relative to data_dir: the default keystore folder
  std::string keystore_file = "prevent.ks";
  // A program folder counts as an install only when this exists inside it (case-insensitive on
  // Windows): it keeps stray folders under DetectionServer from being taken for versions.
  std::string marker = "Protect";
  std::vector<WrongPlace> wrong_places;
};

// The built-in table, in the order installs are reported: current Windows and Linux layouts,
// then the older single-tree ones.
const std::vector<InstallLayout>& builtin_layouts();

// "custom": an install in folders of the admin's choosing, known only by its properties file.
// It has no default data or keystore folder; its wrong places are under the program folder.
const InstallLayout& custom_layout();

// One install found on disk: a layout with its version filled in and its folders resolved.
struct Install {
  InstallLayout layout;
  std::string version;          // "" for layouts without "{version}"
  std::string root;             // the search root (or the one inferred from --properties)
  std::string program_dir;      // exists
  std::string properties_file;  // may not exist
  bool properties_exists = false;
  std::string data_dir;  // may not exist (then spelled as the layout writes it)
  bool data_dir_exists = false;
  std::string default_keystore_dir;  // data_dir + keystore_dir, resolved as far as it exists

  // "16.0", or the layout's name when the layout has no version.
  std::string label() const { return version.empty() ? layout.name : version; }
};

// Every install of every layout under `root`: for each layout in order, versions newest first.
// Reads directories only; unreadable folders are skipped.
std::vector<Install> find_installs(const std::string& root,
                                   const std::vector<InstallLayout>& layouts);

// The install whose properties file is `file`, when `file`'s path ends with a layout's
// program_dir + properties (the part of the path before that is taken as the root). nullopt
// when no layout matches.
std::optional<Install> install_from_properties(const std::string& file,
                                               const std::vector<InstallLayout>& layouts);

// The custom_layout() install whose properties file is `file` (when install_from_properties
// finds none): its program folder is what holds Protect/config/Protect.properties (the file's
// folder when it is not in Protect/config), its root is `root`.
Install custom_install(const std::string& file, const std::string& root);

}  // namespace ksdoctor
