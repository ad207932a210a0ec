// `doctor`: the run over fixtures/installs trees (library), the diagnosis rules over hand-made
// checks (which cause explains which log symptom, what stays unconfirmed, the order), and the
// fix commands report/ writes.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "doctor_fixes.hpp"
#include "fixture_util.hpp"
#include "ksdoctor/doctor.hpp"
#include "ksdoctor/doctor_report.hpp"
#include "ksdoctor/system.hpp"
#include "ksdoctor/timeutil.hpp"

namespace doctor_test {
using namespace ksdoctor;

namespace {

std::string tree(const std::string& name) { return fixture_path("installs/" + name); }

DoctorOptions options_for(const std::string& root) {
  DoctorOptions o;
  o.root = root;
  o.network = false;
  o.storepass = Password::of("changeit");
  o.now = parse_time("2026-12-01T00:00:00Z");
  return o;
}

std::vector<std::string> codes(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const Problem& p : problems) out.push_back(p.code);
  return out;
}

logs::LogFinding log_finding(logs::Code code, logs::Side side, std::vector<std::string> remotes,
                             std::uint64_t count = 3) {
  logs::LogFinding f;
  f.code = code;
  f.side = side;
  f.count = count;
  f.remotes = std::move(remotes);
  f.first.wall_ms = 1'700'000'000'000;
  f.last.wall_ms = 1'700'000'600'000;
  return f;
}

// A check whose keystore is in place and sound, with these log findings.
InstallCheck sound_install_with_logs(std::vector<logs::LogFinding> findings) {
  InstallCheck c;
  c.locate.install.version = "16.0";
  c.keystore = "/data/keystore/prevent.ks";
  c.opened = KeystoreOpened::kConfigured;
  c.opened_path = c.keystore;
  c.logs.emplace();
  c.logs->findings = std::move(findings);
  c.log_files = {"/data/logs/SmtpPrevent_Operational0.log"};
  return c;
}

const Problem* find(const std::vector<Problem>& problems, const std::string& code) {
  for (const Problem& p : problems) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("doctor: windows-ok has nothing wrong") {
  DoctorResult r = run_doctor(options_for(tree("windows-ok")));
  REQUIRE(r.installs.size() == 1);
  CHECK(r.installs[0].opened == KeystoreOpened::kConfigured);
  REQUIRE(r.installs[0].inspect);
  // The fixture's key entry holds only its leaf (no --trust source holds the intermediate here).
  CHECK(codes(r.diagnosis) == std::vector<std::string>{"KEY_ENTRY_CHAIN_INCOMPLETE"});
}

TEST_CASE("doctor: windows-misplaced checks the copy locate --fix would put in place") {
  DoctorOptions o = options_for(tree("windows-misplaced"));
  o.trust = {fixture_path("pki/intermediate-ca.crt.pem")};
  DoctorResult r = run_doctor(o);
  REQUIRE(r.installs.size() == 1);
  const InstallCheck& c = r.installs[0];
  CHECK(c.opened == KeystoreOpened::kCopy);
  CHECK(c.opened_path.find("Program Files") != std::string::npos);
  CHECK(c.keystore.find("ProgramData") != std::string::npos);
  REQUIRE(r.diagnosis.size() >= 2);
  CHECK(r.diagnosis[0].code == "KEYSTORE_MISPLACED");
  CHECK(r.diagnosis[0].fix.kind == FixKind::kLocateFix);
  CHECK(r.diagnosis[0].fix.copy == c.opened_path);
  CHECK(r.diagnosis[1].code == "KEY_ENTRY_CHAIN_INCOMPLETE");
  CHECK(r.diagnosis[1].fix.keystore == c.keystore);  // repaired where DLP reads it, after the copy
  CHECK(r.diagnosis[1].fix.from == o.trust);
  CHECK(r.has_problems());
}

TEST_CASE("doctor: windows-missing names the missing keystore, with no copy to put in place") {
  DoctorResult r = run_doctor(options_for(tree("windows-missing")));
  REQUIRE_FALSE(r.diagnosis.empty());
  CHECK(r.diagnosis[0].code == "KEYSTORE_MISSING_AT_CONFIGURED_PATH");
  CHECK(r.installs[0].opened == KeystoreOpened::kNone);
  CHECK_FALSE(find(r.diagnosis, "KEY_ENTRY_CHAIN_INCOMPLETE"));
}

TEST_CASE("doctor: an unknown --peer file stops the run before any scan") {
  DoctorOptions o = options_for(tree("windows-ok"));
  o.peers.push_back({"mx", tree("windows-ok") + "/no-such-chain.pem"});
  CHECK_THROWS_AS(run_doctor(o), UsageError);
}

TEST_CASE("doctor: a missing keystore explains the NPE, NO_TLS and SSLEngine records, not PKIX") {
  using logs::Code;
  using logs::Side;
  InstallCheck c = sound_install_with_logs({
      log_finding(Code::kKeystoreNotLoaded, Side::kDownstream, {"mx.example"}),
      log_finding(Code::kNoTlsNegotiated, Side::kUpstream, {"10.1.2.3"}),
      log_finding(Code::kSslEngineProblem, Side::kDownstream, {"mx.example"}),
      log_finding(Code::kPeerChainUntrusted, Side::kDownstream, {"mx.example"}),
      log_finding(Code::kUpstreamLegacyTls, Side::kUpstream, {"10.1.2.3"}),
  });
  c.opened = KeystoreOpened::kNone;
  Finding missing;
  missing.code = "KEYSTORE_MISSING_AT_CONFIGURED_PATH";
  missing.severity = Severity::kError;
  missing.message = "nothing there";
  c.locate.findings.push_back(missing);
  DoctorOptions o;
  std::vector<Problem> d = diagnose({c}, o);
  REQUIRE(d.size() == 3);
  CHECK(d[0].code == "KEYSTORE_MISSING_AT_CONFIGURED_PATH");
  CHECK(d[0].explains ==
        std::vector<std::string>{"KEYSTORE_NOT_LOADED", "NO_TLS_NEGOTIATED", "SSLENGINE_PROBLEM"});
  CHECK(d[1].code == "UPSTREAM_LEGACY_TLS");
  CHECK(d[1].fix.kind == FixKind::kUpstreamMta);
  CHECK(d[1].fix.hosts == std::vector<std::string>{"10.1.2.3"});
  CHECK(d[2].code == "PEER_CHAIN_UNTRUSTED");
  CHECK_FALSE(d[2].confirmed);  // no chain to check it with
}

TEST_CASE("doctor: a rejected peer chain explains only its own host's PKIX records") {
  using logs::Code;
  using logs::Side;
  InstallCheck c = sound_install_with_logs({
      log_finding(Code::kPeerChainUntrusted, Side::kDownstream, {"mx.partner.example"}),
      log_finding(Code::kPeerChainUntrusted, Side::kDownstream, {"other.example"}),
  });
  c.inspect.emplace();
  PeerCheck peer;
  peer.spec = {"mx.partner.example", "/tmp/chain.pem"};
  peer.verdict.emplace();
  peer.verdict->trusted = false;
  peer.verdict->java_message = "PKIX path building failed";
  Finding missing;
  missing.code = "MISSING_INTERMEDIATE";
  missing.severity = Severity::kError;
  missing.details = {{"issuer", "CN=Partner Issuing CA"}};
  peer.verdict->findings.push_back(missing);
  c.peers.push_back(peer);
  DoctorOptions o;
  o.trust = {"/tmp/bundle.pem"};
  std::vector<Problem> d = diagnose({c}, o);
  REQUIRE(d.size() == 2);
  CHECK(d[0].code == "DOWNSTREAM_CHAIN_UNTRUSTED");
  CHECK(d[0].host == "mx.partner.example");
  CHECK(d[0].explains == std::vector<std::string>{"PEER_CHAIN_UNTRUSTED"});
  CHECK(d[0].fix.kind == FixKind::kRepairPeer);
  CHECK(d[0].fix.peer_file == "/tmp/chain.pem");
  // The bundle was given but does not hold the issuer: the fix names it.
  CHECK(d[0].fix.missing == std::vector<std::string>{"CN=Partner Issuing CA"});
  CHECK(d[1].code == "PEER_CHAIN_UNTRUSTED");
  CHECK(d[1].host == "other.example");
}

TEST_CASE("doctor: an unreachable log host leaves its records unconfirmed") {
  using logs::Code;
  using logs::Side;
  InstallCheck c = sound_install_with_logs({
      log_finding(Code::kPeerChainUntrusted, Side::kDownstream, {"mx.example"}),
  });
  ProbeCheck probe;
  probe.target = {"mx.example", 25};
  probe.from_logs = true;
  probe.error = ProbeErrorKind::kTimeout;
  probe.error_message = "timed out";
  c.probes.push_back(probe);
  std::vector<Problem> d = diagnose({c}, DoctorOptions{});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "PEER_CHAIN_UNTRUSTED");
  CHECK_FALSE(d[0].confirmed);
  CHECK(d[0].unconfirmed.find("unreachable") != std::string::npos);
}

TEST_CASE("doctor: NPE records with the keystore in place are history, not a cause") {
  using logs::Code;
  using logs::Side;
  InstallCheck c = sound_install_with_logs({
      log_finding(Code::kKeystoreNotLoaded, Side::kDownstream, {"mx.example"}),
  });
  std::vector<Problem> d = diagnose({c}, DoctorOptions{});
  REQUIRE(d.size() == 1);
  CHECK_FALSE(d[0].confirmed);
}

TEST_CASE("doctor cli: fix commands are quoted for the shell and in order") {
  Fix fix;
  fix.kind = FixKind::kLocateFix;
  fix.root = "/mnt/c";
  fix.version = "16.0";
  fix.copy = "/mnt/c/Program Files/DLP/prevent.ks";
  std::vector<std::string> cmds = cli::fix_commands(fix);
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0] == "ksdoctor locate --fix --root /mnt/c --dlp-version 16.0");
  if (platform::command_shell() == platform::Shell::kPosix) {
    CHECK(cmds[1] ==
          "mv -- '/mnt/c/Program Files/DLP/prevent.ks' '/mnt/c/Program "
          "Files/DLP/prevent.ks.misplaced.bak'");
  }

  Fix peer;
  peer.kind = FixKind::kRepairPeer;
  peer.keystore = "/data/prevent.ks";
  peer.probe_first = true;
  peer.host = "mx.example";
  peer.from_aia = true;
  cmds = cli::fix_commands(peer);
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0] == "ksdoctor probe mx.example:25 --no-enumerate --save-chain mx.example-chain.pem");
  CHECK(cmds[1] ==
        "ksdoctor repair /data/prevent.ks --peer mx.example-chain.pem --from aia --in-place");

  peer.from_aia = false;  // nowhere to take the issuer from: advice, nothing to run
  CHECK(cli::fix_commands(peer).empty());
}

TEST_CASE("doctor cli: the recheck repeats the run from now on") {
  DoctorOptions o;
  o.root = "/";
  o.peers.push_back({"mx", "chain.pem"});
  o.trust = {"bundle.pem"};
  o.network = false;
  DoctorResult r;
  r.now = parse_time("2026-12-07T10:00:00Z");
  CHECK(cli::recheck_command(o, r) ==
        "ksdoctor doctor --root / --peer mx=chain.pem --trust bundle.pem --no-network --since "
        "2026-12-07T10:00:00Z");
}

}  // namespace doctor_test
