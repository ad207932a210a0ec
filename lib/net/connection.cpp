// Connection: the socket sits under OpenSSL as a BIO whose reads and writes wait up to the
// current call's deadline, so plaintext and TLS traffic share one path and one deadline rule.
#include "net/connection.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <optional>

#include "platform/platform.hpp"

namespace ksdoctor::net {
namespace {

NetErrorKind kind_of(platform::NetFailure failure) {
  switch (failure) {
    case platform::NetFailure::kDns:
      return NetErrorKind::kDnsFailure;
    case platform::NetFailure::kRefused:
      return NetErrorKind::kRefused;
    case platform::NetFailure::kTimeout:
      return NetErrorKind::kTimeout;
    case platform::NetFailure::kReset:
      return NetErrorKind::kReset;
    case platform::NetFailure::kUnreachable:
    case platform::NetFailure::kOther:
      return NetErrorKind::kUnreachable;
  }
  return NetErrorKind::kUnreachable;
}

// The platform's failure of `what` ("send", "recv", "cannot connect to 192.0.2.1:25") in this
// module's words; a deadline that passed is "timeout" whatever was waiting for it.
NetError translate(const platform::NetError& e, const std::string& what) {
  if (e.failure() == platform::NetFailure::kTimeout) {
    return NetError(NetErrorKind::kTimeout, "timeout");
  }
  return NetError(kind_of(e.failure()), what + ": " + e.reason());
}

std::string where(const Endpoint& e) {
  return (e.ipv6 ? "[" + e.address + "]" : e.address) + ":" + std::to_string(e.port);
}

Endpoint endpoint_of(const platform::Address& address, std::uint16_t port) {
  // A numeric IPv6 address is the only kind whose text holds a colon.
  return Endpoint{address.text, port, address.text.find(':') != std::string::npos};
}

// The addresses of `host` that have a numeric text, in the resolver's order; NetError
// kDnsFailure when there is none.
std::vector<platform::Address> resolve_addresses(const std::string& host, std::uint16_t port) {
  std::vector<platform::Address> addresses;
  try {
    addresses = platform::resolve(host, std::to_string(port));
  } catch (const platform::NetError& e) {
    throw NetError(NetErrorKind::kDnsFailure, "cannot resolve " + host + ": " + e.reason());
  }
  std::erase_if(addresses, [](const platform::Address& a) { return a.text.empty(); });
  if (addresses.empty()) throw NetError(NetErrorKind::kDnsFailure, "cannot resolve " + host);
  return addresses;
}

}  // namespace

// The BIO's state: the socket, the deadline of the call in progress and why the last I/O failed.
// Named, not file-local: Connection::Impl holds one, and a member of a type with internal linkage
// is an error (-Wsubobject-linkage) once the unity build makes this file an included one.
namespace connection_detail {
struct SocketIo {
  platform::Socket socket;
  Deadline deadline{};
  std::optional<NetError> error;
};
}  // namespace connection_detail
using connection_detail::SocketIo;

namespace {

int bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  auto* io = static_cast<SocketIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  try {
    ByteView bytes(reinterpret_cast<const std::uint8_t*>(data), size);
    *written = io->socket.send_some(bytes, io->deadline);
    return 1;
  } catch (const platform::NetError& e) {
    io->error = translate(e, "send");
    return 0;
  }
}

int bio_read(BIO* bio, char* buffer, std::size_t size, std::size_t* read) {
  auto* io = static_cast<SocketIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  try {
    *read = io->socket.receive_some(reinterpret_cast<std::uint8_t*>(buffer), size, io->deadline);
    return *read > 0 ? 1 : 0;
  } catch (const platform::NetError& e) {
    io->error = translate(e, "recv");
    return 0;
  }
}

long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_bio_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ksdoctor socket");
    if (m) {
      BIO_meth_set_write_ex(m, bio_write);
      BIO_meth_set_read_ex(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
      BIO_meth_set_create(m, bio_create);
    }
    return m;
  }();
  return method;
}

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "TLS error";
  char text[256];
  ERR_error_string_n(e, text, sizeof text);
  return text;
}

bool is_ip_address(const std::string& name) {
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str());
  ASN1_OCTET_STRING_free(ip);
  return ip != nullptr;
}

Bytes der_of(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(cert, &buf);
  if (len <= 0) return {};
  Bytes out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

// The ClientHello's protocol range, suites and groups as TlsOptions asks.
bool configure_offer(SSL_CTX* ctx, const TlsOptions& o) {
  // The security level first: the cipher list's own "@SECLEVEL=" would be overridden otherwise.
  if (o.security_level) SSL_CTX_set_security_level(ctx, *o.security_level);
  if (o.min_version && SSL_CTX_set_min_proto_version(ctx, o.min_version) != 1) return false;
  if (o.max_version && SSL_CTX_set_max_proto_version(ctx, o.max_version) != 1) return false;
  if (!o.cipher_list.empty() && SSL_CTX_set_cipher_list(ctx, o.cipher_list.c_str()) != 1) {
    return false;
  }
  if (!o.tls13_suites.empty() && SSL_CTX_set_ciphersuites(ctx, o.tls13_suites.c_str()) != 1) {
    return false;
  }
  if (!o.groups.empty() && SSL_CTX_set1_groups_list(ctx, o.groups.c_str()) != 1) return false;
  return true;
}

// The key exchange group in Java's names (which are the TLS registry's); TLS 1.2 finite-field DHE
// without a named group is described by its size.
std::string negotiated_group(SSL* ssl) {
  int nid = static_cast<int>(SSL_get_negotiated_group(ssl));
  if (nid != 0 && nid != NID_undef) {
    switch (nid) {
      case NID_X9_62_prime256v1:
        return "secp256r1";
      case NID_secp384r1:
        return "secp384r1";
      case NID_secp521r1:
        return "secp521r1";
      case NID_X25519:
        return "x25519";
      case NID_X448:
        return "x448";
      default:
        break;
    }
    if (const char* name = SSL_group_to_name(ssl, nid)) return name;
    if (const char* name = OBJ_nid2sn(nid)) return name;
  }
  EVP_PKEY* key = nullptr;
  std::string out;
  if (SSL_get_peer_tmp_key(ssl, &key) == 1 && key) {
    if (EVP_PKEY_is_a(key, "DH")) out = "DH " + std::to_string(EVP_PKEY_get_bits(key));
    EVP_PKEY_free(key);
  }
  return out;
}

}  // namespace

const char* net_error_code(NetErrorKind kind) {
  switch (kind) {
    case NetErrorKind::kDnsFailure:
      return "NET_DNS_FAILURE";
    case NetErrorKind::kRefused:
      return "NET_REFUSED";
    case NetErrorKind::kUnreachable:
      return "NET_UNREACHABLE";
    case NetErrorKind::kTimeout:
      return "NET_TIMEOUT";
    case NetErrorKind::kReset:
      return "NET_RESET";
    case NetErrorKind::kClosed:
      return "NET_CLOSED";
    case NetErrorKind::kTls:
      return "NET_TLS";
    case NetErrorKind::kTlsVerify:
      return "NET_TLS_VERIFY";
    case NetErrorKind::kProtocol:
      return "NET_PROTOCOL";
  }
  return "NET_ERROR";
}

struct Connection::Impl {
  Endpoint peer;
  SocketIo io;
  BIO* bio = nullptr;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{nullptr, SSL_CTX_free};
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl{nullptr, SSL_free};
  std::string pending;  // received, not yet returned by read_line

  Impl(Endpoint endpoint, platform::Socket socket) : peer(std::move(endpoint)) {
    io.socket = std::move(socket);
    bio = BIO_new(socket_bio_method());
    if (!bio) throw NetError(NetErrorKind::kTls, "BIO setup: " + openssl_error());
    BIO_set_data(bio, &io);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    ssl.reset();
    BIO_free(bio);
  }  // then io.socket closes

  void start(Deadline deadline) {
    io.deadline = deadline;
    io.error.reset();
    ERR_clear_error();  // SSL_get_error reads the queue: only this call's errors may be in it
  }

  // Why the read, write or handshake that returned `rc` failed.
  [[noreturn]] void fail(int rc, const std::string& what) {
    if (io.error) {
      ERR_clear_error();
      throw *io.error;
    }
    if (!ssl) throw NetError(NetErrorKind::kClosed, what + ": connection closed by the peer");
    int err = SSL_get_error(ssl.get(), rc);
    if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
      throw NetError(NetErrorKind::kClosed, what + ": connection closed by the peer");
    }
    long verify = SSL_get_verify_result(ssl.get());
    if (verify != X509_V_OK) {
      ERR_clear_error();
      throw NetError(NetErrorKind::kTlsVerify, what + ": certificate verification failed: " +
                                                   X509_verify_cert_error_string(verify));
    }
    throw NetError(NetErrorKind::kTls, what + ": " + openssl_error());
  }
};

std::vector<Endpoint> resolve(const std::string& host, std::uint16_t port) {
  std::vector<Endpoint> out;
  for (const platform::Address& a : resolve_addresses(host, port)) {
    out.push_back(endpoint_of(a, port));
  }
  return out;
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const std::string& host, std::uint16_t port,
                            const ConnectOptions& options) {
  Deadline overall = deadline_in(options.overall);
  std::optional<NetError> last;
  for (const platform::Address& address : resolve_addresses(host, port)) {
    if (Clock::now() >= overall) break;
    Endpoint endpoint = endpoint_of(address, port);
    try {
      Deadline attempt = std::min(overall, deadline_in(options.per_address));
      platform::Socket socket = platform::connect(address, attempt);
      return Connection(std::make_unique<Impl>(std::move(endpoint), std::move(socket)));
    } catch (const platform::NetError& e) {
      last = translate(e, "cannot connect to " + where(endpoint));
    } catch (const NetError& e) {
      last = e;
    }
  }
  if (last && last->kind() != NetErrorKind::kTimeout) throw *last;
  throw NetError(NetErrorKind::kTimeout,
                 "timeout connecting to " + host + " port " + std::to_string(port));
}

const Endpoint& Connection::peer() const { return impl_->peer; }

void Connection::write(std::string_view data, Deadline deadline) {
  impl_->start(deadline);
  while (!data.empty()) {
    std::size_t n = 0;
    int rc = impl_->ssl ? SSL_write_ex(impl_->ssl.get(), data.data(), data.size(), &n)
                        : BIO_write_ex(impl_->bio, data.data(), data.size(), &n);
    if (rc != 1) impl_->fail(rc, "write");
    data.remove_prefix(n);
  }
}

void Connection::write_line(std::string_view line, Deadline deadline) {
  write(std::string(line) + "\r\n", deadline);
}

std::string Connection::read_line(Deadline deadline, std::size_t max_length) {
  impl_->start(deadline);
  std::string& pending = impl_->pending;
  for (;;) {
    std::size_t end = pending.find('\n');
    std::size_t length = end == std::string::npos ? pending.size() : end;
    if (length > 0 && end != std::string::npos && pending[length - 1] == '\r') --length;
    if (length > max_length) {
      throw NetError(NetErrorKind::kProtocol,
                     "a line longer than " + std::to_string(max_length) + " bytes");
    }
    if (end != std::string::npos) {
      std::string line = pending.substr(0, length);
      pending.erase(0, end + 1);
      return line;
    }
    char buffer[4096];
    std::size_t n = 0;
    int rc = impl_->ssl ? SSL_read_ex(impl_->ssl.get(), buffer, sizeof buffer, &n)
                        : BIO_read_ex(impl_->bio, buffer, sizeof buffer, &n);
    if (rc != 1) impl_->fail(rc, "read");
    pending.append(buffer, n);
  }
}

TlsSession Connection::start_tls(const TlsOptions& options, Deadline deadline) {
  if (impl_->ssl) throw NetError(NetErrorKind::kProtocol, "TLS is already on");
  if (!impl_->pending.empty()) {
    throw NetError(NetErrorKind::kProtocol, "the server sent data before the TLS handshake");
  }
  impl_->start(deadline);
  impl_->ctx.reset(SSL_CTX_new(TLS_client_method()));
  if (!impl_->ctx) throw NetError(NetErrorKind::kTls, "TLS setup: " + openssl_error());
  if (!configure_offer(impl_->ctx.get(), options)) {
    throw NetError(NetErrorKind::kTls, "TLS setup: " + openssl_error());
  }
  if (options.verify) {
    SSL_CTX_set_default_verify_paths(impl_->ctx.get());
    SSL_CTX_set_verify(impl_->ctx.get(), SSL_VERIFY_PEER, nullptr);
  }
  impl_->ssl.reset(SSL_new(impl_->ctx.get()));
  SSL* ssl = impl_->ssl.get();
  if (!ssl) throw NetError(NetErrorKind::kTls, "TLS setup: " + openssl_error());
  const std::string& name = options.server_name;
  bool ip = !name.empty() && is_ip_address(name);
  bool named = name.empty() || (ip ? true : SSL_set_tlsext_host_name(ssl, name.c_str()) == 1);
  if (named && options.verify && !name.empty()) {
    named = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) == 1
               : SSL_set1_host(ssl, name.c_str()) == 1;
  }
  if (!named) throw NetError(NetErrorKind::kTls, "TLS setup: " + openssl_error());
  if (options.request_ocsp) SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
  BIO_up_ref(impl_->bio);  // the SSL holds its own reference; Impl frees its one
  SSL_set_bio(ssl, impl_->bio, impl_->bio);
  int rc = SSL_connect(ssl);
  if (rc != 1) impl_->fail(rc, "TLS handshake with " + (name.empty() ? impl_->peer.address : name));

  TlsSession session;
  session.protocol = SSL_get_version(ssl);
  session.cipher = SSL_get_cipher_name(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) {
    if (const char* iana = SSL_CIPHER_standard_name(c)) session.cipher_iana = iana;
  }
  session.group = negotiated_group(ssl);
  const unsigned char* ocsp = nullptr;
  long ocsp_length = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp);
  if (ocsp && ocsp_length > 0) session.ocsp_response.assign(ocsp, ocsp + ocsp_length);
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      session.peer_chain.push_back(der_of(sk_X509_value(chain, i)));
    }
  }
  return session;
}

}  // namespace ksdoctor::net
