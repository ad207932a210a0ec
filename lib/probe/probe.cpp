// probe_server: the Java-like handshake first (its outcome is Java's), a handshake offering
// everything when that fails (to still see the server's chain and protocol), then the
// enumeration.
#include "ksdoctor/probe.hpp"

#include <openssl/ssl.h>

#include "net/connection.hpp"
#include "probe/enumerate.hpp"
#include "probe/session.hpp"

namespace ksdoctor {
namespace {

bool is_ip_literal(const std::string& host) {
  // Names never contain ':'; an IPv4 literal is digits and dots only.
  if (host.find(':') != std::string::npos) return true;
  return host.find_first_not_of("0123456789.") == std::string::npos;
}

TlsFacts facts_of(const net::TlsSession& s) {
  TlsFacts f;
  f.protocol = s.protocol;
  f.cipher = s.cipher_iana.empty() ? s.cipher : s.cipher_iana;
  f.cipher_openssl = s.cipher;
  f.group = s.group;
  f.ocsp_staple = s.ocsp_response;
  return f;
}

void take_chain(ProbeResult& r, const net::TlsSession& s) {
  r.chain_der = s.peer_chain;
  for (const Bytes& der : s.peer_chain) {
    try {
      r.chain.push_back(parse_certificate(der));
    } catch (const FormatError&) {
      // Java would refuse a certificate it cannot parse as well; the DER stays in chain_der.
    }
  }
}

std::string handshake_step(const ProbeOptions& o) {
  return "the TLS handshake with " + o.host + " port " + std::to_string(o.port);
}

}  // namespace

ProbeResult probe_server(const ProbeOptions& options) {
  ProbeOptions o = options;
  if (o.server_name.empty() && !is_ip_literal(o.host)) o.server_name = o.host;

  ProbeResult r;
  r.host = o.host;
  r.port = o.port;
  r.starttls = o.starttls;
  r.server_name = o.server_name;

  probe::Attempt java = probe::attempt(o, probe::java_offer(o.server_name));
  r.address = java.address;
  r.banner = java.banner;
  r.ehlo = java.ehlo;
  r.starttls_offered = java.starttls_offered;
  if (!java.starttls_offered) return r;

  if (java.tls) {
    r.java.succeeded = true;
    r.java.negotiated = facts_of(*java.tls);
    r.tls = r.java.negotiated;
    take_chain(r, *java.tls);
  } else {
    r.java.failure = java.tls_error ? java.tls_error->what() : "no handshake";
    // Java's offer failed: offer everything, to learn what the server does speak.
    probe::Attempt any = probe::attempt(o, probe::full_offer(o.server_name));
    if (!any.tls) {
      const net::NetError& e = any.tls_error ? *any.tls_error : *java.tls_error;
      switch (e.kind()) {
        case net::NetErrorKind::kReset:
          throw ProbeError(ProbeErrorKind::kReset, "connection reset during " + handshake_step(o));
        case net::NetErrorKind::kClosed:
          throw ProbeError(ProbeErrorKind::kClosed,
                           "connection closed by the server during " + handshake_step(o));
        case net::NetErrorKind::kTimeout:
          throw ProbeError(ProbeErrorKind::kTimeout,
                           "timeout after " + std::to_string(o.step_timeout.count() / 1000) +
                               " s in " + handshake_step(o));
        default:
          throw ProbeError(ProbeErrorKind::kTlsFailed,
                           "no TLS handshake with " + o.host + " port " + std::to_string(o.port) +
                               " succeeds, whatever is offered: " + e.what());
      }
    }
    r.tls = facts_of(*any.tls);
    take_chain(r, *any.tls);
  }
  if (o.enumerate) r.enumeration = probe::enumerate(o);
  return r;
}

}  // namespace ksdoctor
