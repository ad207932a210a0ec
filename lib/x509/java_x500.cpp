#include "java_x500.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/text.hpp"
#include "x509/der.hpp"

namespace ksdoctor {
namespace {

// The attribute types AVA.toKeyword(RFC2253) names; any other is written as a dotted OID, and
// then its value is always compared as "#" + hex of its DER.
const char* rfc2253_keyword(const std::string& oid) {
  static const std::pair<const char*, const char*> kKeywords[] = {
      {"2.5.4.3", "cn"},
      {"2.5.4.6", "c"},
      {"2.5.4.7", "l"},
      {"2.5.4.8", "st"},
      {"2.5.4.10", "o"},
      {"2.5.4.11", "ou"},
      {"2.5.4.9", "street"},
      {"0.9.2342.19200300.100.1.25", "dc"},
      {"0.9.2342.19200300.100.1.1", "uid"},
  };
  for (const auto& [o, k] : kKeywords) {
    if (oid == o) return k;
  }
  return nullptr;
}

std::u16string ascii16(std::string_view s) { return std::u16string(s.begin(), s.end()); }

// Appending rather than "#" + to_hex(...): GCC 12 at -O3 flags the latter (-Wrestrict, a known
// false positive), which breaks -Werror release builds.
std::u16string hex16(ByteView bytes) {
  std::string hex = to_hex(bytes);
  std::u16string out = u"#";
  out.append(hex.begin(), hex.end());
  return out;
}

std::u16string canonical_value(const der::Tlv& value) {
  std::u16string text;
  if (value.tag == der::kPrintableString) {
    for (std::uint8_t b : value.value) text.push_back(b);  // ISO-8859-1
  } else {
    text = utf8_to_utf16(
        std::string_view(reinterpret_cast<const char*>(value.value.data()), value.value.size()));
  }
  std::u16string out;
  bool previous_space = false;
  for (char16_t c : text) {
    if (c == u' ') {
      if (previous_space) continue;  // runs of spaces collapse to one
      previous_space = true;
    } else {
      previous_space = false;
    }
    if (c == u',' || c == u'+' || c == u'\\' || c == u'=') out.push_back(u'\\');
    out.push_back(c);
  }
  // String.trim(): every char <= U+0020 at either end.
  std::size_t b = 0, e = out.size();
  while (b < e && out[b] <= 0x20) ++b;
  while (e > b && out[e - 1] <= 0x20) --e;
  return java_lowercase(out.substr(b, e - b));
}

}  // namespace

std::u16string java_x500_canonical(ByteView name_der) {
  try {
    der::Walker top(name_der, "Name");
    der::Walker rdns(top.expect(der::kSequence).value, "Name");
    std::u16string out;
    bool first_rdn = true;
    while (!rdns.at_end()) {
      der::Walker avas(rdns.expect(der::kSet).value, "RDN");
      std::vector<std::u16string> parts;
      while (!avas.at_end()) {
        der::Walker ava(avas.expect(der::kSequence).value, "AVA");
        std::string oid = der::oid_to_string(ava.expect(der::kOid).value);
        der::Tlv value = ava.next();
        const char* keyword = rfc2253_keyword(oid);
        std::u16string part = ascii16(keyword ? keyword : oid) + u"=";
        if (keyword && (value.tag == der::kPrintableString || value.tag == der::kUtf8String)) {
          part += canonical_value(value);
        } else {
          part += hex16(value.whole);
        }
        parts.push_back(std::move(part));
      }
      std::sort(parts.begin(), parts.end());
      if (!first_rdn) out.push_back(u',');
      first_rdn = false;
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out.push_back(u'+');
        out += parts[i];
      }
    }
    return out;
  } catch (const FormatError&) {
    return hex16(name_der);
  }
}

namespace {

// Path building compares the same few issuer names against thousands of certificates; each
// thread remembers the canonical forms it computed (bounded, so a hostile pool cannot grow it).
//
// The maps are owned by the process, not by thread_local objects: a thread_local with a
// destructor, run when its thread ends, corrupted the heap in the MinGW build (winpthreads and
// emulated TLS: verify --trust loads its sources on a thread that then exits). Each thread keeps
// a plain pointer to its own map; the maps go with the process.
using Memo = std::unordered_map<std::string, std::u16string>;
Memo& thread_memo() {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<Memo>> memos;
  thread_local Memo* mine = nullptr;
  if (!mine) {
    std::lock_guard<std::mutex> lock(mutex);
    mine = memos.emplace_back(std::make_unique<Memo>()).get();
  }
  return *mine;
}

const std::u16string& canonical_memo(ByteView name_der) {
  Memo& memo = thread_memo();
  std::string key(reinterpret_cast<const char*>(name_der.data()), name_der.size());
  auto it = memo.find(key);
  if (it != memo.end()) return it->second;
  if (memo.size() > 50000) memo.clear();
  return memo.emplace(std::move(key), java_x500_canonical(name_der)).first->second;
}

}  // namespace

bool java_x500_equal(ByteView a, ByteView b) {
  if (std::equal(a.begin(), a.end(), b.begin(), b.end())) return true;
  std::u16string first = canonical_memo(a);
  return first == canonical_memo(b);
}

const std::u16string& java_x500_canonical_cached(ByteView name_der) {
  return canonical_memo(name_der);
}

}  // namespace ksdoctor
