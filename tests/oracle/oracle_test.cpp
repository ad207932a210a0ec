// The Java oracle: for every fixture in fixtures/manifest.tsv, what a real JVM lists
// (tests/java/ListKeystore.java) must be what `ksdoctor inspect --format json` lists: aliases in
// Java's order, kind, creation date, certificate chain (SHA-256 of each DER); with the store
// password and with Java's null password; trust anchors; and a wrong password per format.
//
// The JVM runs twice in all (once listing every store, once for the trust anchors); ksdoctor runs
// once per fixture and password mode.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "subprocess.hpp"

using ksdoctor::testing::ProcessOptions;
using ksdoctor::testing::ProcessResult;
using ksdoctor::testing::run_process;
using ksdoctor::testing::split_lines;
using nlohmann::json;

namespace {

const std::string kSourceDir = KSDOCTOR_SOURCE_DIR;
const std::string kCli = KSDOCTOR_CLI;
const std::string kJava = KSDOCTOR_JAVA;
const std::string kOracleClasses = KSDOCTOR_ORACLE_CLASSES;
const std::string kAt = "2030-01-01";
const std::string kWrongPassword = "wrong-password";
constexpr int kJavaTimeoutMs = 180000;
constexpr int kCliTimeoutMs = 60000;

struct Fixture {
  std::string path;  // relative to fixtures/
  std::string type;  // JKS | JCEKS | PKCS12
  std::string storepass;
  std::optional<std::string> keypass;  // nullopt: the store has no key entries ("-")
  std::string notes;

  std::string abs() const { return path[0] == '/' ? path : kSourceDir + "/fixtures/" + path; }
};

std::string unquote_password(const std::string& field) { return field == "''" ? "" : field; }

const std::vector<Fixture>& fixtures() {
  static const std::vector<Fixture> all = [] {
    std::vector<Fixture> out;
    // KSDOCTOR_ORACLE_MANIFEST names another manifest (the randomized stores; absolute paths).
    const char* other = std::getenv("KSDOCTOR_ORACLE_MANIFEST");
    std::string manifest = other ? other : kSourceDir + "/fixtures/manifest.tsv";
    std::ifstream in(manifest);
    if (!in) throw std::runtime_error("cannot read " + manifest);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cols;
      std::size_t start = 0;
      for (;;) {
        std::size_t tab = line.find('\t', start);
        cols.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos) break;
        start = tab + 1;
      }
      if (cols.size() < 4) throw std::runtime_error("manifest line with < 4 columns: " + line);
      Fixture f;
      f.path = cols[0];
      f.type = cols[1];
      f.storepass = unquote_password(cols[2]);
      if (cols[3] != "-") f.keypass = unquote_password(cols[3]);
      if (cols.size() > 4) f.notes = cols[4];
      out.push_back(std::move(f));
    }
    if (out.empty()) throw std::runtime_error("fixtures/manifest.tsv lists no keystore");
    return out;
  }();
  return all;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Wall-clock span of the JVM runs. Java's PKCS12KeyStore gives an entry without a "Time <ms>"
// localKeyID the load time (new Date()) as its creation date; ksdoctor reports null for it, so a
// Java date inside this span means "no stored date".
std::int64_t java_window_start = 0;
std::int64_t java_window_end = 0;

// The password argument of ListKeystore: "-" = null, "''" = empty.
std::string java_password_arg(const std::optional<std::string>& password) {
  if (!password) return "-";
  if (password->empty()) return "''";
  return *password;
}

// Runs ListKeystore once over (file, password) pairs; returns one parsed JSON object per pair.
std::vector<json> run_oracle(
    bool anchors, const std::vector<std::pair<std::string, std::optional<std::string>>>& stores) {
  std::vector<std::string> argv = {kJava, "-cp", kOracleClasses, "ListKeystore"};
  if (anchors) argv.push_back("--anchors");
  for (const auto& [file, password] : stores) {
    argv.push_back(file);
    argv.push_back(java_password_arg(password));
  }
  ProcessOptions options;
  options.timeout_ms = kJavaTimeoutMs;
  // A JVM under the sanitizer runtime's environment is fine, but keep its output clean.
  options.unset_env = {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"};
  std::int64_t started = now_ms();
  ProcessResult r = run_process(argv, options);
  std::int64_t ended = now_ms();
  if (!r.exited() || r.exit_code != 0) {
    throw std::runtime_error("ListKeystore " + r.describe() + "; stderr: " + r.err);
  }
  if (java_window_start == 0 || started < java_window_start) java_window_start = started;
  if (ended > java_window_end) java_window_end = ended;
  std::vector<json> out;
  for (const std::string& line : split_lines(r.out)) {
    if (line.empty()) continue;
    out.push_back(json::parse(line));
  }
  if (out.size() != stores.size()) {
    throw std::runtime_error("ListKeystore printed " + std::to_string(out.size()) + " lines for " +
                             std::to_string(stores.size()) + " stores");
  }
  return out;
}

// Fixed order of the pairs in the listing run: every fixture with its store password, then every
// fixture with a null password, then the wrong-password cases.
struct WrongPasswordCase {
  const Fixture* fixture;
  std::string password;
};

std::vector<WrongPasswordCase> wrong_password_cases() {
  std::vector<WrongPasswordCase> cases;
  std::set<std::string> types;
  for (const Fixture& f : fixtures()) {
    if (types.insert(f.type).second) cases.push_back({&f, kWrongPassword});
  }
  // The empty password is a password (checked with an empty prefix), not Java's null.
  for (const Fixture& f : fixtures()) {
    if (f.storepass.empty() && (f.type == "JKS" || f.type == "JCEKS")) {
      cases.push_back({&f, "changeit"});
      break;
    }
  }
  for (const Fixture& f : fixtures()) {
    if (!f.storepass.empty() && (f.type == "JKS" || f.type == "JCEKS")) {
      cases.push_back({&f, ""});
      break;
    }
  }
  return cases;
}

struct OracleData {
  std::vector<json> with_password;  // parallel to fixtures()
  std::vector<json> with_null;      // parallel to fixtures()
  std::vector<json> wrong;          // parallel to wrong_password_cases()
  std::vector<json> anchors_with_password;
  std::vector<json> anchors_with_null;
};

const OracleData& oracle() {
  static const OracleData data = [] {
    const auto& fx = fixtures();
    const auto wrong = wrong_password_cases();
    std::vector<std::pair<std::string, std::optional<std::string>>> stores;
    for (const Fixture& f : fx) stores.emplace_back(f.abs(), f.storepass);
    for (const Fixture& f : fx) stores.emplace_back(f.abs(), std::nullopt);
    std::vector<std::pair<std::string, std::optional<std::string>>> listing = stores;
    for (const auto& w : wrong) listing.emplace_back(w.fixture->abs(), w.password);
    std::vector<json> lines = run_oracle(false, listing);
    std::vector<json> anchor_lines = run_oracle(true, stores);
    OracleData d;
    std::size_t n = fx.size();
    d.with_password.assign(lines.begin(), lines.begin() + n);
    d.with_null.assign(lines.begin() + n, lines.begin() + 2 * n);
    d.wrong.assign(lines.begin() + 2 * n, lines.end());
    d.anchors_with_password.assign(anchor_lines.begin(), anchor_lines.begin() + n);
    d.anchors_with_null.assign(anchor_lines.begin() + n, anchor_lines.end());
    return d;
  }();
  return data;
}

struct CliRun {
  ProcessResult process;
  std::optional<json> report;  // parsed stdout when the run exited 0 or 1
  std::string parse_error;
};

// `ksdoctor inspect FILE --format json --at 2030-01-01`, the password (when given) through an
// environment variable; never KSDOCTOR_STOREPASS, stdin from /dev/null.
CliRun run_cli(const Fixture& f, const std::optional<std::string>& storepass,
               const std::optional<std::string>& keypass) {
  std::vector<std::string> argv = {kCli, "inspect", f.abs(), "--format", "json", "--at", kAt};
  ProcessOptions options;
  options.timeout_ms = kCliTimeoutMs;
  options.unset_env = {"KSDOCTOR_STOREPASS", "KSDOCTOR_TEST_STOREPASS", "KSDOCTOR_TEST_KEYPASS"};
  if (storepass) {
    options.set_env.push_back("KSDOCTOR_TEST_STOREPASS=" + *storepass);
    argv.insert(argv.end(), {"--storepass-env", "KSDOCTOR_TEST_STOREPASS"});
  }
  if (keypass) {
    options.set_env.push_back("KSDOCTOR_TEST_KEYPASS=" + *keypass);
    argv.insert(argv.end(), {"--keypass-env", "KSDOCTOR_TEST_KEYPASS"});
  }
  CliRun run;
  run.process = run_process(argv, options);
  if (run.process.exited() && run.process.exit_code <= 1) {
    try {
      run.report = json::parse(run.process.out);
    } catch (const std::exception& e) {
      run.parse_error = e.what();
    }
  }
  return run;
}

std::optional<std::string> keypass_option(const Fixture& f) {
  if (f.keypass && *f.keypass != f.storepass) return f.keypass;
  return std::nullopt;
}

// One ksdoctor run per fixture and mode (0: store password, 1: null password), shared by the tests.
const CliRun& cli_run(std::size_t index, int mode) {
  static std::map<std::pair<std::size_t, int>, CliRun> cache;
  auto key = std::make_pair(index, mode);
  auto it = cache.find(key);
  if (it == cache.end()) {
    const Fixture& f = fixtures()[index];
    it = cache
             .emplace(key, mode == 0 ? run_cli(f, f.storepass, keypass_option(f))
                                     : run_cli(f, std::nullopt, std::nullopt))
             .first;
  }
  return it->second;
}

// For messages: a string as an ASCII JSON literal ("nul\u0000byte").
std::string show(const std::string& s) {
  return json(s).dump(-1, ' ', true, json::error_handler_t::replace);
}

// Java's epoch milliseconds as ksdoctor writes them: RFC 3339 UTC with milliseconds.
std::string rfc3339_ms(std::int64_t ms) {
  // Floor division without overflow, even for INT64_MIN.
  std::int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
  int millis = static_cast<int>(ms % 1000 < 0 ? ms % 1000 + 1000 : ms % 1000);
  std::int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  std::int64_t sod = secs - days * 86400;
  // civil_from_days (H. Hinnant)
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03dZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                static_cast<long long>(sod % 60), millis);
  return buf;
}

bool has_finding(const json& report, const std::string& code,
                 const std::optional<std::string>& alias = std::nullopt) {
  if (!report.contains("findings") || !report["findings"].is_array()) return false;
  for (const json& f : report["findings"]) {
    if (f.value("code", "") != code) continue;
    if (!alias) return true;
    if (f.contains("alias") && f["alias"].is_string() && f["alias"].get<std::string>() == *alias) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> chain_hashes(const json& chain, bool java) {
  std::vector<std::string> out;
  if (!chain.is_array()) return out;
  for (const json& c : chain) {
    if (java) {
      out.push_back(c.get<std::string>());
    } else {
      out.push_back(c.contains("sha256") && c["sha256"].is_string() ? c["sha256"].get<std::string>()
                                                                    : std::string("<no sha256>"));
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, bool quote) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += quote ? show(items[i]) : items[i].substr(0, 16);
  }
  return out + "]";
}

// Compares one Java listing with one ksdoctor report; every disagreement becomes a message naming
// the fixture, the password mode, the entry and the field.
std::vector<std::string> compare_listing(const std::string& where, const json& java,
                                         const CliRun& run) {
  std::vector<std::string> errors;
  auto fail = [&](const std::string& what) { errors.push_back(where + ": " + what); };
  if (!java.value("ok", false)) {
    fail("Java could not open the store: " + java.value("error", std::string("?")));
    return errors;
  }
  if (!run.process.exited() || run.process.exit_code > 1) {
    fail("ksdoctor " + run.process.describe() +
         " (expected exit 0 or 1); stderr: " + run.process.err);
    return errors;
  }
  if (!run.report) {
    fail("ksdoctor stdout is not JSON: " + run.parse_error);
    return errors;
  }
  const json& ks = *run.report;
  if (ks.value("format", "") != java.value("type", "")) {
    fail("format: Java " + java.value("type", "") + ", ksdoctor " + ks.value("format", ""));
  }
  const json& jentries = java["entries"];
  const json& kentries = ks.contains("entries") ? ks["entries"] : json::array();
  std::vector<std::string> jaliases, kaliases;
  for (const json& e : jentries) jaliases.push_back(e["alias"].get<std::string>());
  for (const json& e : kentries) kaliases.push_back(e.value("alias", std::string("<none>")));
  if (jaliases != kaliases) {
    fail("aliases (in aliases() order): Java " + join(jaliases, true) + ", ksdoctor " +
         join(kaliases, true));
    return errors;
  }
  for (std::size_t i = 0; i < jentries.size(); ++i) {
    const json& je = jentries[i];
    const json& ke = kentries[i];
    const std::string alias = jaliases[i];
    const std::string entry = "entry " + std::to_string(i) + " " + show(alias) + ": ";
    bool java_lookupable = je["lookupable"].get<bool>();
    bool ks_lookupable = ke.value("lookupable", true);
    if (java_lookupable != ks_lookupable) {
      fail(entry + "lookupable: Java " + (java_lookupable ? "true" : "false") + ", ksdoctor " +
           (ks_lookupable ? "true" : "false"));
    }
    bool finding = has_finding(ks, "ALIAS_NOT_LOOKUPABLE", alias);
    if (!java_lookupable) {
      if (!finding) fail(entry + "Java cannot look it up but ksdoctor has no ALIAS_NOT_LOOKUPABLE");
      continue;  // Java knows no kind, date or chain for it
    }
    if (finding) fail(entry + "ALIAS_NOT_LOOKUPABLE reported for an alias Java looks up");
    std::string jkind = je["kind"].get<std::string>();
    std::string kkind = ke.value("kind", std::string("<none>"));
    if (jkind != kkind) fail(entry + "kind: Java " + jkind + ", ksdoctor " + kkind);
    std::string jcreated =
        je["created"].is_null() ? "null" : rfc3339_ms(je["created"].get<std::int64_t>());
    std::string kcreated = !ke.contains("created")   ? "<missing>"
                           : ke["created"].is_null() ? "null"
                                                     : ke["created"].get<std::string>();
    bool load_time = !je["created"].is_null() &&
                     je["created"].get<std::int64_t>() >= java_window_start - 1000 &&
                     je["created"].get<std::int64_t>() <= java_window_end + 1000;
    if (load_time && kcreated == "null") {
      // Java made the date up at load time; ksdoctor says there is none. Agreed.
    } else if (jcreated != kcreated) {
      fail(entry + "created: Java " + jcreated +
           (je["created"].is_null() ? "" : " (" + je["created"].dump() + " ms)") +
           (load_time ? " = the JVM's load time (no stored date; ksdoctor should say null)" : "") +
           ", ksdoctor " + kcreated);
    }
    auto jchain = chain_hashes(je["chain"], true);
    auto kchain = chain_hashes(ke.contains("chain") ? ke["chain"] : json::array(), false);
    if (jchain != kchain) {
      fail(entry + "chain sha256: Java " + join(jchain, false) + ", ksdoctor " +
           join(kchain, false));
    }
  }
  // Every ALIAS_NOT_LOOKUPABLE names an alias Java lists as not lookupable.
  for (const json& f : ks.value("findings", json::array())) {
    if (f.value("code", "") != "ALIAS_NOT_LOOKUPABLE") continue;
    std::string alias = f.value("alias", std::string());
    bool ok = false;
    for (const json& je : jentries) {
      if (je["alias"].get<std::string>() == alias && !je["lookupable"].get<bool>()) ok = true;
    }
    if (!ok) fail("ALIAS_NOT_LOOKUPABLE for " + show(alias) + ", which Java lists as lookupable");
  }
  return errors;
}

void report_errors(const std::vector<std::string>& errors) {
  for (const std::string& e : errors) FAIL_CHECK(e);
}

}  // namespace

TEST_CASE("oracle: every fixture as Java lists it, with the store password") {
  const auto& fx = fixtures();
  const auto& java = oracle().with_password;
  for (std::size_t i = 0; i < fx.size(); ++i) {
    const Fixture& f = fx[i];
    const CliRun& run = cli_run(i, 0);
    std::vector<std::string> errors = compare_listing(f.path + " [store password]", java[i], run);
    if (run.report) {
      std::string integrity = run.report->value("integrity", "");
      if (integrity == "not_verified") {
        errors.push_back(f.path + " [store password]: integrity not_verified with a password");
      }
      if (has_finding(*run.report, "INTEGRITY_NOT_VERIFIED")) {
        errors.push_back(f.path + " [store password]: INTEGRITY_NOT_VERIFIED with a password");
      }
    }
    report_errors(errors);
  }
}

TEST_CASE("oracle: every fixture as Java lists it, with a null password") {
  const auto& fx = fixtures();
  const auto& java = oracle().with_null;
  for (std::size_t i = 0; i < fx.size(); ++i) {
    const Fixture& f = fx[i];
    const CliRun& run = cli_run(i, 1);
    std::vector<std::string> errors = compare_listing(f.path + " [null password]", java[i], run);
    if (run.report) {
      std::string integrity = run.report->value("integrity", "");
      if (integrity != "not_verified") {
        errors.push_back(f.path + " [null password]: integrity: expected not_verified, ksdoctor " +
                         show(integrity));
      }
      if (!has_finding(*run.report, "INTEGRITY_NOT_VERIFIED")) {
        errors.push_back(f.path + " [null password]: no INTEGRITY_NOT_VERIFIED finding");
      }
    }
    report_errors(errors);
  }
}

TEST_CASE("oracle: EMPTY_TRUST_ANCHORS exactly when Java's PKIX trust manager has no anchor") {
  const auto& fx = fixtures();
  const OracleData& data = oracle();
  for (int mode = 0; mode < 2; ++mode) {
    const auto& java = mode == 0 ? data.anchors_with_password : data.anchors_with_null;
    for (std::size_t i = 0; i < fx.size(); ++i) {
      const Fixture& f = fx[i];
      std::string where = f.path + (mode == 0 ? " [store password]" : " [null password]");
      const json& j = java[i];
      bool java_empty;
      if (j.value("ok", false)) {
        java_empty = false;
        if (j.value("anchors", -1) <= 0) {
          FAIL_CHECK(where << ": Java reports ok with " << j.value("anchors", -1) << " anchors");
        }
      } else {
        std::string error = j.value("error", std::string());
        java_empty =
            error.find("the trustAnchors parameter must be non-empty") != std::string::npos;
        if (!java_empty) {
          FAIL_CHECK(where << ": Java --anchors failed unexpectedly: " << error);
          continue;
        }
      }
      const CliRun& run = cli_run(i, mode);
      if (!run.report) {
        FAIL_CHECK(where << ": ksdoctor " << run.process.describe() << ", no JSON report; "
                         << run.parse_error << " stderr: " << run.process.err);
        continue;
      }
      bool ks_empty = has_finding(*run.report, "EMPTY_TRUST_ANCHORS");
      if (java_empty != ks_empty) {
        FAIL_CHECK(where << ": EMPTY_TRUST_ANCHORS: Java's anchor set is "
                         << (java_empty ? "empty" : "non-empty (" + j["anchors"].dump() + ")")
                         << ", ksdoctor " << std::string(ks_empty ? "reports" : "does not report")
                         << " EMPTY_TRUST_ANCHORS");
      }
    }
  }
}

TEST_CASE("oracle: a wrong password fails like Java, with one line on stderr") {
  const auto cases = wrong_password_cases();
  const auto& java = oracle().wrong;
  REQUIRE(java.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Fixture& f = *cases[i].fixture;
    const std::string& password = cases[i].password;
    std::string where = f.path + " [password " + show(password) + "]";
    const json& j = java[i];
    if (j.value("ok", false)) {
      FAIL_CHECK(where << ": Java opened the store with this password; the case is wrong");
      continue;
    }
    std::string error = j.value("error", std::string());
    std::string java_message =
        error.substr(error.find(": ") == std::string::npos ? 0 : error.find(": ") + 2);
    CliRun run = run_cli(f, password, std::nullopt);
    if (!run.process.exited() || run.process.exit_code != 2) {
      FAIL_CHECK(where << ": ksdoctor " << run.process.describe()
                       << ", expected exit 2 (Java: " << error << ")");
      continue;
    }
    const std::string& err = run.process.err;
    bool one_line = !err.empty() && err.back() == '\n' && err.find('\n') == err.size() - 1;
    if (!one_line) FAIL_CHECK(where << ": stderr is not exactly one line: " << show(err));
    if (err.find(java_message) == std::string::npos) {
      FAIL_CHECK(where << ": stderr " << show(err) << " lacks Java's message "
                       << show(java_message));
    }
    if ((f.type == "JKS" || f.type == "JCEKS") &&
        err.find("Keystore was tampered with, or password was incorrect") == std::string::npos) {
      FAIL_CHECK(where << ": stderr " << show(err)
                       << " lacks \"Keystore was tampered with, or password was incorrect\"");
    }
    if (!run.process.out.empty()) {
      FAIL_CHECK(where << ": stdout is not empty on exit 2: " << show(run.process.out));
    }
  }
}

TEST_CASE("oracle: self-check of the RFC 3339 conversion") {
  CHECK(rfc3339_ms(1577836800000) == "2020-01-01T00:00:00.000Z");
  CHECK(rfc3339_ms(1609459200123) == "2021-01-01T00:00:00.123Z");
  CHECK(rfc3339_ms(951782400999) == "2000-02-29T00:00:00.999Z");
  CHECK(rfc3339_ms(-1) == "1969-12-31T23:59:59.999Z");
  // java.time.Instant.ofEpochMilli(Long.MIN_VALUE / Long.MAX_VALUE) (Java prints "+" before years
  // beyond 9999; the year digits are what matter here).
  CHECK(rfc3339_ms(INT64_MIN) == "-292275055-05-16T16:47:04.192Z");
  CHECK(rfc3339_ms(INT64_MAX) == "292278994-08-17T07:12:55.807Z");
}
