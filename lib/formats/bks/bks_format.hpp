// BouncyCastle's own keystores, as org.bouncycastle.jcajce.provider.keystore.bc.BcKeyStoreSpi
// (bcprov 1.72, Debian's libbcprov-java) reads and writes them:
//
//   BKS  int version (0, 1, 2) | int saltLen | salt | int iterations | entries | 0 | HMAC-SHA1
//   UBER int version (0, 1, 2) | int 20      | salt | int iterations |
//        PBEWithSHAAndTwofish-CBC( entries | 0 | SHA-1 of the entries and the 0 )
//   entry: byte type (1 cert, 2 key, 3 stored bytes, 4 sealed key) | UTF alias | long date |
//          int chainLength | chain certs | the object
//   cert:  UTF type ("X.509") | int length | encoding
//   key object (type 2, and the plaintext of type 4): byte keyType (0 private, 1 public,
//          2 secret) | UTF format ("PKCS#8", "X.509", "RAW") | UTF algorithm | int length |
//          encoding
//   sealed (type 4): int saltLen | salt | int iterations |
//          PBEWithSHAAnd3-KeyTripleDES-CBC(key object) under the entry's password
//
// The BKS HMAC key and both ciphers' keys come from the PKCS#12 KDF over SHA-1 with the password
// as BouncyCastle's PKCS12PasswordToBytes makes it. BKS versions 0 and 1 key the HMAC with only 2
// bytes (20 bits / 8: CVE-2018-5382), version 2 with 20.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/keystore.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor::bks {

enum EntryType : std::uint8_t { kEnd = 0, kCertificate = 1, kKey = 2, kSecret = 3, kSealed = 4 };
enum KeyType : std::uint8_t { kPrivate = 0, kPublic = 1, kSecretKey = 2 };

inline constexpr int kStoreVersion = 2;  // what BcKeyStoreSpi$Std writes
inline constexpr int kUberVersion = 1;   // what BcKeyStoreSpi$BouncyCastleStore writes
inline constexpr std::size_t kSaltSize = 20;
inline constexpr std::size_t kMacSize = 20;
inline constexpr int kMaxUberIterations = 1024 << 6;  // BouncyCastleStore refuses more
// Newer BouncyCastle refuses more for BKS; 1.72 would spin on any count, so ksdoctor stops here.
inline constexpr int kMaxBksIterations = 1 << 20;

// ProtectedKey::algorithm for the three ways a BKS key entry holds its key.
inline constexpr const char* kSealedAlgorithm = "PBEWithSHAAnd3-KeyTripleDES-CBC";
inline constexpr const char* kSealedOid = "1.2.840.113549.1.12.1.3";
inline constexpr const char* kClearAlgorithm = "none (BKS key stored in the clear)";
inline constexpr const char* kStoredAlgorithm =
    "BKS stored bytes (not a key BouncyCastle recovers)";

// BKS or UBER by content: the header fits and the body is a BKS entry stream (BKS) or a whole
// number of Twofish blocks after a 20-byte salt (UBER). nullopt otherwise.
std::optional<StoreFormat> detect(ByteView bytes);

// PBEParametersGenerator.PKCS12PasswordToBytes: UTF-16BE with a 00 00 terminator; no bytes at all
// for a null or empty password.
SecureBytes password_bytes(const Password& password);

// HMAC-SHA1 over `body`, keyed by the PKCS#12 KDF (ID 3) with 20 bytes (version 2) or 2 bytes.
Bytes store_mac(const SecureBytes& password, ByteView salt, int iterations, int version,
                ByteView body);

// PBEWithSHAAndTwofish-CBC (256-bit key, 128-bit IV, PKCS#7 padding). Decrypt returns nullopt
// when the length or the padding is wrong.
std::optional<SecureBytes> uber_decrypt(ByteView ciphertext, const SecureBytes& password,
                                        ByteView salt, int iterations);
Bytes uber_encrypt(const SecureBytes& plain, const SecureBytes& password, ByteView salt,
                   int iterations);

// A key object (type 2 entry, or an unsealed type 4 entry).
struct KeyObject {
  std::uint8_t key_type = kPrivate;
  std::string format;     // "PKCS#8", "X.509", "RAW"
  std::string algorithm;  // "RSA", "AES", ...
  SecureBytes encoded;
};
// Throws FormatError("MALFORMED") with BouncyCastle's words where it refuses the object.
KeyObject decode_key_object(ByteView bytes);
// The bytes of the key object that starts at `in` (a type 2 entry has no length of its own).
ByteView take_key_object(Reader& in);
SecureBytes encode_key_object(const KeyObject& key);

// A type 4 blob: its iteration count (0 when the header is unreadable), and the key object inside
// (PasswordError("KEY_NOT_RECOVERABLE") when the padding shows a wrong password).
int sealed_iterations(ByteView sealed);
KeyObject unseal(ByteView sealed, const Password& keypass);
// Seals as BcKeyStoreSpi.StoreEntry does: random 20-byte salt, 1024 + (random & 0x3ff) iterations.
Bytes seal(const KeyObject& key, const Password& keypass);

// Java's DataOutputStream.writeUTF and readUTF framing.
void write_utf(Bytes& out, std::u16string_view text);
void write_u32(Bytes& out, std::uint32_t v);
void write_i64(Bytes& out, std::int64_t v);
std::u16string read_utf(Reader& in);

}  // namespace ksdoctor::bks
