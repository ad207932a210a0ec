// What the library builds on the platform layer where Linux and Windows builds differ: path
// splitting, the default locate root, the cross-check's availability, the report marks the
// console can show, folder reads, and certificates from a system store that is no file.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/paths.hpp"
#include "dlp/install_paths.hpp"
#include "fixture_util.hpp"
#include "ksdoctor/crosscheck.hpp"
#include "ksdoctor/locate.hpp"
#include "ksdoctor/marks.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/verify_report.hpp"
#include "platform/platform.hpp"
#include "trust/source_loader.hpp"

namespace platform_callers_test {
using namespace ksdoctor;
namespace stdfs = std::filesystem;

namespace {

const bool kWindowsPaths = platform::is_separator('\\');

}  // namespace

TEST_CASE("paths: dirname and basename split on the platform's separators") {
  CHECK(paths::dirname("a/b/c") == "a/b");
  CHECK(paths::dirname("/a") == "/");
  CHECK(paths::dirname("a") == ".");
  CHECK(paths::basename("a/b/c") == "c");
  CHECK(paths::basename("a") == "a");
  if (kWindowsPaths) {
    CHECK(paths::dirname("C:\\dir\\file") == "C:\\dir");
    CHECK(paths::dirname("C:\\file") == "C:\\");
    CHECK(paths::dirname("C:/dir/file") == "C:/dir");
    CHECK(paths::basename("C:\\dir\\file") == "file");
  } else {
    CHECK(paths::dirname("dir\\file") == ".");
    CHECK(paths::dirname("C:/file") == "C:");
    CHECK(paths::basename("dir\\file") == "dir\\file");
  }
}

TEST_CASE("paths: the root of a path and whether it is absolute, as the platform reads it") {
  CHECK(platform::path_root("/etc/x") == "/");
  // Windows: "/etc/x" is on the current drive, whichever that is.
  CHECK(platform::is_absolute_path("/etc/x") == !kWindowsPaths);
  CHECK(platform::path_root("etc/x").empty());
  CHECK_FALSE(platform::is_absolute_path("etc/x"));
  CHECK_FALSE(platform::is_absolute_path(""));
  if (kWindowsPaths) {
    CHECK(platform::path_root("C:\\Program Files\\x") == "C:\\");
    CHECK(platform::path_root("c:/ProgramData") == "c:/");
    CHECK(platform::is_absolute_path("C:\\Program Files"));
    CHECK(platform::is_absolute_path("d:/x"));
    CHECK(platform::path_root("C:x") == "C:");  // drive-relative
    CHECK_FALSE(platform::is_absolute_path("C:x"));
    CHECK(platform::path_root("\\x") == "\\");  // the current drive's root
    CHECK_FALSE(platform::is_absolute_path("\\x"));
    CHECK(platform::path_root("\\\\server\\share\\dir\\f") == "\\\\server\\share\\");
    CHECK(platform::path_root("//server/share") == "//server/share");
    CHECK(platform::is_absolute_path("\\\\server\\share\\dir"));
    CHECK(platform::path_root("\\\\?\\C:\\x") == "\\\\?\\C:\\");
    CHECK(paths::join("C:\\", "Program Files") == "C:\\Program Files");
    CHECK(paths::join("C:", "x") == "C:x");
    CHECK(paths::split_native("C:\\a/b\\c") == std::vector<std::string>{"C:", "a", "b", "c"});
  } else {
    // Backslashes and drive letters are ordinary characters of a POSIX name.
    CHECK(platform::path_root("C:\\Program Files").empty());
    CHECK_FALSE(platform::is_absolute_path("C:\\Program Files"));
    CHECK_FALSE(platform::is_absolute_path("\\\\server\\share"));
    CHECK(paths::join("C:", "x") == "C:/x");
    CHECK(paths::split_native("a\\b/c") == std::vector<std::string>{"a\\b", "c"});
  }
  CHECK(paths::join("/", "opt") == "/opt");
  CHECK(paths::join("a/", "b") == "a/b");
  CHECK(paths::join("a", "b") == "a/b");
}

TEST_CASE("locate: an install is inferred from a Protect.properties path written natively") {
  // An absolute path of this machine to a fixture install: on Windows with its drive letter and
  // backslashes, as an admin pastes it from Explorer.
  stdfs::path tree = stdfs::absolute(stdfs::path(fixture_path("installs/windows-ok")));
  std::string root = tree.make_preferred().string();
  std::string props = root;
  for (const char* part : {"Program Files", "Symantec", "DataLossPrevention", "DetectionServer",
                           "15.8.00000", "Protect", "config", "Protect.properties"}) {
    props += (kWindowsPaths ? "\\" : "/") + std::string(part);
  }
  REQUIRE(platform::is_absolute_path(props));
  std::optional<Install> in = install_from_properties(props, builtin_layouts());
  REQUIRE(in.has_value());
  CHECK(in->version == "15.8.00000");
  CHECK(platform::same_file(in->root, root));
  CHECK(platform::path_root(in->root) == platform::path_root(root));
  CHECK(in->properties_exists);
  CHECK(in->data_dir_exists);
  CHECK(in->properties_file == props);
}

TEST_CASE("locate: the default root is the folder that holds the install folders") {
  const std::string root = default_locate_root();
  platform::InstallRoots roots = platform::default_install_roots();
  if (!roots.programs.empty()) CHECK(paths::dirname(roots.programs.front()) == root);
  if (!kWindowsPaths) CHECK(root == "/");  // /opt and /var, as before the platform layer
}

TEST_CASE("crosscheck: a build without Botan says so in every check") {
  CrossCheck check = cross_check_peer({}, {}, true, 0);
  CHECK_FALSE(check.botan_ok);
  CHECK_FALSE(check.agrees);
  const bool says_no_botan = check.botan_status.find("has no Botan") != std::string::npos;
  CHECK(says_no_botan == !crosscheck_available());
}

TEST_CASE("report: ASCII marks where the console lacks ✔ and ✘") {
  std::vector<CertPtr> chain = read_certificates(fixture("pki/server-fullchain.pem"));
  REQUIRE(chain.size() >= 2);
  PeerVerdict rejected;
  rejected.java_message = "PKIX path building failed";
  std::string text = report::peer_verify_text(chain, rejected, {}, report::kAsciiMarks);
  CHECK(text.find("FAIL Java rejects it: PKIX path building failed") != std::string::npos);
  CHECK(text.find("✘") == std::string::npos);

  PeerVerdict trusted;
  trusted.trusted = true;
  trusted.path = chain;
  text = report::peer_verify_text(chain, trusted, {}, report::kAsciiMarks);
  CHECK(text.find("OK trusted by Java") != std::string::npos);
  CHECK(text.find("`- OK ") != std::string::npos);  // ASCII throughout, the tree too
  CHECK(text.find("✔") == std::string::npos);
  CHECK(report::peer_verify_text(chain, trusted, {}).find("✔ trusted by Java") !=
        std::string::npos);
}

TEST_CASE("platform: a folder read says whether the file opened") {
  const stdfs::path dir =
      stdfs::temp_directory_path() /
      ("ksdoctor-callers-" +
       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  stdfs::create_directories(dir);
  std::ofstream(dir / "a.pem") << "hello";
  {
    platform::Folder folder(dir.string());
    std::vector<std::uint8_t> buffer(64);
    platform::Folder::Read missing = folder.read_start("missing.pem", buffer);
    CHECK_FALSE(missing.opened);
    CHECK_FALSE(missing.error.empty());
    platform::Folder::Read read = folder.read_start("a.pem", buffer);
    CHECK(read.opened);
    CHECK(read.error.empty());
    CHECK(read.complete);
    CHECK(read.size == 5);
  }
  stdfs::remove_all(dir);
}

TEST_CASE("sources: certificates of a system store that is no file (Windows ROOT and CA)") {
  std::vector<CertPtr> chain = read_certificates(fixture("pki/server-fullchain.pem"));
  REQUIRE(chain.size() >= 2);
  source_loading::Loader loader{Password()};
  std::vector<source_loading::StoreCertificate> certificates;
  certificates.push_back({"certificate store ROOT", chain.back()->der});
  certificates.push_back({"certificate store CA", Bytes{0x30, 0x03, 0x02, 0x01, 0x05}});
  source_loading::load_store_certificates(loader, std::move(certificates), CertOrigin::system);
  TrustSourceResult r = loader.take("the system trust store", "certificate stores");
  REQUIRE(r.certificates.size() == 1);
  CHECK(r.certificates[0].cert->der == chain.back()->der);
  CHECK(r.certificates[0].origin == CertOrigin::system("certificate store ROOT"));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].code == "TRUST_SOURCE_FILE_SKIPPED");
  CHECK(r.warnings[0].message.find("certificate store CA") != std::string::npos);
}

}  // namespace platform_callers_test
