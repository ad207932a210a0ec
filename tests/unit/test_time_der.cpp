#include <doctest/doctest.h>

#include "ksdoctor/timeutil.hpp"
#include "x509/der.hpp"

namespace time_der_test {
using namespace ksdoctor;

TEST_CASE("RFC 3339 formatting and parsing") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(951782400) == "2000-02-29T00:00:00Z");
  CHECK(format_rfc3339_ms(1700000000123) == "2023-11-14T22:13:20.123Z");
  CHECK(format_rfc3339_ms(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(parse_time("2000-02-29") == 951782400);
  CHECK(parse_time("2000-02-29T01:02:03Z") == 951782400 + 3723);
  CHECK(parse_time("2000-02-29T01:02:03.5+01:00") == 951782400 + 3723 - 3600);
  CHECK(parse_time("@42") == 42);
  CHECK_THROWS_AS(parse_time("yesterday"), UsageError);
  CHECK_THROWS_AS(parse_time("2000-13-01"), UsageError);
  CHECK_THROWS_AS(parse_time("2000-01-01T10:00:00"), UsageError);
}

TEST_CASE("DER walker refuses lengths beyond the input") {
  Bytes lying = {0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00};
  der::Walker w(lying);
  CHECK_THROWS_AS(w.next(), FormatError);
  Bytes indefinite = {0x30, 0x80, 0x00, 0x00};
  der::Walker w2(indefinite);
  CHECK_THROWS_AS(w2.next(), FormatError);
}

TEST_CASE("OIDs, integers and times") {
  Bytes oid = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B};
  CHECK(der::oid_to_string(oid) == "1.2.840.113549.1.1.11");
  CHECK_THROWS_AS(der::oid_to_string(Bytes{0x2A, 0x86}), FormatError);
  CHECK(der::bit_length(Bytes{0x00, 0x80, 0x00}) == 16);
  CHECK(der::bit_length(Bytes{0x01}) == 1);
  std::string utc = "491231235959Z";
  der::Tlv t{
      der::kUtcTime, ByteView(reinterpret_cast<const std::uint8_t*>(utc.data()), utc.size()), {}};
  CHECK(format_rfc3339(der::time_value(t)) == "2049-12-31T23:59:59Z");
  std::string utc50 = "500101000000Z";
  t.value = ByteView(reinterpret_cast<const std::uint8_t*>(utc50.data()), utc50.size());
  CHECK(format_rfc3339(der::time_value(t)) == "1950-01-01T00:00:00Z");
  std::string gen = "20900101000000Z";
  der::Tlv g{der::kGeneralizedTime,
             ByteView(reinterpret_cast<const std::uint8_t*>(gen.data()), gen.size()),
             {}};
  CHECK(format_rfc3339(der::time_value(g)) == "2090-01-01T00:00:00Z");
}

TEST_CASE("Reader never reads past the end") {
  Bytes four = {0, 0, 0, 5};
  Reader r(four);
  CHECK(r.u32() == 5);
  CHECK_THROWS_AS(r.u8(), FormatError);
  Reader r2(four);
  CHECK_THROWS_AS(r2.take(5), FormatError);
}

}  // namespace time_der_test
