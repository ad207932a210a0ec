// `logs` against the generator (tests/loggen): fixed seeds, both formats, rotated files (one
// gzip, one CRLF), interleaved relays, garbage lines and a cut last line. Every code's count,
// side and remote hosts must be exactly what the generator wrote, with no other finding.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "../loggen/loggen.hpp"
#include "ksdoctor/logs.hpp"
#include "test_os.hpp"

namespace logs_generator_test {
using namespace ksdoctor::logs;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() / "ksdoctor-loggen-").string() +
           std::to_string(testos::pid()) + "-" + std::to_string(n++);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

void check_against(const loggen::Expected& e, const Diagnosis& d) {
  std::map<loggen::Key, std::uint64_t> counts;
  std::map<loggen::Key, std::set<std::string>> remotes;
  for (const LogFinding& f : d.findings) {
    loggen::Key k{code_name(f.code), side_name(f.side)};
    CHECK_MESSAGE(counts.count(k) == 0, "two findings for ", k.code, " ", k.side);
    counts[k] = f.count;
    remotes[k] = std::set<std::string>(f.remotes.begin(), f.remotes.end());
    CHECK_FALSE(f.remotes_truncated);
  }
  CHECK(counts == e.counts);
  for (const auto& [k, hosts] : e.remotes) {
    CAPTURE(k.code);
    CHECK(remotes[k] == hosts);
  }
  CHECK(d.upstream_connections == e.upstream);
  CHECK(d.downstream_connections == e.downstream);
  CHECK(d.relays == e.relays);
  CHECK(d.tls.completed == e.tls_completed);
  CHECK(d.malformed_lines == e.malformed_lines);
}

}  // namespace

TEST_CASE("logs: generated operational logs, rotated, gzip, CRLF, garbage, cut last line") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    TempDir dir;
    loggen::Options o;
    o.seed = seed;
    o.relays = 3000;
    o.rotations = 5;
    o.garbage = 0.01;
    o.crlf_file = true;
    o.gzip_oldest = true;
    o.truncate_last = true;
    o.healthy = 0.5;
    loggen::Expected e = loggen::generate(dir.path, o);
    REQUIRE(e.files.size() == 5);
    CHECK(e.malformed_lines > 0);
    Diagnosis d = diagnose_logs({dir.path});
    CHECK(d.files.size() == 5);
    check_against(e, d);
    // Nine incident codes with 3000 relays: all of them appear.
    CHECK(e.counts.size() == 9);
  }
}

TEST_CASE("logs: generated operational and RequestProcessor logs of the same traffic") {
  for (std::uint64_t seed : {7u, 8u}) {
    CAPTURE(seed);
    TempDir dir;
    loggen::Options o;
    o.seed = seed;
    o.relays = 2000;
    o.rotations = 3;
    o.jul = true;
    o.garbage = 0.005;
    o.gzip_oldest = true;
    loggen::Expected e = loggen::generate(dir.path, o);
    CHECK(e.counts.count({"NO_TLS_NEGOTIATED", "upstream"}) == 1);
    Diagnosis d = diagnose_logs({dir.path});
    CHECK(d.files.size() == 4);
    CHECK(d.local_times);
    check_against(e, d);
    // The operational files alone: everything but what only the RequestProcessor log shows.
    std::vector<std::string> op;
    for (const std::string& f : e.files) {
      if (f.find("Operational") != std::string::npos) op.push_back(f);
    }
    Diagnosis od = diagnose_logs(op);
    loggen::Expected oe = e;
    oe.counts.erase({"NO_TLS_NEGOTIATED", "upstream"});
    oe.remotes.erase({"NO_TLS_NEGOTIATED", "upstream"});
    oe.malformed_lines -= 2;  // the RequestProcessor log's own garbage
    check_against(oe, od);
  }
}

}  // namespace logs_generator_test
