// What the keystore files found mean for one install: which are copies or backups, what is wrong
// with the configured keystore, and which copy belongs in its place.
#include <algorithm>
#include <set>

#include "core/paths.hpp"
#include "core/strings.hpp"
#include "dlp/fs.hpp"
#include "dlp/install_paths.hpp"
#include "dlp/locate_steps.hpp"
#include "ksdoctor/formats.hpp"

namespace ksdoctor {
namespace {

using paths::basename;
using paths::dirname;

bool backup_name(std::string_view lname) {
  auto contains = [lname](std::string_view s) { return lname.find(s) != std::string_view::npos; };
  return contains(".bak") || lname.ends_with(".old") || lname.ends_with(".orig") ||
         lname.ends_with("~") || contains(".backup");
}

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
  std::string dir = fs::canonical(dirname(f.path));
  for (const WrongPlace& w : in.layout.wrong_places) {
    const std::string& base = w.base == WrongPlace::Base::kProgram ? in.program_dir : in.data_dir;
    std::string place = paths::resolve(base, paths::split(w.dir, false), in.layout.windows).path;
    if (fs::canonical(place) == dir) {
      f.found_as = w.why;
      break;
    }
  }
  if (f.found_as.empty() && fs::canonical(in.default_keystore_dir) == dir) {
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

}  // namespace

Finding install_finding(const std::string& code, Severity sev, const Install& in,
                        std::string message, std::string remedy) {
  Finding f;
  f.code = code;
  f.severity = sev;
  f.message = std::move(message);
  f.remedy = std::move(remedy);
  f.details.emplace_back("install", in.label());
  return f;
}

void label_found_files(InstallReport& r, const std::vector<Install>& all,
                       const std::vector<KeystoreFile>& configured) {
  for (KeystoreFile& f : r.found) label(f, r.install, all, configured, r.keystore);
  // A keystore under another name with the same bytes as a prevent* copy is a copy too
  // ("upload.dat", "prevent (2).ks" renamed by hand).
  std::set<std::string> copies;
  for (const KeystoreFile& f : r.found) {
    if (f.role == FileRole::kCopy && !f.sha256.empty()) copies.insert(f.sha256);
  }
  for (KeystoreFile& f : r.found) {
    if (f.role == FileRole::kOther && copies.count(f.sha256)) f.role = FileRole::kCopy;
  }
  std::stable_sort(r.found.begin(), r.found.end(),
                   [&](const KeystoreFile& a, const KeystoreFile& b) {
                     bool as = a.install == r.install.label(), bs = b.install == r.install.label();
                     if (as != bs) return as;
                     return a.path < b.path;
                   });
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
    Finding f = install_finding(
        "KEYSTORE_MISSING_AT_CONFIGURED_PATH", Severity::kError, in,
        "There is no keystore at " + ks.path +
            ", where the detection server reads it: Java has no certificate to present, so "
            "STARTTLS fails (NO_TLS, 'java.io.IOException: java.lang.NullPointerException' or "
            "'General SSLEngine problem' in the SMTP logs).",
        usable.empty() ? "Create or import prevent.ks into " + r.configured.folder + "." + restart
                       : "Copy the keystore found at " + r.found[usable[0]].path +
                             " there (ksdoctor locate --fix)." + restart);
    f.details.emplace_back("path", ks.path);
    f.details.emplace_back("folder_exists",
                           fs::is_directory(r.configured.folder) ? "true" : "false");
    out.push_back(std::move(f));
  } else if (!ks.readable) {
    Finding f = install_finding(
        "KEYSTORE_NOT_READABLE", Severity::kError, in,
        "The keystore at the configured path " + ks.path +
            " cannot be read as Java would: " + ks.error,
        usable.empty() ? "Restore prevent.ks from a backup or re-create it." + restart
                       : "Replace it with the usable copy at " + r.found[usable[0]].path +
                             " (ksdoctor locate --fix keeps a backup)." + restart);
    f.details.emplace_back("path", ks.path);
    out.push_back(std::move(f));
  } else if (ks.private_keys == 0) {
    Finding f = install_finding(
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
    Finding f =
        install_finding("KEYSTORE_MISPLACED", Severity::kError, in,
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
      Finding d = install_finding(
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
      Finding f =
          install_finding("KEYSTORE_NOT_READABLE", Severity::kWarning, in,
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
      Finding f = install_finding(
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

}  // namespace ksdoctor
