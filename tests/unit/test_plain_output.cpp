// Plain output: NO_COLOR (and a dumb terminal) turn off colour, the redrawn progress line and the
// symbols; the reports then use ASCII marks. And --version names the libraries in use.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "cli_run.hpp"
#include "fixture_util.hpp"
#include "ksdoctor/marks.hpp"
#include "ksdoctor/system.hpp"
#include "test_os.hpp"

namespace plain_output_test {
namespace {

bool ascii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Sets (or unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      testos::set_env(name, value);
    } else {
      testos::unset_env(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      testos::set_env(name_, old_->c_str());
    } else {
      testos::unset_env(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

const std::string kAt = " --at 2030-01-01";

}  // namespace

TEST_CASE("plain output: NO_COLOR turns off symbols, colour and the progress line (POSIX)") {
  using ksdoctor::platform::setup_console;
  {
    ScopedEnv no_colour("NO_COLOR", "1");
    ScopedEnv term("TERM", "xterm-256color");
    auto s = setup_console();
    CHECK_FALSE(s.unicode);
    CHECK_FALSE(s.colour_out);
    CHECK_FALSE(s.colour_err);
    CHECK_FALSE(s.redraw_err);
  }
  {
    // no-color.org: an empty NO_COLOR does not count.
    ScopedEnv no_colour("NO_COLOR", "");
    CHECK(setup_console().unicode);
  }
  {
    ScopedEnv no_colour("NO_COLOR", nullptr);
    ScopedEnv term("TERM", "dumb");
    auto s = setup_console();
    CHECK(s.unicode);
    CHECK_FALSE(s.redraw_err);
  }
}

TEST_CASE("plain output: the ASCII marks are ASCII and as wide as the tree branch they replace") {
  using ksdoctor::report::kAsciiMarks;
  using ksdoctor::report::kUnicodeMarks;
  for (const char* m : {kAsciiMarks.ok, kAsciiMarks.bad, kAsciiMarks.other, kAsciiMarks.arrow,
                        kAsciiMarks.branch}) {
    CHECK(ascii(m));
  }
  CHECK(std::string(kAsciiMarks.branch).size() == 3);  // "└─ " is three columns
  CHECK(std::string(kUnicodeMarks.branch) == "└─ ");
}

TEST_CASE("plain output: verify under NO_COLOR prints ASCII only") {
  using clitest::run;
  const std::string ks = fixture_path("jks/server-fullchain.jks");
  const std::string trust = " --trust " + fixture_path("pki/root-ca.crt.pem");
  clitest::Run fancy = run("verify " + ks + trust + kAt, "KSDOCTOR_STOREPASS=changeit");
  CHECK(fancy.status == 0);
  CHECK(fancy.out.find("└─ ✔ ") != std::string::npos);
  clitest::Run plain = run("verify " + ks + trust + kAt, "KSDOCTOR_STOREPASS=changeit NO_COLOR=1");
  CHECK(plain.status == 0);
  CHECK(ascii(plain.out));
  CHECK(plain.out.find("`- OK ") != std::string::npos);
  CHECK(plain.out.find("OK complete chain, ordered, root trusted") != std::string::npos);
  // The same report otherwise: the same number of lines.
  CHECK(clitest::lines(plain.out) == clitest::lines(fancy.out));
}

TEST_CASE("plain output: inspect under NO_COLOR prints ASCII only") {
  using clitest::run;
  const std::string ks = fixture_path("jks/server-fullchain.jks");
  clitest::Run fancy = run("inspect " + ks + kAt, "KSDOCTOR_STOREPASS=changeit");
  CHECK(fancy.status == 0);
  CHECK(fancy.out.find(" → ") != std::string::npos);
  clitest::Run plain = run("inspect " + ks + kAt, "KSDOCTOR_STOREPASS=changeit NO_COLOR=1");
  CHECK(plain.status == 0);
  CHECK(ascii(plain.out));
  CHECK(plain.out.find(" -> ") != std::string::npos);
  CHECK(clitest::lines(plain.out) == clitest::lines(fancy.out));
}

TEST_CASE("--version: ksdoctor's version, the OpenSSL in use, and Botan or why not") {
  clitest::Run v = clitest::run("--version");
  CHECK(v.status == 0);
  CHECK(v.out.rfind("ksdoctor " KSDOCTOR_VERSION_FOR_TESTS "\n", 0) == 0);
  CHECK(v.out.find("\nOpenSSL: OpenSSL 3.") != std::string::npos);
#if KSDOCTOR_HAVE_BOTAN
  // The Botan headers the cross-check was built with (nothing is loaded for --version).
  CHECK(v.out.find("\nBotan: 2.") != std::string::npos);
#else
  CHECK(v.out.find("\nBotan: not available (this build has no cross-check)\n") !=
        std::string::npos);
#endif
  CHECK(v.err.empty());
}

}  // namespace plain_output_test
