// The DER encoding the PKCS#12 writer needs, as sun.security.util.DerOutputStream writes it:
// definite minimal lengths, SETs written in the order given (Java does not sort bag attributes).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor::pkcs12::derw {

// tag, minimal definite length, contents.
Bytes tlv(std::uint8_t tag, ByteView contents);

// The concatenation of encoded elements.
Bytes cat(std::initializer_list<ByteView> parts);

inline void append(Bytes& out, ByteView part) { out.insert(out.end(), part.begin(), part.end()); }

Bytes integer(std::int64_t value);           // two's complement, minimal
Bytes oid(std::string_view dotted);          // OBJECT IDENTIFIER from dotted decimal
Bytes octet_string(ByteView contents);       // OCTET STRING
Bytes bmp_string(std::u16string_view text);  // BMPString, big-endian code units
Bytes null();                                // NULL
Bytes sequence(std::initializer_list<ByteView> parts);
Bytes set(std::initializer_list<ByteView> parts);
Bytes explicit0(ByteView inner);  // [0] constructed, around one encoded element

}  // namespace ksdoctor::pkcs12::derw
