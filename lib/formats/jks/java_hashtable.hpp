// Java's java.util.Hashtable enumeration order, which JKS and JCEKS aliases() follow.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ksdoctor {

// Given the keys in the order they were put() into a fresh Hashtable (capacity 11, load 0.75),
// returns, in enumeration order, the index of the *last* put of each distinct key (put replaces
// the value but keeps the key's position).
std::vector<std::size_t> java_hashtable_order(const std::vector<std::u16string>& keys_in_put_order);

}  // namespace ksdoctor
