// TCP sockets on POSIX systems: getaddrinfo, non-blocking connect, poll against a deadline.
#ifndef _WIN32

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "platform/platform.hpp"

namespace ksdoctor::platform {
namespace {

NetFailure failure_of(int error) {
  switch (error) {
    case ECONNREFUSED:
      return NetFailure::kRefused;
    case ETIMEDOUT:
      return NetFailure::kTimeout;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
      return NetFailure::kUnreachable;
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
      return NetFailure::kReset;
    default:
      return NetFailure::kOther;
  }
}

[[noreturn]] void fail(const std::string& what, int error) {
  std::string reason = std::strerror(error);
  throw NetError(failure_of(error), what + ": " + reason, reason);
}

int millis_left(Deadline deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<decltype(left)>(left, 0, 1 << 30));
}

void wait_for(int fd, Wait what, Deadline deadline) {
  for (;;) {
    int left = millis_left(deadline);
    if (left <= 0) throw NetError(NetFailure::kTimeout, "timed out", "timed out");
    pollfd p{fd, static_cast<short>(what == Wait::kRead ? POLLIN : POLLOUT), 0};
    int n = ::poll(&p, 1, left);
    if (n > 0) return;
    if (n == 0) throw NetError(NetFailure::kTimeout, "timed out", "timed out");
    if (errno != EINTR) fail("poll", errno);
  }
}

}  // namespace

std::vector<Address> resolve(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    std::string why = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    throw NetError(NetFailure::kDns, "cannot resolve " + host + ": " + why, why);
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  std::vector<Address> out;
  for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
    Address a;
    a.family = ai->ai_family;
    const auto* raw = reinterpret_cast<const std::uint8_t*>(ai->ai_addr);
    a.sockaddr.assign(raw, raw + ai->ai_addrlen);
    char text[NI_MAXHOST];
    if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) ==
        0) {
      a.text = text;
    }
    out.push_back(std::move(a));
  }
  if (out.empty()) {
    throw NetError(NetFailure::kDns, "cannot resolve " + host + ": no address", "no address");
  }
  return out;
}

Socket::Socket(Socket&& other) noexcept : handle_(other.handle_) { other.handle_ = -1; }

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = other.handle_;
    other.handle_ = -1;
  }
  return *this;
}

Socket::~Socket() { close(); }

bool Socket::is_open() const { return handle_ >= 0; }

void Socket::close() {
  if (handle_ >= 0) ::close(static_cast<int>(handle_));
  handle_ = -1;
}

void Socket::wait(Wait what, Deadline deadline) const {
  wait_for(static_cast<int>(handle_), what, deadline);
}

std::size_t Socket::send_some(ByteView data, Deadline deadline) {
  int fd = static_cast<int>(handle_);
  for (;;) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_for(fd, Wait::kWrite, deadline);
    } else if (errno != EINTR) {
      fail("send", errno);
    }
  }
}

std::size_t Socket::receive_some(std::uint8_t* buffer, std::size_t size, Deadline deadline) {
  int fd = static_cast<int>(handle_);
  for (;;) {
    ssize_t n = ::recv(fd, buffer, size, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_for(fd, Wait::kRead, deadline);
    } else if (errno != EINTR) {
      fail("receive", errno);
    }
  }
}

Socket connect(const Address& address, Deadline deadline) {
  const std::string where = "cannot connect to " + address.text;
  int fd = ::socket(address.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) fail(where, errno);
  Socket sock(fd);
  const auto* sa = reinterpret_cast<const sockaddr*>(address.sockaddr.data());
  auto length = static_cast<socklen_t>(address.sockaddr.size());
  if (::connect(fd, sa, length) == 0) return sock;
  if (errno != EINPROGRESS && errno != EINTR) fail(where, errno);
  try {
    wait_for(fd, Wait::kWrite, deadline);
  } catch (const NetError& e) {
    throw NetError(e.failure(), where + ": " + e.reason(), e.reason());
  }
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
  if (error != 0) fail(where, error);
  return sock;
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
