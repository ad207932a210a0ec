#include "ksdoctor/formats.hpp"

namespace ksdoctor {

Keystore read_pkcs12(ByteView, const Password&) {
  throw FormatError("UNSUPPORTED_FORMAT",
                    "this is a PKCS#12 keystore; PKCS#12 support arrives with the PKCS#12 reader");
}

}  // namespace ksdoctor

#include "pkcs12_keys.hpp"

namespace ksdoctor {

SecureBytes pkcs12_decrypt_shrouded_key(ByteView, const Password&) {
  throw FormatError("UNSUPPORTED_FORMAT", "PKCS#12 support arrives with the PKCS#12 reader");
}

}  // namespace ksdoctor
