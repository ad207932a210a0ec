// `locate`: find the keystore a DLP detection server actually reads (from Protect.properties, or
// the install layout's default), check it, find the copies that are elsewhere, and copy the right
// one into place.
//
// The Protect.properties key that names the keystore folder is not publicly documented, so the
// location is found generically (keys that mention "keystore", values that name a `keystore`
// folder or `prevent.ks`) and the caller can name the key. Every result says where it came from.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ksdoctor/error.hpp"
#include "ksdoctor/findings.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/layouts.hpp"
#include "ksdoctor/properties.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

// No install under the root, or none of the requested version (code "NO_INSTALL_FOUND").
class LocateError : public Error {
 public:
  enum class Reason {
    kNoInstall,      // nothing under the root follows a known layout
    kNoSuchVersion,  // installs exist, none of LocateOptions::version
  };
  LocateError(std::string code, const std::string& message, Reason reason)
      : Error(std::move(code), message), reason_(reason) {}
  Reason reason() const noexcept { return reason_; }

 private:
  Reason reason_;
};

struct ScanLimits {
  int max_depth = 16;                                      // below each install folder
  std::size_t max_entries = 200000;                        // directory entries visited in all
  std::size_t max_keystore_bytes = std::size_t{64} << 20;  // larger files are not read
};

struct ScanProgress {
  std::size_t visited = 0;    // directory entries so far
  std::size_t keystores = 0;  // files recorded as (possible) keystores so far
  std::string dir;            // the folder being read
};

// The folder that holds this system's default install folders (platform::default_install_roots):
// "/" on Linux (/opt, /var), the system drive on Windows ("C:\" for Program Files and
// ProgramData); "/" when it has none of them.
std::string default_locate_root();

struct LocateOptions {
  std::string root = "/";                      // the CLI's default is default_locate_root()
  std::optional<std::string> properties_file;  // this file, its install inferred (no root scan)
  std::optional<std::string> property_key;     // the key that names the location
  std::optional<std::string> version;          // only installs of this version (or layout name)
  std::vector<InstallLayout> layouts = builtin_layouts();
  Password storepass;  // null: open every keystore as Java does with a null password
  ScanLimits limits;
  // Called every few hundred directory entries while scanning (the CLI draws a progress line).
  std::function<void(const ScanProgress&)> progress;
};

// What a keystore-looking file is, relative to the install being reported.
enum class FileRole {
  kConfigured,  // at the configured path
  kCopy,        // named prevent* (not a backup name), or identical to the configured keystore
  kBackup,      // prevent* with a backup name (.bak, .old, .orig, ~)
  kOther,       // another keystore (the JRE's cacerts, server-to-server keystores, ...)
};
const char* file_role_name(FileRole role);  // "configured", "copy", "backup", "other"

struct KeystoreFile {
  std::string path;
  FileRole role = FileRole::kOther;
  std::string found_as;  // why it was looked at / where it sits ("the install folder", ...)
  std::string install;   // Install::label() of the tree that holds it ("" outside any)
  bool exists = false;
  bool regular = false;  // a regular file (after following symbolic links)
  std::uint64_t size = 0;
  std::int64_t mtime = 0;             // modification time, epoch seconds
  std::uint32_t mode = 0;             // permission bits
  std::optional<StoreFormat> format;  // detected from content
  bool readable = false;              // opened the way Java opens it
  std::string error;                  // why it could not be read or opened
  // "verified", "not_verified" (null password), "no_mac", or "wrong_password" (the password
  // given did not open it; the counts then come from opening it with a null password).
  std::string integrity;
  int entries = 0;
  int private_keys = 0;
  int trusted_certs = 0;
  int secret_keys = 0;
  std::string sha256;                      // of the file's bytes; "" when not read
  std::optional<bool> same_as_configured;  // unset when either side was not read

  // What DLP needs: a keystore Java can open holding at least one private key entry.
  bool usable() const { return readable && private_keys > 0; }
};

// A Protect.properties entry that looks like it names the keystore location.
struct PropertyMatch {
  std::string key;
  std::string value;  // as Java reads it
  std::string raw;    // the line as written
  int line = 0;
  int score = 0;    // higher is more specific: names prevent.ks 4, a keystore folder 3, key 2
  std::string why;  // "value names prevent.ks; key mentions 'keystore'"; "" when not found
                    // generically (LocationSource::kNamedProperty)
};

// Effective entries (the last occurrence of each key, as Java's getProperty) whose value looks
// like a path and whose key or value points at a keystore; best first (score, then line). Keys
// about passwords are skipped.
std::vector<PropertyMatch> keystore_properties(const PropertiesFile& props);

// Where the configured location comes from.
enum class LocationSource {
  kFoundProperty,  // a Protect.properties entry found generically (keystore_properties)
  kNamedProperty,  // the entry LocateOptions::property_key names
  kLayoutDefault,  // nothing in Protect.properties names it: the layout's default folder
  kNone,           // no property and no layout default
};

struct ConfiguredLocation {
  LocationSource source = LocationSource::kNone;
  std::optional<PropertyMatch> property;
  bool resolved = false;  // folder/path below are the location on this machine
  std::string folder;
  std::string path;  // folder + keystore file, or the file the value names
  std::string note;  // why the value could not be resolved
};

struct InstallReport {
  Install install;
  ConfiguredLocation configured;
  KeystoreFile keystore;             // what is at configured.path (exists false when nothing is)
  std::vector<KeystoreFile> found;   // every other keystore-like file, by install then path
  std::vector<std::string> checked;  // the known wrong places that were looked at
  std::optional<std::size_t> best;   // index into `found`: what --fix would copy
  std::string best_reason;
  std::vector<Finding> findings;  // each with detail "install"
};

struct ScanStats {
  std::size_t visited = 0;      // directory entries
  std::size_t directories = 0;  // folders read
  std::size_t files = 0;        // keystore-like files recorded
  bool truncated = false;       // a limit stopped the scan
};

struct LocateResult {
  std::string root;
  std::vector<InstallReport> installs;
  ScanStats scan;
  std::vector<Finding> findings;  // every install's findings in install order, then scan notes
};

// Throws LocateError("NO_INSTALL_FOUND") when there is nothing to report on. Reads files and
// folders only; never writes.
LocateResult locate_keystore(const LocateOptions& options);

// --fix ------------------------------------------------------------------------------------------

struct FixPlan {
  std::string install;  // Install::label()
  bool copy = false;    // false: nothing will be written (see reason)
  std::string reason;
  std::string source;  // the copy to put in place (never moved or changed)
  std::string source_sha256;
  std::string target;               // the configured path
  std::string backup;               // where the file now at `target` is saved; "" when none
  std::vector<std::string> mkdirs;  // folders to create, outermost first (mode 0750)
  std::uint32_t mode = 0600;        // the new keystore's permission bits
  bool applied = false;             // set by apply_fix
};

// The plan for one install: copy `best` to the configured path when the configured keystore is
// missing, unreadable or has no private key entry and a usable copy exists. A usable configured
// keystore is never replaced. `now` (epoch seconds) names a backup when `<target>.bak` exists.
// The new file gets the source's permission bits limited to 0640 and always owner read/write:
// owner-only write, never readable by "others" (it holds a private key).
FixPlan plan_fix(const InstallReport& report, std::int64_t now);

// Carries out a plan with copy == true: creates the folders, saves what is at the target to the
// backup (a copy, temp file + fsync + rename), writes the source's bytes to a temp file in the
// target folder (fsync, the owner and group of the file it replaces when run as root), renames it
// over the target, syncs the folder, and reads the target back to compare SHA-256 with the
// source. Throws IoError and leaves the target as it was on any failure before the rename.
void apply_fix(FixPlan& plan);

// The --fix part of a run, for the report: the plan for each install (in install order).
struct FixRun {
  bool dry_run = false;
  std::vector<FixPlan> plans;
};

// What to do after the keystore changed.
std::string restart_reminder();

}  // namespace ksdoctor
