// net/connection against peers on 127.0.0.1 and ::1 only: refused, a silent listener and its
// deadline, IPv6, a line exchange, STARTTLS-style TLS on the same socket (peer chain as served,
// verification, read-ahead refused), a peer that closes.
#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "net/connection.hpp"
#include "test_os.hpp"
#include "test_pki.hpp"

namespace net_connection_test {
using namespace ksdoctor;
using namespace ksdoctor::net;
using namespace std::chrono_literals;

namespace {

// A listening socket on a loopback address; serve() runs `session` on the next accepted
// connection in a thread.
class Listener {
 public:
  explicit Listener(bool ipv6 = false, bool listening = true) : socket_(ipv6, listening) {}
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener() {
    if (thread_.joinable()) thread_.join();
  }
  bool ok() const { return socket_.ok(); }
  std::uint16_t port() const { return socket_.port(); }

  void serve(std::function<void(testos::socket_t)> session) {
    thread_ = std::thread([this, session = std::move(session)] {
      testos::socket_t client = socket_.accept();
      if (!testos::valid(client)) return;
      session(client);
      testos::close_socket(client);
    });
  }

 private:
  testos::Listener socket_;
  std::thread thread_;
};

TlsOptions tls_options(const char* server_name, bool verify) {
  TlsOptions o;
  o.server_name = server_name;
  o.verify = verify;
  return o;
}

std::string read_line_from(testos::socket_t fd) {
  std::string line;
  char c = 0;
  while (testos::receive(fd, &c, 1) == 1 && c != '\n') line += c;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Reads until the client closes: a peer that listens and never speaks.
void drain(testos::socket_t fd) {
  char buf[512];
  while (testos::receive(fd, buf, sizeof buf) > 0) {
  }
}

void send_text(testos::socket_t fd, const std::string& text) { testos::send_text(fd, text); }

// Banner, one echoed line: the shape of an SMTP greeting and EHLO.
void echo_session(testos::socket_t fd) {
  send_text(fd, "220 ready\r\n");
  send_text(fd, "250 got " + read_line_from(fd) + "\r\n");
}

NetErrorKind kind_of_failure(const std::function<void()>& action) {
  try {
    action();
  } catch (const NetError& e) {
    return e.kind();
  }
  FAIL("no NetError");
  return NetErrorKind::kProtocol;
}

struct TlsPki {
  testpki::Node root = testpki::root("Net Test Root");
  testpki::Node inter = testpki::issue("Net Test CA", &root, {});
  testpki::Node leaf = testpki::issue("localhost", &inter, testpki::leaf_spec());
};

TlsPki& pki() {
  static TlsPki shared;
  return shared;
}

X509* x509_of(const CertPtr& cert) {
  const unsigned char* p = cert->der.data();
  return d2i_X509(nullptr, &p, static_cast<long>(cert->der.size()));
}

// "220 ready", then STARTTLS's "220 go" and a TLS server serving leaf + intermediate that
// answers one line inside TLS.
void starttls_session(testos::socket_t fd) {
  send_text(fd, "220 ready\r\n");
  read_line_from(fd);
  send_text(fd, "220 go\r\n");
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()),
                                                        SSL_CTX_free);
  X509* leaf = x509_of(pki().leaf.cert);
  SSL_CTX_use_certificate(ctx.get(), leaf);
  X509_free(leaf);
  SSL_CTX_add0_chain_cert(ctx.get(), x509_of(pki().inter.cert));  // add0: the context owns it
  SSL_CTX_use_PrivateKey(ctx.get(), pki().leaf.key.get());
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), static_cast<int>(fd));  // OpenSSL takes a SOCKET as int too
  if (SSL_accept(ssl.get()) != 1) return;
  char buf[256];
  int n = SSL_read(ssl.get(), buf, sizeof buf);
  if (n <= 0) return;
  std::string reply = "250 tls " + std::string(buf, static_cast<std::size_t>(n));
  SSL_write(ssl.get(), reply.data(), static_cast<int>(reply.size()));
  SSL_shutdown(ssl.get());
}

}  // namespace

TEST_CASE("net: numeric addresses and localhost resolve without the network") {
  std::vector<Endpoint> v4 = resolve("127.0.0.1", 25);
  REQUIRE(v4.size() == 1);
  CHECK(v4[0].address == "127.0.0.1");
  CHECK(v4[0].port == 25);
  CHECK_FALSE(v4[0].ipv6);
  std::vector<Endpoint> v6 = resolve("::1", 587);
  REQUIRE(v6.size() == 1);
  CHECK(v6[0].address == "::1");
  CHECK(v6[0].ipv6);
  CHECK_FALSE(resolve("localhost", 25).empty());  // /etc/hosts
}

TEST_CASE("net: a line exchange, then the peer closes") {
  Listener server;
  REQUIRE(server.ok());
  server.serve(echo_session);
  Connection c = Connection::open("127.0.0.1", server.port());
  CHECK(c.peer().address == "127.0.0.1");
  CHECK(c.read_line(deadline_in(2s)) == "220 ready");
  c.write_line("EHLO probe.test", deadline_in(2s));
  CHECK(c.read_line(deadline_in(2s)) == "250 got EHLO probe.test");
  CHECK(kind_of_failure([&] { c.read_line(deadline_in(2s)); }) == NetErrorKind::kClosed);
}

TEST_CASE("net: nothing listening is kRefused") {
  Listener bound_only(false, false);
  REQUIRE(bound_only.ok());
  try {
    Connection::open("127.0.0.1", bound_only.port());
    FAIL("connected");
  } catch (const NetError& e) {
    CHECK(e.kind() == NetErrorKind::kRefused);
    CHECK(e.code() == "NET_REFUSED");
  }
}

TEST_CASE("net: a silent listener meets the read deadline") {
  Listener server;
  REQUIRE(server.ok());
  server.serve(drain);
  Connection c = Connection::open("127.0.0.1", server.port());
  auto start = Clock::now();
  CHECK(kind_of_failure([&] { c.read_line(deadline_in(300ms)); }) == NetErrorKind::kTimeout);
  auto elapsed = Clock::now() - start;
  CHECK(elapsed >= 250ms);
  CHECK(elapsed < 1500ms);
}

TEST_CASE("net: an overlong line is kProtocol") {
  Listener server;
  REQUIRE(server.ok());
  server.serve([](testos::socket_t fd) { send_text(fd, std::string(100, 'x') + "\r\n"); });
  Connection c = Connection::open("127.0.0.1", server.port());
  CHECK(kind_of_failure([&] { c.read_line(deadline_in(2s), 64); }) == NetErrorKind::kProtocol);
}

TEST_CASE("net: IPv6 loopback") {
  Listener server(true);
  if (!server.ok()) {
    MESSAGE("no IPv6 loopback on this machine: skipped");
    return;
  }
  server.serve(echo_session);
  Connection c = Connection::open("::1", server.port());
  CHECK(c.peer().ipv6);
  CHECK(c.read_line(deadline_in(2s)) == "220 ready");
  c.write_line("EHLO v6", deadline_in(2s));
  CHECK(c.read_line(deadline_in(2s)) == "250 got EHLO v6");
}

TEST_CASE("net: STARTTLS on the same socket gives the chain as served") {
  Listener server;
  REQUIRE(server.ok());
  server.serve(starttls_session);
  Connection c = Connection::open("127.0.0.1", server.port());
  CHECK(c.read_line(deadline_in(2s)) == "220 ready");
  c.write_line("STARTTLS", deadline_in(2s));
  CHECK(c.read_line(deadline_in(2s)) == "220 go");
  TlsSession tls = c.start_tls(tls_options("localhost", false), deadline_in(5s));
  CHECK(tls.protocol.rfind("TLSv1.", 0) == 0);
  CHECK_FALSE(tls.cipher.empty());
  REQUIRE(tls.peer_chain.size() == 2);
  CHECK(tls.peer_chain[0] == pki().leaf.cert->der);
  CHECK(tls.peer_chain[1] == pki().inter.cert->der);
  c.write_line("EHLO again", deadline_in(2s));
  CHECK(c.read_line(deadline_in(2s)) == "250 tls EHLO again");
}

TEST_CASE("net: TLS verification against the system CAs rejects a private PKI") {
  Listener server;
  REQUIRE(server.ok());
  server.serve(starttls_session);
  Connection c = Connection::open("127.0.0.1", server.port());
  c.read_line(deadline_in(2s));
  c.write_line("STARTTLS", deadline_in(2s));
  c.read_line(deadline_in(2s));
  CHECK(kind_of_failure([&] { c.start_tls(tls_options("localhost", true), deadline_in(5s)); }) ==
        NetErrorKind::kTlsVerify);
}

TEST_CASE("net: plaintext sent after the STARTTLS reply is refused, not taken into TLS") {
  Listener server;
  REQUIRE(server.ok());
  server.serve([](testos::socket_t fd) { send_text(fd, "220 go\r\n250 injected\r\n"); });
  Connection c = Connection::open("127.0.0.1", server.port());
  CHECK(c.read_line(deadline_in(2s)) == "220 go");
  CHECK(kind_of_failure([&] { c.start_tls(tls_options("localhost", false), deadline_in(2s)); }) ==
        NetErrorKind::kProtocol);
}

TEST_CASE("net: a TLS handshake with a silent server meets its deadline") {
  Listener server;
  REQUIRE(server.ok());
  server.serve(drain);
  Connection c = Connection::open("127.0.0.1", server.port());
  auto start = Clock::now();
  CHECK(kind_of_failure([&] { c.start_tls(tls_options("", false), deadline_in(300ms)); }) ==
        NetErrorKind::kTimeout);
  CHECK(Clock::now() - start < 1500ms);
}

}  // namespace net_connection_test
