// One TCP connection with deadlines, for net/'s clients (the SMTP STARTTLS probe): name
// resolution (IPv4 and IPv6, in resolver order), connect with a deadline per address and
// overall, line-oriented reads and writes, then a TLS client handshake with OpenSSL on the same
// socket. Failures are NetError with a kind; nothing here prints or reads the environment.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/error.hpp"

namespace ksdoctor::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

inline Deadline deadline_in(std::chrono::milliseconds timeout) { return Clock::now() + timeout; }

enum class NetErrorKind {
  kDnsFailure,   // the name does not resolve
  kRefused,      // nothing listens there (RST to the SYN)
  kUnreachable,  // no route, address family unavailable, or another connect failure
  kTimeout,      // a deadline passed
  kReset,        // the peer reset an established connection
  kClosed,       // the peer closed before the expected data arrived
  kTls,          // the TLS handshake or a TLS record failed
  kTlsVerify,    // the peer's certificate did not verify (only when verification is on)
  kProtocol,     // the peer sent something else than expected (an overlong line, ...)
};
// "NET_DNS_FAILURE", "NET_REFUSED", ..., the code of the NetError.
const char* net_error_code(NetErrorKind kind);

class NetError : public Error {
 public:
  NetError(NetErrorKind kind, const std::string& message)
      : Error(net_error_code(kind), message), kind_(kind) {}
  NetErrorKind kind() const noexcept { return kind_; }

 private:
  NetErrorKind kind_;
};

struct Endpoint {
  std::string address;  // numeric: "192.0.2.1" or "2001:db8::1"
  std::uint16_t port = 0;
  bool ipv6 = false;
};

// Every address of `host` (a name or a numeric IPv4/IPv6 address) in the resolver's order.
// NetError kDnsFailure when there is none. The lookup itself is not bounded by a deadline.
std::vector<Endpoint> resolve(const std::string& host, std::uint16_t port);

struct ConnectOptions {
  std::chrono::milliseconds per_address{5000};  // one connect attempt
  std::chrono::milliseconds overall{15000};     // all addresses together
};

struct TlsOptions {
  std::string server_name;  // SNI (skipped for an IP address) and, with verify, the name checked
  bool verify = false;      // against the system's default CA paths; off: any chain is accepted
  // What the ClientHello offers; empty or 0 keeps OpenSSL's configured default. A probe that
  // imitates another client (Java) or enumerates a server sets them, with security_level 0 so
  // that legacy protocols and suites can be offered at all.
  int min_version = 0;  // TLS1_VERSION, ... (OpenSSL's protocol version numbers)
  int max_version = 0;
  std::string cipher_list;   // TLS 1.2 and below, OpenSSL's cipher-list syntax, in offer order
  std::string tls13_suites;  // TLS 1.3, IANA names joined by ':', in offer order
  std::string groups;        // supported groups, OpenSSL names joined by ':', in offer order
  std::optional<int> security_level;
  bool request_ocsp = false;  // ask for a stapled OCSP response (status_request)
};

struct TlsSession {
  std::string protocol;           // "TLSv1.3", ...
  std::string cipher;             // OpenSSL's name of the negotiated suite
  std::string cipher_iana;        // the suite's IANA name ("TLS_AES_128_GCM_SHA256")
  std::string group;              // key exchange group ("x25519", "secp256r1", "ffdhe2048",
                                  // "DH 2048" for TLS 1.2 DHE); "" for RSA key transport
  std::vector<Bytes> peer_chain;  // DER, exactly as the server sent it (leaf first)
  Bytes ocsp_response;            // the stapled OCSP response, empty when none
};

class Connection {
 public:
  // Tries each resolved address in order until one accepts; the last failure otherwise.
  static Connection open(const std::string& host, std::uint16_t port,
                         const ConnectOptions& options = {});

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  const Endpoint& peer() const;

  void write(std::string_view data, Deadline deadline);
  void write_line(std::string_view line, Deadline deadline);  // appends CR LF
  // The next line without its line end (LF or CR LF). NetError kClosed when the stream ends
  // first, kProtocol when the line is longer than `max_length`.
  std::string read_line(Deadline deadline, std::size_t max_length = 8192);

  // TLS client handshake on this socket; later reads and writes are encrypted. Refused while
  // read-ahead plaintext is pending (bytes a server sent after the STARTTLS reply must not be
  // taken as coming from inside TLS).
  TlsSession start_tls(const TlsOptions& options, Deadline deadline);

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ksdoctor::net
