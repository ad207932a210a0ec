// A strictly bounded reader for the small subset of Java object serialization that keystores
// contain (JCEKS sealed secret keys and the SecretKeySpec/KeyRep inside them), and a writer for
// exactly the two streams a JCEKS secret key entry needs. The reader builds values, never runs
// code, and refuses anything deeper or larger than the input allows.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/secret.hpp"

namespace ksdoctor::javaser {

struct Object;
using ObjectPtr = std::shared_ptr<Object>;

// The stream's type codes (java.io.ObjectStreamConstants) both directions use.
enum : std::uint8_t {
  kTcNull = 0x70,
  kTcReference = 0x71,
  kTcClassDesc = 0x72,
  kTcObject = 0x73,
  kTcString = 0x74,
  kTcArray = 0x75,
  kTcBlockData = 0x77,
  kTcEndBlockData = 0x78,
  kTcBlockDataLong = 0x7A,
  kTcLongString = 0x7C,
  kTcEnum = 0x7E,
};
constexpr std::uint8_t kScWriteMethod = 0x01;
constexpr std::uint8_t kScSerializable = 0x02;
constexpr std::uint32_t kBaseHandle = 0x7E0000;

// null, primitive (raw big-endian bytes), string, byte[] / other array, object
struct Value {
  enum class Kind {
    kNull,
    kPrimitive,
    kString,
    kByteArray,
    kArray,
    kObject,
    kEnum
  } kind = Kind::kNull;
  // Shared so that back-references cost nothing: a hostile stream cannot multiply memory. Wiped
  // when freed: a decrypted SecretKeySpec holds its key in a byte[].
  std::shared_ptr<const SecureBytes> bytes;  // primitive bytes or byte[] contents
  std::shared_ptr<const std::string> text;   // string value, or enum constant name
  ObjectPtr object;                          // object value
};

struct Object {
  std::string class_name;               // most-derived class
  std::map<std::string, Value> fields;  // all fields of the hierarchy by name
};

// Reads one object from a stream that starts with the AC ED 00 05 header. `consumed` receives
// the number of bytes the stream occupied. Throws FormatError on anything unexpected.
Value read_stream(ByteView bytes, std::size_t* consumed = nullptr);

// A javax.crypto.spec.SecretKeySpec stream (fields algorithm, key) as ObjectOutputStream writes
// it: what JDK 17's KeyProtector.seal encrypts for a JCEKS secret key entry, and what the
// jceks.key.serialFilter lets through on load. Throws UsageError("NAME_TOO_LONG") when the
// algorithm name does not fit writeUTF.
SecureBytes write_secret_key_spec(std::string_view algorithm, ByteView key);

// The fields of javax.crypto.SealedObject.
struct SealedObjectFields {
  ByteView encoded_params;     // DER of the cipher's AlgorithmParameters
  ByteView encrypted_content;  // the sealed stream, encrypted
  std::string_view params_alg;
  std::string_view seal_alg;
};

// A com.sun.crypto.provider.SealedObjectForKeyProtector stream, byte for byte as keytool
// -genseckey -storetype JCEKS writes it after the entry's date (class descriptors, handles and
// back-references included).
Bytes write_sealed_object_for_key_protector(const SealedObjectFields& sealed);

}  // namespace ksdoctor::javaser
