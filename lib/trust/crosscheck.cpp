// Botan's x509_path_validate as a second opinion next to the Java model. See crosscheck.hpp.
#include "ksdoctor/crosscheck.hpp"

// The portable builds (Windows, static Linux) are built without Botan: KSDOCTOR_HAVE_BOTAN=0.
#ifndef KSDOCTOR_HAVE_BOTAN
#define KSDOCTOR_HAVE_BOTAN 1
#endif

#if KSDOCTOR_HAVE_BOTAN
#include <botan/ffi.h>
#include <botan/pkix_enums.h>
#endif

#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "platform/platform.hpp"
#include "trust/botan_library.hpp"
#include "x509/oids.hpp"

namespace ksdoctor {

bool crosscheck_available() { return KSDOCTOR_HAVE_BOTAN != 0; }

namespace {

CrossCheck finish(CrossCheck c) {
  c.agrees = c.botan_ok == c.java_ok;
  return c;
}

#if KSDOCTOR_HAVE_BOTAN

// Botan is loaded at run time (dlopen), through its C API, only when a cross-check runs: linked
// in, its shared library and five dependencies would be loaded and relocated by every ksdoctor
// run, which costs 3 MB and several milliseconds of start-up that `inspect` cannot afford.
struct BotanApi {
  int (*load)(botan_x509_cert_t*, const uint8_t[], size_t) = nullptr;
  int (*destroy)(botan_x509_cert_t) = nullptr;
  int (*verify)(int*, botan_x509_cert_t, const botan_x509_cert_t*, size_t, const botan_x509_cert_t*,
                size_t, const char*, size_t, const char*, uint64_t) = nullptr;
  const char* (*status)(int) = nullptr;
  std::string error;
};

const BotanApi& botan() {
  static const BotanApi api = [] {
    BotanApi a;
    std::optional<platform::SharedLibrary> lib = botan::library();
    if (!lib) {
      a.error = "Botan 2 is not installed (libbotan-2.so.19)";
      return a;
    }
    auto function = [&](auto& pointer, const char* name) {
      pointer = reinterpret_cast<std::remove_reference_t<decltype(pointer)>>(
          platform::library_function(*lib, name));
    };
    function(a.load, "botan_x509_cert_load");
    function(a.destroy, "botan_x509_cert_destroy");
    function(a.verify, "botan_x509_cert_verify");
    function(a.status, "botan_x509_cert_validation_status");
    if (!a.load || !a.destroy || !a.verify || !a.status) a.error = "Botan's C API is incomplete";
    return a;
  }();
  return api;
}

// Botan certificate handles, destroyed with the list.
class Handles {
 public:
  explicit Handles(const BotanApi& api) : api_(api) {}
  ~Handles() {
    for (botan_x509_cert_t h : handles_) api_.destroy(h);
  }
  Handles(const Handles&) = delete;
  Handles& operator=(const Handles&) = delete;
  bool add(const Certificate& cert) {
    botan_x509_cert_t h = nullptr;
    if (api_.load(&h, cert.der.data(), cert.der.size()) != 0) return false;
    handles_.push_back(h);
    return true;
  }
  const std::vector<botan_x509_cert_t>& all() const { return handles_; }

 private:
  const BotanApi& api_;
  std::vector<botan_x509_cert_t> handles_;
};

// Botan's Usage_Type::TLS_SERVER_AUTH test, which its C API does not take as a parameter: a key
// usage allowing a TLS server key (signature, encipherment or agreement) and, when present, an
// extended key usage including serverAuth.
bool tls_server_usage(const Certificate& leaf) {
  if (leaf.key_usage &&
      !(*leaf.key_usage & (kDigitalSignature | kKeyEncipherment | kKeyAgreement))) {
    return false;
  }
  if (leaf.ext_key_usage.empty()) return true;
  return std::find(leaf.ext_key_usage.begin(), leaf.ext_key_usage.end(), oids::kServerAuth) !=
         leaf.ext_key_usage.end();
}

CrossCheck botan_verdict(const std::vector<CertPtr>& end_certs, const std::vector<CertPtr>& trusted,
                         bool java_ok, std::int64_t now) {
  CrossCheck c;
  c.java_ok = java_ok;
  try {
    const BotanApi& api = botan();
    if (!api.error.empty()) {
      c.botan_status = "Botan could not check the chain: " + api.error;
      return finish(std::move(c));
    }
    if (end_certs.empty() || !end_certs.front()) {
      c.botan_status = "no certificate to validate";
      return finish(std::move(c));
    }
    Handles chain(api), anchors(api);
    for (const CertPtr& cert : end_certs) {
      if (cert && !chain.add(*cert)) throw std::runtime_error("cannot decode " + cert->subject);
    }
    for (const CertPtr& cert : trusted) {
      if (cert && !anchors.add(*cert)) throw std::runtime_error("cannot decode " + cert->subject);
    }
    const std::vector<botan_x509_cert_t>& certs = chain.all();
    int code = 0;
    // Botan reads 0 as "now": the epoch itself is one second later, which no test depends on.
    const auto at = static_cast<uint64_t>(std::max<std::int64_t>(now, 1));
    int rc = api.verify(&code, certs[0], certs.data() + 1, certs.size() - 1, anchors.all().data(),
                        anchors.all().size(), nullptr, kCrossCheckMinimumStrength, nullptr, at);
    if (rc < 0)
      throw std::runtime_error("botan_x509_cert_verify failed (" + std::to_string(rc) + ")");
    c.botan_ok = rc == 0;
    if (c.botan_ok && !tls_server_usage(*end_certs.front())) {
      c.botan_ok = false;
      code = static_cast<int>(Botan::Certificate_Status_Code::INVALID_USAGE);
    }
    const char* text = api.status(code);
    c.botan_status = text ? text : "status " + std::to_string(code);
  } catch (const std::exception& e) {
    c.botan_ok = false;
    c.botan_status = std::string("Botan could not check the chain: ") + e.what();
  } catch (...) {
    c.botan_ok = false;
    c.botan_status = "Botan could not check the chain: unknown error";
  }
  return finish(std::move(c));
}

#else

CrossCheck botan_verdict(const std::vector<CertPtr>&, const std::vector<CertPtr>&, bool java_ok,
                         std::int64_t) {
  CrossCheck c;
  c.java_ok = java_ok;
  c.botan_status = "Botan could not check the chain: this build of ksdoctor has no Botan";
  return finish(std::move(c));
}

#endif  // KSDOCTOR_HAVE_BOTAN

}  // namespace

CrossCheck cross_check_peer(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors,
                            bool java_trusted, std::int64_t now) {
  return botan_verdict(chain, anchors, java_trusted, now);
}

CrossCheck cross_check_entry(const EntryChainReport& entry, bool java_ok, std::int64_t now) {
  std::vector<CertPtr> end_certs;
  std::vector<CertPtr> trusted;
  try {
    for (const PathLink& link : entry.path) {
      if (link.cert) end_certs.push_back(link.cert);
    }
    const bool ends_at_root =
        !entry.path.empty() && entry.path.back().self_signed && entry.path.back().cert;
    if (ends_at_root) {
      trusted.push_back(entry.path.back().cert);
      // A lone self-signed certificate is both the chain and its own anchor.
      if (end_certs.size() > 1) end_certs.pop_back();
    }
  } catch (...) {  // allocation failure: report rather than throw
    CrossCheck c;
    c.java_ok = java_ok;
    c.botan_status = "Botan could not check the chain: out of memory";
    return finish(std::move(c));
  }
  return botan_verdict(end_certs, trusted, java_ok, now);
}

Finding cross_check_finding(const CrossCheck& check, const std::string& subject) {
  Finding f;
  f.severity = Severity::kInfo;
  const std::string botan_word = check.botan_ok ? "accepts" : "rejects";
  const std::string java_word = check.java_ok ? "accepts" : "rejects";
  if (check.agrees) {
    f.code = "CROSS_CHECK_AGREES";
    f.message = "Botan and Java both " + java_word + " the chain of " + subject +
                " (Botan: " + check.botan_status + ")";
    f.remedy = "nothing to do for the cross-check";
  } else {
    f.code = "CROSS_CHECK_DISAGREES";
    f.message = "Botan (like OpenSSL-based MTAs) " + botan_word + " the chain of " + subject;
    f.message += check.botan_ok ? " (" + check.botan_status + ")" : ": " + check.botan_status;
    f.message += "; Java " + java_word + " it. Java's verdict is the one that counts for Java " +
                 "peers; this is a second opinion";
    f.remedy = check.botan_ok
                   ? "fix what Java reports for this chain (the findings above); non-Java peers "
                     "such as Postfix or OpenSSL may already connect"
                   : "Java connects, but non-Java peers such as Postfix or OpenSSL validating "
                     "this chain may refuse it: send the complete chain (leaf and every "
                     "intermediate), signed with SHA-256 or stronger, with RSA keys of at least "
                     "2048 bits and a serverAuth extended key usage on the leaf";
  }
  f.details.emplace_back("subject", subject);
  f.details.emplace_back("botan_status", check.botan_status);
  f.details.emplace_back("botan", botan_word);
  f.details.emplace_back("java", java_word);
  return f;
}

}  // namespace ksdoctor
