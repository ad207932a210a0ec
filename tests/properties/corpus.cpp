#include "corpus.hpp"

#include <string_view>

namespace ksdoctor::testing {
namespace {

// splitmix64: tiny, and identical on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool percent(std::size_t p) { return below(100) < p; }
  std::string_view pick(const std::vector<std::string_view>& options) {
    return options[below(options.size())];
  }

 private:
  std::uint64_t state_;
};

const std::vector<std::string_view> kWords = {
    "keystore", "prevent",
    "ks",       "path",
    "dir",      "a",
    "B",        "x1",
    "Protect",  "com.vontu.mta.rp.level",
    "FINEST",   "RequestProcessor.AllowUnAuthenticatedConnections",
    "true",     "16.0",
    "k-e_y",    "$HOME",
    "~",        "()",
    "\"q\"",    "'s'"};

// Windows paths the way people write them, right and wrong.
const std::vector<std::string_view> kPaths = {
    "C:\\ProgramData\\Symantec\\DataLossPrevention\\DetectionServer\\16.0\\keystore\\prevent.ks",
    "C:\\\\ProgramData\\\\Symantec\\\\DataLossPrevention\\\\keystore",
    "C:/ProgramData/Symantec/DataLossPrevention/DetectionServer/15.8.00000/keystore",
    "C:\\Program Files\\Symantec\\Protect\\keystore",
    "\\\\server\\share\\prevent.ks",
    "\\\\\\\\server\\\\share\\\\prevent.ks",
    "D:\\temp\\new\\file",
    "C\\:\\\\ProgramData\\\\Symantec",
    "C:\\\\ProgramData\\Symantec",
    "/var/Symantec/DataLossPrevention/DetectionServer/25.1/keystore/prevent.ks",
    "CORP\\svc_dlp"};

const std::vector<std::string_view> kEscapes = {"\\t", "\\n",  "\\r", "\\f", "\\q",  "\\\\",
                                                "\\=", "\\:",  "\\ ", "\\#", "\\!",  "\\\"",
                                                "\\U", "\\\t", "\\x", "\\0", "\\\f", "\\u0"};

// Code units worth a \u escape: separators, blanks, line ends, the backslash itself, Latin-1,
// beyond Latin-1, surrogate pairs and halves, U+0000 and U+FFFF.
const std::vector<std::string_view> kUnits = {
    "0041", "00e9", "00E9", "20ac", "20AC", "003d", "003a", "0020", "000a", "000d", "005c", "0023",
    "0000", "ffff", "FfFf", "d800", "DC00", "dbff", "0009", "000c", "00ff", "0100", "fffe"};

const std::vector<std::string_view> kMalformed = {"\\u",
                                                  "\\u1",
                                                  "\\u12",
                                                  "\\u123",
                                                  "\\u12G4",
                                                  "\\uXYZW",
                                                  "\\u 123",
                                                  "\\u-123",
                                                  "\\u00\xE9"
                                                  "0"};

const std::vector<std::string_view> kSeparators = {"=",     ":",     " ",    "\t",  "\f", " = ",
                                                   "\t:\f", "==",    " =: ", "",    "  ", " :",
                                                   "= ",    "\f=\f", ":=",   " \\ "};

const std::vector<std::string_view> kTerminators = {"\n", "\r", "\r\n"};

class FileMaker {
 public:
  FileMaker(Rng& rng, bool allow_malformed) : rng_(rng), allow_malformed_(allow_malformed) {}

  std::string make() {
    std::size_t lines = 1 + rng_.below(14);
    for (std::size_t i = 0; i < lines; ++i) {
      line();
      if (i + 1 < lines || rng_.percent(50)) out_ += terminator();
    }
    // The end of the input: an odd trailing backslash run, or blanks, sometimes.
    if (rng_.percent(10)) out_ += rng_.percent(70) ? "\\" : "\\\\\\";
    if (rng_.percent(5)) out_ += blanks(3);
    return out_;
  }

 private:
  std::string terminator() { return std::string(rng_.pick(kTerminators)); }

  std::string blanks(std::size_t max) {
    std::string s;
    std::size_t n = rng_.below(max + 1);
    for (std::size_t i = 0; i < n; ++i) s.push_back(" \t\f"[rng_.below(3)]);
    return s;
  }

  std::string unicode_escape() {
    if (rng_.percent(15)) return "\\ud83d\\ude00";  // a pair: one supplementary character
    std::string hex(rng_.pick(kUnits));
    if (rng_.percent(20)) {
      hex.clear();
      for (int i = 0; i < 4; ++i) hex.push_back("0123456789abcdefABCDEF"[rng_.below(22)]);
    }
    return "\\u" + hex;
  }

  // A line break inside a logical line: an odd backslash run continues it (then the next line's
  // blanks, and sometimes what looks like a comment or nothing at all), an even one ends it.
  std::string line_break() {
    std::string s;
    if (rng_.percent(75)) {
      s = rng_.percent(80) ? "\\" : "\\\\\\";
      s += terminator();
      s += blanks(3);
      std::size_t what = rng_.below(10);
      if (what == 0) s += "#";
      if (what == 1) s += "!";
      if (what == 2) s += terminator();  // the continuation meets an empty line
    } else {
      s = "\\\\" + terminator();
    }
    return s;
  }

  std::string token(bool key) {
    std::size_t kind = rng_.below(key ? 7 : 11);
    switch (kind) {
      case 0:
      case 1:
        return std::string(rng_.pick(kWords));
      case 2:
        return std::string(1, static_cast<char>(0x80 + rng_.below(128)));  // ISO-8859-1
      case 3:
        return std::string(rng_.pick(kEscapes));
      case 4:
        return unicode_escape();
      case 5:
        if (allow_malformed_ && rng_.percent(25)) return std::string(rng_.pick(kMalformed));
        return std::string(rng_.pick(kWords));
      case 6:
        return rng_.percent(25) ? line_break() : std::string(rng_.pick(kWords));
      case 7:
      case 8:
        return std::string(rng_.pick(kPaths));
      case 9:
        return std::string(1, "=:#! \t\f"[rng_.below(7)]);
      default:
        return std::string(1 + rng_.below(4), '\\') + std::string(rng_.pick(kWords));
    }
  }

  void entry() {
    out_ += blanks(2);
    std::string key;
    if (!key_pool_.empty() && rng_.percent(25)) {
      key = key_pool_[rng_.below(key_pool_.size())];  // a duplicate: the last one wins
    } else {
      std::size_t n = rng_.below(4);  // 0: an empty key
      for (std::size_t i = 0; i < n; ++i) key += token(true);
      key_pool_.push_back(key);
    }
    out_ += key;
    out_ += rng_.pick(kSeparators);
    std::size_t n = rng_.below(7);
    for (std::size_t i = 0; i < n; ++i) out_ += token(false);
  }

  void line() {
    std::size_t kind = rng_.below(100);
    if (kind < 12) {  // a comment, which may end with backslashes and hold a bad \u
      out_ += blanks(2);
      out_ += rng_.percent(50) ? "#" : "!";
      std::size_t n = rng_.below(4);
      for (std::size_t i = 0; i < n; ++i) out_ += token(false);
      if (rng_.percent(30)) out_ += rng_.percent(50) ? "\\" : "\\u12";
    } else if (kind < 20) {
      out_ += blanks(4);
    } else if (kind < 25) {
      out_ += blanks(2) + (rng_.percent(70) ? "\\" : "\\\\\\");
    } else if (kind < 30) {  // arbitrary bytes, line ends included
      std::size_t n = rng_.below(24);
      for (std::size_t i = 0; i < n; ++i) out_.push_back(static_cast<char>(rng_.below(256)));
    } else {
      entry();
    }
  }

  Rng& rng_;
  bool allow_malformed_;
  std::string out_;
  std::vector<std::string> key_pool_;
};

}  // namespace

std::vector<std::string> random_properties_corpus(std::uint64_t seed, int count) {
  Rng rng(seed);
  std::vector<std::string> files;
  files.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    FileMaker maker(rng, rng.percent(15));
    files.push_back(maker.make());
  }
  return files;
}

std::vector<std::string> edge_case_properties() {
  using namespace std::string_literals;
  return {
      // separators
      "a=b",
      "a:b",
      "a b",
      "a\tb",
      "a\fb",
      "a   =   b",
      "a =: b",
      "a==b",
      "a= =b",
      "a=b  \t",
      "key",
      "key   ",
      "key=",
      "=x",
      ":x",
      " = x",
      "\f:\f",
      // comments, blank lines, leading blanks
      "# c\n! c\n   # indented\n\n \t\f\n  a = 1\n",
      "a=#1\nb=!2",
      "a#b=c",
      "#",
      "!",
      "#\r\n#\r",
      // line ends
      "a=1\nb=2\rc=3\r\nd=4",
      "a=1\r\n\r\nb=2\rc=3\n\nd=4",
      "\r\n\r\n",
      "\n\r",
      "a=1\n\r\nb=2",
      // continuations
      "a=b\\\n   c",
      "a=b\\\\\nc",
      "a=b\\\\\\\n  c",
      "a=x\\\n \t\fy\\\n  z",
      "a=b\\\r\n  c\r\nd=e",
      "a=b\\\r  c",
      "a=b\\\n\nc=d",
      "a=b\\\n   \nc=d",
      "ke\\\n  y=v",
      "a=b\\\r\r\nc",
      "a=b\\\n\r\nc",
      "a\\\n=b",
      "a\\\n\\\n\\\n=b",
      "a=\\\n\\\n",
      "\\\n\\\nk=v",
      // comments never continue; continued lines that look like comments are content
      "# comment \\\na=b",
      "! comment \\\\\\\na=b",
      "a=b\\\n#c",
      "a=b\\\n   !c",
      "\\\n#c\nk=v",
      "\\\n  #c\nk=v",
      "\\\n!c",
      "\\\n#c",
      "#c\\\r\nk=v",
      // trailing backslash at the end of the input
      "a=b\\",
      "a=b\\\n",
      "a=b\\\\\\",
      "\\",
      "\\\n",
      "\\\n\n",
      "\\\n   ",
      "\\\r",
      "\\\r\n",
      "  \\",
      "a=b\\\n\\",
      "\\\\",
      "\\\\\\",
      // escapes
      "a=\\t\\n\\r\\f",
      "a=\\q\\\\\\\"\\'",
      "a=\\ b",
      "a=\\u0041\\u00e9\\u20AC",
      "a\\=b\\:c\\ d=e",
      "\\u0041bc=1",
      "\\#x=1",
      "a\\u003db=c",
      "a=\\uD83D\\uDE00",
      "a=\\uD800x",
      "a=\\uDC00\\uD800",
      "\\uD83D=\\uDE00",
      "a=\\u0000",
      "\\ =x",
      "\\\\=x",
      "a\\\\ b=c",
      // ISO-8859-1
      "k=\xE9\xFF\x80",
      "\xE9=1",
      "k=\xC3\xA9",
      "k=a\0b"s,
      "\0=\0"s,
      "\xA0=\x85",
      // malformed \u
      "a=\\u12",
      "a=\\u12G4",
      "a=\\u",
      "\\u00=x",
      "ok=1\n\n\\uXYZW",
      "a=1\n# c\nb=\\\n  \\u12",
      "# \\u12\na=1",
      "a=\\u12\\\n34",
      "a=\\\\u12",
      "a=\\u00E",
      // raw and line
      "# c\r\n  key = a\\\r\n    b  \r\nnext:1",
      "\\\n  k=v",
      // duplicates
      "a=1\nb=2\na=3",
      "=1\n=2",
      "a\n a=1\n  a:",
      // Windows paths
      "keystore.dir = C:\\ProgramData\\Symantec\\DataLossPrevention\\DetectionServer\\16.0\\"
      "keystore\n",
      "ks=\\\\server\\share\\prevent.ks",
      "ks=C:\\\\ProgramData\\Symantec",
      "ks=\\Program Files\\Symantec",
      "ks=D:\\temp\\new",
      "dir=Symantec\\DLP\\keystore",
      "ks = C:\\ProgramData\\\n    Symantec\\keystore",
      "ks=C:\\\\ProgramData\\\\Symantec\\\\keystore\\\\prevent.ks",
      "ks=C:/ProgramData/Symantec/keystore/prevent.ks",
      "ks=C\\:\\\\ProgramData\\\\Symantec",
      "key\\ with\\ space=a\\=b\\:c\\#d\\!e",
      "re=^\\d+\\.\\d+$",
  };
}

}  // namespace ksdoctor::testing
