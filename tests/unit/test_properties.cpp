// java.util.Properties.load semantics, rule by rule. Every expectation here was checked against
// OpenJDK 17 (tests/java/PropertiesOracle); tests/properties compares a random corpus in bulk.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dlp/java_properties.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/properties.hpp"

namespace properties_test {
using namespace ksdoctor;

namespace {

PropertiesFile parse(std::string_view text) {
  Bytes bytes(text.begin(), text.end());
  return parse_properties(bytes);
}

// The final table, as Properties holds it after load (the last put wins).
std::map<std::string, std::string> table(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const Property& p : parse(text).entries) out[p.key] = p.value;
  return out;
}

using Table = std::map<std::string, std::string>;

std::string detail(const Finding& f, const std::string& name) {
  for (const auto& [k, v] : f.details) {
    if (k == name) return v;
  }
  return "<missing " + name + ">";
}

std::vector<Finding> lint(std::string_view text) {
  return lint_properties(parse(text), "Protect.properties");
}

}  // namespace

TEST_CASE("properties: '=', ':' and blanks separate; blanks and one separator are skipped") {
  CHECK(table("a=b") == Table{{"a", "b"}});
  CHECK(table("a:b") == Table{{"a", "b"}});
  CHECK(table("a b") == Table{{"a", "b"}});
  CHECK(table("a\tb") == Table{{"a", "b"}});
  CHECK(table("a\fb") == Table{{"a", "b"}});
  CHECK(table("a   =   b") == Table{{"a", "b"}});
  // Only one separator is eaten: the second '=' or ':' belongs to the value.
  CHECK(table("a =: b") == Table{{"a", ": b"}});
  CHECK(table("a==b") == Table{{"a", "=b"}});
  CHECK(table("a= =b") == Table{{"a", "=b"}});
  // Trailing blanks are part of the value.
  CHECK(table("a=b  \t") == Table{{"a", "b  \t"}});
}

TEST_CASE("properties: a key without a value, and an empty key") {
  CHECK(table("key") == Table{{"key", ""}});
  CHECK(table("key   ") == Table{{"key", ""}});
  CHECK(table("key=") == Table{{"key", ""}});
  CHECK(table("=x") == Table{{"", "x"}});
  CHECK(table(":x") == Table{{"", "x"}});
}

TEST_CASE("properties: comments, blank lines and leading blanks") {
  CHECK(table("# c\n! c\n   # indented\n\n \t\f\n  a = 1\n") == Table{{"a", "1"}});
  // '#' and '!' only start a comment at the start of a line.
  CHECK(table("a=#1\nb=!2") == Table{{"a", "#1"}, {"b", "!2"}});
  CHECK(table("a#b=c") == Table{{"a#b", "c"}});
}

TEST_CASE("properties: \\n, \\r and \\r\\n end lines") {
  CHECK(table("a=1\nb=2\rc=3\r\nd=4") == Table{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}});
  PropertiesFile f = parse("a=1\r\n\r\nb=2\rc=3\n\nd=4");
  REQUIRE(f.entries.size() == 4);
  CHECK(f.entries[0].line == 1);
  CHECK(f.entries[1].line == 3);
  CHECK(f.entries[2].line == 4);
  CHECK(f.entries[3].line == 6);
}

TEST_CASE("properties: an odd number of trailing backslashes continues the line") {
  CHECK(table("a=b\\\n   c") == Table{{"a", "bc"}});
  CHECK(table("a=b\\\\\nc") == Table{{"a", "b\\"}, {"c", ""}});
  CHECK(table("a=b\\\\\\\n  c") == Table{{"a", "b\\c"}});
  // Leading blanks of every continuation line are dropped, \f included.
  CHECK(table("a=x\\\n \t\fy\\\n  z") == Table{{"a", "xyz"}});
  // "\r\n" after the backslash is one terminator, even across lines.
  CHECK(table("a=b\\\r\n  c\r\nd=e") == Table{{"a", "bc"}, {"d", "e"}});
  CHECK(table("a=b\\\r  c") == Table{{"a", "bc"}});
  // A continuation into an empty line ends the logical line there.
  CHECK(table("a=b\\\n\nc=d") == Table{{"a", "b"}, {"c", "d"}});
  CHECK(table("a=b\\\n   \nc=d") == Table{{"a", "b"}, {"c", "d"}});
  // The key may continue too.
  CHECK(table("ke\\\n  y=v") == Table{{"key", "v"}});
}

TEST_CASE("properties: comments never continue; a continued line that looks like one is content") {
  CHECK(table("# comment \\\na=b") == Table{{"a", "b"}});
  CHECK(table("! comment \\\\\\\na=b") == Table{{"a", "b"}});
  CHECK(table("a=b\\\n#c") == Table{{"a", "b#c"}});
  CHECK(table("a=b\\\n   !c") == Table{{"a", "b!c"}});
  // After a line that is only "\", the logical line is empty again, so "#..." is a comment.
  CHECK(table("\\\n#c\nk=v") == Table{{"k", "v"}});
}

TEST_CASE("properties: a trailing backslash at the end of the input") {
  CHECK(table("a=b\\") == Table{{"a", "b"}});
  CHECK(table("a=b\\\n") == Table{{"a", "b"}});
  CHECK(table("a=b\\\\\\") == Table{{"a", "b\\"}});
  // A lone backslash is a logical line of length 0: Java puts ("", "").
  CHECK(table("\\") == Table{{"", ""}});
  CHECK(table("\\\n") == Table{{"", ""}});
  // ... but not when more (blank) input follows it.
  CHECK(table("\\\n\n").empty());
  CHECK(table("\\\n   ").empty());
}

TEST_CASE("properties: escapes") {
  CHECK(table("a=\\t\\n\\r\\f") == Table{{"a", "\t\n\r\f"}});
  CHECK(table("a=\\q\\\\\\\"\\'") == Table{{"a", "q\\\"'"}});
  CHECK(table("a=\\ b") == Table{{"a", " b"}});
  CHECK(table("a=\\u0041\\u00e9\\u20AC") == Table{{"a", "A\xC3\xA9\xE2\x82\xAC"}});
  // Escaped separators and blanks stay in the key.
  CHECK(table("a\\=b\\:c\\ d=e") == Table{{"a=b:c d", "e"}});
  CHECK(table("\\u0041bc=1") == Table{{"Abc", "1"}});
  CHECK(table("\\#x=1") == Table{{"#x", "1"}});
  // A \u escape for a separator does not separate: escapes are resolved after the split.
  CHECK(table("a\\u003db=c") == Table{{"a=b", "c"}});
}

TEST_CASE("properties: surrogates from \\u escapes") {
  CHECK(table("a=\\uD83D\\uDE00") == Table{{"a", "\xF0\x9F\x98\x80"}});
  // An unpaired surrogate cannot be UTF-8: it becomes U+FFFD (Java keeps the code unit).
  CHECK(table("a=\\uD800x") == Table{{"a", "\xEF\xBF\xBDx"}});
  std::u16string units = java_properties::load(u"a=\\uD800x").at(0).value;
  CHECK(units == std::u16string{0xD800, u'x'});
}

TEST_CASE("properties: bytes are ISO-8859-1") {
  CHECK(table("k=\xE9\xFF\x80") == Table{{"k", "\xC3\xA9\xC3\xBF\xC2\x80"}});
  CHECK(table("\xE9=1") == Table{{"\xC3\xA9", "1"}});
  // UTF-8 input is read byte by byte, as Java does: "é" in UTF-8 becomes two characters.
  CHECK(table("k=\xC3\xA9") == Table{{"k", "\xC3\x83\xC2\xA9"}});
  // A zero byte is an ordinary character.
  CHECK(table(std::string_view("k=a\0b", 5)) == Table{{"k", std::string("a\0b", 3)}});
}

TEST_CASE("properties: malformed \\u escapes throw like Java's IllegalArgumentException") {
  for (const char* text : {"a=\\u12", "a=\\u12G4", "a=\\u", "\\u00=x", "ok=1\n\n\\uXYZW"}) {
    CAPTURE(text);
    try {
      parse(text);
      FAIL("no exception");
    } catch (const FormatError& e) {
      CHECK(e.code() == "MALFORMED_PROPERTIES");
      CHECK(std::string(e.what()).rfind("Malformed \\uxxxx encoding.", 0) == 0);
    }
  }
  try {
    parse("a=1\n# c\nb=\\\n  \\u12");
    FAIL("no exception");
  } catch (const FormatError& e) {
    CHECK(std::string(e.what()) == "Malformed \\uxxxx encoding. (line 3)");
  }
  // A malformed escape in a comment is not read.
  CHECK(table("# \\u12\na=1") == Table{{"a", "1"}});
}

TEST_CASE("properties: raw and line keep what was written") {
  PropertiesFile f = parse("# c\r\n  key = a\\\r\n    b  \r\nnext:1");
  REQUIRE(f.entries.size() == 2);
  CHECK(f.entries[0].key == "key");
  CHECK(f.entries[0].value == "ab  ");
  CHECK(f.entries[0].raw == "key = a\\\n    b  ");
  CHECK(f.entries[0].line == 2);
  CHECK(f.entries[1].raw == "next:1");
  CHECK(f.entries[1].line == 4);
  PropertiesFile latin = parse("k=\xE9");
  CHECK(latin.entries.at(0).raw == "k=\xC3\xA9");
  // A line emptied by a lone "\" restarts where the content starts.
  PropertiesFile restart = parse("\\\n  k=v");
  CHECK(restart.entries.at(0).raw == "k=v");
  CHECK(restart.entries.at(0).line == 2);
}

TEST_CASE("properties: find returns the last occurrence, as getProperty does") {
  PropertiesFile f = parse("a=1\nb=2\na=3");
  CHECK(f.entries.size() == 3);
  REQUIRE(f.find("a") != nullptr);
  CHECK(f.find("a")->value == "3");
  CHECK(f.find("a")->line == 3);
  CHECK(f.find("c") == nullptr);
}

TEST_CASE("lint: a Windows path written with single backslashes") {
  auto findings = lint(
      "# DLP\n"
      "keystore.dir = C:\\ProgramData\\Symantec\\DataLossPrevention\\DetectionServer\\16.0\\"
      "keystore\n");
  REQUIRE(findings.size() == 1);
  const Finding& f = findings[0];
  CHECK(f.code == "PROPERTIES_UNESCAPED_BACKSLASH");
  CHECK(f.severity == Severity::kWarning);
  CHECK(detail(f, "key") == "keystore.dir");
  CHECK(detail(f, "line") == "2");
  CHECK(detail(f, "raw") ==
        "C:\\ProgramData\\Symantec\\DataLossPrevention\\DetectionServer\\16.0\\keystore");
  CHECK(detail(f, "java_value") ==
        "C:ProgramDataSymantecDataLossPreventionDetectionServer16.0keystore");
  CHECK(detail(f, "intended") ==
        "C:\\ProgramData\\Symantec\\DataLossPrevention\\DetectionServer\\16.0\\keystore");
  CHECK(f.message.find("Protect.properties line 2") != std::string::npos);
  CHECK(f.message.find("C:ProgramDataSymantec") != std::string::npos);
  CHECK(f.remedy.find("C:\\\\ProgramData\\\\Symantec") != std::string::npos);
  CHECK(f.remedy.find("C:/ProgramData/Symantec/") != std::string::npos);
}

TEST_CASE("lint: other shapes of unescaped Windows paths") {
  SUBCASE("UNC path typed literally") {
    auto findings = lint("ks=\\\\server\\share\\prevent.ks");
    REQUIRE(findings.size() == 1);
    CHECK(detail(findings[0], "java_value") == "\\servershareprevent.ks");
    CHECK(detail(findings[0], "intended") == "\\\\server\\share\\prevent.ks");
  }
  SUBCASE("partly escaped") {
    auto findings = lint("ks=C:\\\\ProgramData\\Symantec");
    REQUIRE(findings.size() == 1);
    CHECK(detail(findings[0], "java_value") == "C:\\ProgramDataSymantec");
    CHECK(detail(findings[0], "intended") == "C:\\ProgramData\\Symantec");
  }
  SUBCASE("\\Program without a drive letter") {
    CHECK(lint("ks=\\Program Files\\Symantec").size() == 1);
  }
  SUBCASE("\\t and \\n in a drive path are read as control characters") {
    auto findings = lint("ks=D:\\temp\\new");
    REQUIRE(findings.size() == 1);
    CHECK(detail(findings[0], "java_value") == "D:\temp\new");
    CHECK(detail(findings[0], "intended") == "D:\\temp\\new");
    CHECK(findings[0].message.find("D:\\temp\\new\" is read as \"D:\\temp\\new\"") !=
          std::string::npos);
  }
  SUBCASE("components separated by single backslashes") {
    auto findings = lint("dir=Symantec\\DLP\\keystore");
    REQUIRE(findings.size() == 1);
    CHECK(detail(findings[0], "java_value") == "SymantecDLPkeystore");
    CHECK(detail(findings[0], "intended") == "Symantec\\DLP\\keystore");
  }
  SUBCASE("a path continued over two lines") {
    // The backslash before the newline continues the line, so it is not a separator; "raw"
    // is the value text as Java joins it.
    auto findings = lint("ks = C:\\ProgramData\\\n    Symantec\\keystore");
    REQUIRE(findings.size() == 1);
    CHECK(detail(findings[0], "raw") == "C:\\ProgramDataSymantec\\keystore");
    CHECK(detail(findings[0], "java_value") == "C:ProgramDataSymanteckeystore");
    CHECK(detail(findings[0], "line") == "1");
  }
}

TEST_CASE("lint: correctly written values are left alone") {
  for (const char* text : {
           "ks=C:\\\\ProgramData\\\\Symantec\\\\keystore\\\\prevent.ks",
           "ks=C:/ProgramData/Symantec/keystore/prevent.ks",
           "ks=\\\\\\\\server\\\\share\\\\prevent.ks",
           // Properties.store escapes ':' '=' '#' '!' and spaces with a backslash.
           "ks=C\\:\\\\ProgramData\\\\Symantec",
           "key\\ with\\ space=a\\=b\\:c\\#d\\!e",
           "msg=line1\\nline2\\tend",
           "re=^\\d+\\.\\d+$",
           "plain=value",
           "unicode=caf\\u00e9",
           "/opt/Symantec/DataLossPrevention=linux",
       }) {
    CAPTURE(text);
    CHECK(lint(text).empty());
  }
}

}  // namespace properties_test
