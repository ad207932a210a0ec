// Key recovery for PKCS#12 bags, used by the keys module, as PKCS12KeyStore.engineGetKey does it.
#pragma once

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor {

// Decrypts a PKCS8ShroudedKeyBag value (EncryptedPrivateKeyInfo DER) into PKCS#8 bytes; the
// EncryptedPrivateKeyInfo of a secretBag decrypts to Java's SEQUENCE { 0, AlgorithmIdentifier,
// OCTET STRING key }. Throws PasswordError("KEY_NOT_RECOVERABLE") for a wrong (or non-ASCII) key
// password and FormatError for what Java cannot decrypt either, with Java's "Get Key failed: ..."
// or "Private key not stored as PKCS#8 EncryptedPrivateKeyInfo: ..." wording.
SecureBytes pkcs12_decrypt_shrouded_key(ByteView encrypted_private_key_info,
                                        const Password& keypass);

// The protection of a key bag without decrypting it: Java's algorithm name, its OID and iteration
// count (blob left empty). Algorithm "unreadable" when the structure cannot be parsed.
ProtectedKey pkcs12_describe_protected_key(ByteView encrypted_private_key_info);

}  // namespace ksdoctor
