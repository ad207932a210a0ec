// A strictly bounded reader for the small subset of Java object serialization that keystores
// contain (JCEKS sealed secret keys and the SecretKeySpec/KeyRep inside them). It builds values,
// never runs code, and refuses anything deeper or larger than the input allows.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor::javaser {

struct Object;
using ObjectPtr = std::shared_ptr<Object>;

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
  // Shared so that back-references cost nothing: a hostile stream cannot multiply memory.
  std::shared_ptr<const Bytes> bytes;       // primitive bytes or byte[] contents
  std::shared_ptr<const std::string> text;  // string value, or enum constant name
  ObjectPtr object;                         // object value
};

struct Object {
  std::string class_name;               // most-derived class
  std::map<std::string, Value> fields;  // all fields of the hierarchy by name
};

// Reads one object from a stream that starts with the AC ED 00 05 header. `consumed` receives
// the number of bytes the stream occupied. Throws FormatError on anything unexpected.
Value read_stream(ByteView bytes, std::size_t* consumed = nullptr);

}  // namespace ksdoctor::javaser
