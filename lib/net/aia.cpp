// A minimal HTTP/1.1 client for AIA caIssuers URLs: one GET per request (Connection: close),
// non-blocking sockets and poll() against one deadline, OpenSSL for https://.
#include "ksdoctor/aia.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "ksdoctor/error.hpp"
#include "ksdoctor/pem.hpp"

namespace ksdoctor {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRedirects = 3;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

// Why a fetch failed; caught in fetch_ca_issuers and turned into a finding.
class FetchFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, "/" at least
};

Url parse_url(const std::string& url) {
  Url u;
  std::string rest;
  std::string scheme = lower(url.substr(0, url.find("://")));
  if (url.find("://") == std::string::npos || (scheme != "http" && scheme != "https")) {
    throw FetchFailure("not an http:// or https:// URL");
  }
  u.tls = scheme == "https";
  rest = url.substr(scheme.size() + 3);
  std::size_t slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (std::size_t hash = u.target.find('#'); hash != std::string::npos) u.target.resize(hash);
  if (u.target.empty() || u.target[0] != '/') u.target = "/" + u.target;
  if (authority.find('@') != std::string::npos) throw FetchFailure("URL carries credentials");
  u.port = u.tls ? "443" : "80";
  if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
    std::size_t close = authority.find(']');
    if (close == std::string::npos) throw FetchFailure("bad IPv6 address in URL");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw FetchFailure("bad URL authority");
      u.port = authority.substr(close + 2);
    }
  } else {
    std::size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) u.port = authority.substr(colon + 1);
  }
  if (u.host.empty()) throw FetchFailure("URL has no host");
  if (u.port.empty() || u.port.size() > 5 || !std::all_of(u.port.begin(), u.port.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    throw FetchFailure("bad port in URL");
  }
  return u;
}

// Location relative to the URL it answered.
std::string resolve_location(const Url& base, const std::string& location) {
  std::string scheme_end = lower(location.substr(0, 8));
  if (scheme_end.rfind("http://", 0) == 0 || scheme_end.rfind("https://", 0) == 0) {
    return location;
  }
  std::string origin =
      std::string(base.tls ? "https://" : "http://") +
      (base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host) + ":" +
      base.port;
  if (location.rfind("//", 0) == 0) return (base.tls ? "https:" : "http:") + location;
  if (!location.empty() && location[0] == '/') return origin + location;
  std::string dir = base.target.substr(0, base.target.find('?'));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return origin + dir + location;
}

class Deadline {
 public:
  explicit Deadline(int timeout_ms)
      : end_(Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0))) {}
  // Milliseconds left; throws when none.
  int left() const {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - Clock::now()).count();
    if (ms <= 0) throw FetchFailure("timeout");
    return static_cast<int>(ms);
  }

 private:
  Clock::time_point end_;
};

void wait_for(int fd, short events, const Deadline& deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, deadline.left());
    if (n > 0) return;
    if (n == 0) throw FetchFailure("timeout");
    if (errno != EINTR) throw FetchFailure(std::string("poll: ") + std::strerror(errno));
  }
}

class Socket {
 public:
  Socket() = default;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Tries each address getaddrinfo gives until one connects before the deadline.
void connect_to(const Url& url, Socket& sock, const Deadline& deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found);
  if (rc != 0) throw FetchFailure("cannot resolve " + url.host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  std::string last = "no address";
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    sock.reset(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (sock.fd() < 0) {
      last = std::strerror(errno);
      continue;
    }
    ::fcntl(sock.fd(), F_SETFL, ::fcntl(sock.fd(), F_GETFL) | O_NONBLOCK);
    if (::connect(sock.fd(), ai->ai_addr, ai->ai_addrlen) == 0) return;
    if (errno != EINPROGRESS) {
      last = std::strerror(errno);
      continue;
    }
    wait_for(sock.fd(), POLLOUT, deadline);
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0) return;
    last = std::strerror(err);
  }
  throw FetchFailure("cannot connect to " + url.host + ":" + url.port + ": " + last);
}

std::string ssl_error_text() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// A connection, plain or TLS, whose reads and writes give up at the deadline.
class Connection {
 public:
  Connection(const Url& url, const Deadline& deadline) : deadline_(deadline) {
    connect_to(url, sock_, deadline);
    if (!url.tls) return;
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_ || SSL_CTX_set_default_verify_paths(ctx_.get()) != 1) {
      throw FetchFailure("TLS setup: " + ssl_error_text());
    }
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    ssl_.reset(SSL_new(ctx_.get()));
    if (!ssl_ || SSL_set_fd(ssl_.get(), sock_.fd()) != 1 ||
        SSL_set_tlsext_host_name(ssl_.get(), url.host.c_str()) != 1 ||
        SSL_set1_host(ssl_.get(), url.host.c_str()) != 1) {
      throw FetchFailure("TLS setup: " + ssl_error_text());
    }
    for (;;) {
      int rc = SSL_connect(ssl_.get());
      if (rc == 1) break;
      ssl_wait(rc, "TLS handshake with " + url.host);
    }
  }

  void write_all(std::string_view data) {
    while (!data.empty()) {
      if (ssl_) {
        std::size_t n = 0;
        int rc = SSL_write_ex(ssl_.get(), data.data(), data.size(), &n);
        if (rc == 1) {
          data.remove_prefix(n);
        } else {
          ssl_wait(rc, "TLS write");
        }
        continue;
      }
      ssize_t n = ::send(sock_.fd(), data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        wait_for(sock_.fd(), POLLOUT, deadline_);
      } else if (n < 0 && errno != EINTR) {
        throw FetchFailure(std::string("send: ") + std::strerror(errno));
      }
    }
  }

  // Appends what arrives to `out`; false at the end of the stream.
  bool read_some(std::string& out) {
    char buf[16384];
    for (;;) {
      if (ssl_) {
        std::size_t n = 0;
        int rc = SSL_read_ex(ssl_.get(), buf, sizeof buf, &n);
        if (rc == 1) {
          out.append(buf, n);
          return true;
        }
        int err = SSL_get_error(ssl_.get(), rc);
        // A server that closes without close_notify is common for Connection: close.
        if (err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL) return false;
        ssl_wait(rc, "TLS read");
        continue;
      }
      ssize_t n = ::recv(sock_.fd(), buf, sizeof buf, 0);
      if (n > 0) {
        out.append(buf, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0) return false;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        wait_for(sock_.fd(), POLLIN, deadline_);
      } else if (errno != EINTR) {
        throw FetchFailure(std::string("recv: ") + std::strerror(errno));
      }
    }
  }

 private:
  // Waits for what OpenSSL asks for, or throws its error.
  void ssl_wait(int rc, const std::string& what) {
    int err = SSL_get_error(ssl_.get(), rc);
    if (err == SSL_ERROR_WANT_READ) {
      wait_for(sock_.fd(), POLLIN, deadline_);
    } else if (err == SSL_ERROR_WANT_WRITE) {
      wait_for(sock_.fd(), POLLOUT, deadline_);
    } else {
      long verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK) {
        ERR_clear_error();
        throw FetchFailure(
            what + ": certificate verification failed: " + X509_verify_cert_error_string(verify));
      }
      throw FetchFailure(what + ": " + ssl_error_text());
    }
  }

  const Deadline& deadline_;
  Socket sock_;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx_{nullptr, SSL_CTX_free};
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl_{nullptr, SSL_free};
};

struct Response {
  int status = 0;
  std::string content_type;
  std::string location;
  std::string body;
};

enum class Chunked { kComplete, kIncomplete };

// Decodes a chunked body (RFC 9112 7.1) from `raw`; trailers are ignored.
Chunked decode_chunked(std::string_view raw, std::string& body) {
  body.clear();
  std::size_t pos = 0;
  for (;;) {
    std::size_t eol = raw.find("\r\n", pos);
    if (eol == std::string_view::npos) return Chunked::kIncomplete;
    std::string_view line = raw.substr(pos, eol - pos);
    line = line.substr(0, line.find(';'));
    std::string size_text = trim(line);
    if (size_text.empty() || size_text.size() > 8 ||
        !std::all_of(size_text.begin(), size_text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      throw FetchFailure("bad chunked encoding");
    }
    std::size_t size = std::stoul(size_text, nullptr, 16);
    pos = eol + 2;
    if (size == 0) return Chunked::kComplete;  // trailers, if any, do not matter
    if (raw.size() < pos + size + 2) return Chunked::kIncomplete;
    body.append(raw.substr(pos, size));
    if (raw.substr(pos + size, 2) != "\r\n") throw FetchFailure("bad chunked encoding");
    pos += size + 2;
  }
}

// Status line and headers of `head` (up to, not including, the blank line).
void parse_head(std::string_view head, Response& r, std::optional<std::size_t>& length,
                bool& chunked) {
  std::size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12 ||
      !std::isdigit(static_cast<unsigned char>(status_line[9])) || status_line[8] != ' ') {
    throw FetchFailure("not an HTTP response");
  }
  r.status = std::stoi(std::string(status_line.substr(9, 3)));
  while (eol != std::string_view::npos) {
    std::size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view line = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (name == "content-length") {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        throw FetchFailure("bad Content-Length");
      }
      length = std::stoull(value);
    } else if (name == "transfer-encoding") {
      chunked = lower(value).find("chunked") != std::string::npos;
    } else if (name == "content-type") {
      r.content_type = value;
    } else if (name == "location") {
      r.location = value;
    }
  }
}

std::string too_large(std::size_t max_bytes) {
  return "response body larger than " + std::to_string(max_bytes) + " bytes";
}

Response get(const Url& url, const Deadline& deadline, std::size_t max_bytes) {
  Connection conn(url, deadline);
  bool default_port = url.port == (url.tls ? "443" : "80");
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (!default_port) host += ":" + url.port;
  conn.write_all("GET " + url.target + " HTTP/1.1\r\nHost: " + host +
                 "\r\nUser-Agent: ksdoctor\r\nAccept: application/pkix-cert, "
                 "application/pkcs7-mime, application/x-x509-ca-cert, */*\r\n"
                 "Connection: close\r\n\r\n");
  Response r;
  std::string raw;
  std::size_t body_start = std::string::npos;
  std::optional<std::size_t> length;
  bool chunked = false;
  for (;;) {
    bool more = conn.read_some(raw);
    if (body_start == std::string::npos) {
      std::size_t end = raw.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (raw.size() > kMaxHeaderBytes) throw FetchFailure("response headers too large");
        if (!more) throw FetchFailure(raw.empty() ? "empty reply" : "truncated response headers");
        continue;
      }
      body_start = end + 4;
      parse_head(std::string_view(raw).substr(0, end), r, length, chunked);
      if (r.status >= 100 && r.status < 200) {  // 100 Continue and friends: skip
        raw.erase(0, body_start);
        body_start = std::string::npos;
        length.reset();
        chunked = false;
        continue;
      }
      if (length && !chunked && *length > max_bytes) throw FetchFailure(too_large(max_bytes));
    }
    std::string_view rest = std::string_view(raw).substr(body_start);
    if (chunked) {
      if (decode_chunked(rest, r.body) == Chunked::kComplete) break;
      if (r.body.size() > max_bytes) throw FetchFailure(too_large(max_bytes));
      if (!more) throw FetchFailure("connection closed in a chunked body");
    } else if (length) {
      if (rest.size() >= *length) {
        r.body.assign(rest.substr(0, *length));
        break;
      }
      if (!more) throw FetchFailure("connection closed before the end of the body");
    } else {
      if (rest.size() > max_bytes) throw FetchFailure(too_large(max_bytes));
      if (!more) {
        r.body.assign(rest);
        break;
      }
    }
    // Chunk framing is small, but a chunked body padded out without end must stop somewhere.
    if (raw.size() > body_start + 2 * max_bytes + kMaxHeaderBytes) {
      throw FetchFailure(too_large(max_bytes));
    }
  }
  return r;
}

std::vector<CertPtr> pkcs7_certs(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(
      d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())), PKCS7_free);
  ERR_clear_error();
  std::vector<CertPtr> out;
  if (!p7 || !PKCS7_type_is_signed(p7.get()) || !p7->d.sign) return out;
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; certs && i < sk_X509_num(certs); ++i) {
    unsigned char* buf = nullptr;
    int len = i2d_X509(sk_X509_value(certs, i), &buf);
    if (len <= 0) continue;
    Bytes bytes(buf, buf + len);
    OPENSSL_free(buf);
    out.push_back(parse_certificate(std::move(bytes)));
  }
  return out;
}

// The certificates of a caIssuers body: PEM, DER certificate, or DER PKCS#7 certs-only.
std::vector<CertPtr> body_certificates(const std::string& body) {
  std::vector<CertPtr> out;
  try {
    if (body.find("-----BEGIN") != std::string::npos) {
      for (const Bytes& block : pem_blocks(body, "PKCS7")) {
        for (CertPtr& c : pkcs7_certs(std::string(block.begin(), block.end()))) {
          out.push_back(std::move(c));
        }
      }
      if (body.find("-----BEGIN PKCS7") == std::string::npos ||
          body.find("CERTIFICATE-----") != std::string::npos) {
        ByteView view(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
        for (CertPtr& c : read_certificates(view)) out.push_back(std::move(c));
      }
      return out;
    }
    out = pkcs7_certs(body);
    if (!out.empty()) return out;
    ByteView view(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    return read_certificates(view);
  } catch (const Error&) {
    return out;
  }
}

Finding failure(const std::string& url, const std::string& reason) {
  Finding f;
  f.code = "AIA_FETCH_FAILED";
  f.severity = Severity::kWarning;
  f.message = "could not get a CA certificate from the caIssuers URL " + url + ": " + reason;
  f.remedy =
      "download the issuer yourself (check proxies and firewalls; --aia-timeout MS allows "
      "more time), then: ksdoctor repair KEYSTORE --from FILE";
  f.details.emplace_back("url", url);
  f.details.emplace_back("reason", reason);
  return f;
}

}  // namespace

AiaFetchResult fetch_ca_issuers(const std::string& url, int timeout_ms, std::size_t max_bytes) {
  AiaFetchResult result;
  try {
    Deadline deadline(timeout_ms);
    std::string current = url;
    for (int redirects = 0;; ++redirects) {
      Url parsed = parse_url(current);
      Response r = get(parsed, deadline, max_bytes);
      bool redirect = r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 ||
                      r.status == 308;
      if (redirect && !r.location.empty()) {
        if (redirects == kMaxRedirects) throw FetchFailure("more than 3 redirects");
        current = resolve_location(parsed, r.location);
        continue;
      }
      if (r.status != 200) throw FetchFailure("HTTP status " + std::to_string(r.status));
      result.certs = body_certificates(r.body);
      if (result.certs.empty()) {
        throw FetchFailure(
            "not a certificate (" +
            (r.content_type.empty() ? std::string("no Content-Type") : r.content_type) + ", " +
            std::to_string(r.body.size()) + " bytes)");
      }
      return result;
    }
  } catch (const FetchFailure& e) {
    result.problems.push_back(failure(url, e.what()));
  } catch (const std::exception& e) {  // std::bad_alloc, std::out_of_range from stoi, ...
    result.problems.push_back(failure(url, e.what()));
  }
  return result;
}

}  // namespace ksdoctor
