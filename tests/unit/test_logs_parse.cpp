// `logs`: the two line formats, key=value fields, times and bounds, and the record reader on
// awkward input (CRLF, multi-line messages, garbage, non-UTF-8, a truncated last line, gzip).
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fixture_util.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/logs.hpp"
#include "logs/parse.hpp"
#include "test_os.hpp"

namespace logs_parse_test {
using namespace ksdoctor;
using namespace ksdoctor::logs;

namespace {

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content, const std::string& suffix = ".log") {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() / "ksdoctor-logs-test-").string() +
           std::to_string(testos::pid()) + "-" + std::to_string(n++) + suffix;
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

// A record with its views copied (a reader's views end with its next call).
struct Got {
  Format format;
  Level level;
  std::uint64_t line;
  int code;
  Time time;
  std::string message, source, remote, reason;
};

std::vector<Got> read_all(const std::string& path, FileSummary* summary = nullptr,
                          ReadOptions options = {}) {
  RecordReader reader(path, 0, options);
  std::vector<Got> out;
  while (const Record* r = reader.next()) {
    out.push_back(Got{r->format, r->level, r->line, r->code, r->time, std::string(r->message),
                      std::string(r->source), std::string(r->fields.remote),
                      std::string(r->fields.reason)});
  }
  if (summary) *summary = reader.summary();
  return out;
}

}  // namespace

TEST_CASE("logs: an operational line, its time and its fields") {
  Record r;
  std::string line =
      "27/Jul/22:11:07:01:106-0500 [SEVERE] (SMTP_CONNECTION.5208) TLS handshake failed (tid=28 "
      "cid=Upstream-f66c9867 local=10.9.0.2:10025 remote=10.1.0.11:50281 reason=Received fatal "
      "alert: decode_error)";
  REQUIRE(parse_operational(line, r));
  CHECK(r.format == Format::kOperational);
  CHECK(r.level == Level::kSevere);
  CHECK(r.code == 5208);
  CHECK(r.category == "SMTP_CONNECTION");
  CHECK(r.message == "TLS handshake failed");
  CHECK(r.fields.tid == "28");
  CHECK(r.fields.cid == "Upstream-f66c9867");
  CHECK(r.fields.local == "10.9.0.2:10025");
  CHECK(r.fields.remote == "10.1.0.11:50281");
  CHECK(r.fields.reason == "Received fatal alert: decode_error");
  CHECK(format_time(r.time) == "2022-07-27T11:07:01.106-05:00");
  CHECK(r.time.has_offset);
  CHECK(r.time.offset_minutes == -300);

  // Not operational: wrong punctuation, impossible dates, unknown level, short.
  CHECK_FALSE(parse_operational("27/Jul/22 11:07:01:106-0500 [INFO] (SMTP_CONNECTION.1201) x", r));
  CHECK_FALSE(parse_operational("31/Feb/22:11:07:01:106-0500 [INFO] (SMTP_CONNECTION.1201) x", r));
  CHECK_FALSE(parse_operational("27/Jul/22:11:07:01:106-0500 [LOUD] (SMTP_CONNECTION.1201) x", r));
  CHECK_FALSE(parse_operational("27/Jul/22:11:07", r));
  CHECK_FALSE(parse_operational("27/Abc/22:11:07:01:106-0500 [INFO] (SMTP_CONNECTION.1201) x", r));
}

TEST_CASE("logs: fields as logged: <...> unwrapped, reason to the closing parenthesis") {
  Fields f;
  std::string_view text = parse_fields(
      "TLS handshake completed (tid=2b cid=Upstream-fea4 local=10.d.l.p:10025 remote=10.a.b.c:5263 "
      "peer=<unverified> protocol=<TLSv1.2> cipher=<TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384>)",
      f);
  CHECK(text == "TLS handshake completed");
  CHECK(f.peer == "unverified");
  CHECK(f.protocol == "TLSv1.2");
  CHECK(f.cipher == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");

  Fields g;
  parse_fields(
      "Forward connection error (tid=31 cid=Downstream-a5 mta=<> reason=java.io."
      "IOException: java.lang.NullPointerException)",
      g);
  CHECK(g.mta.empty());
  CHECK(g.reason == "java.io.IOException: java.lang.NullPointerException");

  Fields h;
  parse_fields(
      "Service connection closed (tid=31 cid=Upstream-d8 local=10.d.l.p:10025 "
      "remote=10.a.b.c:46120 messages=0 time=0.36s)",
      h);
  CHECK(h.messages == "0");
  CHECK(h.time == "0.36s");

  // A reason with parentheses of its own keeps them; a missing closing parenthesis (a cut
  // line) keeps all that is there.
  Fields i;
  parse_fields("x (tid=1 reason=Connection refused (Connection refused))", i);
  CHECK(i.reason == "Connection refused (Connection refused)");
  Fields j;
  parse_fields("x (tid=1 cid=Upstream-1 reason=General SSLEngine pro", j);
  CHECK(j.reason == "General SSLEngine pro");

  // Parentheses that open no field group are message text.
  Fields k;
  CHECK(parse_fields("RPT(35): Banner:: (tid=35)", k) == "RPT(35): Banner::");
  CHECK(k.tid == "35");
  Fields none;
  CHECK(parse_fields("RPT(35)_channel is closed", none) == "RPT(35)_channel is closed");
  CHECK(none.tid.empty());
}

TEST_CASE("logs: host_of drops the port, keeps names and IPv6") {
  CHECK(host_of("10.a.b.c:2932") == "10.a.b.c");
  CHECK(host_of("m.t.a:25") == "m.t.a");
  CHECK(host_of("[2001:db8::1]:25") == "2001:db8::1");
  CHECK(host_of("2001:db8::1") == "2001:db8::1");
  CHECK(host_of("mx.example.com") == "mx.example.com");
  CHECK(host_of("") == "");
  CHECK(side_of_cid("Upstream-1") == Side::kUpstream);
  CHECK(side_of_cid("Downstream-1") == Side::kDownstream);
  CHECK(side_of_cid("x") == Side::kUnknown);
}

TEST_CASE("logs: java.util.logging header and level lines") {
  Time t;
  std::string_view source;
  REQUIRE(parse_jul_header(
      "Mar 14, 2022 4:32:14 PM com.vontu.mta.rp.log.SmtpLogManager logConnectionAccepted", t,
      source));
  CHECK(source == "com.vontu.mta.rp.log.SmtpLogManager logConnectionAccepted");
  CHECK_FALSE(t.has_offset);
  CHECK(format_time(t) == "2022-03-14T16:32:14.000");
  REQUIRE(parse_jul_header("Jan 1, 2023 12:00:05 AM a b", t, source));
  CHECK(format_time(t) == "2023-01-01T00:00:05.000");
  REQUIRE(parse_jul_header("Jan 1, 2023 12:00:05 PM a b", t, source));
  CHECK(format_time(t) == "2023-01-01T12:00:05.000");
  CHECK_FALSE(parse_jul_header("Mar 14, 2022 13:32:14 PM a b", t, source));
  CHECK_FALSE(parse_jul_header("Mar 14, 2022 4:32:14 PM", t, source));
  CHECK_FALSE(parse_jul_header("Foo 14, 2022 4:32:14 PM a b", t, source));

  Level level;
  std::string_view rest;
  REQUIRE(
      parse_jul_level("FINEST: Parsing response 450 4.7.0 TLS encryption required", level, rest));
  CHECK(level == Level::kFinest);
  CHECK(rest == "Parsing response 450 4.7.0 TLS encryption required");
  CHECK_FALSE(parse_jul_level("NOTICE: x", level, rest));
  CHECK_FALSE(parse_jul_level("INFO:x", level, rest));
}

TEST_CASE("logs: --since/--until bounds and how times compare") {
  Time a = parse_time_bound("2022-07-21");
  CHECK_FALSE(a.has_offset);
  CHECK(format_time(a) == "2022-07-21T00:00:00.000");
  Time b = parse_time_bound("2022-07-21 12:30");
  CHECK(format_time(b) == "2022-07-21T12:30:00.000");
  Time c = parse_time_bound("2022-07-21T12:30:05.25-05:00");
  CHECK(format_time(c) == "2022-07-21T12:30:05.250-05:00");
  Time z = parse_time_bound("2022-07-21T17:30:05Z");
  CHECK(format_time(z) == "2022-07-21T17:30:05.000Z");
  for (const char* bad : {"", "yesterday", "2022-13-01", "2022-07-21T25:00", "2022-07-21 12",
                          "2022-07-21T12:00:00+5", "2022-07-21T12:00:00.Z"}) {
    CHECK_THROWS_AS(parse_time_bound(bad), UsageError);
  }
  // Both with offsets: instants (12:30:05-05:00 is 17:30:05Z).
  CHECK_FALSE(time_before(c, z));
  CHECK(time_before(z, parse_time_bound("2022-07-21T12:30:06-05:00")));
  // One without: wall clocks (the gateway's local time).
  CHECK(time_before(b, c));
  CHECK(time_before(a, b));
}

TEST_CASE("logs: reader: CRLF, a multi-line jul message, garbage and non-UTF-8 lines") {
  std::string content =
      "garbage before anything\r\n"
      "Mar 14, 2022 4:32:14 PM com.vontu.mta.rp.connection.ConnectionsStateManagerAction "
      "processBanner\r\n"
      "FINE: RPT(35): Banner::\r\n"
      "220 mx0a-006bf001.example.com ESMTP mfa-m0279755.\r\n"
      "\xff\xfe not UTF-8 \xc3\x28\r\n"
      "Mar 14, 2022 4:32:14 PM com.vontu.mta.rp.tls.SecurityStateManager getEmailSecurityType\r\n"
      "FINE: getEmailSecurityType NO_TLS\r\n"
      "21/Jul/22:12:23:32:726-0500 [INFO] (SMTP_CONNECTION.1201) Connection accepted (tid=31 "
      "cid=Upstream-d8 local=10.d.l.p:10025 remote=10.a.b.c:46120)\r\n"
      "\xff\xfe\r\n"
      "Mar 14, 2022 4:32:15 PM lonely.Header method\r\n"
      "21/Jul/22:12:23:33:090-0500 [INFO] (SMTP_CONNECTION.5203) Forward connection error "
      "(tid=31 cid=Downstream-a5 mta=<> reason=java.io.IOException: java.lang.NullPoint";
  TempFile f(content);
  FileSummary s;
  std::vector<Got> records = read_all(f.path, &s);
  REQUIRE(records.size() == 4);
  CHECK(records[0].format == Format::kJul);
  CHECK(records[0].line == 3);
  CHECK(records[0].message ==
        "RPT(35): Banner::\n220 mx0a-006bf001.example.com ESMTP mfa-m0279755.\n\xff\xfe not "
        "UTF-8 \xc3\x28");
  CHECK(records[0].source ==
        "com.vontu.mta.rp.connection.ConnectionsStateManagerAction processBanner");
  CHECK(records[1].message == "getEmailSecurityType NO_TLS");
  CHECK(records[1].line == 7);
  CHECK(records[2].format == Format::kOperational);
  CHECK(records[2].code == 1201);
  CHECK(records[2].remote == "10.a.b.c:46120");  // no CR
  CHECK(records[2].line == 8);
  // The truncated last line is still a record, its reason cut where the file ends.
  CHECK(records[3].code == 5203);
  CHECK(records[3].reason == "java.io.IOException: java.lang.NullPoint");
  CHECK(records[3].line == 11);
  // garbage before anything, the lone \xff\xfe line (after an operational line) and the header
  // without a LEVEL line.
  CHECK(s.malformed_lines == 3);
  REQUIRE(s.malformed_example);
  CHECK(s.malformed_example->line == 1);
  CHECK(s.malformed_example->text == "garbage before anything");
  CHECK(s.records == 4);
  CHECK(s.format == Format::kJul);
  CHECK_FALSE(s.gzip);
}

TEST_CASE("logs: reader: empty file, lines longer than the buffer, only garbage") {
  {
    TempFile f("");
    FileSummary s;
    CHECK(read_all(f.path, &s).empty());
    CHECK(s.malformed_lines == 0);
    CHECK_FALSE(s.format);
  }
  {
    std::string huge(3 << 20, 'x');
    TempFile f(huge +
               "\n27/Jul/22:11:07:00:421-0500 [INFO] (SMTP_CONNECTION.1201) Connection "
               "accepted (tid=28 cid=Upstream-f6 remote=10.a.b.c:50281)\n");
    FileSummary s;
    std::vector<Got> records = read_all(f.path, &s);
    REQUIRE(records.size() == 1);
    CHECK(records[0].line == 2);
    CHECK(s.malformed_lines == 1);
    CHECK(s.malformed_example->text.size() == 512);
  }
  {
    TempFile f(std::string("\0\1\2\3 binary\n\x89PNG\r\n", 17));
    FileSummary s;
    CHECK(read_all(f.path, &s).empty());
    CHECK(s.malformed_lines == 2);
    CHECK_FALSE(looks_like_smtp_log(f.path));
  }
}

TEST_CASE("logs: reader: --since/--until keep the records in the window") {
  std::string path = fixture_path("logs/article/op-sslengine.log");
  ReadOptions o;
  o.since = parse_time_bound("2022-03-28T16:03:02.700-05:00");
  o.until = parse_time_bound("2022-03-28 16:03:02.784");  // wall clock, inclusive
  FileSummary s;
  std::vector<Got> records = read_all(path, &s, o);
  CHECK(records.size() == 4);
  CHECK(s.records == 4);
  CHECK(s.outside_window == 3);
  CHECK(format_time(*s.first) == "2022-03-28T16:03:02.784-05:00");
}

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string gzip(const std::string& data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("logs: reader: gzip files, whole, concatenated, corrupt and cut short") {
  std::string plain = slurp(fixture_path("logs/article/op-keystore-npe.log"));
  FileSummary s;
  CHECK(read_all(fixture_path("logs/rotated/SmtpPrevent_Operational2.log.gz"), &s).size() == 5);
  CHECK(s.gzip);
  CHECK(s.error.empty());

  std::string other = slurp(fixture_path("logs/article/op-decode-error.log"));
  TempFile twice(gzip(plain) + gzip(other), ".gz");
  CHECK(read_all(twice.path, &s).size() == 10);
  CHECK(s.error.empty());

  // Big enough that the damage lies past the first records.
  std::string big;
  for (int i = 0; i < 400; ++i) big += plain;
  std::string packed = gzip(big);
  std::string corrupt = packed;
  for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) corrupt[i] ^= 0x5a;
  TempFile bad(corrupt, ".gz");
  std::size_t got = read_all(bad.path, &s).size();
  CHECK(got < 2000);
  CHECK_FALSE(s.error.empty());

  TempFile cut(packed.substr(0, packed.size() / 2), ".gz");
  got = read_all(cut.path, &s).size();
  CHECK(got > 0);
  CHECK(got < 2000);
  CHECK(s.error.find("ends early") != std::string::npos);
  CHECK(looks_like_smtp_log(cut.path));
}

}  // namespace logs_parse_test
