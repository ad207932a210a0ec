#include "ksdoctor/crypto_setup.hpp"

#include <openssl/crypto.h>

namespace ksdoctor {

void use_openssl_without_config_file() {
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
                          OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
                      nullptr);
}

}  // namespace ksdoctor
