// `logs` on malformed input: every truncation of the article's excerpts and seeded byte mutations
// (plain and gzip) go through the record reader, the diagnoser and both renderers; only
// ksdoctor::Error may come out, and the JSON must always dump.
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "fixture_util.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/logs.hpp"
#include "ksdoctor/logs_report.hpp"
#include "test_os.hpp"

namespace logs_malformed_test {
using namespace ksdoctor;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Reads `bytes` as a log file: records, malformed lines and the rendered reports.
void survive(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  try {
    logs::RecordReader reader(path, 0);
    logs::Diagnoser diagnoser;
    std::uint64_t n = 0;
    while (const logs::Record* r = reader.next()) {
      diagnoser.add(*r);
      ++n;
      REQUIRE(r->line > 0);
    }
    logs::Diagnosis d = diagnoser.result();
    d.files.push_back(reader.summary());
    CHECK(d.files[0].records == n);
    CHECK_FALSE(report::logs_json(d).dump().empty());
    CHECK_FALSE(report::logs_text(d).empty());
  } catch (const Error&) {
  }
}

}  // namespace

TEST_CASE("logs: malformed input: truncations and mutations never escape as a crash") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "ksdoctor-logs-malformed-").string() +
      std::to_string(testos::pid());
  std::mt19937 rng(20221);
  for (const char* name : {"article/rp-no-tls.log", "article/op-sslengine.log",
                           "article/rp-no-cipher.log", "rotated/SmtpPrevent_Operational2.log.gz"}) {
    CAPTURE(name);
    std::string bytes = slurp(fixture_path(std::string("logs/") + name));
    REQUIRE_FALSE(bytes.empty());
    for (std::size_t n = 0; n < bytes.size(); n += (bytes.size() > 2000 ? 7 : 1)) {
      survive(path, bytes.substr(0, n));
    }
    for (int i = 0; i < 300; ++i) {
      std::string m = bytes;
      int flips = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < flips; ++k) {
        std::size_t at = rng() % m.size();
        switch (rng() % 4) {
          case 0:
            m[at] = static_cast<char>(m[at] ^ (1 << (rng() % 8)));
            break;
          case 1:
            m[at] = "\n\r()<>= :\xff"[rng() % 11];
            break;
          case 2:
            m.insert(at, std::string(rng() % 64, static_cast<char>(rng())));
            break;
          default:
            m.erase(at, rng() % 32);
            break;
        }
        if (m.empty()) m = "x";
      }
      survive(path, m);
    }
  }
  std::remove(path.c_str());
}

// Found by fuzz_logs: a line whose bytes are not UTF-8 but look like a 3-byte sequence led by
// F5–FF ("\xFF\x83\x83") reached the JSON unreplaced, and dump() threw.
TEST_CASE("logs: malformed input: bytes that never lead UTF-8 are replaced in the JSON") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "ksdoctor-logs-invalid-utf8-").string() +
      std::to_string(testos::pid());
  for (const char* lead : {"\xF5", "\xF8", "\xFF", "\xC0", "\xC1"}) {
    CAPTURE(static_cast<int>(static_cast<unsigned char>(lead[0])));
    std::string line = std::string("# SMTP ") + lead + "\x83\x83\x83 garbage\n";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << line;
    logs::RecordReader reader(path, 0);
    while (reader.next()) {
    }
    logs::Diagnosis d;
    d.files.push_back(reader.summary());
    d.malformed_example = d.files[0].malformed_example;
    REQUIRE(d.malformed_example);
    CHECK_NOTHROW((void)report::logs_json(d).dump());
  }
  std::filesystem::remove(path);
}

}  // namespace logs_malformed_test
