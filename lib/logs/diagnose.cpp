// The diagnoser: records in, findings per cause out. Per-connection state (keyed by cid) lives
// only while the connection can still log, so memory stays bounded on logs of any size.
#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

#include "ksdoctor/logs.hpp"
#include "logs/classify.hpp"
#include "logs/diagnoser_state.hpp"
#include "logs/example_line.hpp"

namespace ksdoctor::logs {

using diagnoser_state::Acc;
using diagnoser_state::Conn;
using diagnoser_state::HourKey;
using diagnoser_state::StringHash;

namespace {

constexpr std::int64_t kSweepEveryMs = 60000;

}  // namespace

struct Diagnoser::Impl {
  DiagnoserLimits limits;
  std::unordered_map<std::string, Conn, StringHash, std::equal_to<>> conns;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> tid_upstream;
  std::unordered_map<std::size_t, std::string> file_tid;  // the relay a jul file last spoke of
  std::vector<Acc> findings;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> finding_index;
  std::map<std::pair<int, int>, std::size_t> reasons_per;  // (code, side) → distinct reasons
  std::map<HourKey, std::pair<std::uint64_t, std::uint64_t>> hours;
  bool hourly_truncated = false;
  TlsUse tls;
  std::uint64_t upstream = 0, downstream = 0, relays = 0;
  bool local_times = false;
  int assumed_offset = 0;
  bool offset_fixed = false;  // by assume_offset or the first operational record
  std::int64_t now = INT64_MIN;
  std::int64_t last_sweep = INT64_MIN;
  std::string key_scratch;

  std::int64_t order(const Time& t) const { return t.order_ms(assumed_offset); }

  void count_hour(const Time& t, bool connection) {
    HourKey k{floor_hour(t.wall_ms), t.has_offset ? t.offset_minutes : 0, t.has_offset, 0};
    k.order = k.hour * 3600000 - 60000LL * (t.has_offset ? t.offset_minutes : assumed_offset);
    auto it = hours.find(k);
    if (it == hours.end()) {
      if (hours.size() >= limits.max_hours) {
        hourly_truncated = true;
        return;
      }
      it = hours.emplace(k, std::make_pair(0, 0)).first;
    }
    ++(connection ? it->second.first : it->second.second);
  }

  static std::int64_t floor_hour(std::int64_t ms) {
    std::int64_t h = ms / 3600000;
    return (ms % 3600000 < 0) ? h - 1 : h;
  }

  Conn* find(std::string_view cid) {
    auto it = conns.find(cid);
    return it == conns.end() ? nullptr : &it->second;
  }

  Conn& get(std::string_view cid, Side side) {
    auto it = conns.find(cid);
    if (it == conns.end()) {
      it = conns.emplace(std::string(cid), Conn{}).first;
      it->second.side = side;
    }
    it->second.last_ms = now;
    return it->second;
  }

  void add_remote(Acc& a, const std::string& host) {
    if (host.empty() || a.remotes.count(host)) return;
    if (a.remotes.size() >= limits.max_remotes) {
      a.finding.remotes_truncated = true;
      return;
    }
    a.remotes.insert(host);
  }

  // Gives the connection's host to every finding it was counted in, then forgets it.
  void retire(const Conn& c) {
    for (std::uint32_t i : c.findings) add_remote(findings[i], c.remote);
  }

  void sweep() {
    last_sweep = now;
    for (auto it = conns.begin(); it != conns.end();) {
      const Conn& c = it->second;
      bool done = (c.closed && now - c.closed_ms > limits.closed_window_ms) ||
                  now - c.last_ms > limits.idle_window_ms;
      if (done) {
        retire(c);
        it = conns.erase(it);
      } else {
        ++it;
      }
    }
    if (conns.size() > limits.max_connections) {
      // Too many at once: let the least recently active half go.
      std::vector<std::int64_t> times;
      times.reserve(conns.size());
      for (const auto& [cid, c] : conns) times.push_back(c.last_ms);
      auto mid = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
      std::nth_element(times.begin(), mid, times.end());
      std::int64_t cut = *mid;
      for (auto it = conns.begin(); it != conns.end();) {
        if (it->second.last_ms <= cut) {
          retire(it->second);
          it = conns.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto it = tid_upstream.begin(); it != tid_upstream.end();) {
      it = conns.count(it->second) ? std::next(it) : tid_upstream.erase(it);
    }
  }

  std::uint32_t finding_for(Code code, Side side, std::string_view reason, bool per_reason,
                            const Record& r) {
    key_scratch.clear();
    key_scratch.push_back(static_cast<char>('A' + static_cast<int>(code)));
    key_scratch.push_back(static_cast<char>('a' + static_cast<int>(side)));
    if (per_reason) key_scratch.append(reason);
    auto it = finding_index.find(key_scratch);
    if (it != finding_index.end()) return it->second;
    bool overflow = false;
    if (per_reason) {
      std::size_t& n = reasons_per[{static_cast<int>(code), static_cast<int>(side)}];
      if (n >= limits.max_reasons) {
        overflow = true;
        key_scratch.resize(2);
        key_scratch.push_back('\x01');  // the finding that collects the rest
        it = finding_index.find(key_scratch);
        if (it != finding_index.end()) return it->second;
      } else {
        ++n;
      }
    }
    Acc a;
    a.finding.code = code;
    a.finding.side = side;
    a.finding.first = a.finding.last = r.time;
    if (!overflow) a.finding.reason = std::string(reason);
    a.finding.example = example_line(r.file, r.line, r.text);
    findings.push_back(std::move(a));
    auto index = static_cast<std::uint32_t>(findings.size() - 1);
    finding_index.emplace(key_scratch, index);
    return index;
  }

  // Counts `code` for the connection `conn` (null: a record that names no connection, counted
  // on its own).
  void count(Code code, Side side, std::string_view reason, bool per_reason, const Record& r,
             Conn* conn, std::string_view host) {
    std::uint32_t i = finding_for(code, side, reason, per_reason, r);
    Acc& a = findings[i];
    if (conn &&
        std::find(conn->findings.begin(), conn->findings.end(), i) != conn->findings.end()) {
      return;  // this connection already counts
    }
    LogFinding& f = a.finding;
    if (f.count == 0) {
      f.first = f.last = r.time;
      f.example = example_line(r.file, r.line, r.text);
    } else {
      if (order(r.time) < order(f.first)) f.first = r.time;
      if (order(r.time) > order(f.last)) f.last = r.time;
    }
    ++f.count;
    if (!host.empty()) add_remote(a, std::string(host));
    if (conn) {
      conn->findings.push_back(i);
      if (!conn->remote.empty()) add_remote(a, conn->remote);
      if (conn->failed) return;
      conn->failed = true;
    }
    count_hour(r.time, false);
  }

  // A 5208 after a CONNECTION_ERROR with the same reason on one connection: the error was the
  // handshake failure's echo logged first; it is not counted twice.
  void withdraw_echo(Conn& conn, Side side, std::string_view reason) {
    key_scratch.clear();
    key_scratch.push_back(static_cast<char>('A' + static_cast<int>(Code::kConnectionError)));
    key_scratch.push_back(static_cast<char>('a' + static_cast<int>(side)));
    key_scratch.append(reason);
    auto it = finding_index.find(key_scratch);
    if (it == finding_index.end()) return;
    auto pos = std::find(conn.findings.begin(), conn.findings.end(), it->second);
    if (pos == conn.findings.end()) return;
    conn.findings.erase(pos);
    --findings[it->second].finding.count;
  }

  void set_remote(Conn& c, std::string_view address) {
    if (!c.remote.empty()) return;
    std::string_view host = host_of(address);
    if (!host.empty()) c.remote.assign(host);
  }

  void failure(const Record& r) {
    const Fields& f = r.fields;
    Side side = side_of_cid(f.cid);
    Conn* conn = f.cid.empty() ? nullptr : &get(f.cid, side);
    std::string_view host = host_of(!f.remote.empty() ? f.remote : f.mta);
    if (conn && !host.empty() && conn->remote.empty()) conn->remote.assign(host);
    std::string_view reason = f.reason;
    std::size_t hash = std::hash<std::string_view>{}(reason);
    if (r.code == 5200) {
      count(Code::kUnauthorizedHost, side == Side::kUnknown ? Side::kUpstream : side, reason, false,
            r, conn, host);
      return;
    }
    if (r.code == 5208) {
      if (conn) {
        conn->handshake_reasons.push_back(hash);
        withdraw_echo(*conn, side, reason);
      }
    } else if (conn && std::find(conn->handshake_reasons.begin(), conn->handshake_reasons.end(),
                                 hash) != conn->handshake_reasons.end()) {
      return;  // the 5201/5202/5203 echo of a handshake failure already counted
    }
    if (std::optional<Code> code = classify_reason(reason, side)) {
      count(*code, side, reason, false, r, conn, host);
    } else if (r.code == 5208) {
      count(Code::kTlsHandshakeFailed, side, reason, true, r, conn, host);
    } else {
      count(Code::kConnectionError, side, reason, true, r, conn, host);
    }
  }

  void no_tls(const Record& r) {
    auto t = file_tid.find(r.file);
    std::string key;
    Conn* conn = nullptr;
    if (t != file_tid.end()) {
      auto up = tid_upstream.find(t->second);
      if (up != tid_upstream.end()) conn = find(up->second);
      if (!conn) key = "RPT(" + t->second + ")";
    } else {
      key = "#file" + std::to_string(r.file);
    }
    if (!conn) conn = &get(key, Side::kUpstream);
    count(Code::kNoTlsNegotiated, Side::kUpstream, {}, false, r, conn, {});
  }

  void tls_completed(const Record& r) {
    const Fields& f = r.fields;
    Side side = side_of_cid(f.cid);
    Conn* conn = f.cid.empty() ? nullptr : &get(f.cid, side);
    if (conn) set_remote(*conn, f.remote);
    if (conn && conn->tls_counted) return;
    if (conn) conn->tls_counted = true;
    ++tls.completed;
    auto bump = [&](std::map<std::string, std::uint64_t>& m, std::string_view name) {
      if (name.empty()) return;
      auto it = m.find(std::string(name));
      if (it != m.end()) {
        ++it->second;
      } else if (m.size() < limits.max_tls_names) {
        m.emplace(std::string(name), 1);
      }
    };
    bump(tls.protocols, f.protocol);
    bump(tls.ciphers, f.cipher);
    if (legacy_tls(f.protocol, f.cipher)) {
      std::string reason = std::string(f.protocol) + " " + std::string(f.cipher);
      count(Code::kLegacyTlsInUse, side, reason, false, r, conn, host_of(f.remote));
    }
  }

  static std::string_view rpt_tid(std::string_view text) {
    std::size_t at = text.find("RPT(");
    if (at == std::string_view::npos) return {};
    std::size_t close = text.find(')', at + 4);
    if (close == std::string_view::npos || close - at - 4 > 16) return {};
    return text.substr(at + 4, close - at - 4);
  }

  void add(const Record& r) {
    if (r.time.has_offset) {
      if (!offset_fixed) {
        assumed_offset = r.time.offset_minutes;
        offset_fixed = true;
      }
    } else {
      local_times = true;
    }
    now = std::max(now, order(r.time));
    if (last_sweep == INT64_MIN) last_sweep = now;
    if (now - last_sweep >= kSweepEveryMs || conns.size() > limits.max_connections) sweep();

    const Fields& f = r.fields;
    if (r.format == Format::kJul) {
      std::string_view tid = !f.tid.empty() ? f.tid : rpt_tid(r.message);
      if (!tid.empty()) {
        std::string& current = file_tid[r.file];
        if (current != tid) current.assign(tid);
      }
    }
    if (r.code == 0) {
      if (r.format == Format::kJul &&
          (r.message.find("getEmailSecurityType NO_TLS") != std::string_view::npos ||
           r.message.find("450 4.7.0") != std::string_view::npos)) {
        no_tls(r);
      }
      return;
    }
    Side side = side_of_cid(f.cid);
    switch (r.code) {
      case 1201: {
        if (f.cid.empty()) break;
        Conn& c = get(f.cid, side);
        set_remote(c, f.remote);
        if (!c.opened) {
          c.opened = true;
          ++upstream;
          count_hour(r.time, true);
        }
        if (!f.tid.empty()) {
          auto it = tid_upstream.find(f.tid);
          if (it == tid_upstream.end()) {
            tid_upstream.emplace(std::string(f.tid), std::string(f.cid));
          } else if (it->second != f.cid) {
            it->second.assign(f.cid);
          }
        }
        break;
      }
      case 1203: {
        if (f.cid.empty()) break;
        Conn& c = get(f.cid, side);
        set_remote(c, f.remote);
        if (!c.opened) {
          c.opened = true;
          ++downstream;
          count_hour(r.time, true);
        }
        if (!f.tid.empty()) {
          auto it = tid_upstream.find(f.tid);
          Conn* up = it == tid_upstream.end() ? nullptr : find(it->second);
          if (up && !up->relayed) {
            up->relayed = true;
            ++relays;
          }
        }
        break;
      }
      case 1202:
      case 1204:
      case 1205: {
        Conn* c = f.cid.empty() ? nullptr : find(f.cid);
        if (c) {
          set_remote(*c, f.remote);
          c->last_ms = now;
          if (!c->closed) {
            c->closed = true;
            c->closed_ms = now;
          }
        }
        break;
      }
      case 5200:
      case 5201:
      case 5202:
      case 5203:
      case 5208:
        failure(r);
        break;
      case 5209:
        tls_completed(r);
        break;
      default:
        break;
    }
  }

  Diagnosis result() const {
    Diagnosis d;
    d.upstream_connections = upstream;
    d.downstream_connections = downstream;
    d.relays = relays;
    d.tls = tls;
    d.local_times = local_times;
    d.hourly_truncated = hourly_truncated;
    for (const auto& [k, v] : hours) {
      HourCount h;
      h.hour = Time{k.hour * 3600000, k.offset, k.has_offset};
      h.connections = v.first;
      h.failures = v.second;
      d.hourly.push_back(h);
    }
    std::vector<Acc> acc = findings;
    auto add = [&](Acc& a, const std::string& host) {
      if (host.empty() || a.remotes.count(host)) return;
      if (a.remotes.size() >= limits.max_remotes) {
        a.finding.remotes_truncated = true;
        return;
      }
      a.remotes.insert(host);
    };
    for (const auto& [cid, c] : conns) {
      for (std::uint32_t i : c.findings) add(acc[i], c.remote);
    }
    for (Acc& a : acc) {
      if (a.finding.count == 0) continue;
      a.finding.remotes.assign(a.remotes.begin(), a.remotes.end());
      d.findings.push_back(std::move(a.finding));
    }
    std::stable_sort(d.findings.begin(), d.findings.end(),
                     [](const LogFinding& a, const LogFinding& b) {
                       bool ea = code_severity(a.code) == Severity::kError;
                       bool eb = code_severity(b.code) == Severity::kError;
                       if (ea != eb) return ea;
                       if (a.count != b.count) return a.count > b.count;
                       return std::tie(a.code, a.side) < std::tie(b.code, b.side);
                     });
    return d;
  }
};

Diagnoser::Diagnoser(DiagnoserLimits limits) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
}
Diagnoser::~Diagnoser() = default;
void Diagnoser::assume_offset(int minutes) {
  impl_->assumed_offset = minutes;
  impl_->offset_fixed = true;
}
void Diagnoser::add(const Record& record) { impl_->add(record); }
Diagnosis Diagnoser::result() const { return impl_->result(); }

}  // namespace ksdoctor::logs
