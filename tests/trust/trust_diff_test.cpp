// The randomized differential test of the trust engine: for every scenario TrustScenarios makes
// (fixed seed), a real JVM's TrustManager gives its verdict (JavaVerdict), and
// `ksdoctor verify TRUSTSTORE --peer peer.pem --trust pool.pem` must give the same verdict and
// the same message; when Java cannot build a path, ksdoctor must say why (a missing certificate
// named, or the check a certificate on the path fails).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "subprocess.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using ksdoctor::testing::ProcessOptions;
using ksdoctor::testing::run_process;

namespace {

ProcessOptions with_timeout(int ms) {
  ProcessOptions o;
  o.timeout_ms = ms;
  return o;
}

const int kScenarios = 300;
// The seed is fixed for CI; KSDOCTOR_TRUST_SEED explores others.
std::string seed() {
  const char* s = std::getenv("KSDOCTOR_TRUST_SEED");
  return s ? s : "20261128";
}

std::string truststore_in(const fs::path& dir) {
  for (const char* name : {"trust.jks", "trust.jceks", "trust.p12", "trust-openssl.p12"}) {
    if (fs::exists(dir / name)) return (dir / name).string();
  }
  return {};
}

bool explains(const json& report) {
  for (const json& f : report["findings"]) {
    std::string code = f.value("code", "");
    if (code != "IMPORT_TO_TRUST" && !code.empty()) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("trust: ksdoctor verify --peer agrees with the JVM's TrustManager on every scenario") {
  fs::path out = fs::path(KSDOCTOR_BINARY_DIR) / "scenarios";
  fs::remove_all(out);
  auto gen = run_process(
      {KSDOCTOR_JAVA, "--add-exports", "java.base/sun.security.x509=ALL-UNNAMED", "--add-exports",
       "java.base/sun.security.util=ALL-UNNAMED", "-cp", KSDOCTOR_TRUST_CLASSES, "TrustScenarios",
       seed(), std::to_string(kScenarios), out.string()},
      with_timeout(300000));
  REQUIRE_MESSAGE(gen.exit_code == 0, gen.err);
  std::vector<std::string> dirs;
  for (int i = 0; i < kScenarios; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "s%03d", i);
    dirs.push_back((out / name).string());
  }
  std::vector<std::string> java_argv = {KSDOCTOR_JAVA,
                                        "--add-exports",
                                        "java.base/sun.security.validator=ALL-UNNAMED",
                                        "--add-exports",
                                        "java.base/sun.security.x509=ALL-UNNAMED",
                                        "--add-exports",
                                        "java.base/sun.security.util=ALL-UNNAMED",
                                        "-cp",
                                        KSDOCTOR_TRUST_CLASSES,
                                        "JavaVerdict"};
  java_argv.insert(java_argv.end(), dirs.begin(), dirs.end());
  auto java = run_process(java_argv, with_timeout(300000));
  REQUIRE_MESSAGE(java.exit_code == 0, java.err);
  auto lines = ksdoctor::testing::split_lines(java.out);
  REQUIRE(lines.size() == dirs.size());

  ProcessOptions store_env;
  store_env.set_env = {"KSDOCTOR_STOREPASS=changeit"};
  int agree = 0, unexplained = 0;
  std::map<std::string, int> outcomes;
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    json verdict = json::parse(lines[i]);
    std::string store = truststore_in(dirs[i]);
    REQUIRE_MESSAGE(!store.empty(), dirs[i] << " has no truststore");
    auto run = run_process({KSDOCTOR_CLI, "verify", store, "--peer", dirs[i] + "/peer.pem",
                            "--trust", dirs[i] + "/pool.pem", "--format", "json"},
                           store_env);
    if (!run.exited() || run.exit_code > 1) {
      FAIL_CHECK(dirs[i] << ": ksdoctor " << run.describe() << ": " << run.err);
      continue;
    }
    json ks = json::parse(run.out);
    bool java_trusted = verdict["trusted"].get<bool>();
    std::string java_message = verdict.value("message", "");
    bool ks_trusted = ks["verdict"] == "trusted";
    std::string ks_message = ks.value("java_message", "");
    outcomes[java_trusted ? "trusted" : java_message.substr(0, 60)]++;
    if (java_trusted == ks_trusted && java_message == ks_message) {
      ++agree;
    } else {
      std::string java_verdict = java_trusted ? "trusted" : "untrusted";
      std::string ks_verdict = ks["verdict"].get<std::string>();
      FAIL_CHECK("MISMATCH " << dirs[i] << "\n  Java:     " << java_verdict << " " << java_message
                             << "\n  ksdoctor: " << ks_verdict << " " << ks_message);
    }
    if (!java_trusted && java_message.find("path building failed") != std::string::npos &&
        !explains(ks)) {
      ++unexplained;
      FAIL_CHECK(dirs[i] << ": Java cannot build a path but ksdoctor names no cause");
    }
  }
  std::cout << "trust differential: " << agree << "/" << dirs.size() << " scenarios agree ("
            << (100.0 * agree / static_cast<double>(dirs.size())) << " %), " << unexplained
            << " unexplained build failures\n";
  for (const auto& [outcome, n] : outcomes) std::cout << "  " << n << "  " << outcome << "\n";
  CHECK(agree == static_cast<int>(dirs.size()));
}
