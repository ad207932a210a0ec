#include "ksdoctor/layouts.hpp"

#include <algorithm>

#include "core/paths.hpp"
#include "core/strings.hpp"
#include "dlp/fs.hpp"
#include "dlp/install_paths.hpp"
#include "platform/platform.hpp"

namespace ksdoctor {
namespace {

constexpr std::string_view kVersion = "{version}";

std::vector<WrongPlace> wrong_places_split_tree() {
  return {
      {WrongPlace::Base::kProgram, "Protect/keystore",
       "the keystore folder under the program files: DLP reads the one in the data folder"},
      {WrongPlace::Base::kProgram, "Protect/config", "the configuration folder"},
      {WrongPlace::Base::kProgram, "Protect", "the Protect folder of the program files"},
      {WrongPlace::Base::kProgram, "", "the install folder"},
      {WrongPlace::Base::kData, "", "the data folder itself, not its keystore subfolder"},
  };
}

std::vector<WrongPlace> wrong_places_single_tree() {
  return {
      {WrongPlace::Base::kProgram, "Protect/config", "the configuration folder"},
      {WrongPlace::Base::kProgram, "Protect", "the Protect folder"},
      {WrongPlace::Base::kProgram, "", "the install folder"},
  };
}

// The folders in `path` in byte order (following symbolic links); empty when it cannot be read.
std::vector<std::string> subfolders(const std::string& path) {
  std::vector<std::string> out;
  for (std::string& name : fs::list_names(path).value_or(std::vector<std::string>{})) {
    if (fs::is_directory(paths::join(path, name))) out.push_back(std::move(name));
  }
  return out;
}

std::string with_version(const std::string& pattern, const std::string& version) {
  std::string out = pattern;
  auto at = out.find(kVersion);
  if (at != std::string::npos) out.replace(at, kVersion.size(), version);
  return out;
}

Install make_install(const InstallLayout& layout, const std::string& root,
                     const std::string& program_dir, const std::string& version) {
  Install in;
  in.layout = layout;
  in.version = version;
  in.root = root;
  in.program_dir = program_dir;
  paths::Resolved props =
      paths::resolve(program_dir, paths::split(layout.properties, false), layout.windows);
  in.properties_file = props.path;
  in.properties_exists = props.exists;
  // The data folder carries the version exactly as the program folder spells it; on Windows the
  // resolution ignores case, so a data folder written in other case is still found.
  paths::Resolved data = paths::resolve(
      root, paths::split(with_version(layout.data_dir, version), false), layout.windows);
  in.data_dir = data.path;
  in.data_dir_exists = data.exists && fs::is_directory(data.path);
  in.default_keystore_dir =
      paths::resolve(data.path, paths::split(layout.keystore_dir, false), layout.windows).path;
  return in;
}

struct Match {
  std::string path;
  std::string version;
};

// Every folder under `root` that `pattern` names; "{version}" matches any folder.
std::vector<Match> expand(const std::string& root, const std::string& pattern, bool insensitive) {
  std::vector<Match> current{{root, ""}};
  for (const std::string& comp : paths::split(pattern, false)) {
    std::vector<Match> next;
    for (const Match& m : current) {
      if (comp == kVersion) {
        for (const std::string& name : subfolders(m.path)) {
          if (name[0] != '.') next.push_back({paths::join(m.path, name), name});
        }
        continue;
      }
      std::string exact = paths::join(m.path, comp);
      if (fs::is_directory(exact)) {
        next.push_back({exact, m.version});
        continue;
      }
      if (!insensitive) continue;
      // Two names differing only in case cannot both exist on Windows; on a case-sensitive copy
      // they can, and both are searched.
      for (const std::string& name : subfolders(m.path)) {
        if (iequals(name, comp)) next.push_back({paths::join(m.path, name), m.version});
      }
    }
    current = std::move(next);
    if (current.empty()) break;
  }
  return current;
}

}  // namespace

const std::vector<InstallLayout>& builtin_layouts() {
  static const std::vector<InstallLayout> layouts = [] {
    std::vector<InstallLayout> out;
    InstallLayout win;
    win.name = "windows";
    win.windows = true;
    win.program_dir = "Program Files/Symantec/DataLossPrevention/DetectionServer/{version}";
    win.properties = "Protect/config/Protect.properties";
    win.data_dir = "ProgramData/Symantec/DataLossPrevention/DetectionServer/{version}";
    win.keystore_dir = "keystore";
    win.wrong_places = wrong_places_split_tree();
    out.push_back(win);

    InstallLayout linux = win;
    linux.name = "linux";
    linux.windows = false;
    linux.program_dir = "opt/Symantec/DataLossPrevention/DetectionServer/{version}";
    linux.data_dir = "var/Symantec/DataLossPrevention/DetectionServer/{version}";
    out.push_back(linux);

    // Before the program/data split, one tree held everything, the keystore folder included.
    InstallLayout win_old;
    win_old.name = "windows-legacy";
    win_old.windows = true;
    win_old.program_dir = "SymantecDLP";
    win_old.properties = "Protect/config/Protect.properties";
    win_old.data_dir = "SymantecDLP";
    win_old.keystore_dir = "Protect/keystore";
    win_old.wrong_places = wrong_places_single_tree();
    out.push_back(win_old);

    InstallLayout linux_old = win_old;
    linux_old.name = "linux-legacy";
    linux_old.windows = false;
    linux_old.program_dir = "opt/SymantecDLP";
    linux_old.data_dir = "opt/SymantecDLP";
    out.push_back(linux_old);
    return out;
  }();
  return layouts;
}

std::vector<Install> find_installs(const std::string& root,
                                   const std::vector<InstallLayout>& layouts) {
  std::vector<Install> out;
  for (const InstallLayout& layout : layouts) {
    std::vector<Install> found;
    for (const Match& m : expand(root, layout.program_dir, layout.windows)) {
      if (!paths::resolve(m.path, paths::split(layout.marker, false), layout.windows).exists) {
        continue;
      }
      found.push_back(make_install(layout, root, m.path, m.version));
    }
    std::stable_sort(found.begin(), found.end(), [](const Install& a, const Install& b) {
      if (a.version != b.version) return paths::version_less(b.version, a.version);
      return a.program_dir < b.program_dir;
    });
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::optional<Install> install_from_properties(const std::string& file,
                                               const std::vector<InstallLayout>& layouts) {
  // The root ("/", "C:\\", "\\\\server\\share\\") is kept as written; the rest is matched by
  // component.
  const std::string file_root = platform::path_root(file);
  std::vector<std::string> comps =
      paths::split_native(std::string_view(file).substr(file_root.size()));
  for (const InstallLayout& layout : layouts) {
    std::vector<std::string> pattern = paths::split(layout.program_dir, false);
    std::size_t program_len = pattern.size();
    for (std::string& c : paths::split(layout.properties, false)) pattern.push_back(std::move(c));
    if (comps.size() < pattern.size()) continue;
    std::size_t offset = comps.size() - pattern.size();
    std::string version;
    bool match = true;
    for (std::size_t i = 0; i < pattern.size() && match; ++i) {
      const std::string& have = comps[offset + i];
      if (pattern[i] == kVersion) {
        version = have;
      } else {
        match = layout.windows ? iequals(have, pattern[i]) : have == pattern[i];
      }
    }
    if (!match) continue;
    std::string root = file_root;
    for (std::size_t i = 0; i < offset; ++i) root = paths::join(root, comps[i]);
    if (root.empty()) root = ".";
    std::string program = root;
    for (std::size_t i = 0; i < program_len; ++i) program = paths::join(program, comps[offset + i]);
    if (!fs::exists(program)) continue;
    Install in = make_install(layout, root, program, version);
    in.properties_file = file;  // exactly the file the user named
    in.properties_exists = fs::exists(file);
    return in;
  }
  return std::nullopt;
}

const InstallLayout& custom_layout() {
  static const InstallLayout layout = [] {
    InstallLayout custom;
    custom.name = "custom";
    custom.windows = true;
    custom.wrong_places = {
        {WrongPlace::Base::kProgram, "Protect/keystore",
         "the keystore folder under the program files"},
        {WrongPlace::Base::kProgram, "Protect/config", "the configuration folder"},
        {WrongPlace::Base::kProgram, "Protect", "the Protect folder"},
    };
    return custom;
  }();
  return layout;
}

Install custom_install(const std::string& file, const std::string& root) {
  Install in;
  in.layout = custom_layout();
  in.properties_file = file;
  in.properties_exists = fs::exists(file);
  std::string dir = paths::dirname(file);
  std::vector<std::string> comps = paths::split(dir, false);
  if (comps.size() >= 2 && iequals(comps[comps.size() - 1], "config") &&
      iequals(comps[comps.size() - 2], "Protect")) {
    dir = paths::dirname(paths::dirname(dir));
  }
  in.program_dir = dir;
  in.root = root;
  return in;
}

}  // namespace ksdoctor
