// Java 17's client defaults as data (generated from a JVM by tests/java/JavaTlsDefaults.java) and
// the mapping of its suite names to OpenSSL's.
#include <openssl/ssl.h>

#include <map>
#include <memory>
#include <string>

#include "ksdoctor/probe.hpp"

namespace ksdoctor {

const JavaTlsDefaults& java_tls_defaults() {
  static const JavaTlsDefaults data = [] {
    JavaTlsDefaults d;
#define KSDOCTOR_JAVA_VERSION(v) d.java_version = v;
#define KSDOCTOR_JAVA_DISABLED(v) d.disabled_algorithms = v;
#define KSDOCTOR_JAVA_PROTOCOL(v) d.protocols.emplace_back(v);
#define KSDOCTOR_JAVA_SUITE(v) d.suites.emplace_back(v);
#define KSDOCTOR_JAVA_GROUP(v) d.groups.emplace_back(v);
#include "probe/java_tls_data.inc"
#undef KSDOCTOR_JAVA_VERSION
#undef KSDOCTOR_JAVA_DISABLED
#undef KSDOCTOR_JAVA_PROTOCOL
#undef KSDOCTOR_JAVA_SUITE
#undef KSDOCTOR_JAVA_GROUP
    return d;
  }();
  return data;
}

std::string openssl_suite_name(const std::string& iana) {
  // Every suite this OpenSSL knows, legacy ones included (security level 0).
  static const std::map<std::string, std::string> names = [] {
    std::map<std::string, std::string> out;
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_method()), SSL_CTX_free);
    if (!ctx) return out;
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL");
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
    if (!ssl) return out;
    STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl.get());
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
      const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
      if (const char* std_name = SSL_CIPHER_standard_name(c)) {
        out.emplace(std_name, SSL_CIPHER_get_name(c));
      }
    }
    return out;
  }();
  auto it = names.find(iana);
  return it == names.end() ? std::string() : it->second;
}

bool is_weak_suite(const std::string& iana) {
  for (const char* weak : {"_RC4_", "_DES_", "_DES40_", "3DES", "_NULL_", "_anon_", "EXPORT",
                           "_MD5", "_IDEA_", "_RC2_"}) {
    if (iana.find(weak) != std::string::npos) return true;
  }
  return iana.ends_with("_NULL");
}

}  // namespace ksdoctor
