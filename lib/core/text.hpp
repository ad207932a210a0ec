// Java's text encodings: modified UTF-8 (DataInput.readUTF), UTF-16 strings, String.hashCode and
// toLowerCase(Locale.ENGLISH), and conversions to the UTF-8 we print.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

// Decodes exactly as java.io.DataInputStream.readUTF does (without the u16 length prefix):
// accepts 1-, 2- and 3-byte forms (including overlong C0 80 for U+0000), rejects 4-byte forms and
// bad continuation bytes with FormatError("MALFORMED_UTF", ...).
std::u16string decode_modified_utf8(ByteView bytes);

// Encodes as DataOutputStream.writeUTF does (without the length prefix). Throws
// FormatError("ALIAS_TOO_LONG") when the result exceeds 65 535 bytes.
Bytes encode_modified_utf8(std::u16string_view text);

// Unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(std::u16string_view text);
// Invalid UTF-8 bytes become U+FFFD.
std::u16string utf8_to_utf16(std::string_view text);

std::int32_t java_string_hash(std::u16string_view text);
std::u16string java_lowercase(std::u16string_view text);

}  // namespace ksdoctor
