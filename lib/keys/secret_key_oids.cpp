#include "secret_key_oids.hpp"

#include <cstdint>

#include "core/text.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {
namespace {

struct KnownOid {
  const char* oid;
  const char* name;   // KnownOIDs stdName: what getAlgorithm() reports after a PKCS#12 load
  const char* alias;  // a further name AlgorithmId.get accepts, or ""
};

// The cipher, MAC and PBE entries of JDK 17's sun.security.util.KnownOIDs (dumped from the JVM on
// this machine). Public-key, digest and signature names are left out on purpose: Java would write
// them for a SecretKeySpec too, but such a "secret key" is a mistake worth refusing.
constexpr KnownOid kKnown[] = {
    {"2.16.840.1.101.3.4.1", "AES", ""},
    {"2.16.840.1.101.3.4.1.1", "AES_128/ECB/NoPadding", ""},
    {oids::kAes128Cbc, "AES_128/CBC/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.3", "AES_128/OFB/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.4", "AES_128/CFB/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.5", "AES_128/KW/NoPadding", "AESWrap_128"},
    {"2.16.840.1.101.3.4.1.6", "AES_128/GCM/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.8", "AES_128/KWP/NoPadding", "AESWrapPad_128"},
    {"2.16.840.1.101.3.4.1.21", "AES_192/ECB/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.22", "AES_192/CBC/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.23", "AES_192/OFB/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.24", "AES_192/CFB/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.25", "AES_192/KW/NoPadding", "AESWrap_192"},
    {"2.16.840.1.101.3.4.1.26", "AES_192/GCM/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.28", "AES_192/KWP/NoPadding", "AESWrapPad_192"},
    {"2.16.840.1.101.3.4.1.41", "AES_256/ECB/NoPadding", ""},
    {oids::kAes256Cbc, "AES_256/CBC/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.43", "AES_256/OFB/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.44", "AES_256/CFB/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.45", "AES_256/KW/NoPadding", "AESWrap_256"},
    {"2.16.840.1.101.3.4.1.46", "AES_256/GCM/NoPadding", ""},
    {"2.16.840.1.101.3.4.1.48", "AES_256/KWP/NoPadding", "AESWrapPad_256"},
    {"2.16.840.1.101.3.4.2.13", "HmacSHA3-224", ""},
    {"2.16.840.1.101.3.4.2.14", "HmacSHA3-256", ""},
    {"2.16.840.1.101.3.4.2.15", "HmacSHA3-384", ""},
    {"2.16.840.1.101.3.4.2.16", "HmacSHA3-512", ""},
    {"1.2.840.113549.1.5.3", "PBEWithMD5AndDES", ""},
    {"1.2.840.113549.1.5.6", "PBEWithMD5AndRC2", ""},
    {"1.2.840.113549.1.5.10", "PBEWithSHA1AndDES", ""},
    {"1.2.840.113549.1.5.11", "PBEWithSHA1AndRC2", ""},
    {oids::kPbkdf2, "PBKDF2WithHmacSHA1", ""},
    {oids::kPbes2, "PBES2", ""},
    {"1.2.840.113549.1.9.16.3.18", "CHACHA20-POLY1305", ""},
    {"1.2.840.113549.1.12.1.1", "PBEWithSHA1AndRC4_128", ""},
    {"1.2.840.113549.1.12.1.2", "PBEWithSHA1AndRC4_40", ""},
    {"1.2.840.113549.1.12.1.3", "PBEWithSHA1AndDESede", ""},
    {"1.2.840.113549.1.12.1.5", "PBEWithSHA1AndRC2_128", ""},
    {"1.2.840.113549.1.12.1.6", "PBEWithSHA1AndRC2_40", ""},
    {"1.2.840.113549.2.7", "HmacSHA1", ""},
    {"1.2.840.113549.2.8", "HmacSHA224", ""},
    {"1.2.840.113549.2.9", "HmacSHA256", ""},
    {"1.2.840.113549.2.10", "HmacSHA384", ""},
    {"1.2.840.113549.2.11", "HmacSHA512", ""},
    {"1.2.840.113549.2.12", "HmacSHA512/224", ""},
    {"1.2.840.113549.2.13", "HmacSHA512/256", ""},
    {"1.2.840.113549.3.2", "RC2/CBC/PKCS5Padding", ""},
    {"1.2.840.113549.3.4", "ARCFOUR", "RC4"},
    {"1.2.840.113549.3.7", "DESede/CBC/NoPadding", ""},
    {"1.2.840.113549.3.9", "RC5/CBC/PKCS5Padding", ""},
    {"1.3.14.3.2.7", "DES/CBC", "DES"},
    {"1.3.14.3.2.17", "DESede", ""},
};

// KnownOIDs.findMatch compares name.toUpperCase(Locale.ENGLISH). Two non-ASCII letters turn into
// ASCII there (dotless i, long s), so "HmacSHA256" spelled with U+017F still matches; any other
// non-ASCII character cannot match an ASCII name, so the result is empty.
std::string java_upper(std::string_view name) {
  std::string out;
  for (char16_t c : utf8_to_utf16(name)) {
    if (c == u'\u0131') {
      out += 'I';
    } else if (c == u'\u017F') {
      out += 'S';
    } else if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      return {};
    }
  }
  return out;
}

// ObjectIdentifier.of(String) in canonical form, or nothing for what it would reject (empty or
// non-digit components, first arc above 2, second above 39 under 0 and 1, fewer than two arcs).
// Arcs too large for 64 bits are refused too, although Java takes them as BigIntegers.
std::optional<std::string> dotted_oid(std::string_view text) {
  std::string canonical;
  std::uint64_t first = 0;
  std::size_t count = 0;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = text.find('.', start);
    std::string_view arc = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (arc.empty() || arc.size() > 18) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : arc) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (count == 0 && value > 2) return std::nullopt;
    if (count == 0) first = value;
    if (count == 1 && first < 2 && value > 39) return std::nullopt;
    if (count > 0) canonical += '.';
    canonical += std::to_string(value);
    ++count;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (count < 2) return std::nullopt;
  return canonical;
}

}  // namespace

std::string java_secret_key_name(std::string_view oid) {
  for (const KnownOid& k : kKnown) {
    if (oid == k.oid) return k.name;
  }
  return std::string(oid);
}

std::optional<std::string> java_secret_key_oid(std::string_view name) {
  if (name.starts_with("OID.")) name.remove_prefix(4);
  const std::string upper = java_upper(name);
  if (!upper.empty()) {
    for (const KnownOid& k : kKnown) {
      if (upper == k.oid || upper == java_upper(k.name) ||
          (*k.alias && upper == java_upper(k.alias))) {
        return std::string(k.oid);
      }
    }
  }
  // Java turns any other name with a dot into an OID; a name without one has no OID.
  if (name.find('.') == std::string_view::npos) return std::nullopt;
  return dotted_oid(name);
}

}  // namespace ksdoctor
