// locate_keystore: the installs to report on, where each one's keystore must be, the scan for
// copies, and what each install makes of them. The steps are in locate_steps.hpp and scan.hpp.
#include "ksdoctor/locate.hpp"

#include <utility>

#include "core/paths.hpp"
#include "core/strings.hpp"
#include "dlp/fs.hpp"
#include "dlp/install_paths.hpp"
#include "dlp/locate_steps.hpp"
#include "dlp/scan.hpp"
#include "platform/platform.hpp"

namespace ksdoctor {
namespace {

// The installs to report on: the one the properties file belongs to, or every one under the root.
std::vector<Install> installs_to_report(const LocateOptions& o) {
  if (o.properties_file) {
    if (auto inferred = install_from_properties(*o.properties_file, o.layouts)) return {*inferred};
    return {custom_install(*o.properties_file, o.root)};
  }
  std::vector<Install> installs = find_installs(o.root, o.layouts);
  if (installs.empty()) {
    throw LocateError("NO_INSTALL_FOUND",
                      "no DLP detection server install found under " + o.root +
                          " (looked for Program Files/Symantec/DataLossPrevention/"
                          "DetectionServer/<version>, opt/Symantec/DataLossPrevention/"
                          "DetectionServer/<version> and SymantecDLP trees)",
                      LocateError::Reason::kNoInstall);
  }
  return installs;
}

// Which installs the result reports: all, or those of the requested version. Every install is
// still searched, since the keystore an upgrade lacks is often in the previous version's folders.
std::vector<bool> selected_installs(const std::vector<Install>& installs, const LocateOptions& o,
                                    const std::string& root) {
  std::vector<bool> selected(installs.size(), true);
  if (!o.version) return selected;
  std::string labels;
  bool any = false;
  for (std::size_t i = 0; i < installs.size(); ++i) {
    labels += (labels.empty() ? "" : ", ") + installs[i].label();
    selected[i] = iequals(installs[i].label(), *o.version);
    any |= selected[i];
  }
  if (!any) {
    throw LocateError(
        "NO_INSTALL_FOUND",
        "no install of version " + *o.version + " under " + root + " (found: " + labels + ")",
        LocateError::Reason::kNoSuchVersion);
  }
  return selected;
}

// The known wrong places first (so a scan cut short by its limits still covers them), then
// everything below each install's folders.
std::vector<Recorded> scan_for_copies(const std::vector<Install>& installs,
                                      const std::vector<KeystoreFile>& configured,
                                      std::vector<InstallReport>& reports, const LocateOptions& o,
                                      ScanStats& stats) {
  Scanner scanner(o, stats);
  for (const KeystoreFile& k : configured) {
    if (k.exists) scanner.exclude(k.path);
  }
  for (std::size_t i = 0; i < installs.size(); ++i) {
    const Install& in = installs[i];
    for (const WrongPlace& w : in.layout.wrong_places) {
      const std::string& base = w.base == WrongPlace::Base::kProgram ? in.program_dir : in.data_dir;
      if (base.empty()) continue;
      std::string dir = paths::resolve(base, paths::split(w.dir, false), in.layout.windows).path;
      reports[i].checked.push_back(dir);
      scanner.look_in(dir, i);
    }
  }
  for (std::size_t i = 0; i < installs.size(); ++i) {
    scanner.scan(installs[i].program_dir, i);
    if (!installs[i].data_dir.empty()) scanner.scan(installs[i].data_dir, i);
  }
  if (o.progress) o.progress({stats.visited, stats.files, ""});
  return scanner.recorded();
}

Finding scan_limit_finding(const ScanStats& scan, const ScanLimits& limits) {
  Finding f;
  f.code = "SCAN_LIMIT_REACHED";
  f.severity = Severity::kWarning;
  f.message = "The scan stopped after " + std::to_string(scan.visited) +
              " directory entries (limit " + std::to_string(limits.max_entries) +
              "); copies in folders not reached are not listed. The known wrong places and "
              "the configured location were checked.";
  f.remedy = "Point --root or --properties at a smaller tree.";
  return f;
}

}  // namespace

const char* file_role_name(FileRole role) {
  switch (role) {
    case FileRole::kConfigured:
      return "configured";
    case FileRole::kCopy:
      return "copy";
    case FileRole::kBackup:
      return "backup";
    case FileRole::kOther:
      return "other";
  }
  return "other";
}

std::string default_locate_root() {
  // The layouts name both folders relative to one root, so the programs folder's parent is it.
  platform::InstallRoots roots = platform::default_install_roots();
  if (!roots.programs.empty()) return paths::dirname(roots.programs.front());
  if (!roots.data.empty()) return paths::dirname(roots.data.front());
  return "/";
}

LocateResult locate_keystore(const LocateOptions& o) {
  LocateResult result;
  std::vector<Install> installs = installs_to_report(o);
  result.root = o.properties_file ? installs.front().root : o.root;
  std::vector<bool> selected = selected_installs(installs, o, result.root);

  // Where each install's keystore must be, and what is there.
  std::vector<InstallReport> reports(installs.size());
  std::vector<KeystoreFile> configured(installs.size());
  for (std::size_t i = 0; i < installs.size(); ++i) {
    InstallReport& r = reports[i];
    r.install = installs[i];
    r.configured = configured_location(r.install, o, r.findings);
    if (r.configured.resolved) {
      r.keystore = examine(r.configured.path, o);
    } else {
      r.keystore.path = r.configured.path;
    }
    r.keystore.role = FileRole::kConfigured;
    r.keystore.found_as = "configured location";
    r.keystore.install = r.install.label();
    configured[i] = r.keystore;
  }

  std::vector<KeystoreFile> files;
  for (const Recorded& rec : scan_for_copies(installs, configured, reports, o, result.scan)) {
    KeystoreFile f = examine(rec.path, o);
    f.install = installs[rec.install].label();
    files.push_back(std::move(f));
  }
  for (std::size_t i = 0; i < installs.size(); ++i) {
    InstallReport& r = reports[i];
    // Another install's configured keystore is a copy as seen from this one.
    for (std::size_t j = 0; j < installs.size(); ++j) {
      if (j == i || !configured[j].exists) continue;
      if (r.keystore.exists &&
          fs::canonical(configured[j].path) == fs::canonical(r.keystore.path)) {
        continue;
      }
      KeystoreFile f = configured[j];
      f.found_as.clear();
      r.found.push_back(std::move(f));
    }
    r.found.insert(r.found.end(), files.begin(), files.end());
    label_found_files(r, installs, configured);
    judge(r);
    if (selected[i]) {
      result.findings.insert(result.findings.end(), r.findings.begin(), r.findings.end());
    }
  }
  if (result.scan.truncated) result.findings.push_back(scan_limit_finding(result.scan, o.limits));
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (selected[i]) result.installs.push_back(std::move(reports[i]));
  }
  return result;
}

}  // namespace ksdoctor
