// The diagnoser's state: what it keeps per open connection and per finding, and the hash of its
// connection table.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "ksdoctor/logs.hpp"

namespace ksdoctor::logs::diagnoser_state {

// Connection ids end in a random UUID: their last 16 bytes, mixed, are a good hash and much
// cheaper than hashing all ~48 bytes (this runs for nearly every record).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    std::uint64_t a = 0, b = 0;
    if (s.size() >= 16) {
      std::memcpy(&a, s.data() + s.size() - 16, 8);
      std::memcpy(&b, s.data() + s.size() - 8, 8);
    } else if (!s.empty()) {
      std::memcpy(&a, s.data(), std::min<std::size_t>(s.size(), 8));
      if (s.size() > 8) std::memcpy(&b, s.data() + 8, s.size() - 8);
    }
    std::uint64_t h = (a ^ (s.size() * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 31) ^ b) * 0x94D049BB133111EBULL;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

struct Conn {
  Side side = Side::kUnknown;
  std::string remote;  // host, no port
  bool opened = false;
  bool relayed = false;
  bool tls_counted = false;
  bool failed = false;
  bool closed = false;
  std::int64_t last_ms = 0;
  std::int64_t closed_ms = 0;
  std::vector<std::uint32_t> findings;  // indexes into Impl::findings counted for this connection
  std::vector<std::size_t> handshake_reasons;  // hashes of its 5208 reasons (to spot echoes)
};

struct Acc {
  LogFinding finding;
  std::set<std::string, std::less<>> remotes;
};

struct HourKey {
  std::int64_t hour;  // wall-clock hour
  int offset;
  bool has_offset;
  std::int64_t order;  // for sorting
  bool operator<(const HourKey& o) const {
    return std::tie(order, has_offset, offset, hour) <
           std::tie(o.order, o.has_offset, o.offset, o.hour);
  }
};

}  // namespace ksdoctor::logs::diagnoser_state
