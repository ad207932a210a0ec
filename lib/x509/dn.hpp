#pragma once

#include <string>
#include <string_view>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

// Formats an encoded X.501 Name (the SEQUENCE, tag included) as RFC 4514 text, most specific RDN
// first, with the keywords Java's X500Principal uses and #hex for other attribute types.
std::string format_dn(ByteView name_der);

// The first non-empty string value of attribute `type` (dotted OID) in format_dn's order, decoded
// as format_dn decodes it; "" when there is none (or the name is malformed).
std::string dn_attribute(ByteView name_der, std::string_view type);

}  // namespace ksdoctor
