#include "java_hashmap.hpp"

#include <cstdint>

#include "core/text.hpp"

namespace ksdoctor {
namespace {

constexpr std::size_t kInitialCapacity = 16;
constexpr std::size_t kTreeifyThreshold = 8;  // a bin this long is treeified on the next add
constexpr std::size_t kMinTreeifyCapacity = 64;

struct Node {
  std::uint32_t hash;  // HashMap.hash(): h ^ (h >>> 16)
  std::size_t key_index;
  std::size_t value_index;
};

using Table = std::vector<std::vector<std::size_t>>;  // per bucket, node indices in list order

// HashMap.resize(): every bin splits into a "lo" and a "hi" list, each keeping its order.
Table doubled(const Table& table, const std::vector<Node>& nodes) {
  Table bigger(table.size() * 2);
  for (std::size_t b = 0; b < table.size(); ++b) {
    for (std::size_t n : table[b]) bigger[nodes[n].hash & (bigger.size() - 1)].push_back(n);
  }
  return bigger;
}

}  // namespace

std::optional<std::vector<std::size_t>> java_hashmap_order(
    const std::vector<std::u16string>& keys) {
  std::vector<Node> nodes;
  nodes.reserve(keys.size());
  Table table(kInitialCapacity);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto h = static_cast<std::uint32_t>(java_string_hash(keys[i]));
    std::uint32_t hash = h ^ (h >> 16);
    std::vector<std::size_t>& bin = table[hash & (table.size() - 1)];
    bool replaced = false;
    for (std::size_t n : bin) {
      if (nodes[n].hash == hash && keys[nodes[n].key_index] == keys[i]) {
        nodes[n].value_index = i;
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    bin.push_back(nodes.size());
    nodes.push_back(Node{hash, i, i});
    // putVal: a bin that held TREEIFY_THRESHOLD nodes before this one is treeified, or the table
    // resized while it is smaller than MIN_TREEIFY_CAPACITY; then ++size > threshold resizes.
    if (bin.size() > kTreeifyThreshold) {
      if (table.size() >= kMinTreeifyCapacity) return std::nullopt;
      table = doubled(table, nodes);
    }
    if (nodes.size() > table.size() * 3 / 4) table = doubled(table, nodes);
  }
  std::vector<std::size_t> order;
  order.reserve(nodes.size());
  for (const std::vector<std::size_t>& bin : table) {
    for (std::size_t n : bin) order.push_back(nodes[n].value_index);
  }
  return order;
}

}  // namespace ksdoctor
