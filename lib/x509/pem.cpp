#include "ksdoctor/pem.hpp"

#include <array>
#include <string>

#include "x509/der.hpp"

namespace ksdoctor {
namespace {

// What each byte is to the decoder: a base64 digit (0–63), a line break or blank, which is
// skipped, '=' (padding), or anything else.
enum : std::uint8_t { kSkip = 64, kPad = 65, kBad = 255 };
constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = kBad;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  for (char c : {' ', '\t', '\r', '\n'}) t[static_cast<unsigned char>(c)] = kSkip;
  t['='] = kPad;
  return t;
}
constexpr auto kBase64 = make_table();

[[noreturn]] void bad_base64() {
  throw FormatError("BAD_PEM", "invalid base64 inside a PEM block");
}

// A PEM body's base64: blanks and line breaks anywhere, '=' only at the end (how many is not
// checked), and a final group of 2 or 3 digits giving 1 or 2 bytes (a lone digit gives none).
// Folders of thousands of PEM files go through here, so the digits are decoded four at a time
// into a buffer sized up front.
Bytes base64_decode(std::string_view text) {
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t size = 0;
  std::uint32_t acc = 0;
  int count = 0;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const std::uint8_t v = kBase64[static_cast<unsigned char>(text[i])];
    if (v < 64) {
      acc = (acc << 6) | v;
      if (++count == 4) {
        out[size] = static_cast<std::uint8_t>(acc >> 16);
        out[size + 1] = static_cast<std::uint8_t>(acc >> 8);
        out[size + 2] = static_cast<std::uint8_t>(acc);
        size += 3;
        count = 0;
        acc = 0;
      }
    } else if (v == kPad) {
      break;
    } else if (v != kSkip) {
      bad_base64();
    }
  }
  for (; i < text.size(); ++i) {  // after the first '=': only more of them, blanks and breaks
    const std::uint8_t v = kBase64[static_cast<unsigned char>(text[i])];
    if (v != kPad && v != kSkip) bad_base64();
  }
  if (count == 3) {
    out[size] = static_cast<std::uint8_t>(acc >> 10);
    out[size + 1] = static_cast<std::uint8_t>(acc >> 2);
    size += 2;
  } else if (count == 2) {
    out[size] = static_cast<std::uint8_t>(acc >> 4);
    size += 1;
  }
  out.resize(size);
  return out;
}

}  // namespace

std::vector<Bytes> pem_blocks(std::string_view text, std::string_view label) {
  std::vector<Bytes> blocks;
  std::string begin = "-----BEGIN " + std::string(label) + "-----";
  std::string end = "-----END " + std::string(label) + "-----";
  std::size_t pos = 0;
  while ((pos = text.find(begin, pos)) != std::string_view::npos) {
    std::size_t body = pos + begin.size();
    std::size_t stop = text.find(end, body);
    if (stop == std::string_view::npos) {
      throw FormatError("BAD_PEM", "PEM block '" + std::string(label) + "' has no END line");
    }
    std::string_view inner = text.substr(body, stop - body);
    // Skip RFC 1421 headers ("Proc-Type: ...") if present: they end at an empty line.
    if (inner.find(':') != std::string_view::npos) {
      std::size_t blank = inner.find("\n\n");
      if (blank == std::string_view::npos) blank = inner.find("\r\n\r\n");
      if (blank != std::string_view::npos) inner = inner.substr(blank);
    }
    blocks.push_back(base64_decode(inner));
    pos = stop + end.size();
  }
  return blocks;
}

std::vector<CertPtr> read_certificates(ByteView file_bytes) {
  std::string_view text(reinterpret_cast<const char*>(file_bytes.data()), file_bytes.size());
  std::vector<CertPtr> certs;
  if (text.find("-----BEGIN ") != std::string_view::npos) {
    for (const char* label : {"CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"}) {
      for (Bytes& der : pem_blocks(text, label)) {
        if (std::string_view(label) == "TRUSTED CERTIFICATE") {
          // OpenSSL's trusted form appends trust settings after the certificate.
          der::Walker w(der, "trusted certificate");
          der::Tlv cert = w.expect(der::kSequence);
          der = Bytes(cert.whole.begin(), cert.whole.end());
        }
        certs.push_back(parse_certificate(std::move(der)));
      }
    }
    if (certs.empty()) throw FormatError("BAD_PEM", "the PEM file holds no certificate");
    return certs;
  }
  certs.push_back(parse_certificate(Bytes(file_bytes.begin(), file_bytes.end())));
  return certs;
}

}  // namespace ksdoctor
