// The plain framing BKS and UBER share: Java's writeUTF/readUTF and big-endian ints, the key
// object (BcKeyStoreSpi.encodeKey/decodeKey) and detection by content.
#include "bks_format.hpp"
#include "core/text.hpp"

namespace ksdoctor::bks {
namespace bks_framing_detail {

// One entry of a BKS entry stream, skipped without parsing certificates or keys. False when the
// bytes cannot be an entry.
bool skip_entry(Reader& in, std::uint8_t type) {
  if (type > kSealed) return false;
  in.skip(in.u16());  // alias
  in.i64();
  std::uint32_t chain = in.u32();
  if (chain > 0x7fffffff) return false;
  auto skip_cert = [&in] {
    in.skip(in.u16());
    std::uint32_t len = in.u32();
    if (len > 0x7fffffff) return false;
    in.skip(len);
    return true;
  };
  for (std::uint32_t i = 0; i < chain; ++i) {
    if (!skip_cert()) return false;
  }
  if (type == kCertificate) return skip_cert();
  if (type == kKey) {
    in.u8();
    in.skip(in.u16());
    in.skip(in.u16());
  }
  std::uint32_t len = in.u32();
  if (len > 0x7fffffff) return false;
  in.skip(len);
  return true;
}

}  // namespace bks_framing_detail

void write_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void write_i64(Bytes& out, std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(u >> shift));
}

void write_utf(Bytes& out, std::u16string_view text) {
  Bytes utf = encode_modified_utf8(text);
  out.push_back(static_cast<std::uint8_t>(utf.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(utf.size()));
  out.insert(out.end(), utf.begin(), utf.end());
}

std::u16string read_utf(Reader& in) {
  std::uint16_t len = in.u16();
  return decode_modified_utf8(in.take(len));
}

KeyObject decode_key_object(ByteView bytes) {
  Reader in(bytes, "key");
  KeyObject key;
  key.key_type = in.u8();
  key.format = utf16_to_utf8(read_utf(in));
  key.algorithm = utf16_to_utf8(read_utf(in));
  std::uint32_t len = in.u32();
  if (len > 0x7fffffff) in.fail("negative key length");
  ByteView enc = in.take(len);
  key.encoded.assign(enc.begin(), enc.end());
  const std::string& f = key.format;
  if (f != "PKCS#8" && f != "PKCS8" && f != "X.509" && f != "X509" && f != "RAW") {
    throw FormatError("MALFORMED", "Key format " + f + " not recognised!");
  }
  if (f != "RAW" && key.key_type > kSecretKey) {
    throw FormatError("MALFORMED", "Exception creating key: java.io.IOException: Key type " +
                                       std::to_string(key.key_type) + " not recognised!");
  }
  return key;
}

ByteView take_key_object(Reader& in) {
  std::size_t start = in.offset();
  in.u8();
  in.skip(in.u16());
  in.skip(in.u16());
  std::uint32_t len = in.u32();
  if (len > 0x7fffffff) in.fail("negative key length");
  in.skip(len);
  return in.consumed().subspan(start);
}

SecureBytes encode_key_object(const KeyObject& key) {
  Bytes head;
  head.push_back(key.key_type);
  write_utf(head, utf8_to_utf16(key.format));
  write_utf(head, utf8_to_utf16(key.algorithm));
  write_u32(head, static_cast<std::uint32_t>(key.encoded.size()));
  SecureBytes out(head.begin(), head.end());
  out.insert(out.end(), key.encoded.begin(), key.encoded.end());
  return out;
}

std::optional<StoreFormat> detect(ByteView bytes) {
  try {
    Reader in(bytes, "keystore");
    std::uint32_t version = in.u32();
    std::uint32_t salt_len = in.u32();
    if (version > 2 || salt_len == 0 || salt_len > 0x7fffffff) return std::nullopt;
    in.skip(salt_len);
    in.u32();  // iterations
    // A BKS entry stream that ends with a 0 byte and exactly the MAC...
    std::optional<std::size_t> after_entries;
    try {
      Reader body(in.rest(), "keystore");
      for (std::uint8_t type = body.u8(); type != kEnd; type = body.u8()) {
        if (!bks_framing_detail::skip_entry(body, type)) throw FormatError("MALFORMED", "");
      }
      after_entries = body.remaining();
    } catch (const FormatError&) {
    }
    if (after_entries == kMacSize) return StoreFormat::kBks;
    // ... or else Twofish blocks behind BouncyCastleStore's fixed 20-byte salt (a ciphertext that
    // starts with 0 reads as an empty entry stream: its length tells it apart) ...
    if (salt_len == kSaltSize && in.remaining() >= 32 && in.remaining() % 16 == 0) {
      return StoreFormat::kUber;
    }
    // ... or a BKS with bytes after its MAC, which BouncyCastle never reads.
    if (after_entries && *after_entries > kMacSize) return StoreFormat::kBks;
    // A damaged store still names its format when its header is BouncyCastle's, so that the
    // reader can say what is wrong with it: a plausible first entry type means BKS, anything else
    // behind a 20-byte salt UBER.
    if (salt_len <= 1024 && !in.at_end()) {
      if (in.rest()[0] <= kSealed) return StoreFormat::kBks;
      if (salt_len == kSaltSize) return StoreFormat::kUber;
    }
  } catch (const FormatError&) {
  }
  return std::nullopt;
}

}  // namespace ksdoctor::bks
