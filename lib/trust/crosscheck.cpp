// Botan's x509_path_validate as a second opinion next to the Java model. See crosscheck.hpp.
#include "ksdoctor/crosscheck.hpp"

#include <botan/certstor.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>

#include <chrono>
#include <exception>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace ksdoctor {

namespace {

std::chrono::system_clock::time_point to_time_point(std::int64_t now) {
  using Clock = std::chrono::system_clock;
  // Clamp so that seconds → Clock::duration cannot overflow (nanoseconds: years 1678–2262).
  const auto limit = std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()) -
                     std::chrono::seconds(1);
  const std::int64_t hi = static_cast<std::int64_t>(limit.count());
  if (now > hi) now = hi;
  if (now < -hi) now = -hi;
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(now)));
}

Botan::X509_Certificate to_botan(const Certificate& cert) {
  return Botan::X509_Certificate(cert.der.data(), cert.der.size());
}

CrossCheck finish(CrossCheck c) {
  c.agrees = c.botan_ok == c.java_ok;
  return c;
}

CrossCheck botan_verdict(const std::vector<CertPtr>& end_certs, const std::vector<CertPtr>& trusted,
                         bool java_ok, std::int64_t now) {
  CrossCheck c;
  c.java_ok = java_ok;
  try {
    if (end_certs.empty() || !end_certs.front()) {
      c.botan_status = "no certificate to validate";
      return finish(std::move(c));
    }
    std::vector<Botan::X509_Certificate> chain;
    chain.reserve(end_certs.size());
    for (const CertPtr& cert : end_certs) {
      if (cert) chain.push_back(to_botan(*cert));
    }
    Botan::Certificate_Store_In_Memory store;
    for (const CertPtr& cert : trusted) {
      if (cert) store.add_certificate(to_botan(*cert));
    }
    const Botan::Path_Validation_Restrictions restrictions(false, kCrossCheckMinimumStrength);
    const Botan::Path_Validation_Result result = Botan::x509_path_validate(
        chain, restrictions, store, "", Botan::Usage_Type::TLS_SERVER_AUTH, to_time_point(now));
    c.botan_ok = result.successful_validation();
    c.botan_status = result.result_string();
  } catch (const std::exception& e) {
    c.botan_ok = false;
    c.botan_status = std::string("Botan could not check the chain: ") + e.what();
  } catch (...) {
    c.botan_ok = false;
    c.botan_status = "Botan could not check the chain: unknown error";
  }
  return finish(std::move(c));
}

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
