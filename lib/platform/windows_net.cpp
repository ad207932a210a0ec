// TCP sockets on Windows: Winsock 2 (started once), GetAddrInfoW, non-blocking connect, select()
// against a deadline. select() rather than WSAPoll: before Windows 10 2004 WSAPoll never reports
// a refused non-blocking connect.
#ifdef _WIN32

#include <winsock2.h>
// after winsock2.h
#include <ws2tcpip.h>

#include <algorithm>
#include <climits>
#include <mutex>

#include "platform/platform.hpp"
#include "platform/windows_text.hpp"

namespace ksdoctor::platform {
namespace {

NetFailure failure_of(int error) {
  switch (error) {
    case WSAECONNREFUSED:
      return NetFailure::kRefused;
    case WSAETIMEDOUT:
      return NetFailure::kTimeout;
    case WSAENETUNREACH:
    case WSAEHOSTUNREACH:
    case WSAENETDOWN:
    case WSAEHOSTDOWN:
      return NetFailure::kUnreachable;
    case WSAECONNRESET:
    case WSAECONNABORTED:
    case WSAENETRESET:
      return NetFailure::kReset;
    default:
      return NetFailure::kOther;
  }
}

[[noreturn]] void fail(const std::string& what, int error) {
  std::string reason = win::error_text(static_cast<DWORD>(error));
  throw NetError(failure_of(error), what + ": " + reason, reason);
}

void start_winsock() {
  static std::once_flag once;
  static int started = 0;
  std::call_once(once, [] {
    WSADATA data;
    started = WSAStartup(MAKEWORD(2, 2), &data);
  });
  if (started != 0) fail("cannot start Winsock", started);
}

SOCKET as_socket(std::intptr_t handle) { return static_cast<SOCKET>(handle); }

void wait_for(SOCKET s, Wait what, Deadline deadline) {
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::microseconds>(deadline - Clock::now()).count();
    if (left <= 0) throw NetError(NetFailure::kTimeout, "timed out", "timed out");
    left = std::min<decltype(left)>(left, 3600LL * 1000000);
    fd_set ready, failed;
    FD_ZERO(&ready);
    FD_ZERO(&failed);
    FD_SET(s, &ready);
    FD_SET(s, &failed);
    timeval tv{static_cast<long>(left / 1000000), static_cast<long>(left % 1000000)};
    int n = what == Wait::kRead ? select(0, &ready, nullptr, &failed, &tv)
                                : select(0, nullptr, &ready, &failed, &tv);
    if (n > 0) return;  // a failure shows in the next call or in SO_ERROR
    if (n == SOCKET_ERROR) fail("select", WSAGetLastError());
  }
}

}  // namespace

std::vector<Address> resolve(const std::string& host, const std::string& port) {
  start_winsock();
  ADDRINFOW hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  ADDRINFOW* found = nullptr;
  int rc = GetAddrInfoW(win::widen(host).c_str(), win::widen(port).c_str(), &hints, &found);
  if (rc != 0) {
    std::string why = win::error_text(static_cast<DWORD>(rc));
    throw NetError(NetFailure::kDns, "cannot resolve " + host + ": " + why, why);
  }
  std::vector<Address> out;
  for (const ADDRINFOW* ai = found; ai; ai = ai->ai_next) {
    Address a;
    a.family = ai->ai_family;
    const auto* raw = reinterpret_cast<const std::uint8_t*>(ai->ai_addr);
    a.sockaddr.assign(raw, raw + ai->ai_addrlen);
    wchar_t text[NI_MAXHOST];
    if (GetNameInfoW(ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen), text, NI_MAXHOST, nullptr,
                     0, NI_NUMERICHOST) == 0) {
      a.text = win::narrow(text, wcslen(text));
    }
    out.push_back(std::move(a));
  }
  FreeAddrInfoW(found);
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

bool Socket::is_open() const { return handle_ != -1; }

void Socket::close() {
  if (handle_ != -1) closesocket(as_socket(handle_));
  handle_ = -1;
}

void Socket::wait(Wait what, Deadline deadline) const {
  wait_for(as_socket(handle_), what, deadline);
}

std::size_t Socket::send_some(ByteView data, Deadline deadline) {
  int length = static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX));
  for (;;) {
    int n = send(as_socket(handle_), reinterpret_cast<const char*>(data.data()), length, 0);
    if (n != SOCKET_ERROR) return static_cast<std::size_t>(n);
    int error = WSAGetLastError();
    if (error != WSAEWOULDBLOCK) fail("send", error);
    wait_for(as_socket(handle_), Wait::kWrite, deadline);
  }
}

std::size_t Socket::receive_some(std::uint8_t* buffer, std::size_t size, Deadline deadline) {
  int length = static_cast<int>(std::min<std::size_t>(size, INT_MAX));
  for (;;) {
    int n = recv(as_socket(handle_), reinterpret_cast<char*>(buffer), length, 0);
    if (n != SOCKET_ERROR) return static_cast<std::size_t>(n);
    int error = WSAGetLastError();
    if (error != WSAEWOULDBLOCK) fail("receive", error);
    wait_for(as_socket(handle_), Wait::kRead, deadline);
  }
}

Socket connect(const Address& address, Deadline deadline) {
  start_winsock();
  const std::string where = "cannot connect to " + address.text;
  SOCKET s = WSASocketW(address.family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) fail(where, WSAGetLastError());
  Socket sock(static_cast<std::intptr_t>(s));
  u_long non_blocking = 1;
  if (ioctlsocket(s, FIONBIO, &non_blocking) != 0) fail(where, WSAGetLastError());
  const auto* sa = reinterpret_cast<const sockaddr*>(address.sockaddr.data());
  if (::connect(s, sa, static_cast<int>(address.sockaddr.size())) == 0) return sock;
  int error = WSAGetLastError();
  if (error != WSAEWOULDBLOCK) fail(where, error);
  try {
    wait_for(s, Wait::kWrite, deadline);
  } catch (const NetError& e) {
    throw NetError(e.failure(), where + ": " + e.reason(), e.reason());
  }
  int so_error = 0;
  int len = sizeof so_error;
  if (getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&so_error), &len) != 0) {
    so_error = WSAGetLastError();
  }
  if (so_error != 0) fail(where, so_error);
  return sock;
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
