// Keystore readers. They parse and check integrity; they never decrypt keys.
#pragma once

#include <optional>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

// By content only (magic bytes / DER shape), never by file name.
std::optional<StoreFormat> detect_format(ByteView bytes);

// Reads JKS (v1, v2) and JCEKS exactly as Java's JavaKeyStore / JceKeyStore do.
// Throws FormatError on malformed input, PasswordError("WRONG_PASSWORD",
// "Keystore was tampered with, or password was incorrect") when the digest does not match.
Keystore read_jks_family(ByteView bytes, const Password& storepass);

// Reads PKCS#12 exactly as Java's PKCS12KeyStore does.
Keystore read_pkcs12(ByteView bytes, const Password& storepass);

// Reads BKS (versions 0-2) or UBER (`format`) exactly as BouncyCastle 1.72's BcKeyStoreSpi does.
// Throws FormatError on malformed input and PasswordError("WRONG_PASSWORD") when the BKS HMAC or
// the UBER digest does not match (or UBER does not decrypt). A null or empty password skips the
// BKS check, as BouncyCastle does; UBER always needs the password.
Keystore read_bks_family(ByteView bytes, const Password& storepass, StoreFormat format);

// Detects (unless `forced`) and dispatches. FormatError("UNKNOWN_FORMAT") when nothing matches.
Keystore read_keystore(ByteView bytes, const Password& storepass,
                       std::optional<StoreFormat> forced = std::nullopt);

}  // namespace ksdoctor
