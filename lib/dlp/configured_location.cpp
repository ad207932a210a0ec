// Where an install's keystore must be: the Protect.properties entry that names it (found
// generically or named by the caller), resolved on this machine, or the layout's default folder.
#include <cctype>
#include <optional>

#include "core/paths.hpp"
#include "core/strings.hpp"
#include "dlp/fs.hpp"
#include "dlp/install_paths.hpp"
#include "dlp/locate_steps.hpp"
#include "ksdoctor/fileio.hpp"

namespace ksdoctor {
namespace {

using paths::basename;
using paths::dirname;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool starts_with_drive(std::string_view v) {
  return v.size() >= 2 && std::isalpha(static_cast<unsigned char>(v[0])) && v[1] == ':';
}

// Values written for Windows: a drive letter or backslashes.
bool looks_windows(std::string_view v) { return starts_with_drive(v) || contains(v, "\\"); }

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
  std::string v(trim(raw_value));
  bool windows = in.layout.windows || looks_windows(v);
  std::vector<std::string> comps;
  if (v.empty()) {
    out.note = "the value is empty";
    return out;
  }
  if (windows) {
    if (v.rfind("\\\\", 0) == 0 || v.rfind("//", 0) == 0) {
      out.note =
          "'" + v +
          "' is a network (UNC) path; ksdoctor only looks below the root folder it was given";
      return out;
    }
    std::string_view rest = v;
    if (starts_with_drive(v)) {
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
    names_file |= std::string_view(last).ends_with(ext);
  }
  paths::Resolved r = paths::resolve(in.root, comps, windows);
  std::optional<fs::FileInfo> there = r.exists ? fs::file_info(r.path) : std::nullopt;
  if (there && there->kind == fs::FileKind::kDirectory) names_file = false;
  if (there && there->kind == fs::FileKind::kRegular) names_file = true;
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

std::string where(const PropertyMatch& m, const std::string& file) {
  return basename(file) + " line " + std::to_string(m.line) + " (" + m.key + ")";
}

}  // namespace

ConfiguredLocation configured_location(const Install& in, const LocateOptions& o,
                                       std::vector<Finding>& findings) {
  ConfiguredLocation loc;
  std::optional<PropertiesFile> props;
  if (!in.properties_exists) {
    findings.push_back(install_finding(
        "PROPERTIES_FILE_MISSING", Severity::kWarning, in,
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
      Finding f = install_finding(
          "PROPERTIES_MALFORMED", Severity::kError, in,
          in.properties_file + ": " + e.what() + " — Java's Properties.load refuses the whole file",
          "Correct the line: \\u must be followed by four hex digits.");
      f.details.emplace_back("path", in.properties_file);
      findings.push_back(std::move(f));
    } catch (const Error& e) {
      Finding f = install_finding("PROPERTIES_UNREADABLE", Severity::kError, in, e.what(),
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
      chosen = PropertyMatch{p->key, p->value, p->raw, p->line, 0, ""};
      loc.source = LocationSource::kNamedProperty;
    } else {
      Finding f = install_finding(
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
    loc.source = LocationSource::kFoundProperty;
  }

  if (chosen) {
    loc.property = chosen;
    ValuePath vp = resolve_value(chosen->value, in);
    if (!vp.ok) {
      loc.note = vp.note;
      Finding f =
          install_finding("KEYSTORE_LOCATION_UNRESOLVED", Severity::kError, in,
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
    if (loc.source == LocationSource::kFoundProperty) {
      for (std::size_t i = 1; i < matches.size(); ++i) {
        if (matches[i].score < 3) continue;
        ValuePath other = resolve_value(matches[i].value, in);
        if (other.ok && fs::canonical(other.path) == fs::canonical(loc.path)) continue;
        Finding f = install_finding(
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
    loc.source = LocationSource::kNone;
    loc.note = "nothing in the properties names the keystore and the layout has no default";
    findings.push_back(install_finding(
        "KEYSTORE_LOCATION_UNRESOLVED", Severity::kError, in,
        "No property in " + in.properties_file +
            " names the keystore location, and this install does not follow a known layout.",
        "Name the key with --property KEY, or point --root at the file system that holds a "
        "standard install."));
    return loc;
  }
  loc.source = LocationSource::kLayoutDefault;
  loc.resolved = true;
  loc.folder = in.default_keystore_dir;
  loc.path = paths::resolve(loc.folder, {in.layout.keystore_file}, in.layout.windows).path;
  Finding f = install_finding(
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

std::vector<PropertyMatch> keystore_properties(const PropertiesFile& props) {
  std::vector<PropertyMatch> out;
  for (const Property& p : props.entries) {
    if (props.find(p.key) != &p) continue;  // Java sees only the last occurrence
    std::string lkey = lower(p.key);
    if (contains(lkey, "pass")) continue;  // password settings and password files
    std::string v(trim(p.value));
    bool key_ks = contains(lkey, "keystore");
    std::vector<std::string> comps = paths::split(v, true);
    bool names_prevent = false, names_folder = false;
    for (const std::string& c : comps) {
      names_prevent |= iequals(c, "prevent.ks");
      names_folder |= iequals(c, "keystore");
    }
    bool path_like = names_prevent || contains(v, "/") || contains(v, "\\") || starts_with_drive(v);
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

}  // namespace ksdoctor
