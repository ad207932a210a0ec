// DOT output (report/dot) and the Botan cross-check (trust/crosscheck), on the fixture PKI
// (fixtures/pki: root-ca → intermediate-ca → server, valid 2020-01-01 … 2050-01-01).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cert_names.hpp"
#include "fixture_util.hpp"
#include "ksdoctor/crosscheck.hpp"
#include "ksdoctor/dot.hpp"
#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/timeutil.hpp"
#include "test_os.hpp"

namespace dot_crosscheck_test {
using namespace ksdoctor;

namespace {

CertPtr load(const std::string& name) {
  std::vector<CertPtr> certs = read_certificates(fixture("pki/" + name + ".crt.pem"));
  REQUIRE(certs.size() == 1);
  return certs[0];
}

struct Pki {
  CertPtr root = load("root-ca");
  CertPtr intermediate = load("intermediate-ca");
  CertPtr server = load("server");
  CertPtr other_root = load("other-root-ca");
};

const std::int64_t kInside = days_from_civil(2030, 6, 1) * 86400;  // all three are valid
const std::int64_t kAfter = days_from_civil(2055, 1, 1) * 86400;   // the server has expired

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

PathLink link(CertPtr cert, CertOrigin origin, bool issuer_found, bool signature_ok = true) {
  PathLink l;
  l.cert = std::move(cert);
  l.origin = std::move(origin);
  l.issuer_found = issuer_found;
  l.name_chains = issuer_found;
  l.signature_ok = issuer_found && signature_ok;
  return l;
}

// A complete entry: server → intermediate (stored) → root (from --trust, trusted).
EntryChainReport complete_entry(const Pki& pki, const std::string& alias) {
  EntryChainReport e;
  e.alias = alias;
  e.stored = {pki.server, pki.intermediate};
  e.path = {link(pki.server, CertOrigin::stored_chain(), true),
            link(pki.intermediate, CertOrigin::stored_chain(), true),
            link(pki.root, CertOrigin::source("ca \"bundle\".pem"), false)};
  e.path.back().self_signed = true;
  e.reaches_root = e.root_trusted = e.complete = e.ordered = e.signatures_ok = true;
  return e;
}

// A broken entry: the server alone, its issuer nowhere.
EntryChainReport broken_entry(const Pki& pki, const std::string& alias) {
  EntryChainReport e;
  e.alias = alias;
  e.stored = {pki.server};
  e.path = {link(pki.server, CertOrigin::stored_chain(), false)};
  e.java_problem = PathProblem{PathCheck::kNoMatchingAnchor,
                               "unable to find valid certification path to requested target"};
  return e;
}

// Is every '"' in a DOT text balanced (outside escapes) and every brace matched?
bool balanced(const std::string& dot) {
  bool in_string = false;
  int depth = 0;
  for (std::size_t i = 0; i < dot.size(); ++i) {
    char c = dot[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      } else if (c == '\n') {
        return false;  // raw newlines never appear inside our strings
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth < 0) return false;
    }
  }
  return !in_string && depth == 0;
}

// Runs `dot -Tsvg` when Graphviz is installed: true when it accepts the graph (or is absent).
bool graphviz_accepts(const std::string& dot, const std::string& name) {
  if (testos::kWindows || std::system("command -v dot >/dev/null 2>&1") != 0) return true;
  const std::string base = (std::filesystem::temp_directory_path() /
                            ("ksdoctor_test_" + name + "_" + std::to_string(testos::pid())))
                               .string();
  {
    std::ofstream f(base + ".dot", std::ios::binary);
    f << dot;
  }
  const std::string cmd = "dot -Tsvg '" + base + ".dot' -o '" + base + ".svg' 2>'" + base + ".err'";
  const bool ok = std::system(cmd.c_str()) == 0;
  std::ifstream err(base + ".err");
  std::string warnings((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK_MESSAGE(warnings.empty(), warnings);  // e.g. "Invalid UTF-8", syntax warnings
  for (const char* ext : {".dot", ".svg", ".err"}) std::filesystem::remove(base + ext);
  return ok;
}

}  // namespace

TEST_CASE("dot_quote escapes quotes, backslashes, newlines, control bytes and bad UTF-8") {
  using report::dot_quote;
  CHECK(dot_quote("plain") == "\"plain\"");
  CHECK(dot_quote("CN=a\\,b,O=\"x\"") == "\"CN=a\\\\,b,O=\\\"x\\\"\"");
  CHECK(dot_quote("one\ntwo") == "\"one\\ntwo\"");
  CHECK(dot_quote("ends with \\") == "\"ends with \\\\\"");
  CHECK(dot_quote(std::string("a\0b\x01", 4)) ==
        "\"a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD\"");
  CHECK(dot_quote("bad \xFF byte") == "\"bad \xEF\xBF\xBD byte\"");
  CHECK(dot_quote("Zürich ✔") == "\"Zürich ✔\"");
}

TEST_CASE("the display name is the certificate's common name, or the whole subject") {
  using report::dot_display_name;
  using testnames::self_signed;
  CHECK(dot_display_name(
            *self_signed({{"C", "US"}, {"O", "Example Corp"}, {"CN", "mail.example.com"}})) ==
        "mail.example.com");
  CHECK(dot_display_name(*self_signed({{"CN", "Smith, John\\"}, {"O", "x"}})) == "Smith, John\\");
  CHECK(dot_display_name(*self_signed({{"C", "US"}, {"O", "No Name Inc"}})) ==
        "O=No Name Inc,C=US");
  Pki pki;
  CHECK(dot_display_name(*pki.server) == "mail.example.com");
}

TEST_CASE("keystore_chains_dot draws nodes, verified links, roots and missing issuers") {
  Pki pki;
  KeystoreVerifyReport report;
  report.entries = {complete_entry(pki, "mail"), broken_entry(pki, "old \"mail\" key")};
  const std::string dot = report::keystore_chains_dot(report, report::origin_namer("--trust"));

  CHECK(dot.rfind("digraph keystore {\n", 0) == 0);
  CHECK(balanced(dot));
  // One node per distinct certificate: the server appears in both entries.
  CHECK(count(dot, "label=\"mail.example.com\\nRSA 2048\\nuntil 2050-01-01\"") == 1);
  CHECK(count(dot, "\"Example Issuing CA 1\\n") == 1);
  CHECK(count(dot, "\"Example Root CA\\n") == 1);
  // The root: double octagon, green because the entry's root is trusted; tooltip with origin.
  const auto root_line = dot.substr(dot.find("\"Example Root CA\\n"));
  const std::string root_decl = root_line.substr(0, root_line.find('\n'));
  CHECK(root_decl.find("shape=doubleoctagon") != std::string::npos);
  CHECK(root_decl.find("fillcolor=") != std::string::npos);
  CHECK(root_decl.find("tooltip=\"from --trust ca \\\"bundle\\\".pem\"") != std::string::npos);
  // Stored-chain certificates carry no origin tooltip.
  const auto leaf_line = dot.substr(dot.find("\"mail.example.com\\n"));
  CHECK(leaf_line.substr(0, leaf_line.find('\n')).find("tooltip") == std::string::npos);
  // Alias notes (escaped) pointing at the leaf; the broken one carries Java's problem.
  CHECK(count(dot, "shape=note") == 2);
  CHECK(dot.find("\"alias mail\"") != std::string::npos);
  CHECK(dot.find("\"alias old \\\"mail\\\" key\\nunable to find valid certification path to "
                 "requested target\"") != std::string::npos);
  CHECK(dot.find("a1 -> c1 [style=dotted, arrowhead=none];") != std::string::npos);
  CHECK(dot.find("a2 -> c1 [style=dotted, arrowhead=none];") != std::string::npos);
  // Verified links, no self-loop on the root.
  CHECK(dot.find("c1 -> c2 [label=\"✔\"") != std::string::npos);
  CHECK(dot.find("c2 -> c3 [label=\"✔\"") != std::string::npos);
  CHECK(dot.find("c3 -> c3") == std::string::npos);
  // The missing issuer of the broken entry.
  CHECK(dot.find("m1 [label=\"missing: CN=Example Issuing CA 1,O=Example Corp,C=US\", "
                 "style=dashed") != std::string::npos);
  CHECK(dot.find("c1 -> m1 [style=dashed") != std::string::npos);

  // Deterministic.
  CHECK(report::keystore_chains_dot(report, report::origin_namer("--trust")) == dot);
  // Without a namer, a source is named by its path alone.
  CHECK(report::keystore_chains_dot(report).find("tooltip=\"from ca \\\"bundle\\\".pem\"") !=
        std::string::npos);
  CHECK(graphviz_accepts(dot, "keystore"));
}

TEST_CASE("keystore_chains_dot marks a bad signature and an untrusted root") {
  Pki pki;
  EntryChainReport e = complete_entry(pki, "k");
  e.path[0].signature_ok = false;
  e.root_trusted = false;
  KeystoreVerifyReport report;
  report.entries = {e};
  const std::string dot = report::keystore_chains_dot(report);
  CHECK(dot.find("c1 -> c2 [label=\"✘ signature\"") != std::string::npos);
  CHECK(dot.find("fillcolor") == std::string::npos);
  CHECK(count(dot, "shape=doubleoctagon") == 1);
  CHECK(balanced(dot));
}

TEST_CASE("keystore_chains_dot of an empty report is an empty digraph") {
  const std::string dot = report::keystore_chains_dot({});
  CHECK(balanced(dot));
  CHECK(dot.find("->") == std::string::npos);
  CHECK(graphviz_accepts(dot, "empty"));
}

TEST_CASE("peer_dot shows the sent chain, Java's path in bold and the anchor in green") {
  Pki pki;
  std::vector<CertPtr> chain = {pki.server, pki.intermediate};
  PeerVerdict verdict;
  verdict.trusted = true;
  verdict.path = {pki.server, pki.intermediate, pki.root};
  const std::string dot = report::peer_dot(chain, verdict, {pki.other_root, pki.root});

  CHECK(balanced(dot));
  CHECK(dot.find("label=\"Java: trusted\";") != std::string::npos);
  CHECK(dot.find("subgraph cluster_sent {") != std::string::npos);
  CHECK(dot.find("\"sent #1\\nmail.example.com\\n") != std::string::npos);
  CHECK(dot.find("\"sent #2\\nExample Issuing CA 1\\n") != std::string::npos);
  // The anchor is outside the cluster, green; anchors off the path are not drawn.
  const std::size_t cluster_end = dot.find("  }\n");
  const std::size_t anchor = dot.find("\"Example Root CA\\nRSA");
  REQUIRE(anchor != std::string::npos);
  CHECK(anchor > cluster_end);
  CHECK(dot.find("trust anchor\", shape=doubleoctagon, style=filled") != std::string::npos);
  CHECK(dot.find("Downstream") == std::string::npos);
  CHECK(dot.find("c1 -> c2 [penwidth=2.5") != std::string::npos);
  CHECK(dot.find("c2 -> c3 [penwidth=2.5") != std::string::npos);
  CHECK(dot.find("missing") == std::string::npos);
  CHECK(report::peer_dot(chain, verdict, {pki.other_root, pki.root}) == dot);
  CHECK(graphviz_accepts(dot, "peer"));
}

TEST_CASE("peer_dot draws a MISSING_INTERMEDIATE finding as a dashed red node") {
  Pki pki;
  PeerVerdict verdict;
  verdict.java_message = "PKIX path building failed: \"unable\" to find \\ path";
  Finding f;
  f.code = "MISSING_INTERMEDIATE";
  f.details.emplace_back("issuer", pki.server->issuer);
  verdict.findings = {f, f};  // the same issuer twice: one node
  const std::string dot = report::peer_dot({pki.server}, verdict, {pki.root});

  CHECK(balanced(dot));
  CHECK(dot.find("label=\"Java: untrusted (PKIX path building failed: \\\"unable\\\" to find "
                 "\\\\ path)\";") != std::string::npos);
  CHECK(count(dot, "\"missing: CN=Example Issuing CA 1,O=Example Corp,C=US\"") == 1);
  CHECK(dot.find("c1 -> m1 [style=dashed") != std::string::npos);
  CHECK(dot.find("Example Root CA") == std::string::npos);  // not on any path
  CHECK(graphviz_accepts(dot, "peer_missing"));
}

TEST_CASE("peer_dot links sent certificates by name when Java built no path") {
  Pki pki;
  PeerVerdict verdict;  // untrusted, no path
  const std::string dot = report::peer_dot({pki.server, pki.intermediate}, verdict, {});
  CHECK(dot.find("c1 -> c2 [color=gray50];") != std::string::npos);
  CHECK(dot.find("penwidth=2.5") == std::string::npos);
}

TEST_CASE("cross-check: Botan and Java agree on a valid chain") {
  Pki pki;
  CrossCheck c = cross_check_peer({pki.server, pki.intermediate}, {pki.root}, true, kInside);
  CHECK(c.botan_ok);
  CHECK(c.java_ok);
  CHECK(c.agrees);
  CHECK(c.botan_status == "Verified");
  Finding f = cross_check_finding(c, pki.server->subject);
  CHECK(f.code == "CROSS_CHECK_AGREES");
  CHECK(f.severity == Severity::kInfo);
}

TEST_CASE("cross-check: Botan rejects without the root while the caller says Java accepts") {
  Pki pki;
  CrossCheck c = cross_check_peer({pki.server, pki.intermediate}, {}, true, kInside);
  CHECK_FALSE(c.botan_ok);
  CHECK(c.java_ok);
  CHECK_FALSE(c.agrees);
  CHECK_FALSE(c.botan_status.empty());
  Finding f = cross_check_finding(c, pki.server->subject);
  CHECK(f.code == "CROSS_CHECK_DISAGREES");
  CHECK(f.severity == Severity::kInfo);
  CHECK(f.message.find("Botan (like OpenSSL-based MTAs) rejects") != std::string::npos);
  CHECK(f.message.find(c.botan_status) != std::string::npos);
  CHECK(f.message.find("Java accepts") != std::string::npos);
  CHECK_FALSE(f.remedy.empty());
}

TEST_CASE("cross-check: expiry and a missing intermediate are Botan rejections") {
  Pki pki;
  CrossCheck expired = cross_check_peer({pki.server, pki.intermediate}, {pki.root}, false, kAfter);
  CHECK_FALSE(expired.botan_ok);
  CHECK(expired.agrees);
  CrossCheck lone = cross_check_peer({pki.server}, {pki.root}, false, kInside);
  CHECK_FALSE(lone.botan_ok);
  CHECK(lone.agrees);
}

TEST_CASE("cross-check of an entry's rebuilt path uses its root as the only anchor") {
  Pki pki;
  CrossCheck ok = cross_check_entry(complete_entry(pki, "mail"), true, kInside);
  CHECK(ok.botan_ok);
  CHECK(ok.agrees);
  CrossCheck broken = cross_check_entry(broken_entry(pki, "old"), true, kInside);
  CHECK_FALSE(broken.botan_ok);
  CHECK_FALSE(broken.agrees);
  // A lone self-signed certificate is its own anchor.
  EntryChainReport self;
  self.path = {link(pki.root, CertOrigin::stored_chain(), false)};
  self.path[0].self_signed = true;
  self.reaches_root = true;
  // The root CA has no serverAuth usage, so Botan's TLS server checks may refuse it; either way
  // it must not throw and must report a status.
  CrossCheck lone = cross_check_entry(self, false, kInside);
  CHECK_FALSE(lone.botan_status.empty());
  CHECK_FALSE(cross_check_entry(EntryChainReport{}, false, kInside).botan_ok);
}

TEST_CASE("cross-check never throws: garbage DER, null and empty chains, absurd times") {
  Pki pki;
  auto garbage = std::make_shared<Certificate>(*pki.server);
  garbage->der = {0x30, 0x03, 0x02, 0x01, 0x00};
  CrossCheck c;
  CHECK_NOTHROW(c = cross_check_peer({garbage}, {pki.root}, true, kInside));
  CHECK_FALSE(c.botan_ok);
  CHECK(c.botan_status.find("Botan could not check the chain") != std::string::npos);
  CHECK_FALSE(c.agrees);

  CHECK_NOTHROW(c = cross_check_peer({pki.server}, {garbage}, false, kInside));
  CHECK_FALSE(c.botan_ok);
  CHECK_NOTHROW(c = cross_check_peer({}, {pki.root}, false, kInside));
  CHECK_FALSE(c.botan_ok);
  CHECK(c.agrees);
  CHECK_NOTHROW(c = cross_check_peer({nullptr}, {nullptr}, false, kInside));
  CHECK_FALSE(c.botan_ok);
  for (std::int64_t t : {std::numeric_limits<std::int64_t>::max(),
                         std::numeric_limits<std::int64_t>::min(), std::int64_t{0}}) {
    CHECK_NOTHROW(c = cross_check_peer({pki.server, pki.intermediate}, {pki.root}, true, t));
    CHECK_FALSE(c.botan_ok);
  }
}

TEST_CASE("keystore_chains_dot ends a path at a wrong signer without a missing node") {
  // As verify_keystore reports it: the last good link names its issuer, the signature fails, and
  // the wrong signer is appended with no issuer of its own.
  Pki pki;
  EntryChainReport e;
  e.alias = "k";
  e.stored = {pki.server};
  e.path = {link(pki.server, CertOrigin::stored_chain(), true, false),
            link(pki.intermediate, CertOrigin::keystore_entry("ca"), false)};
  e.java_problem = PathProblem{PathCheck::kSignature, "signature check failed"};
  KeystoreVerifyReport report;
  report.entries = {e};
  const std::string dot = report::keystore_chains_dot(report);
  CHECK(dot.find("c1 -> c2 [label=\"✘ signature\"") != std::string::npos);
  CHECK(dot.find("missing") == std::string::npos);
  CHECK(dot.find("tooltip=\"from keystore entry 'ca'\"") != std::string::npos);
  CHECK(graphviz_accepts(dot, "wrong_signer"));
}

}  // namespace dot_crosscheck_test
