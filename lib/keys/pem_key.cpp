// PEM private keys as ACME clients and CAs hand them out, turned into the PKCS#8 PrivateKeyInfo
// that keystores protect.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <string_view>

#include "ksdoctor/error.hpp"
#include "ksdoctor/keys.hpp"

namespace ksdoctor {
namespace {

int password_callback(char* buf, int size, int /*rwflag*/, void* user) {
  const auto* password = static_cast<const Password*>(user);
  if (password->is_null()) return -1;
  std::string_view text = password->text();
  if (text.size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, text.data(), text.size());
  return static_cast<int>(text.size());
}

bool encrypted(std::string_view text) {
  return text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
         text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

}  // namespace

SecureBytes read_pem_private_key(ByteView pem, const Password& password) {
  std::string_view text(reinterpret_cast<const char*>(pem.data()), pem.size());
  if (encrypted(text) && password.is_null()) {
    throw PasswordError("PASSWORD_REQUIRED",
                        "the private key is encrypted: give the password it was exported with");
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback,
                              const_cast<Password*>(&password)),
      EVP_PKEY_free);
  ERR_clear_error();
  if (!key) {
    if (encrypted(text)) {
      throw PasswordError("KEY_PASSWORD_WRONG", "the password does not decrypt the private key");
    }
    throw FormatError("NO_PRIVATE_KEY",
                      "no readable private key (expected a PEM PRIVATE KEY, ENCRYPTED PRIVATE "
                      "KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)");
  }
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> info(
      EVP_PKEY2PKCS8(key.get()), PKCS8_PRIV_KEY_INFO_free);
  unsigned char* der = nullptr;
  int len = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
  if (len <= 0) {
    ERR_clear_error();
    throw FormatError("NO_PRIVATE_KEY", "the private key cannot be encoded as PKCS#8");
  }
  SecureBytes out(der, der + len);
  OPENSSL_clear_free(der, static_cast<std::size_t>(len));
  return out;
}

}  // namespace ksdoctor
