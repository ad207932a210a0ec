#include "ksdoctor/pem.hpp"

#include <array>
#include <string>

#include "x509/der.hpp"

namespace ksdoctor {
namespace {

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kBase64 = make_table();

Bytes base64_decode(std::string_view text) {
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    std::int8_t v = kBase64[static_cast<unsigned char>(c)];
    if (v < 0 || padding) throw FormatError("BAD_PEM", "invalid base64 inside a PEM block");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// Base64 of a PEM body as tools write it: full lines ended by LF or CRLF, '=' only at the end.
// False for anything else.
bool decode_canonical_base64(std::string_view body, Bytes& out) {
  out.resize(body.size() / 4 * 3 + 3);
  std::size_t size = 0;
  std::uint32_t acc = 0;
  int count = 0;
  std::size_t i = 0;
  for (; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    const std::int8_t v = kBase64[c];
    if (v >= 0) {
      acc = (acc << 6) | static_cast<std::uint32_t>(v);
      if (++count == 4) {
        out[size] = static_cast<std::uint8_t>(acc >> 16);
        out[size + 1] = static_cast<std::uint8_t>(acc >> 8);
        out[size + 2] = static_cast<std::uint8_t>(acc);
        size += 3;
        count = 0;
        acc = 0;
      }
    } else if (c != '\n' && c != '\r') {
      break;
    }
  }
  int padding = 0;
  for (; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '=' && padding < 2) {
      ++padding;
    } else if (c != '\n' && c != '\r') {
      return false;
    }
  }
  if (count == 3 && padding <= 1) {
    out[size] = static_cast<std::uint8_t>(acc >> 10);
    out[size + 1] = static_cast<std::uint8_t>(acc >> 2);
    size += 2;
  } else if (count == 2 && padding != 1) {
    out[size] = static_cast<std::uint8_t>(acc >> 4);
    size += 1;
  } else if (count != 0 || padding != 0) {
    return false;
  }
  out.resize(size);
  return true;
}

}  // namespace

bool canonical_certificate_blocks(std::string_view text, std::vector<Bytes>& blocks) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  blocks.clear();
  for (std::size_t pos = text.find(kBegin); pos != std::string_view::npos;
       pos = text.find(kBegin, pos)) {
    const std::size_t body = pos + kBegin.size();
    const std::size_t stop = text.find(kEnd, body);
    if (stop == std::string_view::npos) return false;
    if (!decode_canonical_base64(text.substr(body, stop - body), blocks.emplace_back())) {
      return false;
    }
    pos = stop + kEnd.size();
  }
  return true;
}

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
      std::vector<Bytes> blocks;
      bool plain = label == std::string_view("CERTIFICATE");
      if (!plain || !canonical_certificate_blocks(text, blocks)) blocks = pem_blocks(text, label);
      for (Bytes& der : blocks) {
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
