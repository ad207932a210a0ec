// Key recovery for PKCS#12 bags, used by the keys module.
#pragma once

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

// Decrypts a PKCS8ShroudedKeyBag value (EncryptedPrivateKeyInfo DER) into PKCS#8 bytes.
SecureBytes pkcs12_decrypt_shrouded_key(ByteView encrypted_private_key_info,
                                        const Password& keypass);

}  // namespace ksdoctor
