// `locate`: install layouts, the configured keystore location, the scan for copies, --fix. Every
// install tree under fixtures/installs/ is checked through the library and the CLI; --fix runs on
// copies of the trees in temporary folders.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "cli_run.hpp"
#include "core/strings.hpp"
#include "dlp/install_paths.hpp"
#include "fixture_util.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/layouts.hpp"
#include "ksdoctor/locate.hpp"
#include "ksdoctor/locate_report.hpp"
#include "ksdoctor/properties.hpp"
#include "platform/platform.hpp"
#include "test_os.hpp"

namespace locate_test {
using namespace ksdoctor;
namespace fs = std::filesystem;

namespace {

const std::string kWinProgram = "Program Files/Symantec/DataLossPrevention/DetectionServer/";
const std::string kWinData = "ProgramData/Symantec/DataLossPrevention/DetectionServer/";

std::string tree(const std::string& name) { return fixture_path("installs/" + name); }

LocateResult run_locate(const std::string& root, LocateOptions o = {}) {
  o.root = root;
  return locate_keystore(o);
}

std::vector<std::string> codes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.code);
  return out;
}

bool has(const std::vector<Finding>& findings, const std::string& code) {
  auto c = codes(findings);
  return std::find(c.begin(), c.end(), code) != c.end();
}

const Finding& get(const std::vector<Finding>& findings, const std::string& code) {
  for (const Finding& f : findings) {
    if (f.code == code) return f;
  }
  FAIL("no finding " << code);
  throw std::logic_error("unreachable");
}

std::string detail(const Finding& f, const std::string& name) {
  for (const auto& [k, v] : f.details) {
    if (k == name) return v;
  }
  return "<missing " + name + ">";
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Bytes bytes_of(const std::string& path) { return read_file(path); }

const KeystoreFile* found(const InstallReport& r, const std::string& suffix) {
  for (const KeystoreFile& f : r.found) {
    if (ends_with(f.path, suffix)) return &f;
  }
  return nullptr;
}

// A copy of a fixture tree in a fresh temporary folder, removed afterwards.
struct TempTree {
  std::string dir;
  std::string root;
  explicit TempTree(const std::string& name) {
    std::random_device random;
    fs::path made = fs::temp_directory_path() / ("ksdoctor-locate-" + std::to_string(random()));
    REQUIRE(fs::create_directory(made));
    dir = made.generic_string();
    root = dir + "/" + name;
    if (!name.empty()) fs::copy(tree(name), root, fs::copy_options::recursive);
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string operator/(const std::string& rel) const { return root + "/" + rel; }
};

void set_mtime(const std::string& path, std::int64_t epoch) {
  fs::last_write_time(path, fs::file_time_type::clock::now() +
                                (std::chrono::seconds(epoch) -
                                 std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())));
}

// POSIX permission bits; Windows files have none (see kModes).
std::uint32_t mode_of(const std::string& path) {
  platform::FileStatus st = platform::file_status(path);
  REQUIRE(st.exists());
  return st.mode & 07777;
}
constexpr bool kModes = !testos::kWindows;

// --- the CLI (the same helper as test_cli.cpp: clean password environment, no TTY)

using clitest::Run;
using clitest::slurp;

Run cli(const std::string& args, const std::string& env = "") { return clitest::run(args, env); }

std::string shell_quoted(const std::string& s) { return "'" + s + "'"; }

using clitest::lines;

}  // namespace

// ------------------------------------------------------------------------------ layouts

TEST_CASE("locate: layouts table, version order and path helpers") {
  const auto& layouts = builtin_layouts();
  REQUIRE(layouts.size() >= 4);
  CHECK(layouts[0].name == "windows");
  CHECK(layouts[0].windows);
  CHECK(layouts[1].name == "linux");
  CHECK_FALSE(layouts[1].windows);
  CHECK(paths::version_less("15.8.00000", "16.0"));
  CHECK(paths::version_less("9.1", "15.0"));
  CHECK(paths::version_less("16.0", "16.1.00000"));
  CHECK(paths::version_less("16.1.00000", "25.1"));
  CHECK_FALSE(paths::version_less("25.1", "25.1"));
  CHECK(paths::split("C:\\ProgramData\\x/y", true) ==
        std::vector<std::string>{"C:", "ProgramData", "x", "y"});
  CHECK(paths::split("/a//b/./c", false) == std::vector<std::string>{"a", "b", "c"});
  CHECK(iequals("Program Files", "PROGRAM files"));
}

TEST_CASE("locate: installs are found for any version, newest first, case-insensitively") {
  auto side = find_installs(tree("windows-side-by-side"), builtin_layouts());
  REQUIRE(side.size() == 2);
  CHECK(side[0].version == "16.0");
  CHECK(side[1].version == "15.8.00000");
  CHECK(side[0].properties_exists);
  CHECK(side[0].data_dir_exists);

  auto lower = find_installs(tree("windows-lowercase"), builtin_layouts());
  REQUIRE(lower.size() == 1);
  CHECK(lower[0].layout.name == "windows");
  CHECK(ends_with(lower[0].properties_file, "protect/config/protect.properties"));
  CHECK(
      ends_with(lower[0].data_dir, "PROGRAMDATA/SYMANTEC/DATALOSSPREVENTION/DETECTIONSERVER/16.0"));
  CHECK(lower[0].data_dir_exists);

  auto legacy = find_installs(tree("linux-legacy"), builtin_layouts());
  REQUIRE(legacy.size() == 1);
  CHECK(legacy[0].layout.name == "linux-legacy");
  CHECK(legacy[0].version.empty());
  CHECK(legacy[0].label() == "linux-legacy");

  // Linux layouts match case-sensitively: the lower-case Windows tree is no Linux install.
  InstallLayout linux_only = builtin_layouts()[1];
  CHECK(find_installs(tree("windows-lowercase"), {linux_only}).empty());
}

TEST_CASE("locate: the install is inferred from a Protect.properties path") {
  std::string props =
      tree("windows-ok") + "/" + kWinProgram + "15.8.00000/Protect/config/Protect.properties";
  auto in = install_from_properties(props, builtin_layouts());
  REQUIRE(in.has_value());
  CHECK(in->version == "15.8.00000");
  CHECK(in->root == tree("windows-ok"));
  CHECK(in->data_dir_exists);
  CHECK_FALSE(install_from_properties("/etc/Protect.properties", builtin_layouts()).has_value());
}

// ------------------------------------------------------------------------------ properties

TEST_CASE("locate: keystore properties are found generically") {
  std::string text =
      "keystore.type = JKS\n"                                          // not a path
      "keystore.password.file = C:\\\\secret\\\\keystore\\\\pw.txt\n"  // a password setting
      "javax.net.ssl.trustStore = C:/jre/lib/security/cacerts\n"       // a truststore
      "log.folder = C:\\\\ProgramData\\\\logs\n"                       // nothing about keystores
      "some.dir = /var/x/keystore\n"                                   // folder named keystore
      "a.keystore.file = /var/x/keystore/prevent.ks\n"                 // the most specific
      "b.keystore.location = /srv/tls\n";                              // key only
  Bytes bytes(text.begin(), text.end());
  auto matches = keystore_properties(parse_properties(bytes));
  REQUIRE(matches.size() == 3);
  CHECK(matches[0].key == "a.keystore.file");
  CHECK(matches[0].score == 9);
  CHECK(matches[0].line == 6);
  CHECK(matches[1].key == "some.dir");
  CHECK(matches[1].why == "value names a 'keystore' folder");
  CHECK(matches[2].key == "b.keystore.location");

  // Java keeps the last occurrence of a key; only that one counts.
  std::string repeated = "x.keystore = /old/keystore\nx.keystore = /new/keystore\n";
  Bytes rb(repeated.begin(), repeated.end());
  auto r = keystore_properties(parse_properties(rb));
  REQUIRE(r.size() == 1);
  CHECK(r[0].value == "/new/keystore");
  CHECK(r[0].line == 2);
}

// ------------------------------------------------------------------------------ scenario trees

TEST_CASE("locate: windows-ok (15.8, CRLF, escaped backslashes) is sound") {
  LocateResult res = run_locate(tree("windows-ok"));
  REQUIRE(res.installs.size() == 1);
  const InstallReport& r = res.installs[0];
  CHECK(r.install.version == "15.8.00000");
  CHECK(r.configured.source == LocationSource::kFoundProperty);
  REQUIRE(r.configured.property);
  CHECK(r.configured.property->key == "smtp.keystore.folder");
  CHECK(r.configured.property->line == 5);
  CHECK(r.configured.property->value ==
        "C:\\ProgramData\\Symantec\\DataLossPrevention\\DetectionServer\\15.8.00000\\keystore");
  CHECK(r.configured.path ==
        tree("windows-ok") + "/" + kWinData + "15.8.00000/keystore/prevent.ks");
  CHECK(r.keystore.usable());
  CHECK(r.keystore.format == StoreFormat::kJks);
  CHECK(r.keystore.entries == 3);
  CHECK(r.keystore.private_keys == 1);
  CHECK(r.keystore.integrity == "not_verified");
  CHECK(r.keystore.sha256.size() == 64);
  CHECK(r.found.empty());
  CHECK(res.findings.empty());
  CHECK_FALSE(r.best);
  CHECK_FALSE(res.scan.truncated);
}

TEST_CASE("locate: windows-misplaced (16.0) finds the Program Files copy by name and by content") {
  LocateResult res = run_locate(tree("windows-misplaced"));
  REQUIRE(res.installs.size() == 1);
  const InstallReport& r = res.installs[0];
  CHECK_FALSE(r.keystore.exists);
  CHECK(has(res.findings, "KEYSTORE_MISSING_AT_CONFIGURED_PATH"));
  CHECK(detail(get(res.findings, "KEYSTORE_MISSING_AT_CONFIGURED_PATH"), "folder_exists") ==
        "false");
  CHECK(has(res.findings, "KEYSTORE_MISPLACED"));
  CHECK_FALSE(has(res.findings, "KEYSTORE_COPIES_DIFFER"));  // the two copies are identical
  CHECK(detail(get(res.findings, "KEYSTORE_MISPLACED"), "install") == "16.0");

  const KeystoreFile* ks = found(r, "16.0/Protect/keystore/prevent.ks");
  REQUIRE(ks);
  CHECK(ks->role == FileRole::kCopy);
  CHECK(ks->usable());
  CHECK(ks->found_as.find("program files") != std::string::npos);
  const KeystoreFile* renamed = found(r, "Protect/temp/upload.dat");
  REQUIRE(renamed);
  CHECK(renamed->role == FileRole::kCopy);  // not named like a keystore: found by content
  CHECK(renamed->sha256 == ks->sha256);
  const KeystoreFile* cacerts = found(r, "jre/lib/security/cacerts");
  REQUIRE(cacerts);
  CHECK(cacerts->role == FileRole::kOther);
  CHECK(cacerts->private_keys == 0);

  REQUIRE(r.best);
  CHECK(r.found[*r.best].path == ks->path);  // identical copies: the first by path
  CHECK(r.best_reason.find("identical") != std::string::npos);
  CHECK(has_errors(res.findings));
}

TEST_CASE("locate: windows-duplicated (25.1, continuation line) reports the differing copy") {
  LocateResult res = run_locate(tree("windows-duplicated"));
  REQUIRE(res.installs.size() == 1);
  const InstallReport& r = res.installs[0];
  REQUIRE(r.configured.property);
  CHECK(
      r.configured.property->value ==
      "C:\\ProgramData\\Symantec\\DataLossPrevention\\DetectionServer\\25.1\\keystore\\prevent.ks");
  CHECK(r.configured.property->raw.find('\n') != std::string::npos);
  CHECK(r.keystore.usable());
  REQUIRE(r.found.size() == 1);
  CHECK(r.found[0].same_as_configured == false);
  CHECK(codes(res.findings) == std::vector<std::string>{"KEYSTORE_COPIES_DIFFER"});
  CHECK(get(res.findings, "KEYSTORE_COPIES_DIFFER").severity == Severity::kWarning);
  CHECK_FALSE(has_errors(res.findings));  // exit 0: the configured keystore is fine
}

TEST_CASE("locate: windows-missing (16.1.00000, unicode escape) has no keystore anywhere") {
  LocateResult res = run_locate(tree("windows-missing"));
  const InstallReport& r = res.installs.at(0);
  CHECK(r.install.version == "16.1.00000");
  REQUIRE(r.configured.property);
  CHECK(ends_with(r.configured.property->value, "\\16.1.00000\\keystore"));
  CHECK(ends_with(r.configured.path, "16.1.00000/keystore/prevent.ks"));
  CHECK(codes(res.findings) == std::vector<std::string>{"KEYSTORE_MISSING_AT_CONFIGURED_PATH"});
  CHECK_FALSE(r.best);
}

TEST_CASE("locate: windows-lowercase resolves names whatever their case") {
  LocateResult res = run_locate(tree("windows-lowercase"));
  const InstallReport& r = res.installs.at(0);
  CHECK(r.install.properties_exists);
  CHECK(ends_with(r.configured.path, "/16.0/KEYSTORE/PREVENT.KS"));
  CHECK(r.keystore.usable());
  CHECK(res.findings.empty());
}

TEST_CASE("locate: windows-unescaped reports the backslashes Java drops") {
  LocateResult res = run_locate(tree("windows-unescaped"));
  const InstallReport& r = res.installs.at(0);
  CHECK(has(res.findings, "PROPERTIES_UNESCAPED_BACKSLASH"));
  CHECK(has(res.findings, "KEYSTORE_LOCATION_UNRESOLVED"));
  CHECK_FALSE(r.configured.resolved);
  CHECK(r.configured.note.find("C:ProgramDataSymantec") != std::string::npos);
  CHECK(has_errors(res.findings));
  // The keystore in the layout's default folder is still listed.
  const KeystoreFile* def = found(r, "15.8.00000/keystore/prevent.ks");
  REQUIRE(def);
  CHECK(def->found_as == "the layout's default keystore folder");
  CHECK_FALSE(plan_fix(r, 0).copy);
}

TEST_CASE("locate: windows-side-by-side reports each version; the other one's keystore is a copy") {
  LocateResult res = run_locate(tree("windows-side-by-side"));
  REQUIRE(res.installs.size() == 2);
  const InstallReport& v16 = res.installs[0];
  const InstallReport& v158 = res.installs[1];
  CHECK(v16.install.version == "16.0");
  CHECK_FALSE(v16.keystore.exists);
  REQUIRE(v16.best);
  CHECK(v16.found[*v16.best].install == "15.8.00000");
  CHECK(v158.keystore.usable());
  for (const Finding& f : res.findings) CHECK(detail(f, "install") == "16.0");
  CHECK(has(res.findings, "KEYSTORE_MISPLACED"));

  LocateOptions only;
  only.version = "15.8.00000";
  LocateResult one = run_locate(tree("windows-side-by-side"), only);
  REQUIRE(one.installs.size() == 1);
  CHECK(one.findings.empty());

  only.version = "99.9";
  CHECK_THROWS_AS(run_locate(tree("windows-side-by-side"), only), LocateError);
}

TEST_CASE("locate: windows-stale (no private key in the configured keystore)") {
  LocateResult res = run_locate(tree("windows-stale"));
  const InstallReport& r = res.installs.at(0);
  CHECK(r.keystore.readable);
  CHECK(r.keystore.private_keys == 0);
  CHECK(codes(res.findings) ==
        std::vector<std::string>{"KEYSTORE_WITHOUT_PRIVATE_KEY", "KEYSTORE_MISPLACED"});
  REQUIRE(r.best);
  CHECK(ends_with(r.found[*r.best].path, "16.0/Protect/keystore/prevent.ks"));
}

TEST_CASE("locate: windows-corrupt (truncated configured keystore)") {
  LocateResult res = run_locate(tree("windows-corrupt"));
  const InstallReport& r = res.installs.at(0);
  CHECK(r.keystore.exists);
  CHECK_FALSE(r.keystore.readable);
  CHECK(r.keystore.format == StoreFormat::kJks);  // identified by content, yet unreadable
  CHECK(r.keystore.error.find("truncated") != std::string::npos);
  CHECK(has(res.findings, "KEYSTORE_NOT_READABLE"));
  CHECK(get(res.findings, "KEYSTORE_NOT_READABLE").severity == Severity::kError);
  CHECK(has(res.findings, "KEYSTORE_MISPLACED"));
  REQUIRE(r.best);
  CHECK(r.found[*r.best].found_as == "the configuration folder");
}

TEST_CASE("locate: linux (16.0, PKCS#12, value split by a continuation line)") {
  LocateResult res = run_locate(tree("linux"));
  const InstallReport& r = res.installs.at(0);
  CHECK(r.install.layout.name == "linux");
  REQUIRE(r.configured.property);
  CHECK(r.configured.property->value ==
        "/var/Symantec/DataLossPrevention/DetectionServer/16.0/keystore/prevent.ks");
  CHECK(r.keystore.format == StoreFormat::kPkcs12);
  CHECK(r.keystore.usable());
  CHECK(res.findings.empty());

  LocateOptions with_pass;
  with_pass.storepass = Password::of("changeit");
  LocateResult verified = run_locate(tree("linux"), with_pass);
  const KeystoreFile& k = verified.installs.at(0).keystore;
  CHECK(k.integrity == "verified");
  CHECK(k.entries == 3);  // with the password Java also sees the encrypted certificate bags

  LocateOptions wrong;
  wrong.storepass = Password::of("wrong");
  LocateResult wrong_result = run_locate(tree("linux"), wrong);
  const KeystoreFile& w = wrong_result.installs.at(0).keystore;
  CHECK(w.integrity == "wrong_password");
  CHECK(w.usable());  // still identified: opened as Java does with a null password
}

TEST_CASE("locate: linux-legacy falls back to the layout's keystore folder and says so") {
  LocateResult res = run_locate(tree("linux-legacy"));
  const InstallReport& r = res.installs.at(0);
  CHECK(r.configured.source == LocationSource::kLayoutDefault);
  CHECK(ends_with(r.configured.path, "opt/SymantecDLP/Protect/keystore/prevent.ks"));
  CHECK(r.keystore.usable());
  CHECK(codes(res.findings) == std::vector<std::string>{"KEYSTORE_LOCATION_FROM_LAYOUT"});
  CHECK(res.findings[0].severity == Severity::kInfo);
}

TEST_CASE("locate: --property names the key; an unknown key is reported") {
  LocateOptions o;
  o.property_key = "log.folder";
  LocateResult res = run_locate(tree("windows-ok"), o);
  const InstallReport& r = res.installs.at(0);
  CHECK(r.configured.source == LocationSource::kNamedProperty);
  CHECK(ends_with(r.configured.folder, "15.8.00000/logs"));
  CHECK(has(res.findings, "KEYSTORE_MISSING_AT_CONFIGURED_PATH"));
  // The keystore where the generic search would have looked is now a misplaced copy.
  CHECK(has(res.findings, "KEYSTORE_MISPLACED"));

  o.property_key = "no.such.key";
  LocateResult none = run_locate(tree("windows-ok"), o);
  CHECK(has(none.findings, "PROPERTY_NOT_FOUND"));
  CHECK(none.installs.at(0).configured.source == LocationSource::kFoundProperty);
  CHECK(none.installs.at(0).keystore.usable());
}

TEST_CASE("locate: --properties FILE infers the install; no install is a LocateError") {
  LocateOptions o;
  o.properties_file =
      tree("windows-duplicated") + "/" + kWinProgram + "25.1/Protect/config/Protect.properties";
  LocateResult res = run_locate("/nonexistent", o);
  CHECK(res.root == tree("windows-duplicated"));
  REQUIRE(res.installs.size() == 1);
  CHECK(res.installs[0].keystore.usable());

  CHECK_THROWS_AS(run_locate(fixture_path("jks")), LocateError);
  try {
    run_locate(fixture_path("jks"));
  } catch (const LocateError& e) {
    CHECK(e.code() == "NO_INSTALL_FOUND");
  }
}

TEST_CASE("locate: a missing Protect.properties falls back to the layout") {
  TempTree t("windows-ok");
  fs::remove(t / (kWinProgram + "15.8.00000/Protect/config/Protect.properties"));
  LocateResult res = run_locate(t.root);
  CHECK(has(res.findings, "PROPERTIES_FILE_MISSING"));
  CHECK(has(res.findings, "KEYSTORE_LOCATION_FROM_LAYOUT"));
  CHECK(res.installs.at(0).keystore.usable());
  CHECK_FALSE(has_errors(res.findings));
}

TEST_CASE("locate: the scan is bounded and does not follow links out of the root or in loops") {
  LocateOptions small;
  small.limits.max_entries = 3;
  LocateResult cut = run_locate(tree("windows-misplaced"), small);
  CHECK(cut.scan.truncated);
  CHECK(has(cut.findings, "SCAN_LIMIT_REACHED"));
  // The known wrong places are read before the scan: the Program Files copy is still found.
  CHECK(found(cut.installs.at(0), "16.0/Protect/keystore/prevent.ks") != nullptr);

  TempTree t("windows-ok");
  TempTree outside("windows-misplaced");
  std::string program = t / (kWinProgram + "15.8.00000");
  fs::create_directory_symlink(program, program + "/loop");
  fs::create_directory_symlink(outside.root, program + "/elsewhere");
  LocateResult res = run_locate(t.root);
  CHECK_FALSE(res.scan.truncated);
  CHECK(res.installs.at(0).found.empty());  // nothing from the other tree
  CHECK(res.findings.empty());

  LocateOptions shallow;
  shallow.limits.max_depth = 1;
  LocateResult flat = run_locate(tree("windows-misplaced"), shallow);
  CHECK(found(flat.installs.at(0), "jre/lib/security/cacerts") == nullptr);
}

TEST_CASE("locate: of differing usable copies the newest is picked, and the choice is explained") {
  TempTree t("windows-misplaced");
  std::string newer = t / (kWinProgram + "16.0/Protect/config/prevent.ks");
  fs::copy_file(fixture_path("jks/server-fullchain.jks"), newer);
  set_mtime(newer, 2000000000);
  set_mtime(t / (kWinProgram + "16.0/Protect/keystore/prevent.ks"), 1900000000);
  set_mtime(t / (kWinProgram + "16.0/Protect/temp/upload.dat"), 1900000000);
  LocateResult res = run_locate(t.root);
  const InstallReport& r = res.installs.at(0);
  REQUIRE(r.best);
  CHECK(r.found[*r.best].path == newer);
  CHECK(r.best_reason.find("newest") != std::string::npos);
  CHECK(has(res.findings, "KEYSTORE_COPIES_DIFFER"));
}

// ------------------------------------------------------------------------------ --fix

TEST_CASE("locate: --fix copies the best copy, keeps the original and a backup") {
  TempTree t("windows-stale");
  std::string original = t / (kWinProgram + "16.0/Protect/keystore/prevent.ks");
  std::string target = t / (kWinData + "16.0/keystore/prevent.ks");
  testos::set_mode(original, 0644);
  Bytes original_bytes = bytes_of(original);
  Bytes old_target = bytes_of(target);

  LocateResult before = run_locate(t.root);
  FixPlan plan = plan_fix(before.installs.at(0), 1800000000);
  REQUIRE(plan.copy);
  CHECK(plan.source == original);
  CHECK(plan.target == target);
  CHECK(plan.backup == target + ".bak");
  CHECK(plan.mkdirs.empty());
  CHECK(plan.mode == 0640);
  apply_fix(plan);
  CHECK(plan.applied);

  CHECK(bytes_of(original) == original_bytes);  // copied, never moved
  CHECK(bytes_of(target) == original_bytes);
  CHECK(bytes_of(target + ".bak") == old_target);
  if (kModes) CHECK(mode_of(target) == 0640);
  if (kModes) CHECK((mode_of(target + ".bak") & 0007) == 0);
  // No temp file left behind.
  int files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(target).parent_path())) {
    (void)e;
    ++files;
  }
  CHECK(files == 2);

  LocateResult after = run_locate(t.root);
  CHECK_FALSE(has_errors(after.findings));
  CHECK(after.installs.at(0).keystore.usable());
  const KeystoreFile* bak = found(after.installs.at(0), "keystore/prevent.ks.bak");
  REQUIRE(bak);
  CHECK(bak->role == FileRole::kBackup);

  // A second backup does not overwrite the first: it is named by the time.
  fs::copy_file(fixture_path("jks/truststore.jks"), target, fs::copy_options::overwrite_existing);
  FixPlan again = plan_fix(run_locate(t.root).installs.at(0), 1800000000);
  REQUIRE(again.copy);
  CHECK(again.backup == target + ".bak-20270115T080000Z");
}

TEST_CASE("locate: --fix creates the missing keystore folder; modes never widen") {
  TempTree t("windows-misplaced");
  std::string source = t / (kWinProgram + "16.0/Protect/keystore/prevent.ks");
  testos::set_mode(source, 0666);
  testos::set_mode(t / (kWinProgram + "16.0/Protect/temp/upload.dat"), 0666);
  LocateResult before = run_locate(t.root);
  FixPlan plan = plan_fix(before.installs.at(0), 0);
  REQUIRE(plan.copy);
  REQUIRE(plan.mkdirs.size() == 1);
  CHECK(ends_with(plan.mkdirs[0], "16.0/keystore"));
  CHECK(plan.backup.empty());
  CHECK(plan.mode == 0640);
  apply_fix(plan);
  std::string target = t / (kWinData + "16.0/keystore/prevent.ks");
  CHECK(bytes_of(target) == bytes_of(source));
  CHECK(fs::exists(source));
  if (kModes) CHECK(mode_of(target) == 0640);
  CHECK(run_locate(t.root).findings.empty());  // the copies left behind are identical

  InstallReport fake = before.installs.at(0);
  fake.found[*fake.best].mode = 0600;
  CHECK(plan_fix(fake, 0).mode == 0600);
  fake.found[*fake.best].mode = 0444;
  CHECK(plan_fix(fake, 0).mode == 0640);
}

TEST_CASE("locate: --fix has nothing to do for a sound, an empty or an unresolved install") {
  CHECK_FALSE(plan_fix(run_locate(tree("windows-ok")).installs.at(0), 0).copy);
  FixPlan none = plan_fix(run_locate(tree("windows-missing")).installs.at(0), 0);
  CHECK_FALSE(none.copy);
  CHECK(none.reason.find("no readable copy") != std::string::npos);
  FixPlan dup = plan_fix(run_locate(tree("windows-duplicated")).installs.at(0), 0);
  CHECK_FALSE(dup.copy);
  CHECK(dup.reason.find("never replaces a usable keystore") != std::string::npos);
}

// ------------------------------------------------------------------------------ rendering, CLI

TEST_CASE("locate: JSON and text reports") {
  LocateResult res = run_locate(tree("windows-misplaced"));
  auto j = report::locate_json(res, nullptr, {"--property"});
  CHECK(j["installs"][0]["version"] == "16.0");
  CHECK(j["installs"][0]["configured"]["source"] == "property");
  CHECK(j["installs"][0]["configured"]["key"] == "tls.keystore.directory");
  CHECK(j["installs"][0]["keystore"]["exists"] == false);
  CHECK(j["installs"][0]["best_candidate"]["path"].get<std::string>().find("Protect/keystore") !=
        std::string::npos);
  CHECK(j["installs"][0]["found"].size() == 3);
  CHECK(j["installs"][0]["found"][0]["format"] == "JKS");
  CHECK(j["installs"][0]["found"][0]["has_private_key"] == true);
  CHECK(j["installs"][0]["found"][0]["mode"].is_string());
  CHECK_FALSE(j.contains("fix"));
  std::string text = report::locate_text(res, nullptr, {"--property"});
  CHECK(text.find("✘") != std::string::npos);
  CHECK(text.find("KEYSTORE_MISPLACED") != std::string::npos);
}

TEST_CASE("locate: CLI exit status 0 / 1 / 2") {
  Run ok = cli("locate --root " + shell_quoted(tree("windows-ok")));
  CHECK(ok.status == 0);
  CHECK(ok.out.find("✔") != std::string::npos);
  CHECK(ok.err.empty());  // no progress line without a terminal

  Run bad = cli("locate --format json --root " + shell_quoted(tree("windows-misplaced")));
  CHECK(bad.status == 1);
  auto j = nlohmann::json::parse(bad.out);
  std::vector<std::string> c;
  for (auto& f : j["findings"]) c.push_back(f["code"]);
  CHECK(c == std::vector<std::string>{"KEYSTORE_MISSING_AT_CONFIGURED_PATH", "KEYSTORE_MISPLACED"});

  Run none = cli("locate --root " + shell_quoted(fixture_path("jks")));
  CHECK(none.status == 2);
  CHECK(lines(none.err) == 1);
  CHECK(none.err.find("no DLP detection server install found") != std::string::npos);
  CHECK(none.out.empty());

  Run dup = cli("locate --root " + shell_quoted(tree("windows-duplicated")));
  CHECK(dup.status == 0);  // a warning only
  CHECK(cli("locate --root " + shell_quoted(tree("windows-side-by-side")) +
            " --dlp-version 15.8.00000")
            .status == 0);
  CHECK(cli("locate --root " + shell_quoted(tree("linux")) + " --storepass-env PW", "PW=changeit")
            .out.find("3 entries") != std::string::npos);
}

TEST_CASE("locate: CLI --dry-run writes nothing, --fix puts the keystore in place") {
  TempTree t("windows-misplaced");
  std::string target = t / (kWinData + "16.0/keystore/prevent.ks");
  Run dry = cli("locate --dry-run --format json --root " + shell_quoted(t.root));
  CHECK(dry.status == 1);
  auto j = nlohmann::json::parse(dry.out);
  CHECK(j["fix"]["dry_run"] == true);
  CHECK(j["fix"]["plans"][0]["action"] == "copy");
  CHECK(j["fix"]["plans"][0]["applied"] == false);
  CHECK_FALSE(fs::exists(fs::path(target).parent_path()));

  Run fix = cli("locate --fix --root " + shell_quoted(t.root));
  CHECK(fix.status == 0);
  CHECK(fix.out.find("Restart the detection server") != std::string::npos);
  CHECK(fix.out.find("read back and verified") != std::string::npos);
  CHECK(bytes_of(target) == bytes_of(t / (kWinProgram + "16.0/Protect/keystore/prevent.ks")));

  Run again = cli("locate --fix --format json --root " + shell_quoted(t.root));
  CHECK(again.status == 0);
  auto k = nlohmann::json::parse(again.out);
  CHECK(k["fix"]["plans"][0]["action"] == "none");
  CHECK(k["fix"]["restart_reminder"].is_null());
}

TEST_CASE("locate: CLI --fix refuses to choose between installs") {
  TempTree t("windows-side-by-side");
  // Both versions lose their keystore; a copy sits in 15.8's Program Files.
  std::string moved = t / (kWinProgram + "15.8.00000/Protect/keystore/prevent.ks");
  fs::create_directories(fs::path(moved).parent_path());
  fs::rename(t / (kWinData + "15.8.00000/keystore/prevent.ks"), moved);
  Run r = cli("locate --fix --root " + shell_quoted(t.root));
  CHECK(r.status == 2);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("--dlp-version") != std::string::npos);
  CHECK_FALSE(fs::exists(t / (kWinData + "15.8.00000/keystore/prevent.ks")));
  Run one = cli("locate --fix --dlp-version 16.0 --root " + shell_quoted(t.root));
  CHECK(one.status == 0);
  CHECK(fs::exists(t / (kWinData + "16.0/keystore/prevent.ks")));
}

TEST_CASE("locate: a Protect.properties outside the known layouts is a custom install") {
  TempTree t("");
  std::string protect = t.dir + "/DLP/Protect";
  fs::create_directories(protect + "/config");
  fs::create_directories(protect + "/keystore");
  fs::copy_file(fixture_path("demo/prevent.ks"), protect + "/keystore/prevent.ks");
  std::ofstream(protect + "/config/Protect.properties") << "tls.keystore.directory = "
                                                        << "C:\\\\DLPData\\\\keystore\r\n";
  LocateOptions o;
  o.root = t.dir;
  o.properties_file = protect + "/config/Protect.properties";
  LocateResult res = locate_keystore(o);
  const InstallReport& r = res.installs.at(0);
  CHECK(r.install.layout.name == "custom");
  CHECK(r.install.program_dir == t.dir + "/DLP");
  CHECK(r.configured.path == t.dir + "/DLPData/keystore/prevent.ks");
  CHECK(has(res.findings, "KEYSTORE_MISPLACED"));
  REQUIRE(r.best);
  CHECK(r.found[*r.best].found_as == "the keystore folder under the program files");

  // Nothing names the location and a custom install has no default.
  std::ofstream(protect + "/config/Protect.properties") << "log.level = INFO\n";
  LocateResult none = locate_keystore(o);
  CHECK(none.installs.at(0).configured.source == LocationSource::kNone);
  CHECK(has(none.findings, "KEYSTORE_LOCATION_UNRESOLVED"));
}

TEST_CASE("locate: another property naming a different keystore folder is flagged") {
  TempTree t("windows-ok");
  std::ofstream(t / (kWinProgram + "15.8.00000/Protect/config/Protect.properties"), std::ios::app)
      << "backup.dir = D:\\\\old\\\\keystore\r\n";
  LocateResult res = run_locate(t.root);
  CHECK(res.installs.at(0).configured.property->key == "smtp.keystore.folder");
  REQUIRE(has(res.findings, "KEYSTORE_LOCATION_AMBIGUOUS"));
  CHECK(detail(get(res.findings, "KEYSTORE_LOCATION_AMBIGUOUS"), "key") == "backup.dir");
  CHECK(get(res.findings, "KEYSTORE_LOCATION_AMBIGUOUS").severity == Severity::kWarning);
}

}  // namespace locate_test
