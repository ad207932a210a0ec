// The two Java serialization streams of a JCEKS secret key entry. Only these shapes are written,
// with the class descriptors JDK 17 emits for them (read off keytool -genseckey output), so no
// general object graph machinery is needed: handles are counted by hand in stream order.
#include <cstdint>

#include "core/text.hpp"
#include "java_serial.hpp"

namespace ksdoctor::javaser {
namespace {

constexpr std::uint64_t kSecretKeySpecUid = 0x5B470B66E230614DULL;  // 6577238317307289933L
constexpr std::uint64_t kSealedObjectForKeyProtectorUid = 0xCD57CA59E730BB53ULL;
constexpr std::uint64_t kSealedObjectUid = 0x3E363DA6C3B75470ULL;
constexpr std::uint64_t kByteArrayUid = 0xACF317F8060854E0ULL;

// SecureBytes throughout: the SecretKeySpec stream carries the key in clear.
class Out {
 public:
  Out() {
    u16(0xACED);
    u16(0x0005);
  }

  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
  }
  void raw(ByteView data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }

  // writeUTF: u16 length, modified UTF-8.
  void utf(std::string_view text) {
    Bytes encoded;
    try {
      encoded = encode_modified_utf8(utf8_to_utf16(text));
    } catch (const FormatError&) {
      throw UsageError("NAME_TOO_LONG", "a name longer than Java serialization's 65535 bytes");
    }
    u16(static_cast<std::uint16_t>(encoded.size()));
    raw(encoded);
  }

  // Every new string, class descriptor, object and array takes the next handle.
  std::uint32_t new_handle() { return kBaseHandle + next_handle_++; }

  std::uint32_t string(std::string_view text) {
    u8(kTcString);
    utf(text);
    return new_handle();
  }

  void reference(std::uint32_t handle) {
    u8(kTcReference);
    u32(handle);
  }

  // TC_CLASSDESC name uid flags; the caller writes the fields, then end_class_desc.
  std::uint32_t class_desc(std::string_view name, std::uint64_t uid, std::uint16_t fields) {
    u8(kTcClassDesc);
    utf(name);
    u64(uid);
    std::uint32_t handle = new_handle();
    u8(kScSerializable);
    u16(fields);
    return handle;
  }
  // No class annotation; `super` written by the caller (or kTcNull).
  void end_annotation() { u8(kTcEndBlockData); }

  // byte[]: TC_ARRAY, the "[B" descriptor (new the first time, a reference after), size, bytes.
  void byte_array(ByteView data, std::uint32_t* byte_array_desc) {
    u8(kTcArray);
    if (*byte_array_desc) {
      reference(*byte_array_desc);
    } else {
      *byte_array_desc = class_desc("[B", kByteArrayUid, 0);
      end_annotation();
      u8(kTcNull);
    }
    new_handle();
    if (data.size() > 0x7FFFFFFF) throw UsageError("TOO_LARGE", "byte array too large");
    u32(static_cast<std::uint32_t>(data.size()));
    raw(data);
  }

  SecureBytes& bytes() { return bytes_; }

 private:
  SecureBytes bytes_;
  std::uint32_t next_handle_ = 0;
};

}  // namespace

SecureBytes write_secret_key_spec(std::string_view algorithm, ByteView key) {
  Out out;
  out.u8(kTcObject);
  out.class_desc("javax.crypto.spec.SecretKeySpec", kSecretKeySpecUid, 2);
  // ObjectStreamClass orders fields by name after primitives: algorithm, then key.
  out.u8('L');
  out.utf("algorithm");
  out.string("Ljava/lang/String;");
  out.u8('[');
  out.utf("key");
  out.string("[B");
  out.end_annotation();
  out.u8(kTcNull);   // SecretKeySpec's superclass Object is not serializable
  out.new_handle();  // the SecretKeySpec itself
  out.string(algorithm);
  std::uint32_t byte_array_desc = 0;
  out.byte_array(key, &byte_array_desc);
  return std::move(out.bytes());
}

Bytes write_sealed_object_for_key_protector(const SealedObjectFields& sealed) {
  Out out;
  out.u8(kTcObject);
  out.class_desc("com.sun.crypto.provider.SealedObjectForKeyProtector",
                 kSealedObjectForKeyProtectorUid, 0);
  out.end_annotation();
  out.class_desc("javax.crypto.SealedObject", kSealedObjectUid, 4);
  out.u8('[');
  out.utf("encodedParams");
  std::uint32_t byte_array_type = out.string("[B");
  out.u8('[');
  out.utf("encryptedContent");
  out.reference(byte_array_type);
  out.u8('L');
  out.utf("paramsAlg");
  std::uint32_t string_type = out.string("Ljava/lang/String;");
  out.u8('L');
  out.utf("sealAlg");
  out.reference(string_type);
  out.end_annotation();
  out.u8(kTcNull);
  out.new_handle();  // the sealed object itself
  // Field values, superclass first; SealedObjectForKeyProtector adds none.
  std::uint32_t byte_array_desc = 0;
  out.byte_array(sealed.encoded_params, &byte_array_desc);
  out.byte_array(sealed.encrypted_content, &byte_array_desc);
  // Two distinct String objects in Java (the parameters' and the cipher's algorithm), so two new
  // strings rather than a back-reference.
  out.string(sealed.params_alg);
  out.string(sealed.seal_alg);
  const SecureBytes& bytes = out.bytes();
  return Bytes(bytes.begin(), bytes.end());
}

}  // namespace ksdoctor::javaser
