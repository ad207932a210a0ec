#include "java_hashtable.hpp"

#include <cstdint>

#include "core/text.hpp"

namespace ksdoctor {
namespace {

struct Node {
  std::uint32_t hash;  // already masked with 0x7fffffff
  std::size_t key_index;
  std::size_t value_index;
  int next;  // index into nodes, -1 ends the bucket chain
};

}  // namespace

std::vector<std::size_t> java_hashtable_order(const std::vector<std::u16string>& keys) {
  std::vector<Node> nodes;
  nodes.reserve(keys.size());
  std::vector<int> table(11, -1);
  std::size_t threshold = static_cast<std::size_t>(11 * 0.75f);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto hash = static_cast<std::uint32_t>(java_string_hash(keys[i])) & 0x7fffffffu;
    std::size_t bucket = hash % table.size();
    bool replaced = false;
    for (int n = table[bucket]; n != -1; n = nodes[n].next) {
      if (nodes[n].hash == hash && keys[nodes[n].key_index] == keys[i]) {
        nodes[n].value_index = i;
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    if (nodes.size() >= threshold) {
      std::vector<int> bigger(table.size() * 2 + 1, -1);
      for (std::size_t b = table.size(); b-- > 0;) {
        for (int n = table[b]; n != -1;) {
          int following = nodes[n].next;
          std::size_t target = nodes[n].hash % bigger.size();
          nodes[n].next = bigger[target];
          bigger[target] = n;
          n = following;
        }
      }
      table.swap(bigger);
      threshold = static_cast<std::size_t>(static_cast<float>(table.size()) * 0.75f);
      bucket = hash % table.size();
    }
    nodes.push_back(Node{hash, i, i, table[bucket]});
    table[bucket] = static_cast<int>(nodes.size() - 1);
  }
  std::vector<std::size_t> order;
  order.reserve(nodes.size());
  for (std::size_t b = table.size(); b-- > 0;) {
    for (int n = table[b]; n != -1; n = nodes[n].next) order.push_back(nodes[n].value_index);
  }
  return order;
}

}  // namespace ksdoctor
