// A small memo keyed by an encoded OID, for the OID → name lookups made for every attribute and
// extension of every certificate (a truststore has thousands). The lookups it stands in front of
// are pure functions of the OID, and a miss computes exactly as without the memo — so a malformed
// OID still throws the same error. One memo per thread (declare it thread_local): no locking.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

template <class V>
class OidMemo {
 public:
  // The memoized compute(oid); `compute` runs only on a miss.
  template <class F>
  const V& get(ByteView oid, F&& compute) {
    Key key;
    bool keyable = make_key(oid, key);
    if (keyable) {
      for (std::size_t i = 0; i < used_; ++i) {
        if (slots_[i].key == key) return slots_[i].value;
      }
    }
    V value = compute(oid);
    if (!keyable || used_ == slots_.size()) {
      overflow_ = std::move(value);
      return overflow_;
    }
    Slot& slot = slots_[used_++];
    slot.key = key;
    slot.value = std::move(value);
    return slot.value;
  }

 private:
  struct Key {
    std::uint64_t lo = 0, hi = 0;  // the OID's bytes, zero-padded; the length in hi's top byte
    bool operator==(const Key&) const = default;
  };
  static bool make_key(ByteView oid, Key& key) {
    if (oid.empty() || oid.size() > 15) return false;
    unsigned char buf[16] = {};
    std::memcpy(buf, oid.data(), oid.size());
    buf[15] = static_cast<unsigned char>(oid.size());
    std::memcpy(&key.lo, buf, 8);
    std::memcpy(&key.hi, buf + 8, 8);
    return true;
  }
  struct Slot {
    Key key;
    V value{};
  };
  std::array<Slot, 32> slots_{};
  std::size_t used_ = 0;
  V overflow_{};
};

}  // namespace ksdoctor
