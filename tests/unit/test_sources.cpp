// --trust SRC loading: certificate files, bundles, folders, keystores and the OS trust store.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fixture_util.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/sources.hpp"
#include "test_os.hpp"

namespace sources_test {
using namespace ksdoctor;
namespace fs = std::filesystem;

namespace {

const Password kChangeit = Password::of("changeit");

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("ksdoctor-sources-" + std::to_string(testos::pid()) + "-" + std::to_string(counter++) +
             "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const Bytes& bytes) const {
    std::ofstream out(path_ / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return file(name);
  }
  std::string write(const std::string& name, const std::string& text) const {
    return write(name, Bytes(text.begin(), text.end()));
  }
  std::string copy_fixture(const std::string& relative, const std::string& name) const {
    return write(name, fixture(relative));
  }

 private:
  fs::path path_;
};

std::string cn(const CertPtr& cert) {
  const std::string& s = cert->subject;
  std::size_t at = s.find("CN=");
  return at == std::string::npos ? s : s.substr(at + 3, s.find(',', at) - at - 3);
}

std::vector<std::string> names(const TrustSourceResult& result) {
  std::vector<std::string> out;
  for (const SourcedCertificate& c : result.certificates) out.push_back(cn(c.cert));
  return out;
}

std::vector<std::string> codes(const TrustSourceResult& result) {
  std::vector<std::string> out;
  for (const Finding& f : result.warnings) out.push_back(f.code);
  return out;
}

std::string detail(const Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.details) {
    if (k == key) return v;
  }
  return {};
}

std::string error_code_of(const std::string& spec, const Password& storepass = kChangeit) {
  try {
    load_trust_source(spec, storepass);
  } catch (const Error& e) {
    return e.code();
  }
  return "no exception";
}

}  // namespace

TEST_CASE("trust source: a single PEM certificate") {
  std::string path = fixture_path("pki/root-ca.crt.pem");
  TrustSourceResult r = load_trust_source(path, kChangeit);
  CHECK(names(r) == std::vector<std::string>{"Example Root CA"});
  CHECK(r.certificates[0].origin == CertOrigin::source(path));
  CHECK(r.warnings.empty());
}

TEST_CASE("trust source: a PEM bundle keeps file order") {
  std::string path = fixture_path("pki/server-fullchain.pem");
  TrustSourceResult r = load_trust_source(path, kChangeit);
  std::vector<CertPtr> expected = read_certificates(fixture("pki/server-fullchain.pem"));
  REQUIRE(r.certificates.size() == expected.size());
  REQUIRE(expected.size() == 3);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(r.certificates[i].cert->der == expected[i]->der);
    CHECK(r.certificates[i].origin == CertOrigin::source(path));
  }
  CHECK(r.warnings.empty());
}

TEST_CASE("trust source: a DER certificate") {
  TempDir dir;
  CertPtr root = read_certificates(fixture("pki/root-ca.crt.pem")).at(0);
  std::string path = dir.write("root.der", root->der);
  TrustSourceResult r = load_trust_source(path, kChangeit);
  REQUIRE(r.certificates.size() == 1);
  CHECK(r.certificates[0].cert->der == root->der);
}

TEST_CASE("trust source: PEM with CRLF line ends, indentation and comments") {
  TempDir dir;
  Bytes pem = fixture("pki/root-ca.crt.pem");
  std::string text(pem.begin(), pem.end());
  std::string crlf = "# the root\r\n";
  std::string indented = "subject=Example Root CA\n";
  for (char c : text) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
  }
  for (const std::string& variant : {crlf, indented}) {
    TrustSourceResult r = load_trust_source(dir.write("root.pem", variant), kChangeit);
    CHECK(names(r) == std::vector<std::string>{"Example Root CA"});
  }
}

TEST_CASE("trust source: a folder, sorted by name, junk skipped with one warning per file") {
  TempDir dir;
  dir.copy_fixture("pki/root-ca.crt.pem", "b-root.pem");
  dir.copy_fixture("pki/ca-chain.pem", "a-chain.pem");  // intermediate, then root again
  dir.copy_fixture("pki/other-root-ca.crt.pem", "c-other.crt");
  std::string readme = dir.write("README.txt", std::string("certificates for the mail relay\n"));
  std::string key = dir.copy_fixture("pki/root-ca.key.pem", "root-ca.key.pem");
  dir.write("empty.pem", std::string());
  fs::create_directory(dir.file("subfolder"));
  dir.copy_fixture("pki/server.crt.pem", "subfolder/not-recursed.pem");

  TrustSourceResult r = load_trust_source(dir.str(), kChangeit);
  // Each certificate once: the root from a-chain.pem wins over b-root.pem.
  CHECK(names(r) == std::vector<std::string>{"Example Issuing CA 1", "Example Root CA",
                                             "Downstream MTA Root CA"});
  REQUIRE(r.certificates.size() == 3);
  CHECK(r.certificates[0].origin == CertOrigin::source(dir.file("a-chain.pem")));
  CHECK(r.certificates[1].origin == CertOrigin::source(dir.file("a-chain.pem")));
  CHECK(r.certificates[2].origin == CertOrigin::source(dir.file("c-other.crt")));

  // README.txt, empty.pem, root-ca.key.pem, in name order ("R" < "e" < "r").
  REQUIRE(r.warnings.size() == 3);
  for (const Finding& f : r.warnings) {
    CHECK(f.code == "TRUST_SOURCE_FILE_SKIPPED");
    CHECK(f.severity == Severity::kWarning);
    CHECK_FALSE(f.remedy.empty());
  }
  CHECK(detail(r.warnings[0], "path") == readme);
  CHECK(detail(r.warnings[1], "path") == dir.file("empty.pem"));
  CHECK(detail(r.warnings[2], "path") == key);
  CHECK(r.warnings[2].message.find("PRIVATE KEY") != std::string::npos);
}

TEST_CASE("trust source: a folder path with a trailing slash names files once") {
  TempDir dir;
  dir.copy_fixture("pki/root-ca.crt.pem", "root.pem");
  // As a user types it on this system: "dir/" on Linux, "C:\\dir\\" on Windows.
  TrustSourceResult r = load_trust_source(dir.str() + (testos::kWindows ? "\\" : "/"), kChangeit);
  REQUIRE(r.certificates.size() == 1);
  CHECK(r.certificates[0].origin == CertOrigin::source(dir.file("root.pem")));
}

TEST_CASE("trust source: a folder without certificates is a warning, not an error") {
  TempDir dir;
  TrustSourceResult empty = load_trust_source(dir.str(), kChangeit);
  CHECK(empty.certificates.empty());
  CHECK(codes(empty) == std::vector<std::string>{"TRUST_SOURCE_EMPTY"});
  CHECK(detail(empty.warnings[0], "path") == dir.str());

  dir.write("notes.txt", std::string("nothing here"));
  TrustSourceResult junk = load_trust_source(dir.str(), kChangeit);
  CHECK(junk.certificates.empty());
  CHECK(codes(junk) == std::vector<std::string>{"TRUST_SOURCE_FILE_SKIPPED", "TRUST_SOURCE_EMPTY"});
}

TEST_CASE("trust source: a folder with many files and one bad certificate among them") {
  TempDir dir;
  Bytes root = fixture("pki/root-ca.crt.pem");
  Bytes other = fixture("pki/other-root-ca.crt.pem");
  for (int i = 0; i < 150; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "cert-%03d.pem", i);
    dir.write(name, i % 2 ? root : other);
  }
  // Starts like DER, parses as nothing: found on the batch's slow path.
  dir.write("cert-075.der", Bytes{0x30, 0x03, 0x02, 0x01, 0x01});
  // Larger than the folder reader's buffer.
  Bytes big;
  Bytes intermediate = fixture("pki/intermediate-ca.crt.pem");
  while (big.size() < 100000) big.insert(big.end(), intermediate.begin(), intermediate.end());
  dir.write("big-bundle.pem", big);
  TrustSourceResult r = load_trust_source(dir.str(), kChangeit);
  CHECK(names(r) == std::vector<std::string>{"Example Issuing CA 1", "Downstream MTA Root CA",
                                             "Example Root CA"});
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].code == "TRUST_SOURCE_FILE_SKIPPED");
  CHECK(detail(r.warnings[0], "path") == dir.file("cert-075.der"));
}

TEST_CASE("trust source: a keystore gives every chain certificate, named by alias") {
  std::string path = fixture_path("jks/server-fullchain.jks");
  TrustSourceResult r = load_trust_source(path, kChangeit);
  // Key entry 'server' (leaf > intermediate > root) and trusted 'root-ca' (the same root), in the
  // order Java enumerates the aliases; each certificate once, with the first alias that has it.
  REQUIRE(r.certificates.size() == 3);
  std::vector<std::string> sorted = names(r);
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted ==
        std::vector<std::string>{"Example Issuing CA 1", "Example Root CA", "mail.example.com"});
  for (const SourcedCertificate& c : r.certificates) {
    CHECK(c.origin.kind == CertOrigin::Kind::kSource);
    CHECK(c.origin.path == path);
    CHECK_FALSE(c.origin.hidden);
    if (cn(c.cert) == "Example Root CA") {
      CHECK(c.origin.alias == "root-ca");  // root-ca is listed first
      CHECK(describe_origin(c.origin) == path + " entry 'root-ca'");
    } else {
      CHECK(c.origin.alias == "server");
    }
  }
  CHECK(r.warnings.empty());

  TrustSourceResult trust = load_trust_source(fixture_path("jks/truststore.jks"), kChangeit);
  CHECK(trust.certificates.size() == 3);
  CHECK(trust.warnings.empty());
}

TEST_CASE("trust source: a keystore the password does not open is read without a check") {
  std::string path = fixture_path("jks/truststore.jks");
  TrustSourceResult wrong = load_trust_source(path, Password::of("not-the-password"));
  CHECK(wrong.certificates.size() == 3);
  CHECK(codes(wrong) == std::vector<std::string>{"TRUST_SOURCE_NOT_VERIFIED"});
  CHECK(detail(wrong.warnings[0], "path") == path);

  TrustSourceResult none = load_trust_source(path, Password());
  CHECK(none.certificates.size() == 3);
  CHECK(codes(none) == std::vector<std::string>{"TRUST_SOURCE_NOT_VERIFIED"});
}

TEST_CASE("trust source: PKCS#12 certificates hidden from Java's entries still count") {
  std::string path = fixture_path("pkcs12/openssl-truststore.p12");
  TrustSourceResult r = load_trust_source(path, kChangeit);
  CHECK(r.certificates.size() == 3);
  for (const SourcedCertificate& c : r.certificates) {
    CHECK(c.origin.kind == CertOrigin::Kind::kSource);
    CHECK(c.origin.path == path);
    CHECK(c.origin.hidden);
    CHECK(describe_origin(c.origin) == path + " hidden certificate");
  }
}

TEST_CASE("trust source: PKCS#12 with encrypted certificates needs its password") {
  std::string path = fixture_path("pkcs12/java-fullchain.p12");
  TrustSourceResult r = load_trust_source(path, kChangeit);
  CHECK(r.certificates.size() == 4);  // leaf, intermediate, root, other root
  CHECK(r.warnings.empty());

  CHECK_THROWS_AS(load_trust_source(path, Password::of("wrong")), PasswordError);
  CHECK_THROWS_AS(load_trust_source(path, Password()), PasswordError);
  try {
    load_trust_source(path, Password::of("wrong"));
  } catch (const PasswordError& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }

  // Plain certificate bags read fine without the password.
  TrustSourceResult plain =
      load_trust_source(fixture_path("pkcs12/java-passwordless.p12"), Password::of("wrong"));
  CHECK(plain.certificates.size() == 2);
}

TEST_CASE("trust source: keystores inside a folder") {
  TempDir dir;
  dir.copy_fixture("jks/truststore.jks", "store.bin");
  dir.copy_fixture("pkcs12/java-fullchain.p12", "z-locked.p12");
  TrustSourceResult r = load_trust_source(dir.str(), Password::of("wrong"));
  CHECK(r.certificates.size() == 3);
  CHECK(r.certificates[0].origin.kind == CertOrigin::Kind::kSource);
  CHECK(r.certificates[0].origin.path == dir.file("store.bin"));
  CHECK_FALSE(r.certificates[0].origin.alias.empty());
  // The JKS opens without a check; the PKCS#12 with encrypted certificates is skipped.
  CHECK(codes(r) ==
        std::vector<std::string>{"TRUST_SOURCE_NOT_VERIFIED", "TRUST_SOURCE_FILE_SKIPPED"});
  CHECK(detail(r.warnings[1], "path") == dir.file("z-locked.p12"));
}

TEST_CASE("trust source: the OS trust store") {
  bool present = false;
  for (const char* p : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                        "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem", "/etc/ssl/certs"}) {
    present = present || fs::exists(p);
  }
  if (!present) {
    MESSAGE("no system trust store on this machine: skipped");
    return;
  }
  TrustSourceResult r = load_trust_source("system", Password());
  CHECK(r.certificates.size() >= 1);
  REQUIRE_FALSE(r.certificates.empty());
  CHECK(r.certificates[0].origin.kind == CertOrigin::Kind::kSystem);
  CHECK(r.certificates[0].origin.path.rfind("/etc/", 0) == 0);
  CHECK(describe_origin(r.certificates[0].origin).rfind("system trust store (/etc/", 0) == 0);
}

TEST_CASE("trust source: a missing path is an IoError naming it") {
  TempDir dir;
  std::string missing = dir.file("no-such-bundle.pem");
  CHECK(error_code_of(missing) == "NOT_FOUND");
  CHECK_THROWS_AS(load_trust_source(missing, kChangeit), IoError);
  try {
    load_trust_source(missing, kChangeit);
  } catch (const IoError& e) {
    CHECK(std::string(e.what()).find(missing) != std::string::npos);
  }
}

TEST_CASE("trust source: a single file without certificates is a FormatError") {
  TempDir dir;
  std::string junk = dir.write("junk.txt", std::string("hello, world\n"));
  CHECK_THROWS_AS(load_trust_source(junk, kChangeit), FormatError);
  try {
    load_trust_source(junk, kChangeit);
  } catch (const FormatError& e) {
    CHECK(std::string(e.what()).find(junk) != std::string::npos);
  }
  CHECK_THROWS_AS(load_trust_source(fixture_path("pki/root-ca.key.pem"), kChangeit), FormatError);
  CHECK_THROWS_AS(load_trust_source(dir.write("empty.pem", std::string()), kChangeit), FormatError);
  CHECK_THROWS_AS(load_trust_source(dir.write("bad.der", Bytes{0x30, 0x00}), kChangeit),
                  FormatError);
  CHECK_THROWS_AS(
      load_trust_source(dir.write("bad.pem", std::string("-----BEGIN CERTIFICATE-----\n!!\n"
                                                         "-----END CERTIFICATE-----\n")),
                        kChangeit),
      FormatError);
}

TEST_CASE("trust sources: several sources in one pool, each DER once, warnings kept in order") {
  TempDir dir;
  dir.copy_fixture("pki/root-ca.crt.pem", "root.pem");
  dir.write("README.txt", std::string("not a certificate\n"));
  std::string bundle = fixture_path("pki/server-fullchain.pem");  // leaf, intermediate, root
  std::string empty = dir.file("nothing");
  fs::create_directory(empty);

  TrustSources loaded = load_trust_sources({dir.str(), bundle, empty}, kChangeit);
  REQUIRE(loaded.pool.size() == 3);
  const CertPtr& root = loaded.pool.all()[0];
  CHECK(loaded.pool.origin(*root) == CertOrigin::source(dir.file("root.pem")));
  // The root again in the bundle keeps its first origin.
  for (const CertPtr& c : loaded.pool.all()) {
    if (c != root) CHECK(loaded.pool.origin(*c) == CertOrigin::source(bundle));
  }
  std::vector<std::string> codes;
  for (const Finding& f : loaded.warnings) codes.push_back(f.code);
  CHECK(codes == std::vector<std::string>{"TRUST_SOURCE_FILE_SKIPPED", "TRUST_SOURCE_EMPTY"});

  CHECK(load_trust_sources({}, kChangeit).pool.size() == 0);
  CHECK_THROWS_AS(load_trust_sources({bundle, dir.file("missing.pem")}, kChangeit), IoError);
}

}  // namespace sources_test
