#include "core/strings.hpp"

#include <openssl/evp.h>

namespace ksdoctor {

std::string sha256_hex(ByteView bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  return to_hex(ByteView(md, len));
}

}  // namespace ksdoctor
