// Malformed input: truncations and seeded bit flips of real keystores must never crash, hang,
// throw anything but ksdoctor::Error, or allocate more than the file justifies.
//
//  in-process:  for jks/server-fullchain.jks, jceks/secretkeys.jceks, jceks/server.jceks, two
//  PKCS#12 stores (pkcs12/java-iter1024.p12, pkcs12/java-passwordless.p12) and BouncyCastle's
//  bks/server.bks and bks/server.uber, every
//               truncation length 0..size-1 (password "changeit" and null) and 1000 seeded
//               mutations (500 single-bit flips with both passwords, 100 multi-bit flips, 100
//               32-bit boundary-value writes, and 300 flips/writes with a recomputed JKS digest so
//               that key recovery runs on corrupted blobs), through ksdoctor::inspect_keystore
//               and both report renderers. Replaced global operator new/delete and OpenSSL's
//               allocator hooks (alloc_track.cpp) fail any single allocation larger than file
//               size + 1 MiB; two crafted inputs check that rule for entry counts and Java
//               serialization back-references.
//  cli:         a sample of the same inputs (every 50th truncation, 60 mutations per file; a
//               quarter of that under ASan) through `ksdoctor inspect --format json`: exit 0/1
//               with a JSON report, or exit 2 with exactly one line on stderr and nothing on
//               stdout; never a signal or a hang (60 s timeout).
//  regressions: inputs Java opens that once broke ksdoctor: they must open and render.
//
// KSDOCTOR_MALFORMED_TRACE=1 prints each case before it runs (to find the input behind a crash).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <typeinfo>
#include <vector>

#include "alloc_track.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/import.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/report.hpp"
#include "subprocess.hpp"

// ---------------------------------------------------------------------------------------------
namespace {

using ksdoctor::Bytes;
using ksdoctor::ByteView;
using ksdoctor::InspectOptions;
using ksdoctor::Password;
using ksdoctor::testing::ProcessOptions;
using ksdoctor::testing::ProcessResult;
using ksdoctor::testing::run_process;

const std::string kSourceDir = KSDOCTOR_SOURCE_DIR;
const std::string kCli = KSDOCTOR_CLI;
constexpr std::size_t kSlack = 1 << 20;  // allowed above the file size for one allocation
constexpr int kSingleFlips = 500;
constexpr int kMultiFlips = 100;
constexpr int kWordWrites = 100;
constexpr int kResealed = 200;
constexpr int kResealedFullKeyEvery = 40;  // of the resealed cases, decrypt keys for real
// Under AddressSanitizer every ksdoctor process costs ~0.3 s to start, so the sanitizer build runs
// a quarter of the CLI sample (the in-process cases, which reach the same library code, run in
// full there).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif
constexpr int kCliTruncationStep = kSanitized ? 200 : 50;
constexpr int kCliMutations = kSanitized ? 15 : 60;  // per file
constexpr int kCliTimeoutMs = 60000;
const char* const kPassword = "changeit";
// A non-ASCII key password: JCEKS rejects it ("Password is not ASCII") after parsing the protected
// key or sealed object but before 200 000 MD5 rounds, which keeps the resealed cases fast; the JKS
// protector runs in full with it (and fails its check: "Cannot recover key").
const char* const kCheapKeypass = "\xC3\xA9t\xC3\xA9";

struct Subject {
  const char* path;  // under fixtures/
  unsigned seed;
};
const Subject kSubjects[] = {
    {"jks/server-fullchain.jks", 20240601u},
    {"jceks/secretkeys.jceks", 20240602u},
    {"jceks/server.jceks", 20240603u},
    {"pkcs12/java-iter1024.p12", 20240604u},
    {"pkcs12/java-passwordless.p12", 20240605u},
    // BouncyCastle's stores (keytool with bcprov): BKS opened with a null password skips its
    // HMAC, so flipped entries reach key recovery; UBER flips land in its Twofish ciphertext.
    {"bks/server.bks", 20261208u},
    {"bks/server.uber", 20261209u},
};

bool trace() {
  static const bool on = std::getenv("KSDOCTOR_MALFORMED_TRACE") != nullptr;
  return on;
}

Bytes read_fixture(const std::string& rel) {
  std::ifstream in(kSourceDir + "/fixtures/" + rel, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixtures/" + rel);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// JKS/JCEKS trailer: SHA-1(UTF-16BE(password) || "Mighty Aphrodite" || body).
void reseal(Bytes& bytes, const std::string& password) {
  if (bytes.size() < 20) return;
  // PKCS#12 has no trailer digest to recompute: its mutations stay as they are.
  if (bytes[0] != 0xFE && bytes[0] != 0xCE) return;
  std::vector<unsigned char> input;
  for (unsigned char c : password) {  // ASCII passwords only
    input.push_back(0);
    input.push_back(c);
  }
  const std::string whitener = "Mighty Aphrodite";
  input.insert(input.end(), whitener.begin(), whitener.end());
  input.insert(input.end(), bytes.begin(), bytes.end() - 20);
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), bytes.data() + bytes.size() - 20, &len, EVP_sha1(),
             nullptr);
}

enum class Mode {
  kNull,           // storepass null (Java's load(in, null)): no digest check, keys not checked
  kStorepass,      // storepass "changeit" (the digest check fails on a mutated file)
  kResealedCheap,  // resealed trailer, storepass "changeit", non-ASCII key password
  kResealedFull,   // resealed trailer, storepass and key password "changeit"
};

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kNull:
      return "null password";
    case Mode::kStorepass:
      return "password changeit";
    case Mode::kResealedCheap:
      return "resealed, password changeit, non-ASCII key password";
    case Mode::kResealedFull:
      return "resealed, password changeit";
  }
  return "?";
}

struct Case {
  std::string label;
  Bytes bytes;
  std::vector<Mode> modes;
};

// "byte.bit" positions; bit 0 is the most significant bit of the byte.
std::string hex_bits(const std::vector<std::size_t>& bits) {
  std::string out;
  for (std::size_t b : bits) {
    if (!out.empty()) out += ",";
    out += std::to_string(b / 8) + "." + std::to_string(b % 8);
  }
  return out;
}

std::vector<Case> truncations(const Subject& s, const Bytes& original) {
  std::vector<Case> cases;
  for (std::size_t len = 0; len < original.size(); ++len) {
    Case c;
    c.label = std::string(s.path) + " truncated to " + std::to_string(len) + " bytes";
    c.bytes.assign(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(len));
    c.modes = {Mode::kNull, Mode::kStorepass};
    cases.push_back(std::move(c));
  }
  return cases;
}

// Deterministic for a given seed (std::mt19937 output is specified; no distributions used).
std::vector<Case> mutations(const Subject& s, const Bytes& original) {
  std::mt19937 rng(s.seed);
  const std::size_t bits = original.size() * 8;
  const std::size_t body_bits = (original.size() - 20) * 8;  // excluding the SHA-1 trailer
  std::vector<Case> cases;
  auto flip_case = [&](const char* kind, int index, int nbits, std::size_t range) {
    Case c;
    c.bytes = original;
    std::vector<std::size_t> flipped;
    for (int k = 0; k < nbits; ++k) {
      std::size_t bit = rng() % range;
      c.bytes[bit / 8] ^= static_cast<std::uint8_t>(0x80u >> (bit % 8));
      flipped.push_back(bit);
    }
    c.label = std::string(s.path) + " " + kind + " #" + std::to_string(index) + " (seed " +
              std::to_string(s.seed) + ", byte.bit " + hex_bits(flipped) + ")";
    return c;
  };
  for (int i = 0; i < kSingleFlips; ++i) {
    Case c = flip_case("bit flip", i, 1, bits);
    c.modes = {Mode::kNull, Mode::kStorepass};
    cases.push_back(std::move(c));
  }
  for (int i = 0; i < kMultiFlips; ++i) {
    Case c = flip_case("multi-bit flip", i, 2 + static_cast<int>(rng() % 7), bits);
    c.modes = {Mode::kNull};
    cases.push_back(std::move(c));
  }
  // Length fields and counts are 32-bit big-endian: write boundary values at random offsets.
  const std::uint32_t words[] = {0u,
                                 1u,
                                 0x7fffffffu,
                                 0x80000000u,
                                 0xffffffffu,
                                 0xffffu,
                                 0x10000u,
                                 static_cast<std::uint32_t>(original.size()),
                                 static_cast<std::uint32_t>(original.size() + 1)};
  for (int i = 0; i < kWordWrites; ++i) {
    Case c;
    c.bytes = original;
    std::size_t at = rng() % (original.size() - 3);
    std::uint32_t w = words[rng() % std::size(words)];
    for (int k = 0; k < 4; ++k) c.bytes[at + k] = static_cast<std::uint8_t>(w >> (24 - 8 * k));
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%08x at byte %zu", w, at);
    c.label = std::string(s.path) + " word write #" + std::to_string(i) + " (seed " +
              std::to_string(s.seed) + ", " + buf + ")";
    c.modes = {Mode::kNull};
    // Also resealed: a corrupted length inside a key blob reaches key recovery.
    Case sealed = c;
    reseal(sealed.bytes, kPassword);
    sealed.label += " resealed";
    sealed.modes = {Mode::kResealedCheap};
    cases.push_back(std::move(c));
    cases.push_back(std::move(sealed));
  }
  // Body flips with a recomputed digest: the store opens with "changeit", so the corrupted bytes
  // reach key recovery, the linter and the report.
  for (int i = 0; i < kResealed; ++i) {
    Case c = flip_case("resealed bit flip", i, 1 + static_cast<int>(rng() % 2), body_bits);
    reseal(c.bytes, kPassword);
    c.modes = {i % kResealedFullKeyEvery == 0 ? Mode::kResealedFull : Mode::kResealedCheap};
    cases.push_back(std::move(c));
  }
  return cases;
}

// Runs one input through the library; returns an empty string when the outcome is acceptable.
std::string run_library(const Case& c, Mode mode, std::size_t original_size) {
  InspectOptions options;
  switch (mode) {
    case Mode::kNull:
      break;
    case Mode::kStorepass:
      options.storepass = Password::of(kPassword);
      break;
    case Mode::kResealedCheap:
      options.storepass = Password::of(kPassword);
      options.keypass = Password::of(kCheapKeypass);
      break;
    case Mode::kResealedFull:
      options.storepass = Password::of(kPassword);
      break;
  }
  options.now = 1893456000;  // 2030-01-01
  if (trace()) std::cerr << "case: " << c.label << " [" << mode_name(mode) << "]\n";
  const std::size_t max = original_size + kSlack;
  std::string problem;
  {
    alloc_track::Window window(max);
    try {
      ksdoctor::InspectResult result = ksdoctor::inspect_keystore(c.bytes, options);
      // What the CLI does next: both renderers, and serializing the JSON.
      std::string json = ksdoctor::report::inspect_json("input", result).dump(2);
      std::string text = ksdoctor::report::inspect_text("input", result);
      (void)json;
      (void)text;
    } catch (const ksdoctor::Error&) {
      // the contract: malformed input is a ksdoctor::Error
    } catch (const std::bad_alloc&) {
      if (alloc_track::refused == 0) problem = "std::bad_alloc";
    } catch (const std::exception& e) {
      problem = std::string("exception ") + typeid(e).name() + ": " + e.what();
    } catch (...) {
      problem = "an exception that is not a std::exception";
    }
  }
  if (alloc_track::refused != 0) {
    problem += (problem.empty() ? "" : "; ") + std::string("refused a single allocation of ") +
               std::to_string(alloc_track::refused.load()) + " bytes (limit: file size " +
               std::to_string(original_size) + " + 1 MiB = " + std::to_string(max) + ")";
  }
  return problem.empty() ? "" : c.label + " [" + mode_name(mode) + "]: " + problem;
}

void run_all_in_process(const Subject& s) {
  Bytes original = read_fixture(s.path);
  REQUIRE(original.size() > 64);
  std::size_t calls = 0, failures = 0;
  std::size_t largest = 0;
  auto run = [&](const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      for (Mode m : c.modes) {
        ++calls;
        std::string problem = run_library(c, m, original.size());
        largest = std::max(largest, alloc_track::largest.load());
        if (!problem.empty()) {
          ++failures;
          if (failures <= 25) FAIL_CHECK(problem);
        }
      }
    }
  };
  // The unmodified store must open: otherwise every mutation below tests nothing.
  {
    InspectOptions options;
    options.storepass = Password::of(kPassword);
    options.now = 1893456000;
    CHECK_NOTHROW(ksdoctor::inspect_keystore(original, options));
  }
  run(truncations(s, original));
  run(mutations(s, original));
  if (failures > 25)
    FAIL_CHECK((failures - 25) << " more failing cases for " << std::string(s.path));
  MESSAGE(std::string(s.path) << ": " << calls << " library calls, " << failures
                              << " failures, largest single allocation " << largest
                              << " bytes (file " << original.size() << " bytes)");
}

// ---------------------------------------------------------------------------------------------
// CLI sample

// A fresh working directory ./malformed-inputs/NAME under the test's working directory (the build
// tree under ctest), emptied first; failing inputs are left in it for reproduction.
std::string make_work_dir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::current_path() / "malformed-inputs" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string show(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

std::string check_cli(const std::string& file, const Case& c, Mode mode, bool must_open = false) {
  std::vector<std::string> argv = {kCli, "inspect", file, "--format", "json", "--at", "2030-01-01"};
  ProcessOptions options;
  options.timeout_ms = kCliTimeoutMs;
  options.unset_env = {"KSDOCTOR_STOREPASS", "KSDOCTOR_TEST_STOREPASS", "KSDOCTOR_TEST_KEYPASS"};
  if (mode != Mode::kNull) {
    options.set_env.push_back(std::string("KSDOCTOR_TEST_STOREPASS=") + kPassword);
    argv.insert(argv.end(), {"--storepass-env", "KSDOCTOR_TEST_STOREPASS"});
  }
  if (mode == Mode::kResealedCheap) {
    options.set_env.push_back(std::string("KSDOCTOR_TEST_KEYPASS=") + kCheapKeypass);
    argv.insert(argv.end(), {"--keypass-env", "KSDOCTOR_TEST_KEYPASS"});
  }
  if (trace()) std::cerr << "cli case: " << c.label << " [" << mode_name(mode) << "]\n";
  ProcessResult r = run_process(argv, options);
  std::string where = c.label + " [" + mode_name(mode) + "] (input kept as " + file + "): ";
  if (!r.exited()) return where + "ksdoctor " + r.describe() + "; stderr: " + r.err;
  if (r.exit_code == 0 || r.exit_code == 1) {
    try {
      nlohmann::json report = nlohmann::json::parse(r.out);
      if (!report.is_object() || !report.contains("entries") || !report.contains("findings")) {
        return where + "exit " + std::to_string(r.exit_code) +
               " but stdout is not an inspect report: " + show(r.out.substr(0, 200));
      }
    } catch (const std::exception& e) {
      return where + "exit " + std::to_string(r.exit_code) + " but stdout is not JSON (" +
             e.what() + "): " + show(r.out.substr(0, 200));
    }
    return "";
  }
  if (r.exit_code == 2) {
    const std::string& err = r.err;
    if (must_open) return where + "Java opens this store, ksdoctor exit 2: " + show(err);
    bool one_line = !err.empty() && err.back() == '\n' && err.find('\n') == err.size() - 1;
    if (!one_line) return where + "exit 2 but stderr is not exactly one line: " + show(err);
    if (!r.out.empty()) return where + "exit 2 but stdout is not empty: " + show(r.out);
    return "";
  }
  return where + "unexpected exit " + std::to_string(r.exit_code) + "; stderr: " + r.err;
}

void run_cli_sample(const Subject& s) {
  Bytes original = read_fixture(s.path);
  std::vector<Case> sample;
  for (Case& c : truncations(s, original)) {
    if (c.bytes.size() % kCliTruncationStep == 0) sample.push_back(std::move(c));
  }
  std::vector<Case> all = mutations(s, original);
  for (int i = 0; i < kCliMutations; ++i) {
    sample.push_back(std::move(all[static_cast<std::size_t>(i) * all.size() / kCliMutations]));
  }
  std::string name = std::string("cli-") + s.path;
  std::replace(name.begin(), name.end(), '/', '-');
  const std::string dir = make_work_dir(name);
  std::size_t runs = 0, failures = 0;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const Case& c = sample[i];
    std::string file = dir + "/case-" + std::to_string(i) + ".ks";
    {
      std::ofstream out(file, std::ios::binary);
      out.write(reinterpret_cast<const char*>(c.bytes.data()),
                static_cast<std::streamsize>(c.bytes.size()));
    }
    bool kept = false;
    // Truncations and plain mutations alternate between a null and the real password.
    std::vector<Mode> modes = c.modes;
    if (modes.size() > 1) modes = {modes[i % modes.size()]};
    if (modes == std::vector<Mode>{Mode::kNull} && i % 2 == 1) modes = {Mode::kStorepass};
    for (Mode m : modes) {
      ++runs;
      std::string problem = check_cli(file, c, m);
      if (!problem.empty()) {
        ++failures;
        kept = true;
        FAIL_CHECK(problem);
      }
    }
    if (!kept) std::filesystem::remove(file);
  }
  if (failures == 0) std::filesystem::remove_all(dir);
  MESSAGE(std::string(s.path) << ": " << runs << " CLI runs, " << failures << " failures");
}

// ---------------------------------------------------------------------------------------------
// Regressions: inputs that Java opens (checked with tests/java/ListKeystore) and that once broke
// ksdoctor. They must open and render: no exception at all, CLI exit 0/1 with a JSON report.

Bytes big_endian(std::uint64_t v, int width) {
  Bytes out;
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

// JKS v2 with one key entry "a" of the given creation date, an empty key and no chain (Java lists
// it, kind secret_key, since KeyStoreSpi calls a key entry without chain a SecretKeyEntry).
Bytes jks_with_date(std::uint64_t created) {
  Bytes b = {0xFE, 0xED, 0xFE, 0xED};
  for (auto part : {big_endian(2, 4), big_endian(1, 4), big_endian(1, 4), Bytes{0, 1, 'a'},
                    big_endian(created, 8), big_endian(0, 4), big_endian(0, 4), Bytes(20, 0)}) {
    b.insert(b.end(), part.begin(), part.end());
  }
  reseal(b, kPassword);
  return b;
}

std::vector<Case> regressions() {
  std::vector<Case> cases;
  {
    // A certificate subject whose "mail.example.com" has the high bit set in one byte: the DN
    // string is not valid UTF-8. Java loads the store; ksdoctor's JSON output used to throw
    // nlohmann type_error 316 ("internal error", exit 2).
    Case c;
    c.bytes = read_fixture("jks/server-fullchain.jks");
    const std::string needle = "mail.example.com";
    auto it = std::search(c.bytes.begin(), c.bytes.end(), needle.begin(), needle.end());
    REQUIRE(it != c.bytes.end());
    *(it + 1) ^= 0x80;
    reseal(c.bytes, kPassword);
    c.label = "regression: jks/server-fullchain.jks, leaf CN m\\xe1il.example.com (not UTF-8)";
    c.modes = {Mode::kNull, Mode::kStorepass};
    cases.push_back(std::move(c));
  }
  {
    // 410 bytes: JKS (no digest: opened with a null password) holding one self-signed EC cert
    // whose subject and issuer are CN=UTF8String "z\xe1" (truncated UTF-8). Java lists it.
    static const char kTinyBadUtf8[] =
        "/u3+7QAAAAIAAAABAAAAAgABYQAAAAAAAAAAAAVYLjUwOQAAAXQwggFwMIIBFaADAgECAhQc1Z0kBVGlAphUX3hjfE"
        "Xv1iF2sDAKBggqhkjOPQQDAjANMQswCQYDVQQDDAJ64TAeFw0yNjExMjgwNTUwNDNaFw0yNjExMjkwNTUwNDNaMA0x"
        "CzAJBgNVBAMMAnrhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWluHxmDClICarzKB2yRJCYb38jEVwDdiph8c9G"
        "DwbSa3AkB35GUSztAcsvwGeWOD7hTltLtuGEBqVrHPAs6RG6NTMFEwHQYDVR0OBBYEFHbySqS89G8E5ouwwsCho4t5"
        "xap5MB8GA1UdIwQYMBaAFHbySqS89G8E5ouwwsCho4t5xap5MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQ"
        "AwRgIhAPNekgCkS+rLZym7QK9nO2DMnzCBEStVwS+u6IiqecdnAiEAq2CUxsdGsO/mrYCsqGKZW2V9dPcv13mql7L2"
        "Kks7g3c=";
    Case c;
    c.bytes.resize(sizeof kTinyBadUtf8);
    int n = EVP_DecodeBlock(c.bytes.data(), reinterpret_cast<const unsigned char*>(kTinyBadUtf8),
                            static_cast<int>(sizeof kTinyBadUtf8 - 1));
    REQUIRE(n >= 410);
    c.bytes.resize(410 + 20);  // EVP_DecodeBlock counts the '=' padding; add a trailer
    reseal(c.bytes, kPassword);
    c.label = "regression: 410-byte JKS, self-signed cert with CN=UTF8String 7a e1 (not UTF-8)";
    c.modes = {Mode::kNull, Mode::kStorepass};
    cases.push_back(std::move(c));
  }
  for (std::uint64_t created :
       {std::uint64_t{0x8000000000000000u}, std::uint64_t{0x7fffffffffffffffu},
        std::uint64_t{0xffffffffffffffffu}}) {
    // Found by fuzz_keystore: INT64_MIN made format_rfc3339_ms overflow (UBSan).
    Case c;
    c.bytes = jks_with_date(created);
    char buf[80];
    std::snprintf(buf, sizeof buf, "regression: JKS entry created at %lld ms",
                  static_cast<long long>(created));
    c.label = buf;
    c.modes = {Mode::kNull, Mode::kStorepass};
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string run_regression(const Case& c, Mode mode) {
  InspectOptions options;
  if (mode == Mode::kStorepass) options.storepass = Password::of(kPassword);
  options.now = 1893456000;
  try {
    ksdoctor::InspectResult result = ksdoctor::inspect_keystore(c.bytes, options);
    (void)ksdoctor::report::inspect_json("input", result).dump(2);
    (void)ksdoctor::report::inspect_text("input", result);
  } catch (const std::exception& e) {
    return c.label + " [" + mode_name(mode) + "]: Java opens this store, ksdoctor threw " +
           typeid(e).name() + ": " + e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("malformed: regressions open and render, in-process and through the CLI") {
  const std::string dir = make_work_dir("regressions");
  bool failed = false;
  std::vector<Case> cases = regressions();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    std::string file = dir + "/regression-" + std::to_string(i) + ".ks";
    {
      std::ofstream out(file, std::ios::binary);
      out.write(reinterpret_cast<const char*>(c.bytes.data()),
                static_cast<std::streamsize>(c.bytes.size()));
    }
    bool case_failed = false;
    for (Mode m : c.modes) {
      for (const std::string& problem :
           {run_regression(c, m), check_cli(file, c, m, /*must_open=*/true)}) {
        if (problem.empty()) continue;
        case_failed = true;
        FAIL_CHECK(problem);
      }
    }
    if (case_failed) {
      failed = true;
    } else {
      std::filesystem::remove(file);
    }
  }
  if (!failed) std::filesystem::remove_all(dir);
}

TEST_CASE("malformed: in-process truncations and bit flips") {
  if (!alloc_track::openssl_hooked()) {
    MESSAGE("OpenSSL allocations are not tracked (CRYPTO_set_mem_functions was refused)");
  }
  for (const Subject& s : kSubjects) {
    SUBCASE(s.path) { run_all_in_process(s); }
  }
}

// import's sources: a PEM key, a PEM certificate bundle and a PFX, each truncated at every length
// (the PFX every 7th) and with 300 seeded bit flips, must yield material or throw
// ksdoctor::Error — never another exception, a crash or an oversized allocation.
TEST_CASE("malformed: in-process import sources") {
  struct Source {
    const char* path;
    int kind;  // 0 PEM key, 1 certificates / CA reply, 2 PFX
    std::size_t truncation_step;
  };
  const Source sources[] = {{"pki/server.key.pem", 0, 1},
                            {"pki/server-fullchain.pem", 1, 1},
                            {"pkcs12/openssl-fullchain.p12", 2, 7}};
  const Bytes certs = read_fixture("pki/server-fullchain.pem");
  for (const Source& source : sources) {
    const Bytes original = read_fixture(source.path);
    auto feed = [&](const Bytes& input) {
      ByteView bytes(input.data(), input.size());
      try {
        if (source.kind == 0) {
          ksdoctor::read_pem_source(bytes, ByteView(certs.data(), certs.size()), "certs",
                                    Password::of(kPassword));
        } else if (source.kind == 1) {
          ksdoctor::read_cert_reply(bytes, "reply");
        } else {
          ksdoctor::read_pkcs12_source(bytes, "source.p12", Password::of(kPassword), "");
        }
      } catch (const ksdoctor::Error&) {
      }
    };
    alloc_track::Window window(original.size() + kSlack);
    feed(original);
    for (std::size_t n = 0; n < original.size(); n += source.truncation_step) {
      feed(Bytes(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(n)));
    }
    std::mt19937 rng(20261207u);
    for (int i = 0; i < 300; ++i) {
      Bytes mutated = original;
      std::size_t at = rng() % mutated.size();
      mutated[at] = static_cast<std::uint8_t>(mutated[at] ^ (1u << (rng() % 8)));
      feed(mutated);
    }
    CHECK_MESSAGE(alloc_track::refused == 0, source.path << ": an allocation of "
                                                         << alloc_track::refused.load()
                                                         << " bytes was refused");
  }
}

TEST_CASE("malformed: a huge entry count in a large file allocates no more than the file") {
  // Header "count = 2^31-1" followed by zero bytes: the first entry's tag (0) is invalid, so only
  // what the reader allocates up front from the count is measured.
  for (std::uint32_t magic : {0xFEEDFEEDu, 0xCECECECEu}) {
    for (std::size_t size : {std::size_t{64} << 10, std::size_t{256} << 10, std::size_t{1} << 20}) {
      Case c;
      c.bytes.assign(size, 0);
      for (int k = 0; k < 4; ++k) {
        c.bytes[k] = static_cast<std::uint8_t>(magic >> (24 - 8 * k));
        c.bytes[4 + k] = static_cast<std::uint8_t>(2u >> (24 - 8 * k));
        c.bytes[8 + k] = static_cast<std::uint8_t>(0x7fffffffu >> (24 - 8 * k));
      }
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s header with count 0x7fffffff, then %zu zero bytes",
                    magic == 0xFEEDFEEDu ? "JKS" : "JCEKS", size - 12);
      c.label = buf;
      for (Mode m : {Mode::kNull, Mode::kStorepass}) {
        std::string problem = run_library(c, m, size);
        if (!problem.empty()) FAIL_CHECK(problem);
      }
    }
  }
}

TEST_CASE("malformed: a serialized object with many handles allocates no more than the file") {
  // JCEKS secret-key entry (tag 3) whose Java serialization stream is a String[] of N empty
  // strings: 3 input bytes per back-reference handle.
  for (std::uint32_t n : {20000u, 330000u}) {
    Case c;
    auto put = [&](std::initializer_list<std::uint8_t> b) {
      c.bytes.insert(c.bytes.end(), b.begin(), b.end());
    };
    auto put_be = [&](std::uint64_t v, int width) {
      Bytes b = big_endian(v, width);
      c.bytes.insert(c.bytes.end(), b.begin(), b.end());
    };
    put({0xCE, 0xCE, 0xCE, 0xCE});
    put_be(2, 4);
    put_be(1, 4);
    put_be(3, 4);                               // tag 3: secret key
    put({0x00, 0x01, 'k'});                     // alias
    put_be(0, 8);                               // date
    put({0xAC, 0xED, 0x00, 0x05, 0x75, 0x72});  // stream header, TC_ARRAY, TC_CLASSDESC
    const std::string name = "[Ljava.lang.String;";
    put_be(name.size(), 2);
    c.bytes.insert(c.bytes.end(), name.begin(), name.end());
    put_be(0, 8);                         // serialVersionUID
    put({0x02, 0x00, 0x00, 0x78, 0x70});  // SC_SERIALIZABLE, 0 fields, end of annotation, no super
    put_be(n, 4);
    for (std::uint32_t i = 0; i < n; ++i) put({0x74, 0x00, 0x00});  // TC_STRING ""
    c.bytes.resize(c.bytes.size() + 20);
    reseal(c.bytes, kPassword);
    c.label = "JCEKS secret key holding a String[" + std::to_string(n) + "] of empty strings (" +
              std::to_string(c.bytes.size()) + " bytes)";
    for (Mode m : {Mode::kNull, Mode::kStorepass}) {
      std::string problem = run_library(c, m, c.bytes.size());
      if (!problem.empty()) FAIL_CHECK(problem);
    }
  }
}

TEST_CASE("malformed: allocation tracker self-check") {
  bool big_refused = false, small_refused = false;
  void* from_openssl = nullptr;
  {
    alloc_track::Window window(1000);
    try {
      std::vector<char> big(2000);
    } catch (const std::bad_alloc&) {
      big_refused = true;
    }
    try {
      std::vector<char> small(500);
    } catch (const std::bad_alloc&) {
      small_refused = true;
    }
    from_openssl = OPENSSL_malloc(5000);
  }
  CHECK(big_refused);
  CHECK_FALSE(small_refused);
  CHECK(alloc_track::refused == 2000);
  if (alloc_track::openssl_hooked()) CHECK(from_openssl == nullptr);
  OPENSSL_free(from_openssl);
  CHECK_NOTHROW((void)std::vector<char>(2000));
}

TEST_CASE("malformed: cli sample") {
  for (const Subject& s : kSubjects) {
    SUBCASE(s.path) { run_cli_sample(s); }
  }
}

int main(int argc, char** argv) {
  std::cout.setf(std::ios::unitbuf);  // failures reach the log even if a sanitizer aborts later
  // Must come before OpenSSL allocates anything.
  alloc_track::hook_openssl();
  doctest::Context context(argc, argv);
  return context.run();
}
