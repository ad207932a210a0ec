// One probe connection: connect, the SMTP dialogue up to STARTTLS (unless implicit TLS), then one
// TLS handshake with a given offer. Used once for the Java-like handshake and many times by the
// enumeration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/probe.hpp"
#include "net/connection.hpp"

namespace ksdoctor::probe {

struct Attempt {
  std::string address;
  std::string banner;
  std::vector<std::string> ehlo;
  bool starttls_offered = false;
  std::optional<net::TlsSession> tls;      // the handshake succeeded
  std::optional<net::NetError> tls_error;  // the handshake was tried and failed
};

// Throws ProbeError when the server cannot be reached or does not speak SMTP, or refuses
// STARTTLS; returns with neither `tls` nor `tls_error` when STARTTLS is not advertised.
Attempt attempt(const ProbeOptions& options, const net::TlsOptions& offer);

// The ClientHello of Java's default client: protocols, suites in Java's order, groups.
net::TlsOptions java_offer(const std::string& server_name);
// Everything this OpenSSL can offer (TLS 1.0 to 1.3, every suite, security level 0).
net::TlsOptions full_offer(const std::string& server_name);

// "TLSv1.2" → TLS1_2_VERSION; 0 when unknown.
int protocol_version(const std::string& name);
// Java's group name → OpenSSL's ("secp256r1" → "P-256").
std::string openssl_group_name(const std::string& java_name);

}  // namespace ksdoctor::probe
