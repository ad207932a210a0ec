// One log file, one record at a time (RecordReader), and recognising a log by its content.
#include <algorithm>

#include "ksdoctor/logs.hpp"
#include "logs/example_line.hpp"
#include "logs/lines.hpp"
#include "logs/parse.hpp"

namespace ksdoctor::logs {
namespace {

// A java.util.logging message spans its LEVEL line and the lines up to the next record; beyond
// these the lines are counted as malformed instead (a run of garbage is not one huge message).
constexpr std::size_t kMaxContinuationLines = 256;
constexpr std::size_t kMaxJulMessage = std::size_t{64} << 10;

}  // namespace

struct RecordReader::Impl {
  LineReader lines;
  ReadOptions options;
  FileSummary summary;
  Record record;
  std::string jul_text;    // the current java.util.logging record's message lines
  std::string jul_source;  // and its "class method"
  bool has_pending = false;
  std::string_view pending;  // a line read ahead (still valid: no lines.next() since)
  std::uint64_t pending_number = 0;
  bool failed = false;

  Impl(const std::string& path, std::size_t index, ReadOptions o)
      : lines(open_source(path)), options(std::move(o)) {
    summary.path = path;
    summary.gzip = lines.gzip();
    record.file = index;
  }

  bool next_line(std::string_view& line, std::uint64_t& number) {
    if (has_pending) {
      has_pending = false;
      line = pending;
      number = pending_number;
      return true;
    }
    if (failed) return false;
    try {
      if (!lines.next(line)) return false;
    } catch (const Error& e) {
      failed = true;
      summary.error = e.what();
      return false;
    }
    number = lines.line_number();
    return true;
  }

  void malformed(std::string_view line, std::uint64_t number) {
    ++summary.malformed_lines;
    if (!summary.malformed_example) {
      summary.malformed_example = example_line(record.file, number, line);
    }
  }

  // A java.util.logging record whose header is `header`; false when the next line is no LEVEL
  // line (the header is then malformed and that line is pending).
  bool read_jul(const Time& time, std::string_view source, std::uint64_t header_number) {
    jul_source.assign(source);
    std::string_view line;
    std::uint64_t number = 0;
    Level level;
    std::string_view rest;
    if (!next_line(line, number)) {
      malformed(jul_source, header_number);
      return false;
    }
    if (!parse_jul_level(line, level, rest)) {
      malformed(jul_source, header_number);
      has_pending = true;
      pending = line;
      pending_number = number;
      return false;
    }
    jul_text.assign(line);
    std::size_t message_at = static_cast<std::size_t>(rest.data() - line.data());
    std::size_t continuation = 0;
    while (next_line(line, pending_number)) {
      if (starts_record(line)) {
        has_pending = true;
        pending = line;
        break;
      }
      if (continuation >= kMaxContinuationLines || jul_text.size() + line.size() > kMaxJulMessage) {
        malformed(line, pending_number);
        continue;
      }
      ++continuation;
      jul_text.push_back('\n');
      jul_text.append(line);
    }
    record.format = Format::kJul;
    record.level = level;
    record.time = time;
    record.line = number;
    record.source = jul_source;
    record.text = jul_text;
    parse_message(std::string_view(jul_text).substr(message_at), record);
    return true;
  }

  bool in_window(const Time& t) const {
    if (options.since && time_before(t, *options.since)) return false;
    if (options.until && time_before(*options.until, t)) return false;
    return true;
  }

  const Record* next() {
    std::string_view line;
    std::uint64_t number = 0;
    while (next_line(line, number)) {
      bool got = false;
      if (parse_operational(line, record)) {
        record.line = number;
        got = true;
      } else {
        Time time;
        std::string_view source;
        if (parse_jul_header(line, time, source)) {
          got = read_jul(time, source, number);
        } else {
          malformed(line, number);
        }
      }
      if (!got) continue;
      if (!summary.format) summary.format = record.format;
      if (!in_window(record.time)) {
        ++summary.outside_window;
        continue;
      }
      ++summary.records;
      if (!summary.first || time_before(record.time, *summary.first)) summary.first = record.time;
      if (!summary.last || time_before(*summary.last, record.time)) summary.last = record.time;
      return &record;
    }
    return nullptr;
  }
};

RecordReader::RecordReader(const std::string& path, std::size_t file_index, ReadOptions options)
    : impl_(std::make_unique<Impl>(path, file_index, std::move(options))) {}
RecordReader::RecordReader(RecordReader&&) noexcept = default;
RecordReader& RecordReader::operator=(RecordReader&&) noexcept = default;
RecordReader::~RecordReader() = default;

const Record* RecordReader::next() { return impl_->next(); }
const FileSummary& RecordReader::summary() const { return impl_->summary; }

bool looks_like_smtp_log(const std::string& path) {
  try {
    LineReader lines(open_source(path), std::size_t{64} << 10);
    std::string_view line;
    Record r;
    bool after_header = false;
    while (lines.bytes() < (std::size_t{64} << 10) && lines.next(line)) {
      if (parse_operational(line, r)) return true;
      Level level;
      std::string_view rest;
      if (after_header && parse_jul_level(line, level, rest)) return true;
      Time t;
      std::string_view source;
      after_header = parse_jul_header(line, t, source);
    }
  } catch (const Error&) {
    return false;
  }
  return false;
}

}  // namespace ksdoctor::logs
