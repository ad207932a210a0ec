#include "ksdoctor/origin_text.hpp"

#include <utility>

namespace ksdoctor::report {

std::string origin_text(const CertOrigin& origin, std::string_view source_option) {
  if (origin.kind != CertOrigin::Kind::kSource || source_option.empty()) {
    return describe_origin(origin);
  }
  std::string out(source_option);
  out += ' ';
  out += describe_origin(origin);
  return out;
}

OriginNamer origin_namer(std::string source_option) {
  return [option = std::move(source_option)](const CertOrigin& origin) {
    return origin_text(origin, option);
  };
}

std::string named_origin(const OriginNamer& name, const CertOrigin& origin) {
  return name ? name(origin) : describe_origin(origin);
}

}  // namespace ksdoctor::report
