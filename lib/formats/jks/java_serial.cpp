#include "java_serial.hpp"

#include "core/text.hpp"

namespace ksdoctor::javaser {
namespace {

constexpr int kMaxDepth = 24;
constexpr std::size_t kMaxHandles = 4096;

struct FieldDesc {
  char type;
  std::string name;
};

struct ClassDesc {
  std::string name;
  std::uint8_t flags = 0;
  std::vector<FieldDesc> fields;
  std::shared_ptr<ClassDesc> super;
};
using ClassDescPtr = std::shared_ptr<ClassDesc>;

// Everything a stream handle may refer to.
struct Handle {
  ClassDescPtr class_desc;
  Value value;
};

class Parser {
 public:
  explicit Parser(ByteView bytes) : in_(bytes, "serialized Java object") {}

  Value run() {
    if (in_.u16() != 0xACED || in_.u16() != 0x0005) in_.fail("not a Java serialization stream");
    return content(0);
  }
  std::size_t consumed() const { return in_.offset(); }

 private:
  std::string utf() { return utf16_to_utf8(decode_modified_utf8(in_.take(in_.u16()))); }

  void check_depth(int depth) {
    if (depth > kMaxDepth) in_.fail("objects nested too deeply");
  }

  Handle& handle(std::uint32_t h) {
    if (h < kBaseHandle || h - kBaseHandle >= handles_.size()) in_.fail("bad back-reference");
    return handles_[h - kBaseHandle];
  }

  std::size_t new_handle() {
    // A sealed key uses a dozen handles; thousands only come from hostile input.
    if (handles_.size() >= kMaxHandles) in_.fail("too many objects in the stream");
    handles_.emplace_back();
    return handles_.size() - 1;
  }

  ClassDescPtr class_desc(int depth) {
    check_depth(depth);
    std::uint8_t tc = in_.u8();
    if (tc == kTcNull) return nullptr;
    if (tc == kTcReference) {
      auto desc = handle(in_.u32()).class_desc;
      if (!desc) in_.fail("reference is not a class descriptor");
      return desc;
    }
    if (tc != kTcClassDesc) in_.fail("expected a class descriptor");
    auto desc = std::make_shared<ClassDesc>();
    desc->name = utf();
    in_.skip(8);  // serialVersionUID
    std::size_t h = new_handle();
    handles_[h].class_desc = desc;
    desc->flags = in_.u8();
    std::uint16_t count = in_.u16();
    for (std::uint16_t i = 0; i < count; ++i) {
      FieldDesc f;
      f.type = static_cast<char>(in_.u8());
      f.name = utf();
      if (f.type == 'L' || f.type == '[') {
        Value type_name = content(depth + 1);
        if (type_name.kind != Value::Kind::kString) in_.fail("field type is not a string");
      } else if (std::string("BCDFIJSZ").find(f.type) == std::string::npos) {
        in_.fail("unknown field type code");
      }
      desc->fields.push_back(std::move(f));
    }
    skip_annotation(depth);
    desc->super = class_desc(depth + 1);
    return desc;
  }

  void skip_annotation(int depth) {
    for (;;) {
      std::uint8_t tc = in_.u8();
      if (tc == kTcEndBlockData) return;
      if (tc == kTcBlockData) {
        in_.skip(in_.u8());
      } else if (tc == kTcBlockDataLong) {
        in_.skip(in_.u32());
      } else {
        in_.fail("class or object annotations are not supported");
      }
      check_depth(depth);
    }
  }

  static std::size_t primitive_size(char type) {
    switch (type) {
      case 'B':
      case 'Z':
        return 1;
      case 'C':
      case 'S':
        return 2;
      case 'I':
      case 'F':
        return 4;
      default:
        return 8;
    }
  }

  Value content(int depth) {
    check_depth(depth);
    std::uint8_t tc = in_.u8();
    switch (tc) {
      case kTcNull:
        return Value{};
      case kTcReference:
        return handle(in_.u32()).value;
      case kTcString: {
        std::size_t h = new_handle();
        Value v;
        v.kind = Value::Kind::kString;
        v.text = std::make_shared<const std::string>(utf());
        handles_[h].value = v;
        return v;
      }
      case kTcLongString: {
        std::uint64_t len = in_.u64();
        if (len > in_.remaining()) in_.fail("string longer than the input");
        std::size_t h = new_handle();
        Value v;
        v.kind = Value::Kind::kString;
        v.text = std::make_shared<const std::string>(
            utf16_to_utf8(decode_modified_utf8(in_.take(static_cast<std::size_t>(len)))));
        handles_[h].value = v;
        return v;
      }
      case kTcArray:
        return array(depth);
      case kTcEnum: {
        ClassDescPtr desc = class_desc(depth + 1);
        std::size_t h = new_handle();
        Value name = content(depth + 1);
        if (name.kind != Value::Kind::kString) in_.fail("enum constant name is not a string");
        Value v;
        v.kind = Value::Kind::kEnum;
        v.text = name.text;
        handles_[h].value = v;
        return v;
      }
      case kTcObject:
        return object(depth);
      default:
        in_.fail("unsupported serialization element " + std::to_string(tc));
    }
  }

  Value array(int depth) {
    ClassDescPtr desc = class_desc(depth + 1);
    if (!desc || desc->name.size() < 2 || desc->name[0] != '[') in_.fail("bad array class");
    std::size_t h = new_handle();
    std::uint32_t size = in_.u32();
    Value v;
    char element = desc->name[1];
    if (element == 'L' || element == '[') {
      if (size > in_.remaining()) in_.fail("array longer than the input");
      v.kind = Value::Kind::kArray;
      for (std::uint32_t i = 0; i < size; ++i) content(depth + 1);
    } else {
      std::size_t width = primitive_size(element);
      if (size > in_.remaining() / width) in_.fail("array longer than the input");
      ByteView data = in_.take(size * width);
      v.kind = element == 'B' ? Value::Kind::kByteArray : Value::Kind::kArray;
      v.bytes = std::make_shared<const SecureBytes>(data.begin(), data.end());
    }
    handles_[h].value = v;
    return v;
  }

  Value object(int depth) {
    ClassDescPtr desc = class_desc(depth + 1);
    if (!desc) in_.fail("object without a class");
    auto obj = std::make_shared<Object>();
    obj->class_name = desc->name;
    std::size_t h = new_handle();
    Value v;
    v.kind = Value::Kind::kObject;
    v.object = obj;
    handles_[h].value = v;
    std::vector<ClassDescPtr> hierarchy;
    for (ClassDescPtr c = desc; c; c = c->super) {
      if (hierarchy.size() > kMaxDepth) in_.fail("class hierarchy too deep");
      hierarchy.push_back(c);
    }
    for (auto it = hierarchy.rbegin(); it != hierarchy.rend(); ++it) {
      const ClassDesc& c = **it;
      if (!(c.flags & kScSerializable)) in_.fail("externalizable classes are not supported");
      for (const FieldDesc& f : c.fields) {
        if (f.type == 'L' || f.type == '[') {
          obj->fields[f.name] = content(depth + 1);
        } else {
          Value p;
          p.kind = Value::Kind::kPrimitive;
          ByteView raw = in_.take(primitive_size(f.type));
          p.bytes = std::make_shared<const SecureBytes>(raw.begin(), raw.end());
          obj->fields[f.name] = std::move(p);
        }
      }
      if (c.flags & kScWriteMethod) skip_annotation(depth);
    }
    return v;
  }

  Reader in_;
  std::vector<Handle> handles_;
};

}  // namespace

Value read_stream(ByteView bytes, std::size_t* consumed) {
  Parser parser(bytes);
  Value v = parser.run();
  if (consumed) *consumed = parser.consumed();
  return v;
}

}  // namespace ksdoctor::javaser
