// POSIX sockets: getaddrinfo, non-blocking connect, and poll() against a deadline.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "net/socket.hpp"

namespace ksdoctor::net {
namespace {

using AddrInfoList = std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)>;

AddrInfoList lookup(const std::string& host, std::uint16_t port, int flags, int* rc) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  addrinfo* found = nullptr;
  *rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  return AddrInfoList(*rc == 0 ? found : nullptr, ::freeaddrinfo);
}

NetErrorKind kind_of(int err) {
  switch (err) {
    case ECONNREFUSED:
      return NetErrorKind::kRefused;
    case ETIMEDOUT:
      return NetErrorKind::kTimeout;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
      return NetErrorKind::kReset;
    default:
      return NetErrorKind::kUnreachable;
  }
}

std::string where(const Endpoint& e) {
  return (e.ipv6 ? "[" + e.address + "]" : e.address) + ":" + std::to_string(e.port);
}

// Waits for `events` on the socket; NetError kTimeout when the deadline passes first.
void wait_for(SocketHandle socket, short events, Deadline deadline) {
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) throw NetError(NetErrorKind::kTimeout, "timeout");
    pollfd p{static_cast<int>(socket), events, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
    if (n > 0) return;
    if (n < 0 && errno != EINTR) {
      throw NetError(NetErrorKind::kUnreachable, std::string("poll: ") + std::strerror(errno));
    }
  }
}

}  // namespace

std::vector<Endpoint> resolve(const std::string& host, std::uint16_t port) {
  int rc = 0;
  AddrInfoList list = lookup(host, port, 0, &rc);
  if (rc != 0) {
    throw NetError(NetErrorKind::kDnsFailure, "cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::vector<Endpoint> out;
  for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
    char text[NI_MAXHOST];
    if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) !=
        0) {
      continue;
    }
    out.push_back(Endpoint{text, port, ai->ai_family == AF_INET6});
  }
  if (out.empty()) throw NetError(NetErrorKind::kDnsFailure, "cannot resolve " + host);
  return out;
}

SocketHandle connect_endpoint(const Endpoint& endpoint, Deadline deadline) {
  int rc = 0;
  AddrInfoList ai = lookup(endpoint.address, endpoint.port, AI_NUMERICHOST | AI_NUMERICSERV, &rc);
  if (rc != 0) throw NetError(NetErrorKind::kUnreachable, "bad address " + where(endpoint));
  int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    throw NetError(kind_of(errno),
                   "cannot connect to " + where(endpoint) + ": " + std::strerror(errno));
  }
  try {
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        throw NetError(kind_of(errno),
                       "cannot connect to " + where(endpoint) + ": " + std::strerror(errno));
      }
      wait_for(fd, POLLOUT, deadline);
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        throw NetError(kind_of(err),
                       "cannot connect to " + where(endpoint) + ": " + std::strerror(err));
      }
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

std::size_t send_some(SocketHandle socket, const char* data, std::size_t size, Deadline deadline) {
  for (;;) {
    ssize_t n = ::send(static_cast<int>(socket), data, size, MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_for(socket, POLLOUT, deadline);
    } else if (errno != EINTR) {
      throw NetError(kind_of(errno), std::string("send: ") + std::strerror(errno));
    }
  }
}

std::size_t receive_some(SocketHandle socket, char* buffer, std::size_t size, Deadline deadline) {
  for (;;) {
    ssize_t n = ::recv(static_cast<int>(socket), buffer, size, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_for(socket, POLLIN, deadline);
    } else if (errno != EINTR) {
      throw NetError(kind_of(errno), std::string("recv: ") + std::strerror(errno));
    }
  }
}

void close_socket(SocketHandle socket) noexcept {
  if (socket != kNoSocket) ::close(static_cast<int>(socket));
}

}  // namespace ksdoctor::net
