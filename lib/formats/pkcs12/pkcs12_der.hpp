// The ASN.1 helpers the PKCS#12 reader shares: BER accepted where Java's DerValue accepts it, and
// values read the way sun.security.util.DerInputStream reads them.
#pragma once

#include <string>

#include "ksdoctor/bytes.hpp"
#include "x509/der.hpp"

namespace ksdoctor::pkcs12 {

// The first BER element of `in` in DER form, as Java's DerValue reads it: indefinite lengths become
// definite, constructed OCTET STRINGs become primitive. Returns a view of `in` itself when it is
// DER already (the usual case), else a view of `storage`. Bytes after the first element are
// ignored, as Java reads one value from the stream. Throws FormatError("MALFORMED_DER") on
// malformed input.
ByteView first_element_as_der(ByteView in, Bytes& storage, const char* what);

// An INTEGER as DerInputStream.getInteger: two's complement, refused outside Java's int range.
int java_int(const der::Tlv& tlv, const char* what);

// The contents of an OCTET STRING (after first_element_as_der, always primitive).
ByteView octets(const der::Tlv& tlv, const char* what);

// Whether a tag is context-specific [n], primitive or constructed (DerValue.isContextSpecific).
inline bool is_context(std::uint8_t tag, int n) {
  return (tag & 0xC0) == 0x80 && (tag & 0x1F) == n;
}

}  // namespace ksdoctor::pkcs12
