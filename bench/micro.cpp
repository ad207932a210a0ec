// Microbenchmarks for the paths `ksdoctor inspect` spends its time in on a large truststore:
// reading the file, reading a 5 000-entry JKS, parsing certificates, formatting names, inspect,
// and rendering text and JSON. The end-to-end comparison with keytool is compare_keytool.sh.
//
//   build/bench/ksdoctor_bench [--benchmark_filter=REGEX] [--benchmark_repetitions=N]
//
// Stores: $KSDOCTOR_BENCH_STORE (default <build>/bench/stores/truststore-5000.jks) and
// $KSDOCTOR_BENCH_SMALL_STORE (default <build>/bench/stores/prevent.ks), both opened with
// $KSDOCTOR_BENCH_PASS (default "changeit"); compare_keytool.sh generates the defaults.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"
#include "ksdoctor/x509.hpp"
#include "x509/dn.hpp"

namespace {

using namespace ksdoctor;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string big_path() {
  return env_or("KSDOCTOR_BENCH_STORE", KSDOCTOR_BENCH_DIR "/stores/truststore-5000.jks");
}
std::string small_path() {
  return env_or("KSDOCTOR_BENCH_SMALL_STORE", KSDOCTOR_BENCH_DIR "/stores/prevent.ks");
}
Password password() { return Password::of(env_or("KSDOCTOR_BENCH_PASS", "changeit")); }

// The file's bytes, or nullptr after marking the benchmark skipped.
const Bytes* load(benchmark::State& state, const std::string& path) {
  static std::map<std::string, Bytes> files;
  auto it = files.find(path);
  if (it == files.end()) {
    try {
      it = files.emplace(path, read_file(path)).first;
    } catch (const Error& e) {
      state.SkipWithError(
          (path + ": " + e.what() + " (run bench/compare_keytool.sh first)").c_str());
      return nullptr;
    }
  }
  return &it->second;
}

InspectOptions options() {
  InspectOptions o;
  o.storepass = password();
  o.now = parse_time("2030-01-01");
  return o;
}

// The 5 000-entry store, inspected once and kept for the rendering benchmarks.
const InspectResult* big_result(benchmark::State& state) {
  static std::optional<InspectResult> result;
  if (!result) {
    const Bytes* bytes = load(state, big_path());
    if (!bytes) return nullptr;
    result = inspect_keystore(*bytes, options());
  }
  return &*result;
}

void set_bytes(benchmark::State& state, std::size_t per_iteration) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * per_iteration));
}

void BM_ReadFile5000(benchmark::State& state) {
  std::string path = big_path();
  if (!load(state, path)) return;
  for (auto _ : state) benchmark::DoNotOptimize(read_file(path));
  set_bytes(state, load(state, path)->size());
}
BENCHMARK(BM_ReadFile5000)->Unit(benchmark::kMillisecond);

void BM_ReadJks5000(benchmark::State& state) {
  const Bytes* bytes = load(state, big_path());
  if (!bytes) return;
  Password pw = password();
  for (auto _ : state) benchmark::DoNotOptimize(read_keystore(*bytes, pw));
  set_bytes(state, bytes->size());
}
BENCHMARK(BM_ReadJks5000)->Unit(benchmark::kMillisecond);

void BM_ReadJks5000NullPassword(benchmark::State& state) {
  const Bytes* bytes = load(state, big_path());
  if (!bytes) return;
  Password none;
  for (auto _ : state) benchmark::DoNotOptimize(read_keystore(*bytes, none));
  set_bytes(state, bytes->size());
}
BENCHMARK(BM_ReadJks5000NullPassword)->Unit(benchmark::kMillisecond);

// Every certificate of the big store, parsed from its DER; items = certificates.
void BM_ParseCertificate(benchmark::State& state) {
  const InspectResult* result = big_result(state);
  if (!result) return;
  std::vector<Bytes> ders;
  for (const Entry& e : result->store.entries) {
    for (const CertPtr& c : e.chain) ders.push_back(c->der);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_certificate(ders[i]));
    if (++i == ders.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseCertificate);

void BM_FormatDn(benchmark::State& state) {
  const InspectResult* result = big_result(state);
  if (!result || result->store.entries.empty()) return;
  Bytes subject = result->store.entries[0].chain.at(0)->subject_der;
  for (auto _ : state) benchmark::DoNotOptimize(format_dn(subject));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_FormatDn);

void BM_Inspect5000(benchmark::State& state) {
  const Bytes* bytes = load(state, big_path());
  if (!bytes) return;
  InspectOptions o = options();
  for (auto _ : state) benchmark::DoNotOptimize(inspect_keystore(*bytes, o));
  set_bytes(state, bytes->size());
}
BENCHMARK(BM_Inspect5000)->Unit(benchmark::kMillisecond);

void BM_RenderText5000(benchmark::State& state) {
  const InspectResult* result = big_result(state);
  if (!result) return;
  std::size_t size = 0;
  for (auto _ : state) {
    std::string out = report::inspect_text(big_path(), *result);
    size = out.size();
    benchmark::DoNotOptimize(out);
  }
  set_bytes(state, size);
}
BENCHMARK(BM_RenderText5000)->Unit(benchmark::kMillisecond);

// The library's JSON document (nlohmann::ordered_json), built and dumped.
void BM_RenderJson5000(benchmark::State& state) {
  const InspectResult* result = big_result(state);
  if (!result) return;
  std::size_t size = 0;
  for (auto _ : state) {
    std::string out = report::inspect_json(big_path(), *result).dump(2);
    size = out.size();
    benchmark::DoNotOptimize(out);
  }
  set_bytes(state, size);
}
BENCHMARK(BM_RenderJson5000)->Unit(benchmark::kMillisecond);

// What the CLI does for --format json: the document written directly, in pieces.
void BM_WriteJson5000(benchmark::State& state) {
  const InspectResult* result = big_result(state);
  if (!result) return;
  std::size_t size = 0;
  for (auto _ : state) {
    size = 0;
    report::write_inspect_json(big_path(), *result, [&](std::string_view piece) {
      size += piece.size();
      benchmark::DoNotOptimize(piece.data());
    });
  }
  set_bytes(state, size);
}
BENCHMARK(BM_WriteJson5000)->Unit(benchmark::kMillisecond);

// The 3-entry prevent.ks: read, recover and match the key, lint (no process start-up).
void BM_InspectSmall(benchmark::State& state) {
  const Bytes* bytes = load(state, small_path());
  if (!bytes) return;
  InspectOptions o = options();
  for (auto _ : state) benchmark::DoNotOptimize(inspect_keystore(*bytes, o));
}
BENCHMARK(BM_InspectSmall)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
