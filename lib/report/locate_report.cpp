#include "ksdoctor/locate_report.hpp"

#include <cstdio>

#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"
#include "report/words.hpp"

namespace ksdoctor::report {
namespace {

using words::plural;

using Json = nlohmann::ordered_json;

std::string octal(std::uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Json or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json file_json(const KeystoreFile& f) {
  Json j;
  j["path"] = f.path;
  j["role"] = file_role_name(f.role);
  j["found_as"] = f.found_as;
  j["install"] = or_null(f.install);
  j["exists"] = f.exists;
  bool stat_known = f.exists && (f.regular || f.mode != 0);
  j["size"] = stat_known ? Json(f.size) : Json(nullptr);
  j["modified"] = stat_known ? Json(format_rfc3339(f.mtime)) : Json(nullptr);
  j["mode"] = stat_known ? Json(octal(f.mode)) : Json(nullptr);
  j["format"] = f.format ? Json(format_name(*f.format)) : Json(nullptr);
  j["readable"] = f.readable;
  j["error"] = or_null(f.error);
  j["integrity"] = or_null(f.integrity);
  if (f.readable) {
    j["entries"] = f.entries;
    j["private_keys"] = f.private_keys;
    j["trusted_certs"] = f.trusted_certs;
    j["secret_keys"] = f.secret_keys;
  } else {
    j["entries"] = j["private_keys"] = j["trusted_certs"] = j["secret_keys"] = nullptr;
  }
  j["has_private_key"] = f.private_keys > 0;
  j["sha256"] = or_null(f.sha256);
  j["same_as_configured"] = f.same_as_configured ? Json(*f.same_as_configured) : Json(nullptr);
  return j;
}

std::string source_name(LocationSource source, const LocateNaming& naming) {
  switch (source) {
    case LocationSource::kFoundProperty:
      return "property";
    case LocationSource::kNamedProperty:
      return naming.property_key;
    case LocationSource::kLayoutDefault:
      return "layout";
    case LocationSource::kNone:
      return "none";
  }
  return "none";
}

// Why the location's property was taken.
std::string property_why(const ConfiguredLocation& c, const LocateNaming& naming) {
  if (c.source == LocationSource::kNamedProperty) return "named with " + naming.property_key;
  return c.property ? c.property->why : "";
}

Json configured_json(const ConfiguredLocation& c, const LocateNaming& naming) {
  Json j;
  j["source"] = source_name(c.source, naming);
  if (c.property) {
    j["key"] = c.property->key;
    j["line"] = c.property->line;
    j["value"] = c.property->value;
    j["raw"] = c.property->raw;
    j["why"] = property_why(c, naming);
  } else {
    j["key"] = j["line"] = j["value"] = j["raw"] = j["why"] = nullptr;
  }
  j["resolved"] = c.resolved;
  j["folder"] = or_null(c.folder);
  j["path"] = or_null(c.path);
  j["note"] = or_null(c.note);
  return j;
}

Json plan_json(const FixPlan& p) {
  Json j;
  j["install"] = p.install;
  j["action"] = p.copy ? "copy" : "none";
  j["reason"] = p.reason;
  j["source"] = or_null(p.source);
  j["target"] = or_null(p.target);
  j["backup"] = or_null(p.backup);
  j["mkdirs"] = p.mkdirs;
  j["mode"] = p.copy ? Json(octal(p.mode)) : Json(nullptr);
  j["applied"] = p.applied;
  return j;
}

bool any_copy(const FixRun& fix) {
  for (const FixPlan& p : fix.plans) {
    if (p.copy) return true;
  }
  return false;
}

std::string facts(const KeystoreFile& f) {
  if (!f.exists) return "nothing there";
  std::string s;
  if (f.readable) {
    s = std::string(format_name(*f.format)) + ", " +
        plural(static_cast<std::size_t>(f.entries), "entry", "entries") + " (" +
        plural(static_cast<std::size_t>(f.private_keys), "private key", "private keys");
    if (f.trusted_certs > 0) {
      s += ", " + plural(static_cast<std::size_t>(f.trusted_certs), "trusted certificate",
                         "trusted certificates");
    }
    if (f.secret_keys > 0) {
      s += ", " + plural(static_cast<std::size_t>(f.secret_keys), "secret key", "secret keys");
    }
    s += ")";
    if (f.integrity == "wrong_password") s += ", the password given does not open it";
    if (f.integrity == "not_verified") s += ", integrity not verified (no password)";
  } else {
    s = "NOT READABLE: " + f.error;
  }
  if (f.regular) {
    s += "; " + std::to_string(f.size) + " bytes, modified " + format_rfc3339(f.mtime) + ", mode " +
         octal(f.mode);
  }
  return s;
}

// Continuation lines of a property, lined up under the first.
std::string indented(const std::string& text, std::size_t indent) {
  std::string out;
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') out.append(indent, ' ');
  }
  return out;
}

const char* mark(const KeystoreFile& f, const Marks& marks) {
  if (f.role == FileRole::kOther || f.role == FileRole::kBackup) return marks.other;
  return f.usable() ? marks.ok : marks.bad;
}

void install_text(std::string& out, const InstallReport& r, const LocateNaming& naming,
                  const Marks& marks) {
  const Install& in = r.install;
  out += "DLP detection server " +
         (in.version.empty() ? "(" + in.layout.name + " layout, no version folder)"
                             : in.version + " (" + in.layout.name + " layout)") +
         "\n";
  out += "  program folder  " + in.program_dir + "\n";
  if (!in.data_dir.empty()) {
    out += "  data folder     " + in.data_dir + (in.data_dir_exists ? "" : "  (missing)") + "\n";
  }
  out += "  properties      " + in.properties_file + (in.properties_exists ? "" : "  (missing)") +
         "\n";
  const ConfiguredLocation& c = r.configured;
  out += "  location        ";
  if (c.resolved) {
    out += c.folder + "\n                  ";
  }
  if (c.property) {
    const PropertyMatch& p = *c.property;
    out += (c.resolved ? "" : "NOT RESOLVED: ");
    out += "from line " + std::to_string(p.line) + ": " + indented(p.raw, 18);
    out += "\n                  ";
    out += c.source == LocationSource::kNamedProperty
               ? "(the key named with " + naming.property_key + ")"
               : "(" + p.why + ")";
    if (!c.resolved) out += "\n                  " + c.note;
  } else if (c.source == LocationSource::kLayoutDefault) {
    out += "the layout's default: nothing in Protect.properties names the location";
  } else {
    out += "NOT KNOWN: " + c.note;
  }
  out += "\n";
  if (c.resolved) {
    out +=
        "  keystore        " + std::string(mark(r.keystore, marks)) + " " + r.keystore.path + "\n";
    out += "                    " + facts(r.keystore) + "\n";
  }
  if (!r.found.empty()) {
    out += "\n  Other keystore files (" + std::to_string(r.found.size()) + "):\n";
    for (const KeystoreFile& f : r.found) {
      std::string role = file_role_name(f.role);
      role.resize(7, ' ');
      out += "    " + std::string(mark(f, marks)) + " " + role + " " + f.path + "\n";
      std::string where = f.found_as;
      if (!f.install.empty() && f.install != in.label()) {
        where += " (in the " + f.install + " install)";
      }
      out += "              " + where + "\n";
      out += "              " + facts(f);
      if (f.same_as_configured) {
        out += *f.same_as_configured ? "; identical to the configured keystore"
                                     : "; differs from the configured keystore";
      }
      out += "\n";
    }
  }
  if (r.best) {
    out += "\n  Best copy to put in place: " + r.found[*r.best].path + "\n";
    out += "                             " + r.best_reason + "\n";
  }
}

}  // namespace

Json locate_json(const LocateResult& result, const FixRun* fix, const LocateNaming& naming) {
  Json j;
  j["root"] = result.root;
  Json installs = Json::array();
  for (const InstallReport& r : result.installs) {
    const Install& in = r.install;
    Json ji;
    ji["layout"] = in.layout.name;
    ji["version"] = in.version;
    ji["program_dir"] = in.program_dir;
    ji["data_dir"] = or_null(in.data_dir);
    ji["data_dir_exists"] = in.data_dir_exists;
    ji["properties_file"] = in.properties_file;
    ji["properties_exists"] = in.properties_exists;
    ji["configured"] = configured_json(r.configured, naming);
    ji["keystore"] = file_json(r.keystore);
    Json found = Json::array();
    for (const KeystoreFile& f : r.found) found.push_back(file_json(f));
    ji["found"] = found;
    ji["checked"] = r.checked;
    if (r.best) {
      ji["best_candidate"] = {{"path", r.found[*r.best].path}, {"reason", r.best_reason}};
    } else {
      ji["best_candidate"] = nullptr;
    }
    installs.push_back(std::move(ji));
  }
  j["installs"] = installs;
  j["scan"] = {{"entries_visited", result.scan.visited},
               {"directories", result.scan.directories},
               {"files", result.scan.files},
               {"truncated", result.scan.truncated}};
  if (fix) {
    Json plans = Json::array();
    for (const FixPlan& p : fix->plans) plans.push_back(plan_json(p));
    j["fix"] = {{"dry_run", fix->dry_run},
                {"plans", plans},
                {"restart_reminder", any_copy(*fix) ? Json(restart_reminder()) : Json(nullptr)}};
  }
  Json findings = Json::array();
  for (const Finding& f : result.findings) findings.push_back(finding_json(f));
  j["findings"] = findings;
  return j;
}

std::string locate_text(const LocateResult& result, const FixRun* fix, const LocateNaming& naming,
                        const Marks& marks) {
  std::string out;
  for (std::size_t i = 0; i < result.installs.size(); ++i) {
    if (i > 0) out += "\n";
    install_text(out, result.installs[i], naming, marks);
  }
  out += "\nScanned " + plural(result.scan.visited, "directory entry", "directory entries") +
         " in " + plural(result.scan.directories, "folder", "folders") +
         (result.scan.truncated ? " (stopped at the limit)" : "") + ".\n";
  if (fix) {
    out += fix->dry_run ? "\nFix plan (dry run: nothing written):\n" : "\nFix:\n";
    for (const FixPlan& p : fix->plans) {
      out += "  " + p.install + ": ";
      if (!p.copy) {
        out += "nothing to do: " + p.reason + "\n";
        continue;
      }
      out += p.reason + "\n";
      std::string verb = fix->dry_run ? "would " : "";
      for (const std::string& d : p.mkdirs) {
        out += "    " + (fix->dry_run ? verb + "create" : std::string("created")) + " folder " + d +
               "\n";
      }
      if (!p.backup.empty()) {
        out += "    " + (fix->dry_run ? verb + "back up" : std::string("backed up")) + " " +
               p.target + " to " + p.backup + "\n";
      }
      out += "    " + (fix->dry_run ? verb + "copy" : std::string("copied")) + " " + p.source +
             " to " + p.target + " (mode " + octal(p.mode) + ")" +
             (p.applied ? ", read back and verified" : "") + "\n";
    }
    if (any_copy(*fix)) out += "  " + restart_reminder() + "\n";
  }
  out += "\n" + findings_text(result.findings);
  return out;
}

}  // namespace ksdoctor::report
