#include "ksdoctor/locate.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "core/paths.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor {
namespace {

using paths::basename;
using paths::dirname;

using paths::iequals;
using paths::lower;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

// Canonical path for comparing locations; the path itself when it does not exist.
std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) return buf;
  return path;
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// File names keystores go by; anything else is recorded only when its content is a keystore.
bool keystore_name(const std::string& name) {
  std::string l = lower(name);
  if (l.rfind("prevent", 0) == 0) return true;
  for (const char* ext : {".ks", ".jks", ".jceks", ".p12", ".pfx", ".keystore", ".truststore"}) {
    if (ends_with(l, ext)) return true;
  }
  return false;
}

bool backup_name(const std::string& lname) {
  return contains(lname, ".bak") || ends_with(lname, ".old") || ends_with(lname, ".orig") ||
         ends_with(lname, "~") || contains(lname, ".backup");
}

std::string sha256_hex(ByteView bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  return to_hex(ByteView(md, len));
}

// Values written for Windows: a drive letter or backslashes.
bool looks_windows(std::string_view v) {
  if (v.size() >= 2 && std::isalpha(static_cast<unsigned char>(v[0])) && v[1] == ':') return true;
  return contains(v, "\\");
}

// ------------------------------------------------------------------------------ reading files

KeystoreFile examine(const std::string& path, const LocateOptions& o) {
  KeystoreFile f;
  f.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) {
      f.exists = true;
      f.error = std::string("cannot stat: ") + std::strerror(errno);
    }
    return f;
  }
  f.exists = true;
  f.regular = S_ISREG(st.st_mode);
  f.size = static_cast<std::uint64_t>(st.st_size);
  f.mtime = static_cast<std::int64_t>(st.st_mtime);
  f.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
  if (!f.regular) {
    f.error = S_ISDIR(st.st_mode) ? "a folder, not a file" : "not a regular file";
    return f;
  }
  if (f.size > o.limits.max_keystore_bytes) {
    f.error = "larger than " + std::to_string(o.limits.max_keystore_bytes >> 20) +
              " MiB: not read (keystores are small)";
    return f;
  }
  Bytes bytes;
  try {
    bytes = read_file(path, o.limits.max_keystore_bytes);
  } catch (const Error& e) {
    f.error = e.what();
    return f;
  }
  f.sha256 = sha256_hex(bytes);
  f.format = detect_format(bytes);
  if (!f.format) {
    f.error = bytes.empty() ? "empty file"
                            : "not a keystore: the content is neither JKS, JCEKS nor PKCS#12";
    return f;
  }
  std::optional<Keystore> store;
  try {
    store = read_keystore(bytes, o.storepass);
    f.integrity = integrity_name(store->integrity);
  } catch (const PasswordError&) {
    // The password given is not this store's; what is inside can still be listed the way Java
    // lists it with a null password.
    try {
      store = read_keystore(bytes, Password());
      f.integrity = "wrong_password";
    } catch (const Error& e) {
      f.error = e.what();
    }
  } catch (const Error& e) {
    f.error = e.what();
  }
  if (!store) return f;
  f.readable = true;
  f.entries = static_cast<int>(store->entries.size());
  for (const Entry& e : store->entries) {
    f.private_keys += e.kind == EntryKind::kPrivateKey;
    f.trusted_certs += e.kind == EntryKind::kTrustedCert;
    f.secret_keys += e.kind == EntryKind::kSecretKey;
  }
  return f;
}

// ------------------------------------------------------------------------------ the scan

using FileId = std::pair<dev_t, ino_t>;

struct Recorded {
  std::string path;
  FileId id;
  std::size_t install = 0;  // index of the install whose tree it was found in
};

class Scanner {
 public:
  Scanner(const LocateOptions& options, ScanStats& stats)
      : o_(options), stats_(stats), root_real_(canonical(options.root)) {}

  // Files already accounted for (the configured keystores) are not recorded again.
  void exclude(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) seen_files_.insert({st.st_dev, st.st_ino});
  }

  // The files directly in `dir` (one of the known wrong places).
  void look_in(const std::string& dir, std::size_t install) { walk(dir, install, 0); }

  // Everything below `dir`, to max_depth.
  void scan(const std::string& dir, std::size_t install) {
    walk(dir, install, o_.limits.max_depth);
  }

  const std::vector<Recorded>& recorded() const { return recorded_; }

 private:
  bool inside_root(const std::string& path) const {
    std::string real = canonical(path);
    if (root_real_ == "/") return true;
    return real == root_real_ || real.rfind(root_real_ + "/", 0) == 0;
  }

  void consider(const std::string& path, const std::string& name, const struct stat& st,
                std::size_t install) {
    FileId id{st.st_dev, st.st_ino};
    if (seen_files_.count(id)) return;
    bool record = keystore_name(name);
    // Anything else is a keystore only by its first bytes (JKS/JCEKS magic, PKCS#12 PFX header).
    // 32 bytes is the smallest JKS file (header and digest of an empty store).
    if (!record && st.st_size >= 32 &&
        static_cast<std::uint64_t>(st.st_size) <= o_.limits.max_keystore_bytes) {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd >= 0) {
        std::uint8_t head[16];
        ssize_t n = ::read(fd, head, sizeof head);
        ::close(fd);
        if (n > 0) record = detect_format(ByteView(head, static_cast<std::size_t>(n))).has_value();
      }
    }
    if (!record) return;
    seen_files_.insert(id);
    recorded_.push_back({path, id, install});
    ++stats_.files;
  }

  void walk(const std::string& start, std::size_t install, int max_depth) {
    struct stat st {};
    if (::stat(start.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || !inside_root(start)) return;
    FileId start_id{st.st_dev, st.st_ino};
    // A folder is read once with its full depth: the wrong places are read with depth 0 first,
    // and the recursive scan reads them again below.
    auto [it, fresh] = dirs_.emplace(start_id, max_depth);
    if (!fresh && it->second >= max_depth) return;
    it->second = std::max(it->second, max_depth);
    std::vector<std::pair<std::string, int>> stack{{start, max_depth}};
    while (!stack.empty() && !stats_.truncated) {
      auto [dir, depth] = stack.back();
      stack.pop_back();
      DIR* d = ::opendir(dir.c_str());
      if (!d) continue;
      ++stats_.directories;
      std::vector<std::string> names;
      while (dirent* e = ::readdir(d)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
          names.emplace_back(e->d_name);
        }
      }
      ::closedir(d);
      std::sort(names.begin(), names.end());
      std::vector<std::pair<std::string, int>> subdirs;
      for (const std::string& name : names) {
        if (stats_.visited >= o_.limits.max_entries) {
          stats_.truncated = true;
          break;
        }
        ++stats_.visited;
        if (o_.progress && stats_.visited % 256 == 0) {
          o_.progress({stats_.visited, stats_.files, dir});
        }
        std::string path = paths::join(dir, name);
        struct stat lst {};
        if (::lstat(path.c_str(), &lst) != 0) continue;
        struct stat fst = lst;
        if (S_ISLNK(lst.st_mode)) {
          // Followed only when it stays inside the root: a link to a network share or to "/"
          // must not turn a scan of one install into a scan of everything.
          if (::stat(path.c_str(), &fst) != 0 || !inside_root(path)) continue;
        }
        if (S_ISDIR(fst.st_mode)) {
          if (depth <= 0) continue;
          FileId id{fst.st_dev, fst.st_ino};
          auto [dit, dfresh] = dirs_.emplace(id, depth - 1);
          // Seen before with at least this depth left (a symbolic link loop, or a folder that
          // two installs share): nothing new below it.
          if (!dfresh && dit->second >= depth - 1) continue;
          dit->second = std::max(dit->second, depth - 1);
          subdirs.emplace_back(path, depth - 1);
        } else if (S_ISREG(fst.st_mode)) {
          consider(path, name, fst, install);
        }
      }
      // Depth-first in name order: push in reverse so the first name is read first.
      for (auto s = subdirs.rbegin(); s != subdirs.rend(); ++s) stack.push_back(*s);
    }
  }

  const LocateOptions& o_;
  ScanStats& stats_;
  std::string root_real_;
  std::map<FileId, int> dirs_;  // folder -> the most depth it was read with
  std::set<FileId> seen_files_;
  std::vector<Recorded> recorded_;
};

// ------------------------------------------------------------------------------ the location

struct ValuePath {
  bool ok = false;
  std::string folder;
  std::string path;
  std::string note;
};

// Where a property value points on this machine. Windows values lose their drive letter: the
// root stands for the drive (a mounted C:, or a test tree).
ValuePath resolve_value(const std::string& raw_value, const Install& in) {
  ValuePath out;
  std::string v = trim(raw_value);
  bool windows = in.layout.windows || looks_windows(v);
  std::vector<std::string> comps;
  if (v.empty()) {
    out.note = "the value is empty";
    return out;
  }
  if (windows) {
    if (v.rfind("\\\\", 0) == 0 || v.rfind("//", 0) == 0) {
      out.note = "'" + v + "' is a network (UNC) path; ksdoctor only looks below --root";
      return out;
    }
    std::string_view rest = v;
    if (v.size() >= 2 && std::isalpha(static_cast<unsigned char>(v[0])) && v[1] == ':') {
      if (v.size() == 2 || (v[2] != '\\' && v[2] != '/')) {
        out.note = "Java reads the value as '" + v +
                   "', a drive-relative path (no separator after the drive letter), which Java "
                   "resolves against the service's current folder on that drive";
        return out;
      }
      rest.remove_prefix(2);
    } else if (v[0] != '\\' && v[0] != '/') {
      out.note = "'" + v + "' is a relative path; it depends on the service's working folder";
      return out;
    }
    comps = paths::split(rest, true);
  } else {
    if (v[0] != '/') {
      out.note = "'" + v + "' is a relative path; it depends on the service's working folder";
      return out;
    }
    comps = paths::split(v, false);
  }
  std::string last = comps.empty() ? "" : lower(comps.back());
  bool names_file = false;
  for (const char* ext : {".ks", ".jks", ".jceks", ".p12", ".pfx", ".keystore"}) {
    names_file |= ends_with(last, ext);
  }
  paths::Resolved r = paths::resolve(in.root, comps, windows);
  struct stat st {};
  bool exists = r.exists && ::stat(r.path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) names_file = false;
  if (exists && S_ISREG(st.st_mode)) names_file = true;
  out.ok = true;
  if (names_file) {
    out.path = r.path;
    out.folder = dirname(r.path);
  } else {
    out.folder = r.path;
    out.path = paths::resolve(r.path, {in.layout.keystore_file}, windows).path;
  }
  return out;
}

Finding finding(const std::string& code, Severity sev, const Install& in, std::string message,
                std::string remedy) {
  Finding f;
  f.code = code;
  f.severity = sev;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  f.details.emplace_back("install", in.label());
  return f;
}

std::string where(const PropertyMatch& m, const std::string& file) {
  return basename(file) + " line " + std::to_string(m.line) + " (" + m.key + ")";
}

// Reads the install's properties and decides where the keystore must be.
ConfiguredLocation configured_location(const Install& in, const LocateOptions& o,
                                       std::vector<Finding>& findings) {
  ConfiguredLocation loc;
  std::optional<PropertiesFile> props;
  if (!in.properties_exists) {
    findings.push_back(
        finding("PROPERTIES_FILE_MISSING", Severity::kWarning, in,
                in.properties_file + " does not exist, so nothing configures the keystore location",
                "Check the install (the detection server reads its settings from this file)."));
  } else {
    try {
      Bytes bytes = read_file(in.properties_file, std::size_t{16} << 20);
      props = parse_properties(bytes);
      for (Finding& f : lint_properties(*props, in.properties_file)) {
        f.details.emplace_back("install", in.label());
        findings.push_back(std::move(f));
      }
    } catch (const FormatError& e) {
      Finding f = finding(
          "PROPERTIES_MALFORMED", Severity::kError, in,
          in.properties_file + ": " + e.what() + " — Java's Properties.load refuses the whole file",
          "Correct the line: \\u must be followed by four hex digits.");
      f.details.emplace_back("path", in.properties_file);
      findings.push_back(std::move(f));
    } catch (const Error& e) {
      Finding f = finding("PROPERTIES_UNREADABLE", Severity::kError, in, e.what(),
                          "Run ksdoctor as a user that can read the file.");
      f.details.emplace_back("path", in.properties_file);
      findings.push_back(std::move(f));
    }
  }

  std::optional<PropertyMatch> chosen;
  std::vector<PropertyMatch> matches;
  if (props) matches = keystore_properties(*props);
  if (props && o.property_key) {
    if (const Property* p = props->find(*o.property_key)) {
      chosen = PropertyMatch{p->key, p->value, p->raw, p->line, 0, "named with --property"};
      loc.source = "--property";
    } else {
      Finding f = finding(
          "PROPERTY_NOT_FOUND", Severity::kError, in,
          in.properties_file + " has no key '" + *o.property_key + "' (keys are case-sensitive)",
          "Check the spelling, or leave --property out to let ksdoctor find the "
          "key that names the keystore.");
      f.details.emplace_back("key", *o.property_key);
      findings.push_back(std::move(f));
    }
  }
  if (!chosen && !matches.empty()) {
    chosen = matches.front();
    loc.source = "property";
  }

  if (chosen) {
    loc.property = chosen;
    ValuePath vp = resolve_value(chosen->value, in);
    if (!vp.ok) {
      loc.note = vp.note;
      Finding f = finding("KEYSTORE_LOCATION_UNRESOLVED", Severity::kError, in,
                          where(*chosen, in.properties_file) +
                              " names the keystore location, "
                              "but " +
                              vp.note + ": ksdoctor cannot tell which file Java opens.",
                          "Write an absolute path in the property (on Windows with doubled "
                          "backslashes or forward slashes: C:\\\\ProgramData\\\\... or "
                          "C:/ProgramData/...), or pass the key that is meant with --property.");
      f.details.emplace_back("key", chosen->key);
      f.details.emplace_back("line", std::to_string(chosen->line));
      f.details.emplace_back("value", chosen->value);
      findings.push_back(std::move(f));
      return loc;
    }
    loc.resolved = true;
    loc.folder = vp.folder;
    loc.path = vp.path;
    // Other properties that name a different keystore location: the choice may be wrong.
    if (loc.source == "property") {
      for (std::size_t i = 1; i < matches.size(); ++i) {
        if (matches[i].score < 3) continue;
        ValuePath other = resolve_value(matches[i].value, in);
        if (other.ok && canonical(other.path) == canonical(loc.path)) continue;
        Finding f = finding(
            "KEYSTORE_LOCATION_AMBIGUOUS", Severity::kWarning, in,
            where(*chosen, in.properties_file) + " was taken as the keystore location, but " +
                where(matches[i], in.properties_file) + " names another: " + matches[i].value,
            "If the other key is the one the detection server uses, run again with --property " +
                matches[i].key + ".");
        f.details.emplace_back("key", matches[i].key);
        f.details.emplace_back("line", std::to_string(matches[i].line));
        findings.push_back(std::move(f));
      }
    }
    return loc;
  }

  if (in.layout.keystore_dir.empty() || in.data_dir.empty()) {
    loc.source = "none";
    loc.note = "nothing in the properties names the keystore and the layout has no default";
    findings.push_back(finding(
        "KEYSTORE_LOCATION_UNRESOLVED", Severity::kError, in,
        "No property in " + in.properties_file +
            " names the keystore location, and this install does not follow a known layout.",
        "Name the key with --property KEY, or point --root at the file system that holds a "
        "standard install."));
    return loc;
  }
  loc.source = "layout";
  loc.resolved = true;
  loc.folder = in.default_keystore_dir;
  loc.path = paths::resolve(loc.folder, {in.layout.keystore_file}, in.layout.windows).path;
  Finding f = finding(
      "KEYSTORE_LOCATION_FROM_LAYOUT", Severity::kInfo, in,
      "No entry in " + basename(in.properties_file) +
          " names the keystore location, so ksdoctor assumes the layout's default folder " +
          loc.folder,
      "If the detection server reads the keystore from elsewhere, name the key with --property "
      "KEY.");
  f.details.emplace_back("path", loc.path);
  findings.push_back(std::move(f));
  return loc;
}

// ------------------------------------------------------------------------------ one install

std::string describe(const KeystoreFile& f) {
  if (!f.exists) return "nothing there";
  if (!f.readable) return f.error;
  return std::string(format_name(*f.format)) + ", " + std::to_string(f.entries) +
         (f.entries == 1 ? " entry" : " entries") + ", " + std::to_string(f.private_keys) +
         " private key" + (f.private_keys == 1 ? "" : "s");
}

// Labels `f` relative to install `in`: where it sits and what it is.
void label(KeystoreFile& f, const Install& in, const std::vector<Install>& all,
           const std::vector<KeystoreFile>& configured, const KeystoreFile& own) {
  std::string dir = canonical(dirname(f.path));
  for (const WrongPlace& w : in.layout.wrong_places) {
    const std::string& base = w.base == WrongPlace::Base::kProgram ? in.program_dir : in.data_dir;
    std::string place = paths::resolve(base, paths::split(w.dir, false), in.layout.windows).path;
    if (canonical(place) == dir) {
      f.found_as = w.why;
      break;
    }
  }
  if (f.found_as.empty() && canonical(in.default_keystore_dir) == dir) {
    f.found_as = "the layout's default keystore folder";
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (configured[i].exists && configured[i].path == f.path && all[i].label() != in.label()) {
      f.found_as = "the configured keystore location of its install";
    }
  }
  if (f.found_as.empty()) f.found_as = f.install.empty() ? "found" : "found by the scan";
  std::string lname = lower(basename(f.path));
  if (lname.rfind("prevent", 0) == 0) {
    f.role = backup_name(lname) ? FileRole::kBackup : FileRole::kCopy;
  } else if (!f.sha256.empty() && f.sha256 == own.sha256) {
    f.role = backup_name(lname) ? FileRole::kBackup : FileRole::kCopy;
  } else {
    f.role = FileRole::kOther;
  }
  if (!f.sha256.empty() && !own.sha256.empty()) f.same_as_configured = f.sha256 == own.sha256;
}

void judge(InstallReport& r) {
  const Install& in = r.install;
  const KeystoreFile& ks = r.keystore;
  std::vector<Finding>& out = r.findings;
  if (!r.configured.resolved) return;
  std::string restart = " Then restart the detection server so Java reads it.";

  // Candidates for the configured place: usable copies, this install's first, newest first.
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < r.found.size(); ++i) {
    if (r.found[i].role == FileRole::kCopy && r.found[i].usable()) usable.push_back(i);
  }
  std::stable_sort(usable.begin(), usable.end(), [&](std::size_t a, std::size_t b) {
    const KeystoreFile& x = r.found[a];
    const KeystoreFile& y = r.found[b];
    bool xs = x.install == in.label(), ys = y.install == in.label();
    if (xs != ys) return xs;
    if (x.mtime != y.mtime) return x.mtime > y.mtime;
    return x.path < y.path;
  });

  if (!ks.exists) {
    Finding f = finding(
        "KEYSTORE_MISSING_AT_CONFIGURED_PATH", Severity::kError, in,
        "There is no keystore at " + ks.path +
            ", where the detection server reads it: Java has no certificate to present, so "
            "STARTTLS fails (NO_TLS, 'java.io.IOException: java.lang.NullPointerException' or "
            "'General SSLEngine problem' in the SMTP logs).",
        usable.empty() ? "Create or import prevent.ks into " + r.configured.folder + "." + restart
                       : "Copy the keystore found at " + r.found[usable[0]].path +
                             " there (ksdoctor locate --fix)." + restart);
    f.details.emplace_back("path", ks.path);
    f.details.emplace_back("folder_exists", is_dir(r.configured.folder) ? "true" : "false");
    out.push_back(std::move(f));
  } else if (!ks.readable) {
    Finding f =
        finding("KEYSTORE_NOT_READABLE", Severity::kError, in,
                "The keystore at the configured path " + ks.path +
                    " cannot be read as Java would: " + ks.error,
                usable.empty() ? "Restore prevent.ks from a backup or re-create it." + restart
                               : "Replace it with the usable copy at " + r.found[usable[0]].path +
                                     " (ksdoctor locate --fix keeps a backup)." + restart);
    f.details.emplace_back("path", ks.path);
    out.push_back(std::move(f));
  } else if (ks.private_keys == 0) {
    Finding f = finding(
        "KEYSTORE_WITHOUT_PRIVATE_KEY", Severity::kError, in,
        "The keystore at " + ks.path + " has " + std::to_string(ks.entries) +
            " entries but no private key entry: the detection server has no certificate of its "
            "own to present.",
        usable.empty() ? "Import the server's key pair and certificate chain (keytool "
                         "-importkeystore from a PKCS#12 file)." +
                             restart
                       : "Replace it with the copy at " + r.found[usable[0]].path +
                             ", which holds a private key (ksdoctor locate --fix keeps a "
                             "backup)." +
                             restart);
    f.details.emplace_back("path", ks.path);
    out.push_back(std::move(f));
  }

  if (!ks.usable() && !usable.empty()) {
    r.best = usable[0];
    const KeystoreFile& b = r.found[usable[0]];
    std::set<std::string> distinct;
    for (std::size_t i : usable) distinct.insert(r.found[i].sha256);
    r.best_reason = "readable, holds " + std::to_string(b.private_keys) + " private key entr" +
                    (b.private_keys == 1 ? "y" : "ies");
    if (usable.size() > 1 && distinct.size() == 1) {
      r.best_reason += "; the " + std::to_string(usable.size()) + " usable copies are identical";
    } else if (usable.size() > 1) {
      // The order is: this install's folders before other installs', then the newest
      // modification time, then the path (so that the choice never depends on directory order).
      bool tie = usable.size() > 1 && r.found[usable[1]].mtime == b.mtime &&
                 (r.found[usable[1]].install == in.label()) == (b.install == in.label());
      r.best_reason += "; of " + std::to_string(usable.size()) + " usable copies with " +
                       std::to_string(distinct.size()) + " different contents, the " +
                       (tie ? "first by path of the newest" : "newest") +
                       (b.install == in.label() ? " in this install's folders"
                                                : " (none is in this install's folders)");
    }
    if (b.install != in.label() && !b.install.empty()) {
      r.best_reason += "; it is in the folders of the " + b.install + " install";
    }
    Finding f = finding("KEYSTORE_MISPLACED", Severity::kError, in,
                        "A usable keystore (" + describe(b) + ") is at " + b.path + " (" +
                            b.found_as + "), but the detection server reads " + ks.path + ".",
                        "Copy it to " + ks.path +
                            " (ksdoctor locate --fix copies it and keeps a backup of what is "
                            "there)." +
                            restart);
    f.details.emplace_back("path", b.path);
    f.details.emplace_back("configured", ks.path);
    out.push_back(std::move(f));
    if (distinct.size() > 1) {
      Finding d = finding(
          "KEYSTORE_COPIES_DIFFER", Severity::kWarning, in,
          std::to_string(usable.size()) + " usable copies with " + std::to_string(distinct.size()) +
              " different contents exist; ksdoctor picks " + b.path + " (" + r.best_reason + ").",
          "Check that it holds the certificate you imported last (ksdoctor "
          "inspect), and remove the stray copies once the right one is in "
          "place.");
      d.details.emplace_back("path", b.path);
      out.push_back(std::move(d));
    }
  }

  for (const KeystoreFile& c : r.found) {
    if (c.role != FileRole::kCopy || c.install != in.label()) continue;
    if (!c.readable) {
      Finding f = finding("KEYSTORE_NOT_READABLE", Severity::kWarning, in,
                          "A copy of the keystore at " + c.path + " (" + c.found_as +
                              ") cannot be read: " + c.error,
                          "Remove it, or restore it if it is the one that should be in use.");
      f.details.emplace_back("path", c.path);
      out.push_back(std::move(f));
    } else if (ks.usable() && c.same_as_configured == false) {
      // With an unusable configured keystore KEYSTORE_MISPLACED already says which copy to use.
      std::string age = c.mtime > ks.mtime   ? "is newer than it"
                        : c.mtime < ks.mtime ? "is older than it"
                                             : "has the same modification time";
      Finding f = finding(
          "KEYSTORE_COPIES_DIFFER", Severity::kWarning, in,
          "The copy at " + c.path + " (" + c.found_as + "; " + describe(c) +
              ") differs from the configured keystore (" + describe(ks) + ") and " + age +
              ". The detection server reads only " + ks.path +
              ": a certificate imported into the other copy has no effect.",
          "Compare them (ksdoctor inspect), import what is missing into the configured keystore, "
          "then remove the stray copy.");
      f.details.emplace_back("path", c.path);
      f.details.emplace_back("configured", ks.path);
      out.push_back(std::move(f));
    }
  }
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

std::vector<PropertyMatch> keystore_properties(const PropertiesFile& props) {
  std::vector<PropertyMatch> out;
  for (const Property& p : props.entries) {
    if (props.find(p.key) != &p) continue;  // Java sees only the last occurrence
    std::string lkey = lower(p.key);
    if (contains(lkey, "pass")) continue;  // password settings and password files
    std::string v = trim(p.value);
    bool key_ks = contains(lkey, "keystore");
    std::vector<std::string> comps = paths::split(v, true);
    bool names_prevent = false, names_folder = false;
    for (const std::string& c : comps) {
      names_prevent |= iequals(c, "prevent.ks");
      names_folder |= iequals(c, "keystore");
    }
    bool path_like =
        names_prevent || contains(v, "/") || contains(v, "\\") ||
        (v.size() >= 2 && std::isalpha(static_cast<unsigned char>(v[0])) && v[1] == ':');
    if (!path_like) continue;
    // A truststore setting points at some other store unless it names prevent.ks.
    if (contains(lkey, "truststore") && !names_prevent) continue;
    PropertyMatch m{p.key, p.value, p.raw, p.line, 0, ""};
    auto why = [&m](const char* reason) {
      if (!m.why.empty()) m.why += "; ";
      m.why += reason;
    };
    if (names_prevent) {
      m.score += 4;
      why("value names prevent.ks");
    }
    if (names_folder) {
      m.score += 3;
      why("value names a 'keystore' folder");
    }
    if (key_ks) {
      m.score += 2;
      why("key mentions 'keystore'");
    }
    if (m.score == 0) continue;
    out.push_back(std::move(m));
  }
  std::stable_sort(out.begin(), out.end(), [](const PropertyMatch& a, const PropertyMatch& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.line < b.line;
  });
  return out;
}

LocateResult locate_keystore(const LocateOptions& o) {
  LocateResult result;
  result.root = o.root;
  std::vector<Install> installs;
  if (o.properties_file) {
    if (auto inferred = install_from_properties(*o.properties_file, o.layouts)) {
      installs.push_back(std::move(*inferred));
    } else {
      // An install in a folder of the admin's choosing: its program folder is what holds
      // Protect/config/Protect.properties; there is no default data folder.
      Install in;
      in.layout.name = "custom";
      in.layout.windows = true;
      in.layout.wrong_places = {
          {WrongPlace::Base::kProgram, "Protect/keystore",
           "the keystore folder under the program files"},
          {WrongPlace::Base::kProgram, "Protect/config", "the configuration folder"},
          {WrongPlace::Base::kProgram, "Protect", "the Protect folder"},
      };
      in.properties_file = *o.properties_file;
      struct stat st {};
      in.properties_exists = ::stat(o.properties_file->c_str(), &st) == 0;
      std::string dir = dirname(*o.properties_file);
      std::vector<std::string> comps = paths::split(dir, false);
      if (comps.size() >= 2 && iequals(comps[comps.size() - 1], "config") &&
          iequals(comps[comps.size() - 2], "Protect")) {
        dir = dirname(dirname(dir));
      }
      in.program_dir = dir;
      in.root = o.root;
      installs.push_back(std::move(in));
    }
    result.root = installs.front().root;
  } else {
    installs = find_installs(o.root, o.layouts);
    if (installs.empty()) {
      throw LocateError("NO_INSTALL_FOUND",
                        "no DLP detection server install found under " + o.root +
                            " (looked for Program Files/Symantec/DataLossPrevention/"
                            "DetectionServer/<version>, opt/Symantec/DataLossPrevention/"
                            "DetectionServer/<version> and SymantecDLP trees); point --root at "
                            "the drive or file system that holds it, or name the file with "
                            "--properties");
    }
  }
  // --dlp-version narrows the report; every install is still searched, since the keystore an
  // upgrade lacks is often in the previous version's folders.
  std::vector<bool> selected(installs.size(), true);
  if (o.version) {
    std::string labels;
    bool any = false;
    for (std::size_t i = 0; i < installs.size(); ++i) {
      labels += (labels.empty() ? "" : ", ") + installs[i].label();
      selected[i] = iequals(installs[i].label(), *o.version);
      any |= selected[i];
    }
    if (!any) {
      throw LocateError("NO_INSTALL_FOUND", "no install of version " + *o.version + " under " +
                                                result.root + " (found: " + labels + ")");
    }
  }

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

  // The known wrong places first (so a scan cut short by its limits still covers them), then
  // everything below each install's folders.
  Scanner scanner(o, result.scan);
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
  if (o.progress) o.progress({result.scan.visited, result.scan.files, ""});

  std::vector<KeystoreFile> files;
  for (const Recorded& rec : scanner.recorded()) {
    KeystoreFile f = examine(rec.path, o);
    f.install = installs[rec.install].label();
    files.push_back(std::move(f));
  }
  // Another install's configured keystore is a copy as seen from this one.
  for (std::size_t i = 0; i < installs.size(); ++i) {
    InstallReport& r = reports[i];
    for (std::size_t j = 0; j < installs.size(); ++j) {
      if (j == i || !configured[j].exists) continue;
      if (r.keystore.exists && canonical(configured[j].path) == canonical(r.keystore.path)) {
        continue;
      }
      KeystoreFile f = configured[j];
      f.found_as.clear();
      r.found.push_back(std::move(f));
    }
    for (const KeystoreFile& f : files) r.found.push_back(f);
    for (KeystoreFile& f : r.found) label(f, r.install, installs, configured, r.keystore);
    // A keystore under another name with the same bytes as a prevent* copy is a copy too
    // ("upload.dat", "prevent (2).ks" renamed by hand).
    std::set<std::string> copies;
    for (const KeystoreFile& f : r.found) {
      if (f.role == FileRole::kCopy && !f.sha256.empty()) copies.insert(f.sha256);
    }
    for (KeystoreFile& f : r.found) {
      if (f.role == FileRole::kOther && copies.count(f.sha256)) f.role = FileRole::kCopy;
    }
    std::stable_sort(
        r.found.begin(), r.found.end(), [&](const KeystoreFile& a, const KeystoreFile& b) {
          bool as = a.install == r.install.label(), bs = b.install == r.install.label();
          if (as != bs) return as;
          return a.path < b.path;
        });
    judge(r);
    if (selected[i]) {
      result.findings.insert(result.findings.end(), r.findings.begin(), r.findings.end());
    }
  }
  if (result.scan.truncated) {
    Finding f;
    f.code = "SCAN_LIMIT_REACHED";
    f.severity = Severity::kWarning;
    f.message = "The scan stopped after " + std::to_string(result.scan.visited) +
                " directory entries (limit " + std::to_string(o.limits.max_entries) +
                "); copies in folders not reached are not listed. The known wrong places and "
                "the configured location were checked.";
    f.remedy = "Point --root or --properties at a smaller tree.";
    result.findings.push_back(std::move(f));
  }
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (selected[i]) result.installs.push_back(std::move(reports[i]));
  }
  return result;
}

}  // namespace ksdoctor
