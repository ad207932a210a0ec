#pragma once

#include <string>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

// Formats an encoded X.501 Name (the SEQUENCE, tag included) as RFC 4514 text, most specific RDN
// first, with the keywords Java's X500Principal uses and #hex for other attribute types.
std::string format_dn(ByteView name_der);

}  // namespace ksdoctor
