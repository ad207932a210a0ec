// `convert` on the command line: --at dates the entries the source leaves undated, the output
// names what was written, and --out naming the input is refused before anything is read.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "fixture_util.hpp"
#include "test_os.hpp"

namespace convert_cli_test {
namespace {

namespace fs = std::filesystem;
using clitest::Run;
using clitest::run;

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("ksdoctor-convert-cli-" + std::to_string(testos::pid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("convert --at dates PKCS#12's undated trusted entries in JKS; text names the files") {
  TempDir dir;
  std::string src = fixture_path("pkcs12/java-fullchain.p12");
  std::string out = (dir.path / "out.jks").string();
  Run r = run("convert " + src + " --to jks --out " + out + " --at 2031-02-03T04:05:06Z",
              "KSDOCTOR_STOREPASS=changeit");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.out == src + " (PKCS12) → " + out + " (JKS): 3 entries, mode 0600\n");
  Run listed =
      run("inspect " + out + " --format json --at 2031-02-03", "KSDOCTOR_STOREPASS=changeit");
  REQUIRE_MESSAGE(listed.status != 2, listed.err);
  auto j = nlohmann::json::parse(listed.out);
  int trusted = 0;
  for (const auto& e : j["entries"]) {
    if (e["kind"] != "trusted_cert") continue;
    ++trusted;
    CHECK(e["created"] == "2031-02-03T04:05:06.000Z");
  }
  CHECK(trusted == 2);

  SUBCASE("again over the same file: JSON names the backup") {
    Run again = run(
        "convert " + src + " --to jks --out " + out + " --at 2031-02-03T04:05:06Z --format json",
        "KSDOCTOR_STOREPASS=changeit");
    REQUIRE_MESSAGE(again.status == 0, again.err);
    auto k = nlohmann::json::parse(again.out);
    CHECK(k["from"] == "PKCS12");
    CHECK(k["to"] == "JKS");
    CHECK(k["backup"] == out + ".bak");
    CHECK(fs::exists(out + ".bak"));
  }
}

TEST_CASE("convert refuses --out naming the input keystore and writes nothing") {
  TempDir dir;
  std::string ks = (dir.path / "store.jks").string();
  fs::copy_file(fixture_path("jks/truststore.jks"), ks);
  fs::create_symlink(ks, dir.path / "link.jks");
  Run r = run("convert " + ks + " --to pkcs12 --out " + (dir.path / "link.jks").string(),
              "KSDOCTOR_STOREPASS=changeit");
  CHECK(r.status == 2);
  CHECK(r.err.find("--out names the input keystore") != std::string::npos);
  CHECK(clitest::slurp(ks) == clitest::slurp(fixture_path("jks/truststore.jks")));
}

}  // namespace convert_cli_test
