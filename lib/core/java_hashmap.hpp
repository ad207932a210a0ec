// java.util.HashMap iteration order, which SunX509's key manager follows when it picks a key.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ksdoctor {

// Given the String keys in the order they were put() into a fresh java.util.HashMap (capacity
// 16, load factor 0.75), returns, in keySet() iteration order, the index of the *last* put of each
// distinct key (put replaces the value but keeps the key's position). Empty when some bucket would
// grow into a red-black tree bin (9 keys in one bucket of a table of 64 or more), whose order
// ksdoctor does not model.
std::optional<std::vector<std::size_t>> java_hashmap_order(
    const std::vector<std::u16string>& keys_in_put_order);

}  // namespace ksdoctor
