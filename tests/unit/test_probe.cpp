// probe's pure parts: the SMTP reply parser (including hostile input), Java's client offer, the
// suite classification, and judge_probe on observed facts.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

#include "ksdoctor/probe.hpp"
#include "probe/session.hpp"
#include "probe/smtp_reply.hpp"
#include "test_pki.hpp"

namespace probe_test {
using namespace ksdoctor;
using namespace ksdoctor::probe;

TEST_CASE("SMTP reply lines: code, continuation, text") {
  auto l = parse_reply_line("250-mx.example.com Hello");
  REQUIRE(l);
  CHECK(l->code == 250);
  CHECK_FALSE(l->last);
  CHECK(l->text == "mx.example.com Hello");
  l = parse_reply_line("250 STARTTLS");
  REQUIRE(l);
  CHECK(l->last);
  l = parse_reply_line("354");
  REQUIRE(l);
  CHECK(l->last);
  CHECK(l->text.empty());
  for (const char* bad : {"", "25", "SSH-2.0-OpenSSH", "HTTP/1.1 400", "650 x", "260 x", "2500 x",
                          "250_x", "\x16\x03\x01"}) {
    CHECK_FALSE(parse_reply_line(bad));
  }
}

TEST_CASE("SMTP replies: multi-line, code changes, EHLO keywords") {
  ReplyAssembler a;
  CHECK(a.add("250-mx.example.com") == ReplyAssembler::Step::kMore);
  CHECK(a.add("250-PIPELINING") == ReplyAssembler::Step::kMore);
  CHECK(a.add("250-starttls") == ReplyAssembler::Step::kMore);
  CHECK(a.add("250 8BITMIME") == ReplyAssembler::Step::kDone);
  CHECK(a.reply().code == 250);
  CHECK(a.reply().lines.size() == 4);
  CHECK(advertises(a.reply(), "STARTTLS"));
  CHECK_FALSE(advertises(a.reply(), "AUTH"));

  ReplyAssembler b;  // the greeting's own text never counts as an extension
  CHECK(b.add("250 STARTTLS") == ReplyAssembler::Step::kDone);
  CHECK_FALSE(advertises(b.reply(), "STARTTLS"));

  ReplyAssembler c;
  CHECK(c.add("250-first") == ReplyAssembler::Step::kMore);
  CHECK(c.add("220 other code") == ReplyAssembler::Step::kNotSmtp);
}

TEST_CASE("SMTP replies: hostile input is bounded and never crashes") {
  ReplyAssembler endless;
  ReplyAssembler::Step step = ReplyAssembler::Step::kMore;
  std::size_t n = 0;
  while (step == ReplyAssembler::Step::kMore && n < 10 * ReplyAssembler::kMaxLines) {
    step = endless.add("250-again");
    ++n;
  }
  CHECK(step == ReplyAssembler::Step::kNotSmtp);
  CHECK(n == ReplyAssembler::kMaxLines + 1);

  std::mt19937 rng(14);
  for (int i = 0; i < 20000; ++i) {
    std::string line(rng() % 12, '\0');
    for (char& ch : line)
      ch = static_cast<char>(rng() % 4 == 0 ? "0123456789 -"[rng() % 12] : rng());
    ReplyAssembler r;
    auto s = r.add(line);
    if (s != ReplyAssembler::Step::kNotSmtp) {
      CHECK(r.reply().code >= 200);
      CHECK(r.reply().code <= 559);
    }
  }
}

TEST_CASE("Java's client offer maps every default suite to OpenSSL") {
  const JavaTlsDefaults& java = java_tls_defaults();
  REQUIRE_FALSE(java.suites.empty());
  CHECK(java.protocols == std::vector<std::string>{"TLSv1.3", "TLSv1.2"});
  for (const std::string& s : java.suites) {
    if (s == "TLS_EMPTY_RENEGOTIATION_INFO_SCSV") continue;  // a signal, not a suite
    CHECK_MESSAGE(!openssl_suite_name(s).empty(), s);
  }
  net::TlsOptions offer = java_offer("mx.example.com");
  CHECK(offer.cipher_list.starts_with("ECDHE-ECDSA-AES256-GCM-SHA384:"));
  CHECK(offer.tls13_suites ==
        "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:"
        "TLS_CHACHA20_POLY1305_SHA256");
  CHECK(offer.groups.starts_with("X25519:P-256:P-384:P-521:X448:ffdhe2048"));
  CHECK(openssl_suite_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") ==
        "ECDHE-RSA-AES128-GCM-SHA256");
}

TEST_CASE("weak suites") {
  CHECK(is_weak_suite("TLS_RSA_WITH_RC4_128_SHA"));
  CHECK(is_weak_suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
  CHECK(is_weak_suite("TLS_DH_anon_WITH_AES_128_CBC_SHA"));
  CHECK(is_weak_suite("TLS_RSA_WITH_NULL_SHA256"));
  CHECK_FALSE(is_weak_suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
  CHECK_FALSE(is_weak_suite("TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"));
}

namespace {
bool has(const ProbeJudgement& j, const std::string& code) {
  for (const Finding& f : j.findings) {
    if (f.code == code) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("judge_probe: STARTTLS not offered, protocol and suite mismatches, enumeration") {
  ProbeResult r;
  r.host = "mx.example.com";
  r.starttls_offered = false;
  ProbeJudgement j = judge_probe(r, {});
  CHECK(j.verdict == JavaVerdictKind::kHandshakeFails);
  CHECK(has(j, "STARTTLS_NOT_OFFERED"));
  CHECK_FALSE(probe_ok(j));

  r.starttls_offered = true;
  r.tls = TlsFacts{"TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "", "x25519", {}};
  j = judge_probe(r, {});
  CHECK(has(j, "NO_PROTOCOL_IN_COMMON_WITH_JAVA"));
  CHECK(j.java_message ==
        "The server selected protocol version TLSv1.1 is not accepted by client preferences "
        "[TLSv1.3, TLSv1.2]");

  // A server that refuses Java's versions with an alert: Java reports the alert.
  r.java.failure =
      "TLS handshake with x: error:0A00042E:SSL routines::tlsv1 alert protocol version";
  j = judge_probe(r, {});
  CHECK(j.java_message == "Received fatal alert: protocol_version");
  r.java.failure.clear();

  r.tls->protocol = "TLSv1.2";
  r.tls->cipher = "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA";
  j = judge_probe(r, {});
  CHECK(has(j, "NO_CIPHER_IN_COMMON_WITH_JAVA"));
  CHECK(j.java_message == "Received fatal alert: handshake_failure");

  r.java.succeeded = true;
  r.java.negotiated = *r.tls;
  Enumeration e;
  e.protocols = {{"TLSv1", true}, {"TLSv1.1", false}, {"TLSv1.2", true}, {"TLSv1.3", false}};
  e.suites["TLSv1"] = {"TLS_RSA_WITH_3DES_EDE_CBC_SHA"};
  e.suites["TLSv1.2"] = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"};
  r.enumeration = e;
  JudgeOptions o;
  o.server_keys = std::vector<ServerKeyType>{ServerKeyType::kRsa};
  j = judge_probe(r, o);
  CHECK(j.verdict == JavaVerdictKind::kNotJudged);
  CHECK(has(j, "LEGACY_PROTOCOL_ENABLED"));
  CHECK(has(j, "WEAK_CIPHERS_ENABLED"));
  REQUIRE(j.as_server);
  CHECK_FALSE(j.as_server->handshake_possible);  // the only Java suite needs an EC key
  CHECK(has(j, "AS_SERVER_NO_CIPHER_IN_COMMON"));
  o.server_keys = std::vector<ServerKeyType>{ServerKeyType::kEc};
  j = judge_probe(r, o);
  CHECK(j.as_server->handshake_possible);
  CHECK(probe_ok(j));  // warnings only
}

TEST_CASE("judge_probe: a served certificate not valid yet is CERT_NOT_YET_VALID, not expired") {
  testpki::Node root = testpki::root("Probe Root");
  testpki::Spec future = testpki::leaf_spec();
  future.not_before = testpki::kNow + testpki::kYear;
  future.not_after = testpki::kNow + 2 * testpki::kYear;
  testpki::Node early = testpki::issue("early.example.test", &root, future);
  ProbeResult r;
  r.host = "early.example.test";
  r.starttls_offered = true;
  r.tls = TlsFacts{"TLSv1.3", "TLS_AES_256_GCM_SHA384", "", "x25519", {}};
  r.chain = {early.cert};
  r.java.succeeded = true;  // the handshake itself went through; only trust is judged
  r.java.negotiated = *r.tls;
  JudgeOptions o;
  o.now = testpki::kNow;
  ProbeJudgement j = judge_probe(r, o);
  CHECK(has(j, "CERT_NOT_YET_VALID"));
  CHECK_FALSE(has(j, "CERT_EXPIRED"));
  // With the root trusted, Java's path validation names the same code once.
  o.truststore_given = true;
  o.anchors = {root.cert};
  j = judge_probe(r, o);
  CHECK(j.verdict == JavaVerdictKind::kUntrusted);
  CHECK(std::count_if(j.findings.begin(), j.findings.end(),
                      [](const Finding& f) { return f.code == "CERT_NOT_YET_VALID"; }) == 1);
  CHECK_FALSE(has(j, "CERT_EXPIRED"));
}

}  // namespace probe_test
