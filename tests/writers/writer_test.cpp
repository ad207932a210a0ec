// write_jks_family against a JVM (tests/java/WriterCheck): keytool-built stores must come back
// byte for byte, every JKS/JCEKS fixture must be rewritten exactly as Java's KeyStore.store
// rewrites it and read back by the JVM with the same entries, dates, chains and keys, and entries
// added to a loaded model must land where Java's own setCertificateEntry would put them.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/writers.hpp"
#include "subprocess.hpp"

namespace fs = std::filesystem;
using namespace ksdoctor;
using ksdoctor::testing::ProcessOptions;
using ksdoctor::testing::ProcessResult;
using ksdoctor::testing::run_process;
using ksdoctor::testing::split_lines;

namespace {

const std::string kSource = KSDOCTOR_SOURCE_DIR;
const Password kChangeit = Password::of("changeit");
constexpr std::int64_t kNow = 1767225600000;  // 2026-01-01T00:00:00Z

ProcessOptions java_options() {
  ProcessOptions options;
  options.set_env = {"LC_ALL=C", "LANG=C"};
  options.unset_env = {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"};
  options.timeout_ms = 60000;
  return options;
}

ProcessResult writer_check(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      KSDOCTOR_JAVA, "--add-exports",         "java.base/sun.security.tools.keytool=ALL-UNNAMED",
      "-cp",         KSDOCTOR_WRITER_CLASSES, "WriterCheck"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, java_options());
  INFO("WriterCheck " << args.at(0) << ": " << r.describe() << "\n" << r.err);
  REQUIRE(r.exited());
  REQUIRE(r.exit_code == 0);
  return r;
}

ProcessResult keytool(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {KSDOCTOR_KEYTOOL};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, java_options());
  INFO("keytool " << args.at(0) << ": " << r.describe() << "\n" << r.out << r.err);
  REQUIRE(r.exited());
  REQUIRE(r.exit_code == 0);
  return r;
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// A directory for this run, with the extra certificates the tests import (made once by keytool).
struct Workspace {
  fs::path dir;
  std::vector<std::string> certs;  // PEM files: 6 from fixtures/pki, then 14 generated

  Workspace() {
    std::string tmpl = (fs::temp_directory_path() / "ksdoctor-writers-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    for (const char* name :
         {"root-ca", "intermediate-ca", "other-root-ca", "server", "server-md5", "server-sha1"}) {
      certs.push_back(kSource + "/fixtures/pki/" + name + ".crt.pem");
    }
    std::vector<std::string> args = {"keytool"};
    std::string scratch = (dir / "generated.jks").string();
    for (int i = 1; i <= 14; ++i) {
      std::string alias = "gen-" + std::to_string(i);
      std::string pem = (dir / (alias + ".pem")).string();
      if (i > 1) args.push_back("--next");
      args.insert(args.end(), {"-genkeypair", "-alias",     alias,
                               "-keyalg",     "EC",         "-keysize",
                               "256",         "-dname",     "CN=Generated " + std::to_string(i),
                               "-validity",   "3650",       "-keystore",
                               scratch,       "-storetype", "JKS",
                               "-storepass",  "changeit",   "-keypass",
                               "changeit",    "--next",     "-exportcert",
                               "-rfc",        "-alias",     alias,
                               "-file",       pem,          "-keystore",
                               scratch,       "-storetype", "JKS",
                               "-storepass",  "changeit"});
      certs.push_back(pem);
    }
    writer_check(args);
  }
  ~Workspace() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

Workspace& workspace() {
  static Workspace w;
  return w;
}

struct FixtureRow {
  std::string path;       // relative to fixtures/
  std::string storepass;  // as in the manifest: '' is the empty password
  std::string keypass;    // "-" when the store has no keys
};

std::vector<FixtureRow> jks_family_fixtures() {
  std::ifstream in(kSource + "/fixtures/manifest.tsv");
  std::vector<FixtureRow> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');) fields.push_back(field);
    if (fields.size() < 4 || (fields[1] != "JKS" && fields[1] != "JCEKS")) continue;
    rows.push_back({fields[0], fields[2], fields[3] == "-" ? fields[2] : fields[3]});
  }
  return rows;
}

Password password_of(const std::string& manifest_value) {
  return Password::of(manifest_value == "''" ? "" : manifest_value);
}

std::string describe_entry(const Entry& e) {
  std::ostringstream out;
  out << kind_name(e.kind) << " created=" << (e.created_ms ? std::to_string(*e.created_ms) : "-")
      << " key=" << (e.key ? to_hex(e.key->blob) : "-") << " chain=";
  for (const CertPtr& c : e.chain) out << c->sha256 << ",";
  return out.str();
}

// What ksdoctor reads, by alias (the order is compared against the JVM separately).
std::map<std::u16string, std::string> by_alias(const Keystore& ks) {
  std::map<std::u16string, std::string> out;
  for (const Entry& e : ks.entries) out[e.alias_utf16] = describe_entry(e);
  return out;
}

// Aliases as WriterCheck prints them: ASCII, everything else (and '\') as \uXXXX.
std::string escape(const std::u16string& alias) {
  std::string out;
  for (char16_t c : alias) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

// Each "RESULT file SAME n" / "DIFFERENT n" line of WriterCheck compare, by file.
std::map<std::string, std::string> compare_results(const ProcessResult& r) {
  std::map<std::string, std::string> results;
  for (const std::string& line : split_lines(r.out)) {
    if (line.rfind("RESULT ", 0) != 0) continue;
    std::size_t space = line.find(' ', 7);
    results[line.substr(7, space - 7)] = line.substr(space + 1);
  }
  return results;
}

// aliases() order per file, from WriterCheck aliases.
std::map<std::string, std::vector<std::string>> java_aliases(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"aliases"};
  full.insert(full.end(), args.begin(), args.end());
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& line : split_lines(writer_check(full).out)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');) fields.push_back(field);
    out[fields.at(0)] = std::vector<std::string>(fields.begin() + 1, fields.end());
  }
  return out;
}

std::vector<std::string> escaped_aliases(const Keystore& ks) {
  std::vector<std::string> out;
  for (const Entry& e : ks.entries) out.push_back(escape(e.alias_utf16));
  return out;
}

}  // namespace

TEST_CASE("keytool-built trusted stores come back byte for byte") {
  Workspace& w = workspace();
  const std::vector<std::string> words = {"alpha",   "bravo",  "charlie", "delta",    "echo",
                                          "foxtrot", "golf",   "hotel",   "india",    "juliett",
                                          "kilo",    "lima",   "mike",    "november", "oscar",
                                          "papa",    "quebec", "romeo",   "sierra",   "tango"};
  std::vector<std::pair<std::string, std::size_t>> built;  // file, entries
  for (const std::string type : {"JKS", "JCEKS"}) {
    // 1 and 3 entries with the keytool command; 20 (two Hashtable rehashes: 11 → 23 → 47) with
    // keytool's Main in one JVM, since a keytool start costs about a second.
    for (std::size_t n : {1, 3}) {
      std::string file = (w.dir / ("keytool-" + std::to_string(n) + "." + type)).string();
      for (std::size_t i = 0; i < n; ++i) {
        keytool({"-importcert", "-noprompt", "-trustcacerts", "-alias", words[i], "-file",
                 w.certs[i], "-keystore", file, "-storetype", type, "-storepass", "changeit"});
      }
      built.emplace_back(file, n);
    }
    std::string file = (w.dir / ("keytool-20." + type)).string();
    std::vector<std::string> args = {"keytool"};
    for (std::size_t i = 0; i < 20; ++i) {
      if (i > 0) args.push_back("--next");
      args.insert(args.end(),
                  {"-importcert", "-noprompt", "-trustcacerts", "-alias", words[i], "-file",
                   w.certs[i], "-keystore", file, "-storetype", type, "-storepass", "changeit"});
    }
    writer_check(args);
    built.emplace_back(file, 20);
  }
  for (const auto& [file, n] : built) {
    CAPTURE(file);
    Bytes original = read_file(file);
    Keystore ks = read_keystore(original, kChangeit);
    REQUIRE(ks.entries.size() == n);
    CHECK(ks.format == (file.ends_with("JKS") ? StoreFormat::kJks : StoreFormat::kJceks));
    CHECK(write_jks_family(ks, kChangeit, kNow) == original);
  }
}

TEST_CASE("trusted-only fixtures come back byte for byte") {
  // (many-entries.jks is not in Java's order: fixtures/generate.sh writes it raw.)
  for (const std::string name : {"jks/truststore.jks", "jks/empty.jks"}) {
    CAPTURE(name);
    Bytes original = read_file(kSource + "/fixtures/" + name);
    Keystore ks = read_keystore(original, kChangeit);
    CHECK(write_jks_family(ks, kChangeit, kNow) == original);
  }
}

TEST_CASE("every JKS/JCEKS fixture is rewritten as Java's KeyStore.store rewrites it") {
  Workspace& w = workspace();
  fs::create_directories(w.dir / "ours");
  fs::create_directories(w.dir / "java");
  std::vector<FixtureRow> rows = jks_family_fixtures();
  REQUIRE(rows.size() >= 25);
  std::vector<std::string> resave = {"resave"}, compare = {"compare", "--any-order"};
  std::vector<std::string> alias_args;
  std::map<std::string, Keystore> models;
  for (const FixtureRow& row : rows) {
    std::string flat = row.path;
    std::replace(flat.begin(), flat.end(), '/', '_');
    std::string original = kSource + "/fixtures/" + row.path;
    std::string ours = (w.dir / "ours" / flat).string();
    std::string java = (w.dir / "java" / flat).string();
    Keystore ks = read_keystore(read_file(original), password_of(row.storepass));
    write_bytes(ours, write_jks_family(ks, password_of(row.storepass), kNow));
    models.emplace(row.path, std::move(ks));
    resave.insert(resave.end(), {original, row.storepass, java});
    compare.insert(compare.end(), {original, ours, row.storepass, row.keypass});
    alias_args.insert(alias_args.end(), {ours, row.storepass});
  }
  writer_check(resave);
  std::map<std::string, std::string> results = compare_results(writer_check(compare));
  std::map<std::string, std::vector<std::string>> orders = java_aliases(alias_args);

  for (const FixtureRow& row : rows) {
    CAPTURE(row.path);
    std::string flat = row.path;
    std::replace(flat.begin(), flat.end(), '/', '_');
    std::string ours_file = (w.dir / "ours" / flat).string();
    Bytes ours = read_file(ours_file);
    // Java's own load + store of the same file, byte for byte.
    CHECK(ours == read_file((w.dir / "java" / flat).string()));
    // The JVM sees the same aliases, kinds, dates, chains and keys. (Not always in the same
    // order: Java's own load + store, which the bytes above equal, can enumerate aliases that
    // share a Hashtable bucket in another order, e.g. jceks/secretkeys.jceks.)
    std::string original = kSource + "/fixtures/" + row.path;
    CHECK(results[original].starts_with("SAME"));
    // ksdoctor reads back what it wrote.
    const Keystore& model = models.at(row.path);
    Keystore again = read_keystore(ours, password_of(row.storepass));
    CHECK(again.integrity == Integrity::kVerified);
    CHECK(again.version == 2);
    CHECK(again.format == model.format);
    CHECK(by_alias(again) == by_alias(model));
    CHECK(orders[ours_file] == escaped_aliases(again));
  }
}

TEST_CASE("added trusted entries land where Java's setCertificateEntry puts them") {
  Workspace& w = workspace();
  struct Case {
    std::string fixture;
    std::vector<std::pair<std::string, std::size_t>> added;  // alias, index into w.certs
  };
  // truststore.jks: 3 + 6 entries, the 9th put rehashes (11 → 23). Upper-case aliases are
  // lower-cased by Java's setEntry; "root-ca" replaces an existing entry in its old position.
  const std::vector<Case> cases = {
      {"jks/truststore.jks",
       {{"NewCA", 6}, {"zulu", 7}, {"yankee", 8}, {"x-ray", 9}, {"whiskey", 10}, {"victor", 11}}},
      {"jks/truststore.jks", {{"root-ca", 12}, {"uniform", 13}}},
      {"jceks/server.jceks", {{"Added-Root", 14}, {"another", 15}}},
      {"jks/many-entries.jks", {{"ca-41", 16}}},
      {"jks/server-fullchain.jks", {{"extra", 17}}},
  };
  std::vector<std::string> compare = {"compare", "--no-dates"};
  std::vector<std::string> alias_args;
  std::vector<std::pair<std::string, Keystore>> written;
  int n = 0;
  for (const Case& c : cases) {
    ++n;
    std::string original = kSource + "/fixtures/" + c.fixture;
    std::string ext = c.fixture.substr(c.fixture.rfind('.'));
    std::string ours = (w.dir / ("added-ours-" + std::to_string(n) + ext)).string();
    std::string java = (w.dir / ("added-java-" + std::to_string(n) + ext)).string();
    Keystore ks = read_keystore(read_file(original), kChangeit);
    std::vector<std::string> add = {"add", original, "changeit", java};
    for (const auto& [alias, cert] : c.added) {
      Entry e;
      e.alias = alias;
      e.alias_utf16 = utf8_to_utf16(alias);
      e.kind = EntryKind::kTrustedCert;
      e.chain = read_certificates(read_file(w.certs[cert]));
      REQUIRE(e.chain.size() == 1);
      ks.entries.push_back(std::move(e));
      add.push_back(alias + "=" + w.certs[cert]);
    }
    Bytes bytes = write_jks_family(ks, kChangeit, kNow);
    write_bytes(ours, bytes);
    writer_check(add);
    compare.insert(compare.end(), {java, ours, "changeit", "changeit"});
    alias_args.insert(alias_args.end(), {ours, "changeit"});
    written.emplace_back(ours, read_keystore(bytes, kChangeit));
  }
  std::map<std::string, std::string> results = compare_results(writer_check(compare));
  std::map<std::string, std::vector<std::string>> orders = java_aliases(alias_args);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& [ours, ks] = written[i];
    CAPTURE(cases[i].fixture);
    std::string java = (w.dir / ("added-java-" + std::to_string(i + 1) +
                                 cases[i].fixture.substr(cases[i].fixture.rfind('.'))))
                           .string();
    // Same aliases() order, kinds, chains and keys as Java's own setCertificateEntry + store.
    CHECK(results[java].starts_with("SAME"));
    // The JVM's aliases() order of our file is the order ksdoctor's reader reports.
    CHECK(orders[ours] == escaped_aliases(ks));
    // keytool -list shows the new entries (keytool sorts its listing by alias).
    ProcessResult list = keytool({"-list", "-keystore", ours, "-storepass", "changeit"});
    std::vector<std::string> listed;
    for (const std::string& line : split_lines(list.out)) {
      for (const char* kind : {", trustedCertEntry,", ", PrivateKeyEntry,", ", SecretKeyEntry,"}) {
        if (line.find(kind) != std::string::npos) listed.push_back(line.substr(0, line.find(", ")));
      }
    }
    std::vector<std::string> expected = escaped_aliases(ks);
    std::sort(expected.begin(), expected.end());
    std::sort(listed.begin(), listed.end());
    CHECK(listed == expected);
    for (const auto& [alias, cert] : cases[i].added) {
      std::u16string lower = java_lowercase(utf8_to_utf16(alias));
      auto it = std::find_if(ks.entries.begin(), ks.entries.end(),
                             [&](const Entry& e) { return e.alias_utf16 == lower; });
      REQUIRE(it != ks.entries.end());
      CHECK(it->kind == EntryKind::kTrustedCert);
      CHECK(it->created_ms == kNow);
      CHECK(std::find(listed.begin(), listed.end(), utf16_to_utf8(lower)) != listed.end());
    }
  }
}
