// JSON documents, built with nlohmann::ordered_json — and, for `inspect` on the command line,
// also written directly and in pieces (write_inspect_json): the document tree of a 5 000-entry
// store takes ≈ 30 MB and 60 ms to build and dump; writing it directly, ≈ 6 ms and 128 KiB.
#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "append.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {

using Json = nlohmann::ordered_json;

Json certificate_json(const Certificate& cert) {
  Json j;
  j["subject"] = cert.subject;
  j["issuer"] = cert.issuer;
  j["serial"] = cert.serial_hex;
  j["not_before"] = format_rfc3339(cert.not_before);
  j["not_after"] = format_rfc3339(cert.not_after);
  j["sha256"] = cert.sha256;
  j["sha1"] = cert.sha1;
  j["key"] = cert.key.describe();
  j["signature_algorithm"] = cert.signature_algorithm;
  j["is_ca"] = cert.is_ca;
  j["self_signed"] = cert.self_issued();
  j["version"] = cert.version;
  if (!cert.subject_key_id.empty()) j["subject_key_id"] = to_hex(cert.subject_key_id);
  if (!cert.authority_key_id.empty()) j["authority_key_id"] = to_hex(cert.authority_key_id);
  if (!cert.ca_issuers.empty()) j["ca_issuers"] = cert.ca_issuers;
  return j;
}

Json finding_json(const Finding& f) {
  Json j;
  j["code"] = f.code;
  j["severity"] = severity_name(f.severity);
  if (f.alias) j["alias"] = *f.alias;
  j["message"] = f.message;
  j["remedy"] = f.remedy;
  for (const auto& [key, value] : f.details) j[key] = value;
  return j;
}

Json inspect_json(const std::string& file, const InspectResult& result) {
  const Keystore& store = result.store;
  Json j;
  j["file"] = file;
  j["format"] = format_name(store.format);
  j["version"] = store.version;
  j["integrity"] = integrity_name(store.integrity);
  if (store.protection) {
    const Pkcs12Protection& p = *store.protection;
    j["protection"] = {{"cert_algorithm", p.cert_algorithm}, {"cert_iterations", p.cert_iterations},
                       {"key_algorithm", p.key_algorithm},   {"key_iterations", p.key_iterations},
                       {"mac_algorithm", p.mac_algorithm},   {"mac_iterations", p.mac_iterations}};
  }
  Json entries = Json::array();
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    Json je;
    je["alias"] = e.alias;
    je["kind"] = kind_name(e.kind);
    je["created"] = e.created_ms ? Json(format_rfc3339_ms(*e.created_ms)) : Json(nullptr);
    je["lookupable"] = store.lookupable(e);
    if (e.key) {
      const KeyReport& k = result.keys[i];
      Json jk;
      jk["protection"] = e.key->algorithm;
      if (e.key->iterations) jk["iterations"] = e.key->iterations;
      jk["status"] = key_check_name(k.status);
      if (!k.algorithm.empty()) jk["algorithm"] = k.algorithm;
      if (k.matches_chain) jk["matches_certificate"] = *k.matches_chain;
      je["key"] = jk;
    }
    Json chain = Json::array();
    for (const CertPtr& c : e.chain) chain.push_back(certificate_json(*c));
    je["chain"] = chain;
    entries.push_back(std::move(je));
  }
  j["entries"] = entries;
  Json hidden = Json::array();
  for (const CertPtr& c : store.hidden_certificates) hidden.push_back(certificate_json(*c));
  j["hidden_certificates"] = hidden;
  Json findings = Json::array();
  for (const Finding& f : result.findings) findings.push_back(finding_json(f));
  j["findings"] = findings;
  return j;
}

namespace {

// Writes what inspect_json(...).dump(2) writes, byte for byte: nlohmann's layout (two-space
// indent, "key": value, [] and {} when empty) and its string escaping (", \\, \b \f \n \r \t,
// other control characters as \u00xx, everything else as is), into a plain buffer. nlohmann throws
// on invalid UTF-8, so a first, dry pass over the same calls only checks the strings (valid()).
class Writer {
  static constexpr auto kEscaped = [] {  // the bytes dump() escapes: " \\ and 0x00–0x1F
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = true;
    t['"'] = t['\\'] = true;
    return t;
  }();

 public:
  explicit Writer(bool dry) : dry_(dry) {}
  bool valid() const { return valid_; }
  std::string_view written() const {
    return {buf_.get(), static_cast<std::size_t>(p_ - buf_.get())};
  }
  void clear() { p_ = buf_.get(); }

  void open(char bracket) {
    if (dry_) return;
    room(1);
    *p_++ = bracket;
    ++level_;
    first_ = true;
  }
  void close(char bracket) {
    if (dry_) return;
    --level_;
    if (!first_) newline();
    room(1);
    *p_++ = bracket;
    first_ = false;
  }
  void key(std::string_view name) {
    element();
    string(name);
    if (dry_) return;
    room(2);
    *p_++ = ':';
    *p_++ = ' ';
  }
  void element() {
    if (dry_) return;
    if (!first_) {
      room(1);
      *p_++ = ',';
    }
    newline();
    first_ = false;
  }

  void string(std::string_view s) {
    if (dry_) {
      check(s);
      return;
    }
    room(s.size() + 2);
    *p_++ = '"';
    std::size_t plain = 0;  // start of the run not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
      if ((i & 7) == 0) {  // eight bytes at a time while none needs escaping
        while (i + 8 <= s.size() && !needs_escape(s.data() + i)) i += 8;
        if (i == s.size()) break;
      }
      auto c = static_cast<unsigned char>(s[i]);
      if (!kEscaped[c]) continue;
      raw(s.substr(plain, i - plain));
      switch (c) {
        case '"':
          raw("\\\"");
          break;
        case '\\':
          raw("\\\\");
          break;
        case '\b':
          raw("\\b");
          break;
        case '\f':
          raw("\\f");
          break;
        case '\n':
          raw("\\n");
          break;
        case '\r':
          raw("\\r");
          break;
        case '\t':
          raw("\\t");
          break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0x0f]};
          raw(std::string_view(u, sizeof u));
        }
      }
      plain = i + 1;
    }
    raw(s.substr(plain));
    room(1);
    *p_++ = '"';
  }
  // A string known to be ASCII (hex digests, algorithm names, the library's own words): written
  // as string() writes it, not checked by the dry pass.
  void ascii(std::string_view s) {
    if (!dry_) string(s);
  }
  bool dry() const { return dry_; }

  void number(std::int64_t v) {
    if (dry_) return;
    room(append::kMaxWritten);
    p_ = append::number(p_, v);
  }
  void boolean(bool v) {
    if (!dry_) raw(v ? "true" : "false");
  }
  void null() {
    if (!dry_) raw("null");
  }
  void time(std::int64_t secs) {  // format_rfc3339, quoted
    if (dry_) return;
    room(append::kMaxWritten + 2);
    *p_++ = '"';
    p_ = append::rfc3339(p_, secs);
    *p_++ = '"';
  }
  void time_ms(std::int64_t millis) {  // format_rfc3339_ms, quoted
    if (dry_) return;
    room(append::kMaxWritten + 2);
    *p_++ = '"';
    p_ = append::rfc3339_ms(p_, millis);
    *p_++ = '"';
  }
  void hex(ByteView bytes) {  // to_hex, quoted
    if (dry_) return;
    static constexpr char kDigits[] = "0123456789abcdef";
    room(2 * bytes.size() + 2);
    *p_++ = '"';
    for (std::uint8_t b : bytes) {
      *p_++ = kDigits[b >> 4];
      *p_++ = kDigits[b & 0x0f];
    }
    *p_++ = '"';
  }

 private:
  void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }
  void grow(std::size_t n) {
    std::size_t used = static_cast<std::size_t>(p_ - buf_.get());
    std::size_t capacity = std::max<std::size_t>(
        {2 * static_cast<std::size_t>(end_ - buf_.get()), used + n, std::size_t{128} * 1024});
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (used) std::memcpy(bigger.get(), buf_.get(), used);
    buf_ = std::move(bigger);
    p_ = buf_.get() + used;
    end_ = buf_.get() + capacity;
  }
  void raw(std::string_view s) {
    room(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void newline() {
    std::size_t indent = static_cast<std::size_t>(level_) * 2;
    room(indent + 1);
    *p_++ = '\n';
    std::memset(p_, ' ', indent);
    p_ += indent;
  }

  // Whether any of the eight bytes at p is one kEscaped marks: below 0x20, '"' or '\\'.
  static bool needs_escape(const char* p) {
    constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    auto zero_byte = [&](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    std::uint64_t below_0x20 = (w - kOnes * 0x20) & ~w & kHigh;
    return (below_0x20 | zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\'))) != 0;
  }

  // Well-formed UTF-8 (Unicode Table 3-7, as nlohmann's decoder: no overlongs, surrogates or code
  // points above U+10FFFF, no truncated sequence).
  void check(std::string_view s) {
    std::size_t i = 0;
    for (std::uint64_t word; i + 8 <= s.size(); i += 8) {  // skip ASCII eight bytes at a time
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080u) break;
    }
    while (i < s.size()) {
      unsigned b0 = static_cast<unsigned char>(s[i]);
      if (b0 < 0x80) {
        ++i;
        continue;
      }
      auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
        if (i + k >= s.size()) return false;
        unsigned b = static_cast<unsigned char>(s[i + k]);
        return b >= lo && b <= hi;
      };
      std::size_t n = 0;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = cont(1) ? 2 : 0;
      } else if (b0 == 0xE0) {
        n = cont(1, 0xA0) && cont(2) ? 3 : 0;
      } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
        n = cont(1) && cont(2) ? 3 : 0;
      } else if (b0 == 0xED) {
        n = cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
      } else if (b0 == 0xF0) {
        n = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
      } else if (b0 >= 0xF1 && b0 <= 0xF3) {
        n = cont(1) && cont(2) && cont(3) ? 4 : 0;
      } else if (b0 == 0xF4) {
        n = cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
      }
      if (n == 0) {
        valid_ = false;
        return;
      }
      i += n;
    }
  }

  std::unique_ptr<char[]> buf_;
  char* p_ = nullptr;
  char* end_ = nullptr;
  bool dry_;
  int level_ = 0;
  bool first_ = true;
  bool valid_ = true;
};

// Mirrors certificate_json().
void write_certificate(Writer& w, const Certificate& cert) {
  w.open('{');
  w.key("subject");
  w.string(cert.subject);
  w.key("issuer");
  w.string(cert.issuer);
  w.key("serial");
  w.ascii(cert.serial_hex);  // hex (serial_to_hex)
  w.key("not_before");
  w.time(cert.not_before);
  w.key("not_after");
  w.time(cert.not_after);
  w.key("sha256");
  w.ascii(cert.sha256);  // hex
  w.key("sha1");
  w.ascii(cert.sha1);
  // Names from the OID tables, or dotted OIDs.
  w.key("key");
  if (!w.dry()) w.ascii(cert.key.describe());
  w.key("signature_algorithm");
  w.ascii(cert.signature_algorithm);
  w.key("is_ca");
  w.boolean(cert.is_ca);
  w.key("self_signed");
  w.boolean(cert.self_issued());
  w.key("version");
  w.number(cert.version);
  if (!cert.subject_key_id.empty()) {
    w.key("subject_key_id");
    w.hex(cert.subject_key_id);
  }
  if (!cert.authority_key_id.empty()) {
    w.key("authority_key_id");
    w.hex(cert.authority_key_id);
  }
  if (!cert.ca_issuers.empty()) {
    w.key("ca_issuers");
    w.open('[');
    for (const std::string& uri : cert.ca_issuers) {
      w.element();
      w.string(uri);
    }
    w.close(']');
  }
  w.close('}');
}

// Mirrors finding_json(), including that a detail named like an earlier member replaces its value
// in place.
void write_finding(Writer& w, const Finding& f) {
  std::vector<std::pair<std::string_view, std::string_view>> members;
  members.reserve(5 + f.details.size());
  members.emplace_back("code", f.code);
  members.emplace_back("severity", severity_name(f.severity));
  if (f.alias) members.emplace_back("alias", *f.alias);
  members.emplace_back("message", f.message);
  members.emplace_back("remedy", f.remedy);
  for (const auto& [key, value] : f.details) {
    auto it =
        std::find_if(members.begin(), members.end(), [&](const auto& m) { return m.first == key; });
    if (it != members.end()) {
      it->second = value;
    } else {
      members.emplace_back(key, value);
    }
  }
  w.open('{');
  for (const auto& [key, value] : members) {
    w.key(key);
    w.string(value);
  }
  w.close('}');
}

// Mirrors inspect_json(); hands `flush` the text written so far after each entry and finding.
template <class Flush>
void write_inspect(Writer& w, const std::string& file, const InspectResult& result, Flush flush) {
  const Keystore& store = result.store;
  w.open('{');
  w.key("file");
  w.string(file);
  w.key("format");
  w.ascii(format_name(store.format));
  w.key("version");
  w.number(store.version);
  w.key("integrity");
  w.ascii(integrity_name(store.integrity));
  if (store.protection) {
    const Pkcs12Protection& p = *store.protection;
    w.key("protection");
    w.open('{');
    w.key("cert_algorithm");
    w.string(p.cert_algorithm);
    w.key("cert_iterations");
    w.number(p.cert_iterations);
    w.key("key_algorithm");
    w.string(p.key_algorithm);
    w.key("key_iterations");
    w.number(p.key_iterations);
    w.key("mac_algorithm");
    w.string(p.mac_algorithm);
    w.key("mac_iterations");
    w.number(p.mac_iterations);
    w.close('}');
  }
  w.key("entries");
  w.open('[');
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    w.element();
    w.open('{');
    w.key("alias");
    w.string(e.alias);
    w.key("kind");
    w.ascii(kind_name(e.kind));
    w.key("created");
    if (e.created_ms) {
      w.time_ms(*e.created_ms);
    } else {
      w.null();
    }
    w.key("lookupable");
    w.boolean(store.lookupable(e));
    if (e.key) {
      const KeyReport& k = result.keys[i];
      w.key("key");
      w.open('{');
      w.key("protection");
      w.string(e.key->algorithm);
      if (e.key->iterations) {
        w.key("iterations");
        w.number(e.key->iterations);
      }
      w.key("status");
      w.ascii(key_check_name(k.status));
      if (!k.algorithm.empty()) {
        w.key("algorithm");
        w.string(k.algorithm);
      }
      if (k.matches_chain) {
        w.key("matches_certificate");
        w.boolean(*k.matches_chain);
      }
      w.close('}');
    }
    w.key("chain");
    w.open('[');
    for (const CertPtr& c : e.chain) {
      w.element();
      write_certificate(w, *c);
    }
    w.close(']');
    w.close('}');
    flush();
  }
  w.close(']');
  w.key("hidden_certificates");
  w.open('[');
  for (const CertPtr& c : store.hidden_certificates) {
    w.element();
    write_certificate(w, *c);
    flush();
  }
  w.close(']');
  w.key("findings");
  w.open('[');
  for (const Finding& f : result.findings) {
    w.element();
    write_finding(w, f);
    flush();
  }
  w.close(']');
  w.close('}');
  flush();
}

}  // namespace

void write_inspect_json(const std::string& file, const InspectResult& result,
                        const std::function<void(std::string_view)>& sink) {
  Writer dry(true);
  write_inspect(dry, file, result, [] {});
  // A string that is not valid UTF-8 (possible in a malformed certificate): nlohmann decides
  // (it throws), before anything is written.
  if (!dry.valid()) {
    sink(inspect_json(file, result).dump(2));
    return;
  }
  constexpr std::size_t kPiece = 64 * 1024;
  Writer w(false);
#ifdef NDEBUG
  write_inspect(w, file, result, [&] {
    if (w.written().size() >= kPiece) {
      sink(w.written());
      w.clear();
    }
  });
  sink(w.written());
#else
  // Debug builds (and so the sanitizer test runs) check that the two writers agree, every run.
  (void)kPiece;
  write_inspect(w, file, result, [] {});
  if (w.written() != inspect_json(file, result).dump(2)) {
    throw std::logic_error("write_inspect_json differs from inspect_json().dump(2)");
  }
  sink(w.written());
#endif
}

}  // namespace ksdoctor::report
