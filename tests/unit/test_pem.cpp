// pem_blocks: the one base64 decoder, on the forms tools write and the ones they sometimes do.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ksdoctor/error.hpp"
#include "ksdoctor/pem.hpp"

namespace pem_test {
using namespace ksdoctor;

namespace {

std::string block(const std::string& body, const std::string& label = "CERTIFICATE") {
  return "-----BEGIN " + label + "-----\n" + body + "-----END " + label + "-----\n";
}

std::string decoded(const std::string& body) {
  std::vector<Bytes> blocks = pem_blocks(block(body), "CERTIFICATE");
  REQUIRE(blocks.size() == 1);
  return std::string(blocks[0].begin(), blocks[0].end());
}

std::string failure(const std::string& text) {
  try {
    pem_blocks(text, "CERTIFICATE");
  } catch (const FormatError& e) {
    CHECK(e.code() == "BAD_PEM");
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("pem_blocks decodes base64 as tools write it: lines, LF or CRLF, padding") {
  CHECK(decoded("aGVsbG8g\nd29ybGQ=\n") == "hello world");
  CHECK(decoded("aGVsbG8g\r\nd29ybGQ=\r\n") == "hello world");
  CHECK(decoded("YWJj\n") == "abc");
  CHECK(decoded("YWI=\n") == "ab");
  CHECK(decoded("YQ==\n") == "a");
  CHECK(decoded("") == "");
}

TEST_CASE("pem_blocks takes the forms some tools write: blanks, missing or odd padding") {
  CHECK(decoded(" aGVs\tbG8g d29y\nbGQ= \n") == "hello world");
  CHECK(decoded("YWI\n") == "ab");     // no padding
  CHECK(decoded("YQ\n") == "a");       // no padding
  CHECK(decoded("YQ=\n") == "a");      // one '=' short
  CHECK(decoded("YWI==\n") == "ab");   // one '=' too many
  CHECK(decoded("YWJjZ\n") == "abc");  // a lone last digit holds no whole byte
  CHECK(decoded("YQ==\n=\n \n") == "a");
}

TEST_CASE("pem_blocks skips RFC 1421 headers and reads every block in order") {
  std::string text = "comment\n" +
                     block("Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,00\n\nYWJj\n") +
                     block("YQ==\n", "PRIVATE KEY") + block("YWI=\n");
  std::vector<Bytes> blocks = pem_blocks(text, "CERTIFICATE");
  REQUIRE(blocks.size() == 2);
  CHECK(std::string(blocks[0].begin(), blocks[0].end()) == "abc");
  CHECK(std::string(blocks[1].begin(), blocks[1].end()) == "ab");
}

TEST_CASE("pem_blocks rejects what is not base64, with the same words every time") {
  const std::string bad = "invalid base64 inside a PEM block";
  CHECK(failure(block("YW!j\n")) == bad);
  CHECK(failure(block("YWJj\n-\n")) == bad);
  CHECK(failure(block("YQ==YWJj\n")) == bad);  // data after the padding
  CHECK(failure(block("YQ==\n!")) == bad);
  CHECK(failure(block(std::string("YW\x80j\n"))) == bad);
  CHECK(failure("-----BEGIN CERTIFICATE-----\nYWJj\n") ==
        "PEM block 'CERTIFICATE' has no END line");
}

}  // namespace pem_test
