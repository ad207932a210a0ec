// libFuzzer target: arbitrary bytes as a DLP SMTP log (plain, or gzip when they start with the
// magic). The record reader and the diagnoser must return without any exception but
// ksdoctor::Error; every record's views must lie inside what the reader holds, and the report
// renderers must produce JSON that dumps.
//
//   make fuzz
//   build-fuzz/tests/fuzz/fuzz_logs -max_total_time=60 build-fuzz/corpus-logs fixtures/logs/article
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ksdoctor/error.hpp"
#include "ksdoctor/logs.hpp"
#include "ksdoctor/logs_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ksdoctor;
  static const std::string path = "/tmp/ksdoctor-fuzz-logs-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  logs::Diagnoser diagnoser;
  logs::FileSummary summary;
  try {
    logs::RecordReader reader(path, 0);
    std::uint64_t records = 0;
    while (const logs::Record* r = reader.next()) {
      ++records;
      if (r->text.size() > (std::size_t{2} << 20) || r->line == 0) std::abort();
      if (r->message.size() > r->text.size()) std::abort();
      diagnoser.add(*r);
    }
    summary = reader.summary();
    if (summary.records != records) std::abort();
  } catch (const Error&) {
    return 0;
  }
  logs::Diagnosis d = diagnoser.result();
  d.files.push_back(summary);
  d.records = summary.records;
  d.malformed_lines = summary.malformed_lines;
  d.malformed_example = summary.malformed_example;
  (void)report::logs_json(d).dump();
  (void)report::logs_text(d);
  return 0;
}
