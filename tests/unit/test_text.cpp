#include <doctest/doctest.h>

#include "core/text.hpp"

namespace text_test {
using namespace ksdoctor;

TEST_CASE("modified UTF-8 decodes U+0000 from C0 80 and from a raw zero byte, as readUTF does") {
  Bytes overlong = {'a', 0xC0, 0x80, 'b'};
  CHECK(decode_modified_utf8(overlong) == std::u16string(u"a\0b", 3));
  Bytes raw = {'a', 0x00, 'b'};
  CHECK(decode_modified_utf8(raw) == std::u16string(u"a\0b", 3));
}

TEST_CASE("modified UTF-8 encodes U+0000 as C0 80 and supplementary characters as surrogates") {
  std::u16string text(u"x\0y", 3);
  CHECK(encode_modified_utf8(text) == Bytes{'x', 0xC0, 0x80, 'y'});
  std::u16string smile = u"\U0001F600";  // two UTF-16 units
  REQUIRE(smile.size() == 2);
  Bytes encoded = encode_modified_utf8(smile);
  CHECK(encoded == Bytes{0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80});
  CHECK(decode_modified_utf8(encoded) == smile);
  CHECK(utf16_to_utf8(smile) == "\xF0\x9F\x98\x80");
}

TEST_CASE("a 4-byte UTF-8 sequence is rejected like Java's UTFDataFormatException") {
  Bytes four = {0xF0, 0x9F, 0x98, 0x80};
  CHECK_THROWS_AS(decode_modified_utf8(four), FormatError);
}

TEST_CASE("bad continuation bytes and truncated sequences are rejected") {
  CHECK_THROWS_AS(decode_modified_utf8(Bytes{0xC3}), FormatError);
  CHECK_THROWS_AS(decode_modified_utf8(Bytes{0xC3, 0x41}), FormatError);
  CHECK_THROWS_AS(decode_modified_utf8(Bytes{0xE2, 0x82}), FormatError);
  CHECK_THROWS_AS(decode_modified_utf8(Bytes{0x80}), FormatError);
}

TEST_CASE("the 65 535-byte limit of writeUTF") {
  std::u16string ascii(65535, u'a');
  CHECK(encode_modified_utf8(ascii).size() == 65535);
  ascii.push_back(u'a');
  CHECK_THROWS_AS(encode_modified_utf8(ascii), FormatError);
  std::u16string nuls(32767, u'\0');  // 2 bytes each: 65 534
  CHECK(encode_modified_utf8(nuls).size() == 65534);
  nuls.push_back(u'\0');
  CHECK_THROWS_AS(encode_modified_utf8(nuls), FormatError);
  std::u16string cjk(21845, u'\u8a3c');  // 3 bytes each: 65 535
  CHECK(encode_modified_utf8(cjk).size() == 65535);
}

TEST_CASE("unpaired surrogates print as U+FFFD") {
  std::u16string lone = {u'a', static_cast<char16_t>(0xD800), u'b'};
  CHECK(utf16_to_utf8(lone) ==
        "a\xEF\xBF\xBD"
        "b");
}

TEST_CASE("UTF-8 to UTF-16 round trip") {
  std::string s = "caf\xC3\xA9 \xE8\xA8\xBC \xF0\x9F\x98\x80";
  CHECK(utf16_to_utf8(utf8_to_utf16(s)) == s);
}

TEST_CASE("Java String.hashCode") {
  CHECK(java_string_hash(u"") == 0);
  CHECK(java_string_hash(u"a") == 97);
  CHECK(java_string_hash(u"hello") == 99162322);
  CHECK(java_string_hash(u"polygenelubricants") == -2147483648);
}

TEST_CASE("toLowerCase(Locale.ENGLISH) for aliases") {
  CHECK(java_lowercase(u"MailServer") == u"mailserver");
  CHECK(java_lowercase(u"\u00C4rger") == u"\u00E4rger");
  CHECK(java_lowercase(u"already-lower") == u"already-lower");
}

}  // namespace text_test
