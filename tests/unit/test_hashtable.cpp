#include <doctest/doctest.h>

#include "fixture_util.hpp"
#include "formats/jks/java_hashtable.hpp"
#include "ksdoctor/formats.hpp"

namespace hashtable_test {
using namespace ksdoctor;

namespace {
std::vector<std::u16string> names(const std::vector<std::u16string>& keys,
                                  const std::vector<std::size_t>& order) {
  std::vector<std::u16string> out;
  for (std::size_t i : order) out.push_back(keys[i]);
  return out;
}
}  // namespace

// Orders observed from a real JVM (fixtures/README.md, ListKeystore over the fixtures).
TEST_CASE("enumeration order matches java.util.Hashtable for a small store") {
  std::vector<std::u16string> keys = {u"smtp", u"example-root-ca", u"mta-root-ca"};
  auto order = java_hashtable_order(keys);
  CHECK(names(keys, order) ==
        std::vector<std::u16string>{u"mta-root-ca", u"example-root-ca", u"smtp"});
}

TEST_CASE("rehashing past 8 entries keeps Java's order (many-entries.jks as the JVM lists it)") {
  Keystore ks = read_keystore(fixture("jks/many-entries.jks"), Password::of("changeit"));
  REQUIRE(ks.entries.size() == 40);
  std::vector<std::string> head;
  for (std::size_t i = 0; i < 7; ++i) head.push_back(ks.entries[i].alias);
  CHECK(head ==
        std::vector<std::string>{"ca-11", "ca-10", "ca-40", "ca-09", "ca-08", "ca-07", "ca-39"});
}

TEST_CASE("a duplicate key keeps its first position and its last value") {
  std::vector<std::u16string> keys = {u"dup", u"other", u"dup"};
  auto order = java_hashtable_order(keys);
  REQUIRE(order.size() == 2);
  bool found_last = false;
  for (std::size_t i : order) {
    CHECK(i != 0);
    found_last |= i == 2;
  }
  CHECK(found_last);
}

}  // namespace hashtable_test
