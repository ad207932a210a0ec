// A generator of DLP SMTP logs with known incidents, for the `logs` tests and benchmark. Relays
// start every few hundred milliseconds and overlap (their records interleave); each relay is
// healthy or carries one incident from the article's catalogue, on the side DLP logs it. The
// generator counts what it wrote, so tests can demand exact numbers per code, side and remote.
//
// Streaming: records wait in a small time-ordered queue only until no later relay can precede
// them, so gigabytes can be written in constant memory.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace loggen {

enum class Incident {
  kHealthy,
  kNoTls,  // visible only in the RequestProcessor (jul) log
  kKeystoreNpe,
  kDecodeError,
  kSslEngine,
  kPkix,
  kNoCipher,
  kHandshakeOther,
  kConnectionError,
  kUnauthorized,
  kLegacyTls,
};

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t relays = 1000;  // stop after this many relays ...
  std::uint64_t max_bytes = 0;  // ... or once the operational files hold this many bytes
  int rotations = 1;            // operational files: SmtpPrevent_Operational<N-1..0>.log
  bool jul = false;             // also write RequestProcessor0.log (java.util.logging)
  double garbage = 0;           // chance of a garbage line before each operational line
  bool crlf_file = false;       // the second-newest operational file ends lines with CRLF
  bool gzip_oldest = false;     // the oldest operational file is written gzip-compressed
  bool truncate_last = false;   // the newest operational file ends inside a line
  double healthy = 0.6;         // share of relays without incident
};

struct Key {
  std::string code, side;
  bool operator<(const Key& o) const { return std::tie(code, side) < std::tie(o.code, o.side); }
  bool operator==(const Key& o) const = default;
};

struct Expected {
  std::map<Key, std::uint64_t> counts;
  std::map<Key, std::set<std::string>> remotes;
  std::uint64_t upstream = 0, downstream = 0, relays = 0, tls_completed = 0;
  std::uint64_t malformed_lines = 0;
  std::uint64_t op_bytes = 0;
  std::vector<std::string> files;  // paths written
};

namespace detail {

struct Line {
  std::int64_t ms;    // wall-clock epoch milliseconds (the logs' local time)
  std::uint64_t seq;  // insertion order: ties keep a relay's lines together
  std::uint64_t relay;
  std::string op;   // the operational line ("" when only jul has it)
  std::string jul;  // the jul record (header + LEVEL line ...), "" when only op has it
  bool operator>(const Line& o) const { return std::tie(ms, seq) > std::tie(o.ms, o.seq); }
};

inline std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

inline void civil(std::int64_t days, int& y, int& m, int& d) {
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<unsigned>(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

inline const char* month_name(int m) {
  static const char* kNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return kNames[m - 1];
}

// 21/Jul/22:12:23:32:726-0500
inline std::string op_time(std::int64_t ms) {
  std::int64_t days = ms / 86400000;
  int y, m, d;
  civil(days, y, m, d);
  std::int64_t r = ms % 86400000;
  char b[64];
  std::snprintf(b, sizeof b, "%02d/%s/%02d:%02d:%02d:%02d:%03d-0500", d, month_name(m), y % 100,
                static_cast<int>(r / 3600000), static_cast<int>(r / 60000 % 60),
                static_cast<int>(r / 1000 % 60), static_cast<int>(r % 1000));
  return b;
}

// Mar 14, 2022 4:32:14 PM
inline std::string jul_time(std::int64_t ms) {
  std::int64_t days = ms / 86400000;
  int y, m, d;
  civil(days, y, m, d);
  std::int64_t r = ms % 86400000;
  int h = static_cast<int>(r / 3600000);
  char b[64];
  std::snprintf(b, sizeof b, "%s %d, %d %d:%02d:%02d %s", month_name(m), d, y,
                h % 12 == 0 ? 12 : h % 12, static_cast<int>(r / 60000 % 60),
                static_cast<int>(r / 1000 % 60), h < 12 ? "AM" : "PM");
  return b;
}

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(const std::string& s) = 0;
  virtual std::uint64_t bytes() const = 0;
};

class FileSink : public Sink {
 public:
  FileSink(const std::string& path, bool gzip) : gzip_(gzip) {
    if (gzip) {
      gz_ = gzopen(path.c_str(), "wb6");
      if (!gz_) throw std::runtime_error("cannot write " + path);
    } else {
      f_ = std::fopen(path.c_str(), "wb");
      if (!f_) throw std::runtime_error("cannot write " + path);
      std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
    }
  }
  ~FileSink() override {
    if (gz_) gzclose(gz_);
    if (f_) std::fclose(f_);
  }
  void write(const std::string& s) override {
    if (gzip_) {
      gzwrite(gz_, s.data(), static_cast<unsigned>(s.size()));
    } else {
      std::fwrite(s.data(), 1, s.size(), f_);
    }
    bytes_ += s.size();
  }
  std::uint64_t bytes() const override { return bytes_; }

 private:
  bool gzip_;
  gzFile gz_ = nullptr;
  std::FILE* f_ = nullptr;
  std::uint64_t bytes_ = 0;
};

}  // namespace detail

// Writes the logs into `dir` (which must exist) and returns what a correct reader must find.
inline Expected generate(const std::string& dir, const Options& o) {
  using detail::Line;
  std::mt19937_64 rng(o.seed);
  auto uniform = [&](std::uint64_t n) { return static_cast<std::uint64_t>(rng() % n); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  Expected e;

  const std::vector<std::string> upstream_hosts = {"10.1.0.11", "10.1.0.12", "10.1.0.13",
                                                   "10.1.0.14", "10.1.0.15"};
  const std::vector<std::string> downstream_hosts = {"203.0.113.25", "203.0.113.26",
                                                     "198.51.100.7"};
  const std::string dlp = "10.9.0.2";

  // Operational files, oldest first; opened one after the other.
  const std::uint64_t per_file = o.max_bytes / static_cast<std::uint64_t>(o.rotations) + 1;
  int file_index = 0;
  std::unique_ptr<detail::Sink> op;
  bool op_crlf = false;
  std::string last_op_path;
  auto open_op = [&]() {
    int n = o.rotations - 1 - file_index;
    bool gzip = o.gzip_oldest && file_index == 0 && o.rotations > 1;
    std::string path =
        dir + "/SmtpPrevent_Operational" + std::to_string(n) + ".log" + (gzip ? ".gz" : "");
    op = std::make_unique<detail::FileSink>(path, gzip);
    op_crlf = o.crlf_file && n == 1;
    e.files.push_back(path);
    last_op_path = path;
  };
  open_op();
  std::uint64_t op_total = 0;
  std::unique_ptr<detail::Sink> jul;
  if (o.jul) {
    jul = std::make_unique<detail::FileSink>(dir + "/RequestProcessor0.log", false);
    e.files.push_back(dir + "/RequestProcessor0.log");
    // Lines before the first record: of neither format.
    jul->write("RequestProcessor log restarted\n#### \xff\xfe garbage\n");
    e.malformed_lines += 2;
  }

  const std::vector<std::string> garbage = {
      "garbage line without a time", "\xff\xfe\xfd binary \xc3\x28 bytes",   "21/Jul/22:12:2", "",
      "Mar 14, 2022 nonsense",       "[INFO] (SMTP_CONNECTION.1201) no time"};
  auto write_line = [&](const Line& l) {
    if (!l.op.empty()) {
      if (o.garbage > 0 && chance(o.garbage)) {
        op->write(garbage[uniform(garbage.size())] + (op_crlf ? "\r\n" : "\n"));
        ++e.malformed_lines;
      }
      op->write(l.op + (op_crlf ? "\r\n" : "\n"));
      // The next file once this one holds its share (of the bytes, or of the relays).
      bool full = o.max_bytes > 0 ? op_total + op->bytes() >
                                        (static_cast<std::uint64_t>(file_index) + 1) * per_file
                                  : l.relay * static_cast<std::uint64_t>(o.rotations) / o.relays >
                                        static_cast<std::uint64_t>(file_index);
      if (full && file_index + 1 < o.rotations) {
        op_total += op->bytes();
        ++file_index;
        open_op();
      }
    }
    if (jul && !l.jul.empty()) jul->write(l.jul);
  };

  std::priority_queue<Line, std::vector<Line>, std::greater<>> queue;
  std::uint64_t seq = 0;
  // 2022-07-21 00:00:00 local time.
  std::int64_t t = 19194LL * 86400000;
  std::vector<int> free_tids;
  for (int i = 0x60; i > 0x20; --i) free_tids.push_back(i);
  std::multimap<std::int64_t, int> busy_tids;  // release time → tid

  auto uuid = [&]() {
    char b[40];
    std::uint64_t a = rng(), c = rng();
    std::snprintf(b, sizeof b, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>(a >> 16 & 0xffff), static_cast<unsigned>(a & 0xffff),
                  static_cast<unsigned>(c >> 48),
                  static_cast<unsigned long long>(c & 0xffffffffffffULL));
    return std::string(b);
  };
  auto tally = [&](const std::string& code, const std::string& side, const std::string& host) {
    e.counts[{code, side}]++;
    e.remotes[{code, side}].insert(host);
  };

  for (std::uint64_t r = 0;; ++r) {
    if (o.max_bytes > 0 ? op_total + op->bytes() >= o.max_bytes : r >= o.relays) break;
    t += 20 + static_cast<std::int64_t>(uniform(400));
    // Everything queued before this relay's start is final.
    while (!queue.empty() && queue.top().ms < t) {
      write_line(queue.top());
      queue.pop();
    }
    while (!busy_tids.empty() && busy_tids.begin()->first < t) {
      free_tids.push_back(busy_tids.begin()->second);
      busy_tids.erase(busy_tids.begin());
    }
    if (free_tids.empty()) {  // all threads busy: wait for one
      t = busy_tids.begin()->first + 1;
      free_tids.push_back(busy_tids.begin()->second);
      busy_tids.erase(busy_tids.begin());
    }
    int tid_n = free_tids.back();
    free_tids.pop_back();
    char tid_b[8];
    std::snprintf(tid_b, sizeof tid_b, "%x", tid_n);
    const std::string tid = tid_b;

    Incident inc = Incident::kHealthy;
    if (!chance(o.healthy)) {
      static const Incident kAll[] = {Incident::kNoTls,          Incident::kKeystoreNpe,
                                      Incident::kDecodeError,    Incident::kSslEngine,
                                      Incident::kPkix,           Incident::kNoCipher,
                                      Incident::kHandshakeOther, Incident::kConnectionError,
                                      Incident::kUnauthorized,   Incident::kLegacyTls};
      inc = kAll[uniform(o.jul ? 10 : 9) + (o.jul ? 0 : 1)];
    }
    const std::string up_host = upstream_hosts[uniform(upstream_hosts.size())];
    const std::string down_host = downstream_hosts[uniform(downstream_hosts.size())];
    const std::string up = "Upstream-" + uuid(), down = "Downstream-" + uuid();
    const std::string up_fields = "tid=" + tid + " cid=" + up + " local=" + dlp +
                                  ":10025 remote=" + up_host + ":" +
                                  std::to_string(1024 + uniform(60000));
    const std::string down_fields = "tid=" + tid + " cid=" + down + " local=" + dlp + ":" +
                                    std::to_string(1024 + uniform(60000)) + " remote=" + down_host +
                                    ":25";
    std::int64_t at = t;
    auto step = [&]() { return at += 1 + static_cast<std::int64_t>(uniform(120)); };
    // A coded record in both logs (the RequestProcessor log repeats the operational records).
    auto rec = [&](const char* level, int code, const std::string& text, const std::string& fields,
                   const char* method) {
      std::int64_t ms = step();
      Line l{ms, seq++, r,
             detail::op_time(ms) + " [" + level + "] (SMTP_CONNECTION." + std::to_string(code) +
                 ") " + text + " (" + fields + ")",
             ""};
      if (jul) {
        l.jul = detail::jul_time(ms) + " com.vontu.mta.rp.log.SmtpLogManager " + method + "\n" +
                level + ": (SMTP_CONNECTION." + std::to_string(code) + ") " + text + " (" + fields +
                ")\n";
      }
      queue.push(std::move(l));
    };
    // A jul-only record (FINE/FINEST chatter), `message` may span lines.
    auto chatter = [&](const char* level, const std::string& source, const std::string& message) {
      if (!jul) return;
      std::int64_t ms = step();
      queue.push(Line{ms, seq++, r, "",
                      detail::jul_time(ms) + " " + source + "\n" + level + ": " + message + "\n"});
    };

    if (inc == Incident::kUnauthorized) {
      rec("WARNING", 5200, "Connection rejected from unauthorized host", up_fields,
          "logConnectionRejected");
      tally("UNAUTHORIZED_HOST", "upstream", up_host);
      busy_tids.emplace(at + 1, tid_n);
      continue;
    }
    rec("INFO", 1201, "Connection accepted", up_fields, "logConnectionAccepted");
    ++e.upstream;
    rec("INFO", 1203, "Forward connection established", down_fields,
        "logForwardConnectionEstablished");
    ++e.downstream;
    ++e.relays;
    // The banner names the relay's thread; a NO_TLS agreement follows it directly (in one piece,
    // so that no other relay's line comes between them).
    std::string banner = "RPT(" + tid + "): Banner::\n220 " + down_host + " ESMTP ready.";
    if (inc == Incident::kNoTls) {
      std::string when = detail::jul_time(at + 1);
      banner += "\n" + when + " com.vontu.mta.rp.ESMTPResponse parse\n" +
                "FINEST: Parsing response 450 4.7.0 TLS encryption required\n" + when +
                " com.vontu.mta.rp.tls.SecurityStateManager getEmailSecurityType\n" +
                "FINE: getEmailSecurityType NO_TLS\n" + when +
                " com.vontu.mta.rp.tls.SecurityStateManager reset\n" +
                "FINE: Reset NO_TLS (previous NO_TLS)";
    }
    chatter("FINE", "com.vontu.mta.rp.connection.ConnectionsStateManagerAction processBanner",
            banner);
    const std::string tls_ok =
        " peer=<unverified> protocol=<TLSv1.2> "
        "cipher=<TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384>";
    auto reason_pair = [&](bool upstream_side, const std::string& reason) {
      rec("SEVERE", 5208, "TLS handshake failed",
          (upstream_side ? up_fields : down_fields) + " reason=" + reason, "logTlsHandshakeFailed");
      if (upstream_side) {
        rec("INFO", 5202, "Sender connection error", up_fields + " reason=" + reason,
            "logSenderConnectionError");
      } else {
        rec("INFO", 5203, "Forward connection error",
            "tid=" + tid + " cid=" + down + " mta=" + down_host + ":25 reason=" + reason,
            "logForwardConnectionError");
      }
    };
    switch (inc) {
      case Incident::kHealthy:
        rec("INFO", 5209, "TLS handshake completed", up_fields + tls_ok,
            "logTlsHandshakeCompleted");
        ++e.tls_completed;
        break;
      case Incident::kNoTls:
        tally("NO_TLS_NEGOTIATED", "upstream", up_host);
        break;
      case Incident::kKeystoreNpe:
        rec("INFO", 5203, "Forward connection error",
            "tid=" + tid + " cid=" + down +
                " mta=<> reason=java.io.IOException: java.lang.NullPointerException",
            "logForwardConnectionError");
        tally("KEYSTORE_NOT_LOADED", "downstream", down_host);
        break;
      case Incident::kDecodeError:
        reason_pair(true, "Received fatal alert: decode_error");
        tally("UPSTREAM_LEGACY_TLS", "upstream", up_host);
        break;
      case Incident::kSslEngine:
        rec("INFO", 5209, "TLS handshake completed", up_fields + tls_ok,
            "logTlsHandshakeCompleted");
        ++e.tls_completed;
        reason_pair(false, "General SSLEngine problem");
        tally("SSLENGINE_PROBLEM", "downstream", down_host);
        break;
      case Incident::kPkix:
        reason_pair(false,
                    "PKIX path building failed: sun.security.provider.certpath."
                    "SunCertPathBuilderException: unable to find valid certification path to "
                    "requested target");
        tally("PEER_CHAIN_UNTRUSTED", "downstream", down_host);
        break;
      case Incident::kNoCipher:
        reason_pair(true, "no cipher suites in common");
        tally("NO_COMMON_CIPHER", "upstream", up_host);
        break;
      case Incident::kHandshakeOther:
        reason_pair(false, "Received fatal alert: handshake_failure");
        tally("TLS_HANDSHAKE_FAILED", "downstream", down_host);
        break;
      case Incident::kConnectionError:
        rec("INFO", 5203, "Forward connection error",
            "tid=" + tid + " cid=" + down + " mta=" + down_host +
                ":25 reason=java.net.SocketException: Connection reset",
            "logForwardConnectionError");
        tally("CONNECTION_ERROR", "downstream", down_host);
        break;
      case Incident::kLegacyTls:
        rec("INFO", 5209, "TLS handshake completed",
            up_fields +
                " peer=<unverified> protocol=<TLSv1.1> cipher=<TLS_RSA_WITH_AES_128_CBC_SHA>",
            "logTlsHandshakeCompleted");
        ++e.tls_completed;
        tally("LEGACY_TLS_IN_USE", "upstream", up_host);
        break;
      case Incident::kUnauthorized:
        break;
    }
    rec("INFO", 1205, "Service connection closed", up_fields + " messages=1 time=0.4s",
        "logUpstreamConnectionClosed");
    rec("INFO", 1204, "Forward connection closed", down_fields, "logDownstreamConnectionClosed");
    rec("INFO", 1202, "Peer disconnected", "tid=" + tid + " cid=" + up + " local=<> remote=<>",
        "logPeerDisconnected");
    busy_tids.emplace(at + 1, tid_n);
  }
  while (!queue.empty()) {
    write_line(queue.top());
    queue.pop();
  }
  if (o.truncate_last) {
    // The newest file ends inside a line (cut in its time stamp).
    op->write("21/Jul/22:23:59:59:99");
    ++e.malformed_lines;
  }
  e.op_bytes = op_total + op->bytes();
  return e;
}

}  // namespace loggen
