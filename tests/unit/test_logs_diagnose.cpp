// `logs`: every excerpt of the support article classified as the article explains, and the
// diagnoser's counting rules (distinct connections, echoes, hosts from other records, sides).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fixture_util.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/logs.hpp"
#include "ksdoctor/logs_report.hpp"
#include "test_os.hpp"

namespace logs_diagnose_test {
using namespace ksdoctor;
using namespace ksdoctor::logs;

namespace {

Diagnosis diagnose(std::vector<std::string> relative, ReadOptions options = {}) {
  for (std::string& p : relative) p = fixture_path("logs/" + p);
  return diagnose_logs(relative, options);
}

const LogFinding* find(const Diagnosis& d, Code code, Side side) {
  for (const LogFinding& f : d.findings) {
    if (f.code == code && f.side == side) return &f;
  }
  return nullptr;
}

// The only finding of `d`, checked against what the article says.
void only(const Diagnosis& d, Code code, Side side, std::uint64_t count,
          const std::vector<std::string>& remotes) {
  REQUIRE(d.findings.size() == 1);
  const LogFinding& f = d.findings[0];
  CHECK(code_name(f.code) == std::string(code_name(code)));
  CHECK(f.side == side);
  CHECK(f.count == count);
  CHECK(f.remotes == remotes);
}

struct TempLog {
  std::string path;
  explicit TempLog(const std::string& content) {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() / "ksdoctor-logs-diag-").string() +
           std::to_string(testos::pid()) + "-" + std::to_string(n++) + ".log";
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempLog() { std::remove(path.c_str()); }
};

// One operational line at second `s` past 2022-07-21 12:00:00-05:00.
std::string op(int s, int code, const std::string& text, const std::string& fields) {
  char t[64];
  std::snprintf(t, sizeof t, "21/Jul/22:12:%02d:%02d:000-0500", s / 60, s % 60);
  return std::string(t) + " [INFO] (SMTP_CONNECTION." + std::to_string(code) + ") " + text + " (" +
         fields + ")\n";
}

Diagnosis diagnose_text(const std::string& content) {
  TempLog f(content);
  return diagnose_logs({f.path});
}

}  // namespace

TEST_CASE("logs: article, RequestProcessor log: NO_TLS agreed within one relay") {
  Diagnosis d = diagnose({"article/rp-no-tls.log"});
  only(d, Code::kNoTlsNegotiated, Side::kUpstream, 1, {"10.a.b.c"});
  CHECK(d.upstream_connections == 1);
  CHECK(d.downstream_connections == 1);
  CHECK(d.relays == 1);
  CHECK(d.local_times);
  CHECK(d.malformed_lines == 0);
  CHECK(d.has_errors());
  CHECK(d.findings[0].example.line == 6);  // "Parsing response 450 4.7.0", the first sign
  CHECK(format_time(d.findings[0].first) == "2022-03-14T16:32:14.000");
}

TEST_CASE("logs: article: forward NullPointerException = keystore not loaded, host from 1203") {
  Diagnosis d = diagnose({"article/op-keystore-npe.log"});
  only(d, Code::kKeystoreNotLoaded, Side::kDownstream, 1, {"140.x.y.z"});
  CHECK(d.records == 5);
  CHECK(format_time(d.findings[0].first) == "2022-07-21T12:23:33.090-05:00");
  CHECK(d.findings[0].example.line == 3);
  CHECK_FALSE(d.local_times);
}

TEST_CASE("logs: article: decode_error upstream, its 5202 echo not a CONNECTION_ERROR") {
  Diagnosis d = diagnose({"article/op-decode-error.log"});
  only(d, Code::kUpstreamLegacyTls, Side::kUpstream, 1, {"10.a.b.c"});
  CHECK(*d.findings[0].reason == "Received fatal alert: decode_error");
}

TEST_CASE("logs: article: General SSLEngine problem on the forward connection") {
  Diagnosis d = diagnose({"article/op-sslengine.log"});
  only(d, Code::kSslEngineProblem, Side::kDownstream, 1, {"205.x.y.z"});
  CHECK(d.tls.completed == 1);
  CHECK(d.tls.protocols.at("TLSv1.2") == 1);
  CHECK(d.tls.ciphers.at("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384") == 1);
  std::vector<std::string> check = report::log_finding_check(d.findings[0]);
  REQUIRE(check.size() == 3);
  CHECK(check[0] == "ksdoctor locate");
  CHECK(check[1] == "ksdoctor probe 205.x.y.z");
  CHECK(check[2].starts_with("ksdoctor verify prevent.ks --peer"));
}

TEST_CASE("logs: article: no cipher suites in common, in either log and in both at once") {
  for (auto files :
       {std::vector<std::string>{"article/op-no-cipher.log"},
        std::vector<std::string>{"article/rp-no-cipher.log"},
        std::vector<std::string>{"article/op-no-cipher.log", "article/rp-no-cipher.log"}}) {
    CAPTURE(files.size());
    Diagnosis d = diagnose(files);
    only(d, Code::kNoCommonCipher, Side::kUpstream, 1, {"10.a.b.c"});
    CHECK(d.upstream_connections == 1);
    CHECK(d.relays == 1);
  }
}

TEST_CASE("logs: CRLF and a truncated last line read as the article's files do") {
  Diagnosis crlf = diagnose({"variants/op-keystore-npe-crlf.log"});
  only(crlf, Code::kKeystoreNotLoaded, Side::kDownstream, 1, {"140.x.y.z"});
  Diagnosis rp = diagnose({"variants/rp-no-tls-crlf.log"});
  only(rp, Code::kNoTlsNegotiated, Side::kUpstream, 1, {"10.a.b.c"});
  Diagnosis cut = diagnose({"variants/op-decode-error-truncated.log"});
  only(cut, Code::kUpstreamLegacyTls, Side::kUpstream, 1, {"10.a.b.c"});
  CHECK(cut.records == 5);
}

TEST_CASE("logs: a folder of rotated logs, by content, merged by time, one gzip") {
  Diagnosis d = diagnose({"rotated"});
  // Not README.txt, not the empty Operational0.log (nothing to recognise).
  REQUIRE(d.files.size() == 5);
  CHECK(d.files[2].path.ends_with("SmtpPrevent_Operational2.log.gz"));
  CHECK(d.files[2].gzip);
  CHECK(d.findings.size() == 4);
  CHECK(find(d, Code::kSslEngineProblem, Side::kDownstream)->count == 1);
  CHECK(find(d, Code::kNoCommonCipher, Side::kUpstream)->count == 1);  // op and RP: one cid
  CHECK(find(d, Code::kKeystoreNotLoaded, Side::kDownstream)->count == 1);
  CHECK(find(d, Code::kUpstreamLegacyTls, Side::kUpstream)->count == 1);
  CHECK(d.upstream_connections == 4);
  CHECK(d.relays == 4);
  // Hours in time order: March 28 and 31 (16:00, 08:00), July 21 and 27.
  REQUIRE(d.hourly.size() == 4);
  CHECK(format_time(d.hourly[0].hour) == "2022-03-28T16:00:00.000-05:00");
  CHECK(format_time(d.hourly[3].hour) == "2022-07-27T11:00:00.000-05:00");
  CHECK(d.hourly[0].connections == 2);
  CHECK(d.hourly[0].failures == 1);
  // --since drops the March files' records.
  ReadOptions o;
  o.since = parse_time_bound("2022-07-01");
  Diagnosis july = diagnose({"rotated"}, o);
  CHECK(july.findings.size() == 2);
  CHECK(july.records == 10);
}

TEST_CASE("logs: echoes count once whichever is logged first; other reasons stay apart") {
  std::string up = "tid=1 cid=Upstream-a local=10.9.0.2:10025 remote=10.1.0.1:4000";
  std::string down = "tid=1 cid=Downstream-b local=10.9.0.2:5000 remote=mx.example.net:25";
  Diagnosis d = diagnose_text(
      op(0, 1201, "Connection accepted", up) + op(0, 1203, "Forward connection established", down) +
      op(1, 5203, "Forward connection error",
         "tid=1 cid=Downstream-b mta=<> reason=Received fatal alert: handshake_failure") +
      op(1, 5208, "TLS handshake failed",
         down + " reason=Received fatal alert: handshake_failure") +
      op(2, 5203, "Forward connection error",
         "tid=1 cid=Downstream-b mta=<> reason=java.net.SocketException: Connection reset") +
      op(3, 1202, "Peer disconnected", "tid=1 cid=Downstream-b local=<> remote=<>"));
  REQUIRE(d.findings.size() == 2);
  const LogFinding* hs = find(d, Code::kTlsHandshakeFailed, Side::kDownstream);
  REQUIRE(hs);
  CHECK(hs->count == 1);
  CHECK(*hs->reason == "Received fatal alert: handshake_failure");
  CHECK(hs->remotes == std::vector<std::string>{"mx.example.net"});
  const LogFinding* ce = find(d, Code::kConnectionError, Side::kDownstream);
  REQUIRE(ce);
  CHECK(ce->count == 1);
  CHECK(*ce->reason == "java.net.SocketException: Connection reset");
  // Errors first.
  CHECK(d.findings[0].code == Code::kTlsHandshakeFailed);
}

TEST_CASE("logs: PKIX, decode_error downstream, 5200, legacy TLS, and counts per connection") {
  std::string content;
  for (int i = 0; i < 3; ++i) {
    std::string n = std::to_string(i);
    std::string down = "tid=" + n + " cid=Downstream-" + n + " local=10.9.0.2:5000 remote=mx" + n +
                       ".example.net:25";
    content += op(i, 1203, "Forward connection established", down);
    // Logged twice for one connection: counts once.
    for (int k = 0; k < 2; ++k) {
      content += op(i, 5208, "TLS handshake failed",
                    down +
                        " reason=sun.security.validator.ValidatorException: PKIX path building "
                        "failed: unable to find valid certification path to requested target");
    }
  }
  content += op(10, 5208, "TLS handshake failed",
                "tid=9 cid=Downstream-9 remote=mx9.example.net:25 reason=Received fatal alert: "
                "decode_error");
  content += op(11, 5200, "Connection rejected from unauthorized host",
                "tid=8 cid=Upstream-8 local=10.9.0.2:10025 remote=192.0.2.8:3333");
  content += op(12, 5209, "TLS handshake completed",
                "tid=7 cid=Upstream-7 remote=10.1.0.7:1 peer=<unverified> protocol=<TLSv1> "
                "cipher=<TLS_RSA_WITH_AES_128_CBC_SHA>");
  content += op(13, 5209, "TLS handshake completed",
                "tid=6 cid=Downstream-6 remote=mx6.example.net:25 peer=<CN=mx6> "
                "protocol=<TLSv1.2> cipher=<SSL_RSA_WITH_3DES_EDE_CBC_SHA>");
  Diagnosis d = diagnose_text(content);
  const LogFinding* pkix = find(d, Code::kPeerChainUntrusted, Side::kDownstream);
  REQUIRE(pkix);
  CHECK(pkix->count == 3);
  CHECK(pkix->remotes ==
        std::vector<std::string>{"mx0.example.net", "mx1.example.net", "mx2.example.net"});
  CHECK(find(d, Code::kTlsHandshakeFailed, Side::kDownstream)->count == 1);
  CHECK_FALSE(find(d, Code::kUpstreamLegacyTls, Side::kDownstream));
  const LogFinding* unauthorized = find(d, Code::kUnauthorizedHost, Side::kUpstream);
  REQUIRE(unauthorized);
  CHECK(unauthorized->remotes == std::vector<std::string>{"192.0.2.8"});
  CHECK(code_severity(Code::kUnauthorizedHost) == Severity::kWarning);
  CHECK(find(d, Code::kLegacyTlsInUse, Side::kUpstream)->count == 1);
  CHECK(*find(d, Code::kLegacyTlsInUse, Side::kUpstream)->reason ==
        "TLSv1 TLS_RSA_WITH_AES_128_CBC_SHA");
  CHECK(find(d, Code::kLegacyTlsInUse, Side::kDownstream)->count == 1);
  CHECK(d.tls.completed == 2);
  CHECK(d.tls.protocols.at("TLSv1") == 1);
}

TEST_CASE("logs: warnings alone are not errors; an empty window and no log are bad input") {
  Diagnosis d = diagnose_text(op(0, 5200, "Connection rejected from unauthorized host",
                                 "tid=8 cid=Upstream-8 remote=192.0.2.8:3333"));
  CHECK_FALSE(d.has_errors());
  CHECK_THROWS_WITH_AS(diagnose({"article/../rotated/README.txt"}),
                       doctest::Contains("no DLP SMTP"), IoError);
  CHECK_THROWS_AS(diagnose({"does-not-exist"}), IoError);
  CHECK_THROWS_AS(diagnose({"variants/../../installs"}), IoError);  // a folder without logs
}

TEST_CASE("logs: the diagnoser forgets closed connections but keeps their hosts") {
  DiagnoserLimits limits;
  limits.closed_window_ms = 1000;
  Diagnoser diagnoser(limits);
  std::string content;
  for (int i = 0; i < 50; ++i) {
    std::string n = std::to_string(i);
    content += op(i * 3, 1203, "Forward connection established",
                  "tid=1 cid=Downstream-" + n + " remote=mx" + std::to_string(i % 4) + ":25");
    content += op(i * 3, 5203, "Forward connection error",
                  "tid=1 cid=Downstream-" + n +
                      " mta=<> reason=java.io.IOException: "
                      "java.lang.NullPointerException");
    content += op(i * 3 + 1, 1202, "Peer disconnected", "tid=1 cid=Downstream-" + n);
  }
  TempLog f(content);
  RecordReader reader(f.path, 0);
  while (const Record* r = reader.next()) diagnoser.add(*r);
  Diagnosis d = diagnoser.result();
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].count == 50);
  CHECK(d.findings[0].remotes == std::vector<std::string>{"mx0", "mx1", "mx2", "mx3"});
  CHECK(d.downstream_connections == 50);
}

}  // namespace logs_diagnose_test
