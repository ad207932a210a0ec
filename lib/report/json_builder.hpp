// Building an nlohmann::ordered_json document through the calls JsonWriter takes, so that a JSON
// shape described once (json_shapes.hpp) gives both the streamed text and, for callers that need
// one, the document. Internal to the report library.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report::detail {

class JsonBuilder {
 public:
  using Json = nlohmann::ordered_json;

  bool dry() const { return false; }

  void open(char bracket) {
    Json& opened = place(bracket == '{' ? Json::object() : Json::array());
    open_.push_back(&opened);
  }
  void close(char /*bracket*/) { open_.pop_back(); }
  void key(std::string_view name) { key_ = name; }
  void element() {}

  void string(std::string_view s) { place(std::string(s)); }
  void ascii(std::string_view s) { place(std::string(s)); }
  void number(std::int64_t v) { place(v); }
  void boolean(bool v) { place(v); }
  void null() { place(nullptr); }
  // timeutil's formatters: debug builds compare them with the streamed writer's (append.hpp).
  void time(std::int64_t secs) { place(format_rfc3339(secs)); }
  void time_ms(std::int64_t millis) { place(format_rfc3339_ms(millis)); }
  void hex(ByteView bytes) { place(to_hex(bytes)); }

  Json take() { return std::move(root_); }

 private:
  // Puts `value` where the next value goes: the document itself, the next element of the open
  // array, or the member named by the last key() of the open object (replacing one so named in
  // place, as operator[] does). Only the innermost open container changes, so the pointers to
  // the ones around it stay valid.
  Json& place(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return parent.back();
    }
    Json& member = parent[key_];
    member = std::move(value);
    return member;
  }

  Json root_;
  std::vector<Json*> open_;
  std::string key_;
};

}  // namespace ksdoctor::report::detail
