// Which key entry a Java TLS server presents, ksdoctor versus the JVM: for every store, the
// "key_managers" object of `ksdoctor inspect --format json` must give the alias SunX509 and PKIX
// choose (chooseServerAlias(type, null, null) for RSA and EC) and whether SunX509's init fails,
// exactly as tests/java/KeyManagerChoice prints them. Stores: 40 seeded random ones from
// tests/java/KeyManagerStores (JKS and PKCS#12 in turn) and keytool-made renewals — the old
// expired alpha-old next to the renewed zeta-new, then with mid-other — as JKS and PKCS#12.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "subprocess.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using ksdoctor::testing::ProcessResult;
using ksdoctor::testing::run_process;
using ksdoctor::testing::split_lines;

namespace {

constexpr const char* kPassEnv = "KSDOCTOR_KEYMGR_PASS";
constexpr const char* kSeed = "20261207";
constexpr int kStores = 40;

ProcessResult run(const std::vector<std::string>& argv) {
  ksdoctor::testing::ProcessOptions o;
  o.set_env = {std::string(kPassEnv) + "=changeit"};
  o.unset_env = {"KSDOCTOR_STOREPASS"};
  o.timeout_ms = 120000;
  return run_process(argv, o);
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(KSDOCTOR_BINARY_DIR) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void keytool(std::vector<std::string> args) {
  args.insert(args.begin(), {KSDOCTOR_KEYTOOL, "-J-Duser.language=en"});
  ProcessResult r = run(args);
  REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
}

void genkeypair(const fs::path& store, const std::string& type, const std::string& alias,
                const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"-genkeypair",
                                   "-keystore",
                                   store.string(),
                                   "-storetype",
                                   type,
                                   "-storepass:env",
                                   kPassEnv,
                                   "-keypass:env",
                                   kPassEnv,
                                   "-alias",
                                   alias,
                                   "-keyalg",
                                   "RSA",
                                   "-keysize",
                                   "2048",
                                   "-dname",
                                   "CN=mail.example.com"};
  args.insert(args.end(), extra.begin(), extra.end());
  keytool(args);
}

// What the JVM answers for one store.
struct JavaChoice {
  bool sunx509_init_fails = false;
  std::map<std::string, std::pair<std::string, std::string>> by_type;  // type -> (sunx509, pkix)
};

// KeyManagerChoice over `files` (all of `type`): file -> answer.
std::map<std::string, JavaChoice> ask_java(const std::string& type,
                                           const std::vector<fs::path>& files) {
  std::vector<std::string> argv = {KSDOCTOR_JAVA,      "-cp", KSDOCTOR_KEYMGR_CLASSES,
                                   "KeyManagerChoice", type,  kPassEnv};
  for (const fs::path& f : files) argv.push_back(f.string());
  ProcessResult r = run(argv);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::map<std::string, JavaChoice> out;
  for (const std::string& line : split_lines(r.out)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');) fields.push_back(field);
    REQUIRE(fields.size() == 4);
    JavaChoice c;
    c.sunx509_init_fails = fields[1] == "sunx509_init=fails";
    for (std::size_t i = 2; i < fields.size(); ++i) {
      std::stringstream words(fields[i]);
      std::string key_type, sun, pkix;
      words >> key_type >> sun >> pkix;
      REQUIRE(sun.rfind("sunx509=", 0) == 0);
      REQUIRE(pkix.rfind("pkix=", 0) == 0);
      c.by_type[key_type] = {sun.substr(8), pkix.substr(5)};
    }
    out[fields[0]] = c;
  }
  REQUIRE(out.size() == files.size());
  return out;
}

json ksdoctor_json(const std::string& command, const fs::path& store) {
  ProcessResult r =
      run({KSDOCTOR_CLI, command, store.string(), "--format", "json", "--storepass-env", kPassEnv});
  REQUIRE_MESSAGE((r.exit_code == 0 || r.exit_code == 1), r.err);
  return json::parse(r.out);
}

std::string alias_or_dash(const json& value) {
  return value.is_null() ? "-" : value.get<std::string>();
}

// ksdoctor's key_managers object says what the JVM said.
void check_same(const fs::path& store, const json& doc, const JavaChoice& java) {
  INFO(store.string());
  REQUIRE_MESSAGE(doc.contains("key_managers"), doc.dump(2));
  const json& km = doc["key_managers"];
  INFO(km.dump(2));
  CHECK(km["sunx509_init_fails"].get<bool>() == java.sunx509_init_fails);
  for (const auto& [type, answer] : java.by_type) {
    std::string sun = "-", pkix = "-";
    for (const json& t : km["by_key_type"]) {
      if (t["key_type"] != type) continue;
      CHECK_FALSE(t.contains("sunx509_undetermined"));
      sun = alias_or_dash(t["sunx509"]);
      pkix = alias_or_dash(t["pkix"]);
    }
    INFO(type);
    CHECK(sun == answer.first);
    CHECK(pkix == answer.second);
  }
}

bool has_finding(const json& doc, const std::string& code, const std::string& alias) {
  for (const json& f : doc["findings"]) {
    if (f["code"] == code && f.value("alias", "") == alias) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("key managers: ksdoctor presents what SunX509 and PKIX present, on random stores") {
  fs::path dir = fresh_dir("random");
  ProcessResult g = run({KSDOCTOR_JAVA, "--add-exports", "java.base/sun.security.x509=ALL-UNNAMED",
                         "--add-exports", "java.base/sun.security.util=ALL-UNNAMED", "-cp",
                         KSDOCTOR_KEYMGR_CLASSES, "KeyManagerStores", kSeed,
                         std::to_string(kStores), dir.string()});
  REQUIRE_MESSAGE(g.exit_code == 0, g.err);
  std::vector<fs::path> jks, p12;
  for (int i = 0; i < kStores; ++i) {
    std::string number = std::to_string(i);
    std::string name = "k" + std::string(3 - std::min<std::size_t>(3, number.size()), '0') + number +
                       (i % 2 == 0 ? ".jks" : ".p12");
    (i % 2 == 0 ? jks : p12).push_back(dir / name);
  }
  std::map<std::string, JavaChoice> java = ask_java("JKS", jks);
  std::map<std::string, JavaChoice> p12_java = ask_java("PKCS12", p12);
  java.insert(p12_java.begin(), p12_java.end());

  int init_fails = 0, differ = 0;
  for (const auto& [file, answer] : java) {
    check_same(file, ksdoctor_json("inspect", file), answer);
    init_fails += answer.sunx509_init_fails;
    for (const auto& [type, a] : answer.by_type) differ += a.first != a.second;
  }
  // The seed gives the cases that matter: SunX509's init failing, and the two managers disagreeing.
  CHECK(init_fails > 0);
  CHECK(differ > 0);
}

TEST_CASE("key managers: a keytool renewal next to the expired old entry, JKS and PKCS#12") {
  fs::path dir = fresh_dir("renewal");
  // In each type, as keytool writes it: the renewed key first, then the old one whose certificate
  // expired long ago (same subject); a copy of that store gets a third valid key, mid-other.
  for (const char* type : {"JKS", "PKCS12"}) {
    std::string ext = std::string(type) == "JKS" ? ".jks" : ".p12";
    fs::path two = dir / ("two" + ext);
    genkeypair(two, type, "zeta-new");
    genkeypair(two, type, "alpha-old", {"-startdate", "-2y", "-validity", "30"});
    fs::path three = dir / ("three" + ext);
    fs::copy_file(two, three);
    genkeypair(three, type, "mid-other");
  }
  fs::path two = dir / "two.jks";
  fs::path three = dir / "three.jks";
  fs::path single = dir / "single.jks";
  genkeypair(single, "JKS", "only");
  std::map<std::string, JavaChoice> java = ask_java("JKS", {two, three});
  std::map<std::string, JavaChoice> p12_java =
      ask_java("PKCS12", {dir / "two.p12", dir / "three.p12"});
  java.insert(p12_java.begin(), p12_java.end());

  for (const auto& [file, answer] : java) {
    for (const char* command : {"inspect", "verify"}) {
      INFO(command);
      json doc = ksdoctor_json(command, file);
      check_same(file, doc, answer);
      // An expired certificate presented while a valid one waits: ksdoctor says so, exactly then.
      bool expired_shown = answer.by_type.at("RSA").first == "alpha-old";
      CHECK(has_finding(doc, "EXPIRED_KEY_ENTRY_PRESENTED", "alpha-old") == expired_shown);
    }
  }

  // The text names both choices.
  ProcessResult text = run({KSDOCTOR_CLI, "inspect", two.string(), "--storepass-env", kPassEnv});
  const JavaChoice& two_java = java.at(two.string());
  CHECK(text.out.find("RSA: Java presents '" + two_java.by_type.at("RSA").first + "'") !=
        std::string::npos);

  // One key entry: nothing to choose between, no key_managers object.
  CHECK_FALSE(ksdoctor_json("inspect", single).contains("key_managers"));
  CHECK_FALSE(ksdoctor_json("verify", single).contains("key_managers"));
}
