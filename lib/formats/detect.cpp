#include "formats/bks/bks_format.hpp"
#include "formats/jks/jks_format.hpp"
#include "ksdoctor/formats.hpp"

namespace ksdoctor {

std::optional<StoreFormat> detect_format(ByteView bytes) {
  if (bytes.size() >= 4) {
    std::uint32_t magic = (static_cast<std::uint32_t>(bytes[0]) << 24) | (bytes[1] << 16) |
                          (bytes[2] << 8) | bytes[3];
    if (magic == jks::kJksMagic) return StoreFormat::kJks;
    if (magic == jks::kJceksMagic) return StoreFormat::kJceks;
  }
  // PKCS#12: PFX ::= SEQUENCE { version INTEGER (3), ... } — DER, or BER with indefinite length.
  if (bytes.size() >= 5 && bytes[0] == 0x30) {
    std::size_t p = 1;
    if (bytes[p] == 0x80) {
      p += 1;
    } else if (bytes[p] & 0x80) {
      p += 1 + (bytes[p] & 0x7F);
    } else {
      p += 1;
    }
    if (p + 3 <= bytes.size() && bytes[p] == 0x02 && bytes[p + 1] == 0x01 && bytes[p + 2] == 3) {
      return StoreFormat::kPkcs12;
    }
  }
  return bks::detect(bytes);
}

Keystore read_keystore(ByteView bytes, const Password& storepass,
                       std::optional<StoreFormat> forced) {
  std::optional<StoreFormat> detected = detect_format(bytes);
  auto bouncy = [](std::optional<StoreFormat> f) { return f && is_bouncycastle(*f); };
  // BouncyCastle's types read only their own layout, and Java's never read BouncyCastle's.
  if (forced && detected && (bouncy(forced) || bouncy(detected)) && forced != detected) {
    throw FormatError("MALFORMED", "Invalid keystore format");
  }
  // Since JDK 9 (keystore.type.compat=true) the JKS and PKCS12 types each load the other's files,
  // while JCEKS loads JKS and JCEKS files only and JKS never loads JCEKS.
  if (forced == StoreFormat::kJceks && detected == StoreFormat::kPkcs12) {
    throw FormatError("MALFORMED", "Invalid keystore format");
  }
  if (forced && forced != StoreFormat::kJceks && detected == StoreFormat::kJceks) {
    throw FormatError("MALFORMED", "Invalid keystore format");
  }
  std::optional<StoreFormat> format = detected ? detected : forced;
  if (!format) {
    throw FormatError("UNKNOWN_FORMAT",
                      "not a keystore: the content is neither JKS, JCEKS, PKCS#12, BKS nor UBER");
  }
  if (*format == StoreFormat::kPkcs12) return read_pkcs12(bytes, storepass);
  if (bouncy(format)) return read_bks_family(bytes, storepass, *format);
  Keystore store = read_jks_family(bytes, storepass);
  if (forced == StoreFormat::kJceks) store.format = StoreFormat::kJceks;
  return store;
}

}  // namespace ksdoctor
