// `ksdoctor logs` through the CLI: exit status (0 clean, 1 errors, 2 bad input), text and JSON.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "fixture_util.hpp"

namespace logs_cli_test {
namespace {

std::string fx(const std::string& relative) { return "'" + fixture_path("logs/" + relative) + "'"; }

}  // namespace

TEST_CASE("logs cli: an error finding exits 1; text leads with the most important problem") {
  clitest::Run r = clitest::run("logs " + fx("article/op-keystore-npe.log"));
  CHECK(r.status == 1);
  CHECK(r.err.empty());
  CHECK(r.out.starts_with("KEYSTORE_NOT_LOADED: 1 forward connection failed"));
  CHECK(r.out.find("Causes:") != std::string::npos);
  CHECK(r.out.find("Per hour") != std::string::npos);
  CHECK(r.out.find("check: ksdoctor locate") != std::string::npos);
  CHECK(r.out.find("remote hosts: 140.x.y.z") != std::string::npos);
}

TEST_CASE("logs cli: JSON for a folder of rotated logs") {
  clitest::Run r = clitest::run("logs " + fx("rotated") + " --format json");
  CHECK(r.status == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["files"].size() == 5);
  CHECK(j["files"][0]["format"] == "jul");
  CHECK(j["files"][1]["format"] == "operational");
  CHECK(j["records"] == 35);
  CHECK(j["malformed_lines"] == 0);
  CHECK(j["malformed_example"].is_null());
  CHECK(j["local_times"] == true);
  CHECK(j["connections"]["upstream"] == 4);
  CHECK(j["connections"]["downstream"] == 4);
  CHECK(j["relays"] == 4);
  CHECK(j["tls"]["completed"] == 1);
  CHECK(j["tls"]["protocols"]["TLSv1.2"] == 1);
  CHECK(j["hourly"].size() == 4);
  REQUIRE(j["findings"].size() == 4);
  for (const auto& f : j["findings"]) {
    CHECK(f["severity"] == "error");
    CHECK(f["count"] == 1);
    CHECK(f["message"].is_string());
    CHECK(f["remedy"].is_string());
    CHECK(f["check"].is_array());
    CHECK(f["example"]["line"].is_number());
    CHECK(f["first"].is_string());
  }
  // The forward failures name their remote hosts.
  bool ssl = false;
  for (const auto& f : j["findings"]) {
    if (f["code"] == "SSLENGINE_PROBLEM") {
      ssl = true;
      CHECK(f["side"] == "downstream");
      CHECK(f["remotes"] == nlohmann::json::array({"205.x.y.z"}));
      CHECK(f["reason"] == "General SSLEngine problem");
      CHECK(f["example"]["file"].get<std::string>().ends_with("SmtpPrevent_Operational4.log"));
      CHECK(f["example"]["line"] == 4);
    }
  }
  CHECK(ssl);
}

TEST_CASE("logs cli: a window without failures exits 0") {
  clitest::Run r = clitest::run("logs " + fx("article/op-sslengine.log") +
                                " --until 2022-03-28T16:03:02.700-05:00 --format json");
  CHECK(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["records"] == 3);
  CHECK(j["files"][0]["outside_window"] == 4);
  CHECK(j["findings"].empty());
  CHECK(r.out.find("\"outside_window\": 4") != std::string::npos);
}

TEST_CASE("logs cli: bad input exits 2 with one line on stderr and nothing on stdout") {
  for (std::string args : std::vector<std::string>{
           "logs", "logs /nonexistent/logs", "logs " + fx("rotated/README.txt"),
           "logs " + fx("rotated") + " --since yesterday",
           "logs " + fx("rotated") + " --since 2022-08-01 --until 2022-07-01",
           "logs " + fx("article/op-sslengine.log") + " --format xml"}) {
    CAPTURE(args);
    clitest::Run r = clitest::run(args);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(clitest::lines(r.err) == 1);
  }
}

TEST_CASE("logs cli: non-UTF-8 bytes and garbage still give valid JSON") {
  std::string path = "/tmp/ksdoctor-logs-cli-" + std::to_string(::getpid()) + ".log";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xff\xfe garbage \xc3\x28\n"
        << "21/Jul/22:12:23:33:090-0500 [INFO] (SMTP_CONNECTION.5203) Forward connection error "
           "(tid=31 cid=Downstream-\xff mta=h\xe9:25 reason=java.io.IOException: \xff\xfe)\n";
  }
  clitest::Run r = clitest::run("logs " + path + " --format json");
  std::remove(path.c_str());
  CHECK(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["malformed_lines"] == 1);
  CHECK(j["malformed_example"]["line"] == 1);
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["code"] == "CONNECTION_ERROR");
  CHECK(j["findings"][0]["reason"] == "java.io.IOException: \xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace logs_cli_test
