// X500Principal.equals as Java decides it: names are equal when their RFC 2253 canonical forms are
// (sun.security.x509.AVA.toRFC2253CanonicalString): known keywords, PrintableString and UTF8String
// values trimmed, inner spaces collapsed and case-folded; every other value compared as its DER.
#pragma once

#include <string>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

// The canonical form of an encoded Name (the SEQUENCE, tag included). Two names are equal for
// Java exactly when their canonical forms are (up to Unicode NFKD normalisation, which is not
// applied). A malformed name canonicalises to its hex encoding.
std::u16string java_x500_canonical(ByteView name_der);

// java_x500_canonical, remembered per thread (valid until the next call on this thread).
const std::u16string& java_x500_canonical_cached(ByteView name_der);

// Equality with the DER fast path.
bool java_x500_equal(ByteView a, ByteView b);

}  // namespace ksdoctor
