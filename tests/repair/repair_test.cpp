// repair against the real world:
//  (a) the demo prevent.ks and a peer that sends only its leaf: a JVM TrustManager rejects the
//      peer with the original and accepts it with the repaired store; keytool lists exactly the
//      original aliases plus the planned additions;
//  (b) `repair --in-place` killed with SIGKILL at seeded random moments leaves the original or
//      the complete repaired keystore, byte for byte, and nothing else but a temporary file;
//  (c) a file size limit smaller than the output: exit 2, one stderr line, the original intact.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "subprocess.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using ksdoctor::testing::ProcessResult;
using ksdoctor::testing::run_process;
using ksdoctor::testing::split_lines;

namespace {

const std::string kSource = KSDOCTOR_SOURCE_DIR;
const std::string kIntermediate = kSource + "/fixtures/pki/intermediate-ca.crt.pem";
const std::string kDemo = kSource + "/fixtures/demo/prevent.ks";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sha256_file(const fs::path& path) {
  std::string data = slurp(path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    static const char* digits = "0123456789abcdef";
    hex += digits[md[i] >> 4];
    hex += digits[md[i] & 15];
  }
  return hex;
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(KSDOCTOR_BINARY_DIR) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

ProcessResult run(const std::vector<std::string>& argv) {
  ksdoctor::testing::ProcessOptions o;
  o.unset_env = {"KSDOCTOR_STOREPASS"};
  o.timeout_ms = 120000;
  return run_process(argv, o);
}

// Java's verdict on `peer` with `store` as the truststore (tests/java/JavaVerdict).
json java_verdict(const fs::path& store, const fs::path& peer, const fs::path& dir) {
  fs::create_directories(dir);
  fs::copy_file(store, dir / "trust.jks", fs::copy_options::overwrite_existing);
  fs::copy_file(peer, dir / "peer.pem", fs::copy_options::overwrite_existing);
  ProcessResult r =
      run({KSDOCTOR_JAVA, "--add-exports", "java.base/sun.security.validator=ALL-UNNAMED", "-cp",
           KSDOCTOR_REPAIR_CLASSES, "JavaVerdict", dir.string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return json::parse(r.out);
}

// keytool -list: alias -> entry type.
std::map<std::string, std::string> keytool_list(const fs::path& store) {
  ProcessResult r = run({KSDOCTOR_KEYTOOL, "-J-Duser.language=en", "-list", "-keystore",
                         store.string(), "-storepass", "changeit"});
  REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
  std::map<std::string, std::string> out;
  std::regex line("^(.+), [^,]+, [^,]+, (PrivateKeyEntry|trustedCertEntry|SecretKeyEntry),\\s*$");
  for (const std::string& l : split_lines(r.out)) {
    std::smatch m;
    if (std::regex_match(l, m, line)) out[m[1]] = m[2];
  }
  return out;
}

// A server certificate under the fixtures' intermediate that prevent.ks does not hold (its own
// smtp leaf would be a trust anchor: Java trusts chain[0] of key entries).
fs::path make_peer(const fs::path& dir) {
  std::string pki = kSource + "/fixtures/pki/";
  std::ofstream(dir / "ext.cnf") << "basicConstraints=critical,CA:FALSE\n"
                                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                                    "extendedKeyUsage=serverAuth\n"
                                    "subjectAltName=DNS:relay.example.com\n"
                                    "subjectKeyIdentifier=hash\n"
                                    "authorityKeyIdentifier=keyid\n";
  ProcessResult req =
      run({KSDOCTOR_OPENSSL, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
           (dir / "relay.key").string(), "-subj", "/C=US/O=Example Corp/CN=relay.example.com",
           "-out", (dir / "relay.csr").string()});
  REQUIRE_MESSAGE(req.exit_code == 0, req.err);
  ProcessResult sign =
      run({KSDOCTOR_OPENSSL, "x509", "-req", "-in", (dir / "relay.csr").string(), "-CA",
           pki + "intermediate-ca.crt.pem", "-CAkey", pki + "intermediate-ca.key.pem",
           "-set_serial", "0x7777", "-days", "3650", "-extfile", (dir / "ext.cnf").string(), "-out",
           (dir / "relay.pem").string()});
  REQUIRE_MESSAGE(sign.exit_code == 0, sign.err);
  return dir / "relay.pem";
}

std::vector<std::string> repair_in_place_argv(const fs::path& ks) {
  return {KSDOCTOR_CLI, "repair",      ks.string(), "--from", kIntermediate,
          "--in-place", "--storepass", "changeit",  "--at",   "2030-01-01"};
}

}  // namespace

TEST_CASE("repair: closes the loop with Java") {
  fs::path dir = fresh_dir("loop");
  fs::path ks = dir / "prevent.ks";
  fs::copy_file(kDemo, ks);
  fs::path peer = make_peer(dir);

  json before = java_verdict(ks, peer, dir / "verdict-before");
  CHECK(before["trusted"] == false);
  CHECK(before["message"].get<std::string>().rfind("PKIX path building failed", 0) == 0);

  fs::path out = dir / "new.ks";
  ProcessResult r =
      run({KSDOCTOR_CLI, "repair", ks.string(), "--peer", peer.string(), "--from", kIntermediate,
           "--out", out.string(), "--storepass", "changeit", "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
  json plan = json::parse(r.out);
  CHECK(plan["sound"] == true);
  CHECK(plan["peers"][0]["verdict_before"] == "untrusted");
  CHECK(plan["peers"][0]["verdict_after"] == "trusted");
  // ksdoctor predicted Java's message before the repair.
  CHECK(plan["peers"][0]["java_message_before"] == before["message"]);

  json after = java_verdict(out, peer, dir / "verdict-after");
  CHECK_MESSAGE(after["trusted"] == true, after.dump());
  json original_again = java_verdict(ks, peer, dir / "verdict-original");
  CHECK(original_again["trusted"] == false);

  std::map<std::string, std::string> expected = keytool_list(ks);
  REQUIRE(expected.size() == 3);
  for (const json& e : plan["added_entries"]) expected[e["alias"]] = "trustedCertEntry";
  CHECK(plan["added_entries"].size() == 1);
  CHECK(plan["added_entries"][0]["alias"] == "example-issuing-ca-1");
  CHECK(keytool_list(out) == expected);

  // The smtp entry now carries leaf, intermediate and root, as keytool shows it.
  ProcessResult v = run({KSDOCTOR_KEYTOOL, "-J-Duser.language=en", "-list", "-v", "-alias", "smtp",
                         "-keystore", out.string(), "-storepass", "changeit"});
  REQUIRE(v.exit_code == 0);
  CHECK(v.out.find("Certificate chain length: 3") != std::string::npos);
}

TEST_CASE("repair: SIGKILL at any moment leaves the original or the complete repaired store") {
  fs::path dir = fresh_dir("sigkill");
  // The reference: the complete repaired store (deterministic: --at dates the new entries).
  fs::path ref = dir / "ref" / "prevent.ks";
  fs::create_directories(ref.parent_path());
  fs::copy_file(kDemo, ref);
  std::vector<double> durations;
  std::string repaired;
  for (int i = 0; i < 3; ++i) {
    fs::copy_file(kDemo, ref, fs::copy_options::overwrite_existing);
    fs::remove(ref.string() + ".bak");
    auto start = std::chrono::steady_clock::now();
    ProcessResult r = run(repair_in_place_argv(ref));
    durations.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::string sha = sha256_file(ref);
    if (i > 0) REQUIRE(sha == repaired);
    repaired = sha;
  }
  const std::string original = sha256_file(kDemo);
  REQUIRE(original != repaired);
  std::sort(durations.begin(), durations.end());
  // Spread the kills over the whole run (process start to exit), and a little beyond.
  double span_ms = std::max(30.0, durations[1] * 1.3);
  MESSAGE("repair --in-place takes ~" << durations[1] << " ms; kills spread over 0-" << span_ms
                                      << " ms");

  std::mt19937 rng(20261128);
  std::uniform_real_distribution<double> delay(0, span_ms);
  const int kRuns = 60;
  int kept_original = 0, completed = 0, temp_left = 0;
  for (int i = 0; i < kRuns; ++i) {
    fs::path run_dir = dir / ("run-" + std::to_string(i));
    fs::create_directories(run_dir);
    fs::path ks = run_dir / "prevent.ks";
    fs::copy_file(kDemo, ks);
    std::vector<std::string> args = repair_in_place_argv(ks);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    double wait_ms = delay(rng);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(wait_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);

    std::string sha = sha256_file(ks);
    bool is_original = sha == original;
    bool is_repaired = sha == repaired;
    CHECK_MESSAGE((is_original || is_repaired),
                  "run " << i << " (kill after " << wait_ms << " ms) left a keystore that is "
                         << "neither the original nor the repaired one");
    kept_original += is_original;
    completed += is_repaired;
    for (const auto& e : fs::directory_iterator(run_dir)) {
      std::string name = e.path().filename().string();
      if (name == "prevent.ks") continue;
      if (name == "prevent.ks.bak") {
        // Written (atomically) before the keystore is touched: complete or absent.
        CHECK(sha256_file(e.path()) == original);
        continue;
      }
      bool temp = name.rfind(".prevent.ks.ksdoctor-", 0) == 0 ||
                  name.rfind(".prevent.ks.bak.ksdoctor-", 0) == 0;
      CHECK_MESSAGE(temp, "run " << i << " left an unexpected file " << name);
      temp_left += temp;
    }
  }
  MESSAGE(kept_original << " runs kept the original, " << completed << " completed, " << temp_left
                        << " temporary files left behind");
  CHECK(kept_original + completed == kRuns);
  // The spread must really cover both ends of the run.
  CHECK(kept_original > 0);
  CHECK(completed > 0);
}

TEST_CASE("repair: a file size limit smaller than the output ends in exit 2, original intact") {
  fs::path dir = fresh_dir("fsize");
  for (const char* backup : {"", "--no-backup"}) {
    CAPTURE(backup);
    fs::path ks = dir / "prevent.ks";
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(kDemo, ks);
    // ulimit -f counts 512-byte blocks (POSIX sh): 2 blocks = 1 KiB, below the 4 KiB keystore.
    std::vector<std::string> argv = {"/bin/sh", "-c", "ulimit -f 2; exec \"$@\"", "sh"};
    for (const std::string& a : repair_in_place_argv(ks)) argv.push_back(a);
    if (*backup) argv.push_back(backup);
    ProcessResult r = run(argv);
    CHECK_MESSAGE(r.exit_code == 2, r.describe() << " " << r.err);
    CHECK(split_lines(r.err).size() == 1);
    CHECK(r.err.find("File too large") != std::string::npos);
    CHECK(sha256_file(ks) == sha256_file(kDemo));
    std::set<std::string> left;
    for (const auto& e : fs::directory_iterator(dir)) left.insert(e.path().filename().string());
    CHECK(left == std::set<std::string>{"prevent.ks"});
  }
}

namespace {

// `run` with the store password in an environment variable (never on argv).
ProcessResult run_with_pass(const std::vector<std::string>& argv) {
  ksdoctor::testing::ProcessOptions o;
  o.unset_env = {"KSDOCTOR_STOREPASS"};
  o.set_env = {"KS_PASS=changeit"};
  o.timeout_ms = 120000;
  return run_process(argv, o);
}

// tests/java/PinScenarios: one JSON line per scenario (dir, name, expected pin and break).
std::map<std::string, json> pin_scenarios(const fs::path& out) {
  ProcessResult r = run({KSDOCTOR_JAVA, "--add-exports", "java.base/sun.security.x509=ALL-UNNAMED",
                         "--add-exports", "java.base/sun.security.util=ALL-UNNAMED", "-cp",
                         KSDOCTOR_REPAIR_CLASSES, "PinScenarios", out.string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::map<std::string, json> scenarios;
  for (const std::string& line : split_lines(r.out)) {
    json j = json::parse(line);
    scenarios[j["name"]] = j;
  }
  REQUIRE(scenarios.size() == 5);
  return scenarios;
}

json repair_json_run(const fs::path& dir, const fs::path& out, bool trust_intermediate,
                     int expected_exit) {
  std::vector<std::string> argv = {KSDOCTOR_CLI,
                                   "repair",
                                   (dir / "trust.jks").string(),
                                   "--peer",
                                   (dir / "peer.pem").string(),
                                   "--out",
                                   out.string(),
                                   "--storepass-env",
                                   "KS_PASS",
                                   "--format",
                                   "json"};
  if (trust_intermediate) argv.push_back("--trust-intermediate");
  ProcessResult r = run_with_pass(argv);
  REQUIRE_MESSAGE(r.exit_code == expected_exit, (r.out + r.err));
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("repair: --trust-intermediate pins what a JVM then accepts, and only that") {
  fs::path dir = fresh_dir("pin");
  std::map<std::string, json> scenarios = pin_scenarios(dir / "scenarios");
  for (const auto& [name, scenario] : scenarios) {
    CAPTURE(name);
    fs::path sdir = scenario["dir"].get<std::string>();
    std::string expected_pin = scenario["pin"];
    fs::path peer = sdir / "peer.pem";

    json before = java_verdict(sdir / "trust.jks", peer, dir / name / "before");
    REQUIRE(before["trusted"] == false);

    // Without the flag: the pin is named with its command, nothing is trusted, exit 1.
    fs::path plain = dir / name / "plain.jks";
    json p = repair_json_run(sdir, plain, false, 1);
    CHECK(p["sound"] == false);
    CHECK(p["added_entries"].empty());
    CHECK(p["peers"][0]["java_message_before"] == before["message"]);
    json plain_after = java_verdict(plain, peer, dir / name / "plain");
    CHECK(plain_after["trusted"] == false);
    REQUIRE(p["peers"][0]["pin"].is_object());
    const json& pin = p["peers"][0]["pin"];
    CHECK(pin["broken"]["sha256"] == scenario["broken"]);
    if (!expected_pin.empty()) {
      CHECK(pin["verdict"] == "pinnable");
      CHECK(pin["certificate"]["sha256"] == expected_pin);
      CHECK(pin["command"].get<std::string>().find("--trust-intermediate") != std::string::npos);
    }

    // With the flag: exit 0 exactly when the JVM then trusts the peer.
    fs::path pinned = dir / name / "pinned.jks";
    json q = repair_json_run(sdir, pinned, true, expected_pin.empty() ? 1 : 0);
    json after = java_verdict(pinned, peer, dir / name / "after");
    CHECK(q["sound"] == after["trusted"]);
    if (expected_pin.empty()) {
      CHECK(q["added_entries"].empty());
      CHECK(after["trusted"] == false);
      CHECK(q["peers"][0]["pin"]["verdict"] != "pinnable");
    } else {
      REQUIRE(q["added_entries"].size() == 1);
      CHECK(q["added_entries"][0]["for"] == "pin");
      CHECK(q["added_entries"][0]["certificate"]["sha256"] == expected_pin);
      CHECK(q["peers"][0]["verdict_after"] == "trusted");
      CHECK_MESSAGE(after["trusted"] == true, after.dump());
      // The JVM's path ends at the pinned certificate: it is the anchor Java used.
      REQUIRE(!after["path"].empty());
      CHECK(after["path"].back() == expected_pin);
    }
  }
  // The JVM tells expiry and not-yet-valid apart only by the cause, and so does ksdoctor.
  CHECK(scenarios["expired-leaf"]["pin"] == "");
  json lapsed =
      java_verdict(fs::path(scenarios["lapsed-issuer"]["dir"].get<std::string>()) / "trust.jks",
                   fs::path(scenarios["lapsed-issuer"]["dir"].get<std::string>()) / "peer.pem",
                   dir / "lapsed-verdict");
  CHECK(lapsed["reason"] == "EXPIRED");
}

TEST_CASE("repair: a certificate not valid yet is CERT_NOT_YET_VALID, as the JVM's cause says") {
  fs::path dir = fresh_dir("not-yet-valid");
  std::map<std::string, json> scenarios = pin_scenarios(dir / "scenarios");
  for (const char* name : {"future-issuer", "lapsed-issuer"}) {
    CAPTURE(name);
    bool future = std::string(name) == "future-issuer";
    fs::path sdir = scenarios[name]["dir"].get<std::string>();
    json java = java_verdict(sdir / "trust.jks", sdir / "peer.pem", dir / name);
    REQUIRE(java["trusted"] == false);
    CHECK(java["message"] ==
          "PKIX path validation failed: java.security.cert.CertPathValidatorException: validity "
          "check failed");
    CHECK(java["reason"] == (future ? "NOT_YET_VALID" : "EXPIRED"));
    CHECK(java["causes"].back() == (future ? "java.security.cert.CertificateNotYetValidException"
                                           : "java.security.cert.CertificateExpiredException"));

    ProcessResult r = run_with_pass({KSDOCTOR_CLI, "verify", (sdir / "trust.jks").string(),
                                     "--peer", (sdir / "peer.pem").string(), "--storepass-env",
                                     "KS_PASS", "--format", "json"});
    json v = json::parse(r.out);
    std::set<std::string> codes;
    std::function<void(const json&)> collect = [&](const json& j) {
      if (j.is_object()) {
        if (j.contains("code") && j["code"].is_string()) codes.insert(j["code"]);
        for (const auto& [k, child] : j.items()) collect(child);
      } else if (j.is_array()) {
        for (const json& child : j) collect(child);
      }
    };
    collect(v);
    CHECK(codes.count(future ? "CERT_NOT_YET_VALID" : "CERT_EXPIRED") == 1);
    CHECK(codes.count(future ? "CERT_EXPIRED" : "CERT_NOT_YET_VALID") == 0);
  }
}
