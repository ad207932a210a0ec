// `logs`: read a DLP Network Prevent for Email gateway's SMTP logs (the SmtpPrevent_Operational
// logs and the RequestProcessor's java.util.logging logs) one record at a time, and classify every
// failed connection by cause.
//
// Everything streams: a reader holds one buffer per file and hands out one record at a time (its
// views are valid until the next call); the diagnoser keeps per-connection state only while a
// connection can still log (bounded by time and count), so memory does not grow with the log.
// Both can be used on a live file: call next() again after it returned nullptr to pick up lines
// written since, and Diagnoser::result() any time. (A line still being written when the reader
// reaches the end is read as it stands: a cut last line is normal input.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/error.hpp"
#include "ksdoctor/findings.hpp"

namespace ksdoctor::logs {

// --------------------------------------------------------------------------------------- times

// A time as logged. Operational lines carry their UTC offset; java.util.logging lines carry none
// (they are in the local time of the gateway). `wall_ms` is the logged wall-clock time counted as
// if it were UTC (epoch milliseconds), so both kinds print as logged.
struct Time {
  std::int64_t wall_ms = 0;
  int offset_minutes = 0;  // east of UTC; meaningful only with has_offset
  bool has_offset = false;

  // The instant when the offset is known; otherwise the wall clock less `assumed_offset_minutes`.
  std::int64_t order_ms(int assumed_offset_minutes = 0) const {
    return wall_ms - 60000LL * (has_offset ? offset_minutes : assumed_offset_minutes);
  }
};

// "2022-07-21T12:23:33.090-05:00"; without an offset "2022-03-14T16:32:14.000" (local time).
std::string format_time(const Time& time);

// A --since/--until bound: RFC 3339 ("2022-07-21T12:00:00-05:00", "...Z") or "YYYY-MM-DD" or
// "YYYY-MM-DD HH:MM[:SS]" (also with 'T'); without an offset it is a wall-clock time. Throws
// UsageError("BAD_TIME").
Time parse_time_bound(std::string_view text);

// Whether `a` is before `b`: by instant when both carry an offset, by wall clock otherwise (a
// java.util.logging time or a bound without offset is the gateway's local time).
bool time_before(const Time& a, const Time& b);

// ------------------------------------------------------------------------------------- records

enum class Format { kOperational, kJul };
const char* format_name(Format format);  // "operational", "jul"

enum class Level { kSevere, kWarning, kInfo, kConfig, kFine, kFiner, kFinest, kOther };
const char* level_name(Level level);  // "SEVERE", ...

// Which half of a relay a connection is: `cid=Upstream-…` is the sending MTA's connection to
// DLP, `cid=Downstream-…` DLP's forward connection to the next hop.
enum class Side { kUnknown, kUpstream, kDownstream };
const char* side_name(Side side);  // "unknown", "upstream", "downstream"
Side side_of_cid(std::string_view cid);

// The key=value fields of a record, as logged; values written `<…>` are unwrapped (`<>` is
// empty). Empty when absent.
struct Fields {
  std::string_view tid, cid, local, remote, mta, reason, peer, protocol, cipher, messages, time;
};

// Splits the trailing `(k=v …)` group of a message into fields. `reason` runs to the closing
// parenthesis (it may hold spaces, colons and parentheses). Returns the message text before the
// group (trailing spaces removed).
std::string_view parse_fields(std::string_view message, Fields& fields);

// "10.1.2.3:2932" → "10.1.2.3", "[2001:db8::1]:25" → "2001:db8::1", "mx.example.com" as is.
std::string_view host_of(std::string_view address);

struct Record {
  Format format = Format::kOperational;
  Level level = Level::kOther;
  Time time;
  std::size_t file = 0;       // the reader's file index
  std::uint64_t line = 0;     // 1-based line of the message (jul: the `LEVEL:` line)
  int code = 0;               // NNNN of `(SMTP_CONNECTION.NNNN)`; 0 when the message has none
  std::string_view category;  // "SMTP_CONNECTION"; empty when code is 0
  std::string_view source;    // jul: "com.vontu.mta.rp.log.SmtpLogManager logConnectionAccepted"
  std::string_view message;   // the text after level and code, before the field group
  std::string_view text;      // the record as logged (jul: the LEVEL line and its continuations)
  Fields fields;
};

// A line of neither format, or a part of a record that cannot be read.
struct LineRef {
  std::size_t file = 0;
  std::uint64_t line = 0;
  std::string text;  // at most 512 bytes, as logged (may hold non-UTF-8 bytes)
};

struct ReadOptions {
  std::optional<Time> since;  // records before are skipped
  std::optional<Time> until;  // records after are skipped
};

struct FileSummary {
  std::string path;
  std::optional<Format> format;  // of the file's first record
  bool gzip = false;
  std::uint64_t records = 0;                 // within --since/--until
  std::uint64_t outside_window = 0;          // records skipped by --since/--until
  std::uint64_t malformed_lines = 0;         // lines of neither format
  std::optional<LineRef> malformed_example;  // the first
  std::optional<Time> first, last;           // of the records within the window
  std::string error;  // why reading stopped early (corrupt gzip data, a read error); "" if not
};

// Reads one file (plain or gzip, recognised by content) one record at a time.
class RecordReader {
 public:
  // Throws IoError when the file cannot be opened.
  RecordReader(const std::string& path, std::size_t file_index, ReadOptions options = {});
  RecordReader(RecordReader&&) noexcept;
  RecordReader& operator=(RecordReader&&) noexcept;
  ~RecordReader();

  // The next record within the window; nullptr at the end of what is there now. The record and
  // its views are valid until the next call.
  const Record* next();
  const FileSummary& summary() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether the file's first lines (64 KiB, decompressed) hold a record of either format.
bool looks_like_smtp_log(const std::string& path);

// PATHs expanded: files as given; for a folder, every regular file in it that looks_like_smtp_log
// (by content, in name order). Throws IoError("NOT_FOUND") for a path that does not exist.
std::vector<std::string> expand_log_paths(const std::vector<std::string>& paths);

// Several files merged by time (ties: file order, then line order). A java.util.logging time is
// ordered as if it had the offset of the first operational record read.
class LogReader {
 public:
  LogReader(const std::vector<std::string>& files, ReadOptions options = {});
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;
  ~LogReader();

  const Record* next();
  std::vector<FileSummary> summaries() const;
  // The offset java.util.logging times are ordered with (see above); nullopt before any
  // operational record was read.
  std::optional<int> assumed_offset() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ----------------------------------------------------------------------------------- diagnosis

// Stable codes (docs/findings.md).
enum class Code {
  kNoTlsNegotiated,     // getEmailSecurityType NO_TLS / "450 4.7.0" within a relay
  kKeystoreNotLoaded,   // reason=java.io.IOException: java.lang.NullPointerException
  kUpstreamLegacyTls,   // Received fatal alert: decode_error on the upstream side
  kSslEngineProblem,    // General SSLEngine problem
  kPeerChainUntrusted,  // PKIX path building failed / unable to find valid certification path
  kNoCommonCipher,      // no cipher suites in common
  kTlsHandshakeFailed,  // any other 5208 reason
  kConnectionError,     // any other 5201/5202/5203 reason
  kUnauthorizedHost,    // 5200
  kLegacyTlsInUse,      // 5209 with TLSv1/TLSv1.1 or a cipher JDK 17 disables
};
const char* code_name(Code code);  // "NO_TLS_NEGOTIATED", ...
Severity code_severity(Code code);

struct LogFinding {
  Code code = Code::kConnectionError;
  Side side = Side::kUnknown;
  std::uint64_t count = 0;  // distinct connections (NO_TLS_NEGOTIATED: relays)
  Time first, last;
  std::vector<std::string> remotes;  // distinct remote hosts without port, sorted
  bool remotes_truncated = false;    // more than DiagnoserLimits::max_remotes
  // As logged on the first occurrence (LEGACY_TLS_IN_USE: "TLSv1.1 TLS_RSA_WITH_RC4_128_SHA").
  // For TLS_HANDSHAKE_FAILED and CONNECTION_ERROR one finding per distinct reason; nullopt for
  // the finding that collects reasons beyond DiagnoserLimits::max_reasons.
  std::optional<std::string> reason;
  LineRef example;  // the first occurrence
};

struct HourCount {
  Time hour;                      // the hour's start, in the offset it was logged with
  std::uint64_t connections = 0;  // 1201 and 1203 records
  std::uint64_t failures = 0;     // connections that got their first finding in this hour
};

struct TlsUse {
  std::uint64_t completed = 0;  // connections with a 5209 record
  std::map<std::string, std::uint64_t> protocols;
  std::map<std::string, std::uint64_t> ciphers;
};

struct Diagnosis {
  std::vector<FileSummary> files;
  std::uint64_t records = 0;
  std::uint64_t malformed_lines = 0;
  std::optional<LineRef> malformed_example;
  std::uint64_t upstream_connections = 0;    // distinct Upstream cids accepted (1201)
  std::uint64_t downstream_connections = 0;  // distinct Downstream cids established (1203)
  std::uint64_t relays = 0;  // upstream connections for which a forward connection was made
  TlsUse tls;
  std::vector<HourCount> hourly;  // in time order, hours with records of either kind
  bool hourly_truncated = false;
  bool local_times = false;  // java.util.logging records (times without offset) were read
  // Errors first, then most connections first.
  std::vector<LogFinding> findings;

  bool has_errors() const;
};

struct DiagnoserLimits {
  std::size_t max_connections = 100000;    // live per-connection states before the oldest go
  std::int64_t closed_window_ms = 120000;  // a closed connection's records may still trail it
  std::int64_t idle_window_ms = 1800000;   // an open connection silent this long is let go
  std::size_t max_remotes = 1000;          // per finding
  std::size_t max_reasons = 200;           // distinct reasons per code and side
  std::size_t max_hours = 24 * 366 * 2;
  std::size_t max_tls_names = 256;  // distinct protocols / ciphers
};

// Consumes records in time order (from a LogReader, or any source) and keeps the counts.
class Diagnoser {
 public:
  explicit Diagnoser(DiagnoserLimits limits = {});
  Diagnoser(const Diagnoser&) = delete;
  Diagnoser& operator=(const Diagnoser&) = delete;
  ~Diagnoser();

  // The UTC offset (minutes) a java.util.logging time is taken to have when ordering records, as
  // the LogReader orders them. Without it, the first operational record's offset is used.
  void assume_offset(int minutes);
  void add(const Record& record);
  // What the records so far show (files, records and malformed counts are the caller's).
  Diagnosis result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// expand_log_paths, LogReader and Diagnoser in one call. Throws IoError("NO_LOG_FILES") when a
// folder holds no log and nothing else was given, IoError("NO_LOG_RECORDS") when the files hold
// no record at all; IoError for a path that cannot be read.
Diagnosis diagnose_logs(const std::vector<std::string>& paths, const ReadOptions& options = {});

}  // namespace ksdoctor::logs
