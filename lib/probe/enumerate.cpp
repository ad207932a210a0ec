#include "probe/enumerate.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <optional>

#include "probe/session.hpp"

namespace ksdoctor::probe {
namespace {

const char* const kProtocols[] = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
const char* const kTls13Suites[] = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                                    "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
                                    "TLS_AES_128_CCM_8_SHA256"};
// Java's names; OpenSSL 3.0 speaks finite-field groups in TLS 1.3 only.
const char* const kGroups[] = {"x25519",    "secp256r1", "secp384r1", "secp521r1", "x448",
                               "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"};

// The TLS 1.2-and-below suites this OpenSSL can offer at `version`, as (IANA, OpenSSL) names.
std::vector<std::pair<std::string, std::string>> legacy_suites(int version) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  if (!ctx) return out;
  SSL_CTX_set_security_level(ctx.get(), 0);
  SSL_CTX_set_min_proto_version(ctx.get(), version);
  SSL_CTX_set_max_proto_version(ctx.get(), version);
  SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL");
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  if (!ssl) return out;
  // What a ClientHello at this version really carries (PSK and SRP suites need credentials).
  STACK_OF(SSL_CIPHER)* offered = SSL_get1_supported_ciphers(ssl.get());
  for (int i = 0; i < sk_SSL_CIPHER_num(offered); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(offered, i);
    const char* iana = SSL_CIPHER_standard_name(c);
    if (!iana || std::string_view(iana).starts_with("TLS_AES_") ||
        std::string_view(iana).starts_with("TLS_CHACHA20_POLY1305_SHA256")) {
      continue;
    }
    out.emplace_back(iana, SSL_CIPHER_get_name(c));
  }
  sk_SSL_CIPHER_free(offered);
  return out;
}

struct Budget {
  net::Deadline end;
  std::atomic<bool> exhausted{false};
  std::atomic<bool> failed{false};  // a connection failed for a reason other than TLS

  bool left() {
    if (net::Clock::now() >= end) exhausted = true;
    return !exhausted;
  }
};

// One handshake with `offer`; the session when the server accepted it.
std::optional<net::TlsSession> try_offer(const ProbeOptions& o, const net::TlsOptions& offer,
                                         Budget& budget) {
  if (!budget.left()) return std::nullopt;
  ProbeOptions step = o;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(budget.end - net::Clock::now());
  step.step_timeout = std::max(std::chrono::milliseconds(1), std::min(o.step_timeout, left));
  try {
    Attempt a = attempt(step, offer);
    return a.tls;
  } catch (const ProbeError& e) {
    if (e.kind() == ProbeErrorKind::kTimeout) {
      budget.exhausted = true;
    } else {
      budget.failed = true;
    }
    return std::nullopt;
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ":") + s;
  return out;
}

struct ProtocolScan {
  bool accepted = false;
  std::vector<std::string> suites;
  std::vector<std::string> groups;
};

ProtocolScan scan(const ProbeOptions& o, const std::string& protocol, Budget& budget) {
  ProtocolScan out;
  int version = protocol_version(protocol);
  net::TlsOptions base;
  base.server_name = o.server_name;
  base.security_level = 0;
  base.min_version = version;
  base.max_version = version;

  bool tls13 = version == TLS1_3_VERSION;
  std::vector<std::pair<std::string, std::string>> remaining;
  if (tls13) {
    for (const char* s : kTls13Suites) remaining.emplace_back(s, s);
  } else {
    remaining = legacy_suites(version);
  }
  while (!remaining.empty()) {
    net::TlsOptions offer = base;
    std::vector<std::string> names;
    for (const auto& [iana, name] : remaining) names.push_back(name);
    if (tls13) {
      offer.tls13_suites = join(names);
    } else {
      offer.cipher_list = join(names);
    }
    std::optional<net::TlsSession> s = try_offer(o, offer, budget);
    if (!s || s->protocol != protocol) break;
    out.accepted = true;
    auto chosen = std::find_if(remaining.begin(), remaining.end(),
                               [&](const auto& p) { return p.first == s->cipher_iana; });
    out.suites.push_back(s->cipher_iana);
    if (chosen == remaining.end()) break;  // not offered: a confused server; stop asking
    remaining.erase(chosen);
  }
  if (!out.accepted || version < TLS1_2_VERSION) return out;

  // Groups: TLS 1.3 all of them; TLS 1.2 the elliptic curves, with ECDHE suites only.
  std::vector<std::string> groups;
  for (const char* g : kGroups) {
    if (tls13 || !std::string_view(g).starts_with("ffdhe")) groups.emplace_back(g);
  }
  while (!groups.empty()) {
    net::TlsOptions offer = base;
    if (!tls13) offer.cipher_list = "ECDHE:@SECLEVEL=0";
    std::vector<std::string> names;
    for (const std::string& g : groups) names.push_back(openssl_group_name(g));
    offer.groups = join(names);
    std::optional<net::TlsSession> s = try_offer(o, offer, budget);
    if (!s || s->group.empty()) break;
    auto chosen = std::find(groups.begin(), groups.end(), s->group);
    out.groups.push_back(s->group);
    if (chosen == groups.end()) break;
    groups.erase(chosen);
  }
  return out;
}

}  // namespace

Enumeration enumerate(const ProbeOptions& o) {
  Budget budget;
  budget.end = net::Clock::now() + o.enumeration_budget;
  std::vector<std::future<ProtocolScan>> scans;
  for (const char* p : kProtocols) {
    scans.push_back(
        std::async(std::launch::async, [&o, &budget, p] { return scan(o, p, budget); }));
  }
  Enumeration e;
  for (std::size_t i = 0; i < scans.size(); ++i) {
    ProtocolScan s = scans[i].get();
    e.protocols[kProtocols[i]] = s.accepted;
    if (s.accepted) e.suites[kProtocols[i]] = std::move(s.suites);
    if (!s.groups.empty()) e.groups[kProtocols[i]] = std::move(s.groups);
  }
  e.complete = !budget.exhausted && !budget.failed;
  return e;
}

}  // namespace ksdoctor::probe
