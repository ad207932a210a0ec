// Certificate origins in a command's words: the library keeps origins typed (CertOrigin), and
// each command names the sources its user gave the way they were given (verify: --trust,
// repair: --from).
#pragma once

#include <string>
#include <string_view>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor::report {

// A source as `source_option` and describe_origin's words ("--trust certs/ca.pem",
// "--from other.jks entry 'a'"); any other origin as describe_origin words it.
std::string origin_text(const CertOrigin& origin, std::string_view source_option);

// origin_text with `source_option` fixed; an empty option gives describe_origin.
OriginNamer origin_namer(std::string source_option);

// `name` applied to `origin`, or describe_origin when `name` is empty.
std::string named_origin(const OriginNamer& name, const CertOrigin& origin);

}  // namespace ksdoctor::report
