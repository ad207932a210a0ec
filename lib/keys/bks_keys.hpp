// BKS/UBER key entries (BouncyCastle's BcKeyStoreSpi), for keys.cpp and protect.cpp.
#pragma once

#include <string>

#include "ksdoctor/keys.hpp"
#include "ksdoctor/keystore.hpp"

namespace ksdoctor {

// engineGetKey: a sealed key unsealed with `keypass` (PasswordError("KEY_NOT_RECOVERABLE") when it
// does not open), a clear key as stored. FormatError("KEY_UNREADABLE") for stored bytes and for a
// key of the other kind.
SecureBytes bks_recover_private_key(const Entry& entry, const Password& keypass);
SecretKeyMaterial bks_recover_secret_key(const Entry& entry, const Password& keypass);

// A sealed (type 4) key: PKCS#8 private key or RAW secret key named `algorithm`.
ProtectedKey bks_protect(const SecureBytes& encoded, bool secret, const std::string& algorithm,
                         const Password& keypass);

}  // namespace ksdoctor
