// Everything the CLI does for inspect, verify, repair, convert and logs, done by a C++ program that
// sees only include/ksdoctor (this target has no lib/ on its include path): the library alone is
// enough.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/convert.hpp"
#include "ksdoctor/convert_report.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/logs.hpp"
#include "ksdoctor/logs_report.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/repair_report.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/sources.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/writers.hpp"

namespace fs = std::filesystem;
using namespace ksdoctor;

namespace {

const Password kChangeit = Password::of("changeit");
constexpr std::int64_t kNow = 1893456000;  // 2030-01-01T00:00:00Z: every fixture is valid then

std::string fixture(const std::string& relative) {
  return std::string(KSDOCTOR_SOURCE_DIR) + "/fixtures/" + relative;
}

// A fresh folder for the files a test writes, removed afterwards.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("ksdoctor-public-api-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

bool has_code(const std::vector<Finding>& findings, const std::string& code) {
  for (const Finding& f : findings) {
    if (f.code == code) return true;
  }
  return false;
}

CertPool pool_of(const std::string& source) {
  CertPool pool;
  for (SourcedCertificate& c : load_trust_source(source, Password()).certificates) {
    pool.add(std::move(c.cert), c.origin);
  }
  return pool;
}

}  // namespace

TEST_CASE("inspect: the demo keystore as Java lists it, rendered as JSON") {
  InspectOptions options;
  options.storepass = kChangeit;
  options.now = kNow;
  InspectResult result = inspect_keystore(read_file(fixture("demo/prevent.ks")), options);
  CHECK(result.store.format == StoreFormat::kJks);
  CHECK(result.store.integrity == Integrity::kVerified);
  REQUIRE(result.store.entries.size() == 3);
  REQUIRE(result.keys.size() == 3);
  bool key_seen = false;
  for (std::size_t i = 0; i < result.store.entries.size(); ++i) {
    const Entry& e = result.store.entries[i];
    if (e.kind != EntryKind::kPrivateKey) continue;
    key_seen = true;
    CHECK(e.alias == "smtp");
    CHECK(e.chain.size() == 1);  // the leaf alone: its intermediate is missing
    CHECK(result.keys[i].status == KeyCheck::kRecovered);
    CHECK(result.keys[i].matches_chain == true);
  }
  CHECK(key_seen);
  auto json = report::inspect_json("prevent.ks", result);
  CHECK(json["format"] == "JKS");
  CHECK(json["entries"].size() == 3);
}

TEST_CASE("verify: the demo keystore misses its intermediate; a peer chain is judged as Java") {
  Keystore store = read_keystore(FileBuffer::read(fixture("demo/prevent.ks")), kChangeit);
  KeystoreVerifyOptions options;
  options.now = kNow;
  KeystoreVerifyReport alone = verify_keystore(store, CertPool(), options);
  REQUIRE(alone.entries.size() == 1);
  CHECK_FALSE(alone.entries[0].reaches_root);
  CHECK(has_code(alone.findings, "MISSING_INTERMEDIATE"));

  KeystoreVerifyReport with_ca =
      verify_keystore(store, pool_of(fixture("pki/intermediate-ca.crt.pem")), options);
  REQUIRE(with_ca.entries.size() == 1);
  CHECK(with_ca.entries[0].reaches_root);
  CHECK(with_ca.entries[0].root_trusted);
  CHECK_FALSE(with_ca.entries[0].complete);

  std::vector<CertPtr> peer = read_certificates(read_file(fixture("pki/server-chain.pem")));
  PeerCheckOptions peer_options;
  peer_options.now = kNow;
  PeerVerdict verdict = verify_peer(peer, java_trust_anchors(store), CertPool(), peer_options);
  CHECK(verdict.trusted);
  CHECK(verdict.java_message.empty());
  // Another leaf alone: its issuer is neither sent nor an anchor.
  PeerVerdict leaf_only =
      verify_peer(read_certificates(read_file(fixture("pki/server-sha1.crt.pem"))),
                  java_trust_anchors(store), CertPool(), peer_options);
  CHECK_FALSE(leaf_only.trusted);
  CHECK(leaf_only.java_message.find("PKIX path building failed") != std::string::npos);
}

TEST_CASE("repair: plan, apply and write the demo keystore to a new file, read back as planned") {
  TempDir dir("repair");
  Keystore store = read_keystore(FileBuffer::read(fixture("demo/prevent.ks")), kChangeit);
  RepairOptions options;
  options.now = kNow;
  options.created_ms = kNow * 1000;
  RepairPlan plan =
      plan_repair(store, pool_of(fixture("pki/intermediate-ca.crt.pem")), {}, options);
  REQUIRE(plan.chains.size() == 1);
  CHECK(plan.changes_store());
  CHECK(plan.sound());
  Keystore planned = apply_plan(store, plan);

  RepairWriteOptions write;
  write.target = dir.file("repaired.ks");
  write.now = kNow;
  write.created_ms = plan.created_ms;
  RepairWriteResult written = write_repaired_keystore(planned, kChangeit, write);
  CHECK(written.backup.empty());  // nothing was there to keep
  CHECK(written.bytes > 0);
  CHECK(mode_of(write.target) == 0600);
  Keystore back = read_keystore(read_file(write.target), kChangeit);
  CHECK_NOTHROW(check_written_keystore(planned, back, plan.created_ms));
  REQUIRE(back.entries.size() == store.entries.size());
  for (const Entry& e : back.entries) {
    if (e.kind == EntryKind::kPrivateKey) CHECK(e.chain.size() == plan.chains[0].after.size());
  }
  KeystoreVerifyOptions verify;
  verify.now = kNow;
  CHECK_FALSE(has_errors(verify_keystore(back, CertPool(), verify).findings));

  report::RepairRun run;
  run.file = "prevent.ks";
  run.target = write.target;
  run.written = true;
  CHECK(report::repair_json(plan, run)["sound"] == true);
}

TEST_CASE("convert: JKS to PKCS#12 and back, written safely, dated by now_ms, rendered") {
  TempDir dir("convert");
  const std::string source = fixture("jks/server-fullchain.jks");
  ConvertOptions options;
  options.to = StoreFormat::kPkcs12;
  options.storepass = kChangeit;
  ConvertFileOptions file;
  file.source = source;
  file.target = dir.file("server.p12");
  file.now_ms = kNow * 1000;
  ConvertFileResult p12 = convert_keystore_file(options, file);
  CHECK(p12.from == StoreFormat::kJks);
  CHECK(p12.backup.empty());
  CHECK(mode_of(file.target) == 0600);

  Keystore original = read_keystore(read_file(source), kChangeit);
  Keystore back = read_keystore(read_file(file.target), kChangeit);
  CHECK(back.format == StoreFormat::kPkcs12);
  REQUIRE(back.entries.size() == original.entries.size());
  // Same aliases and kinds (JKS lists them in Hashtable order, PKCS#12 in the order written).
  std::map<std::string, EntryKind> kinds;
  for (const Entry& e : original.entries) kinds[e.alias] = e.kind;
  for (const Entry& e : back.entries) {
    REQUIRE(kinds.count(e.alias) == 1);
    CHECK(kinds[e.alias] == e.kind);
  }
  auto json = report::convert_json(p12, {source, file.target});
  CHECK(json["from"] == "JKS");
  CHECK(json["to"] == "PKCS12");
  CHECK(json["backup"].is_null());
  CHECK(report::convert_text(p12, {source, file.target}).find("mode 0600") != std::string::npos);

  SUBCASE("back to JKS: PKCS#12's undated trusted entry is dated now_ms") {
    ConvertOptions to_jks = options;
    to_jks.to = StoreFormat::kJks;
    ConvertFileOptions again;
    again.source = file.target;
    again.target = dir.file("server.jks");
    again.now_ms = kNow * 1000 + 123;
    convert_keystore_file(to_jks, again);
    Keystore jks = read_keystore(read_file(again.target), kChangeit);
    bool trusted_seen = false;
    for (const Entry& e : jks.entries) {
      if (e.kind != EntryKind::kTrustedCert) continue;
      trusted_seen = true;
      CHECK(e.created_ms == again.now_ms);
    }
    CHECK(trusted_seen);
  }
  SUBCASE("converting over an existing file keeps it as .bak") {
    Bytes before = read_file(file.target);
    ConvertFileResult second = convert_keystore_file(options, file);
    CHECK(second.backup == file.target + ".bak");
    CHECK(read_file(second.backup) == before);
    CHECK(mode_of(second.backup) == 0600);
  }
  SUBCASE("the source itself is never the target") {
    ConvertFileOptions onto_source = file;
    onto_source.source = file.target;
    Bytes before = read_file(file.target);
    try {
      convert_keystore_file(options, onto_source);
      FAIL("converting onto the source was accepted");
    } catch (const UsageError& e) {
      CHECK(e.code() == "OUT_IS_INPUT");
    }
    CHECK(read_file(file.target) == before);
  }
}

TEST_CASE("write_keystore writes each format and check_read_back catches what changed") {
  Keystore store = read_keystore(FileBuffer::read(fixture("jks/server-fullchain.jks")), kChangeit);
  const std::int64_t now_ms = kNow * 1000;
  Keystore jks = read_keystore(write_keystore(store, kChangeit, now_ms), kChangeit);
  CHECK(jks.format == StoreFormat::kJks);
  CHECK_NOTHROW(check_read_back(store, jks, now_ms));

  Keystore p12_model = store;
  p12_model.format = StoreFormat::kPkcs12;
  p12_model.version = 3;
  // JKS keys are protected for JKS: only a conversion re-protects them, so keep the certificates.
  std::vector<Entry> trusted;
  for (const Entry& e : store.entries) {
    if (e.kind == EntryKind::kTrustedCert) trusted.push_back(e);
  }
  p12_model.entries = trusted;
  Keystore p12 = read_keystore(write_keystore(p12_model, kChangeit, now_ms), kChangeit);
  CHECK(p12.format == StoreFormat::kPkcs12);
  CHECK_NOTHROW(check_read_back(p12_model, p12, now_ms));

  Keystore redated = store;
  redated.entries[0].created_ms = 1;
  CHECK_THROWS_AS(check_read_back(redated, jks, now_ms), Error);
  Keystore other_format = store;
  other_format.format = StoreFormat::kJceks;
  CHECK_THROWS_AS(check_read_back(other_format, jks, now_ms), Error);
}

TEST_CASE("logs: a C++ program reads a log one record at a time and diagnoses it") {
  logs::RecordReader reader(fixture("logs/article/op-sslengine.log"), 0);
  logs::Diagnoser diagnoser;
  int records = 0;
  while (const logs::Record* r = reader.next()) {
    diagnoser.add(*r);
    ++records;
  }
  CHECK(records == 7);
  logs::Diagnosis d = diagnoser.result();
  d.files.push_back(reader.summary());
  REQUIRE(d.findings.size() == 1);
  CHECK(std::string(logs::code_name(d.findings[0].code)) == "SSLENGINE_PROBLEM");
  CHECK(d.has_errors());
  CHECK(report::logs_json(d)["findings"][0]["remotes"][0] == "205.x.y.z");
  CHECK(report::logs_text(d).find("SSLENGINE_PROBLEM") != std::string::npos);
}
