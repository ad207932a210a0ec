// What the unit tests ask of the OS for their own set-up, never what they test: the process id,
// environment variables, POSIX modes, a running shell command, and loopback sockets for the
// in-process servers. The suite builds for Linux and for Windows (MinGW, run under Wine): this is
// the one file in tests/unit with a platform #ifdef. Tests that cannot run on Windows at all are
// listed, with the reason, in tests/unit/windows_exclusions.txt.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX  // std::min and std::max, not the macros
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN  // no wincrypt.h: its X509_NAME and friends clash with OpenSSL's
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
// after winsock2.h
#include <process.h>
#include <windows.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace testos {

#ifdef _WIN32
constexpr bool kWindows = true;
using socket_t = SOCKET;
const socket_t kNoSocket = INVALID_SOCKET;

inline int pid() { return _getpid(); }
inline void set_env(const char* name, const char* value) { _putenv_s(name, value); }
inline void unset_env(const char* name) { _putenv_s(name, ""); }
// Windows files have no mode bits: nothing to set.
inline bool set_mode(const std::string& /*path*/, unsigned /*mode*/) { return false; }
// Windows has no FIFO in its file system.
inline bool make_fifo(const std::string& /*path*/) { return false; }
inline FILE* open_pipe(const std::string& command) { return _popen(command.c_str(), "rb"); }
inline int close_pipe(FILE* pipe) { return _pclose(pipe); }

// Winsock needs WSAStartup once per process before the test's own sockets (the library starts it
// for its own on first use).
inline void start_sockets() {
  static const bool started = [] {
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }();
  REQUIRE(started);
}
inline void close_socket(socket_t s) { closesocket(s); }
inline socket_t new_socket(int family) {
  start_sockets();
  return ::socket(family, SOCK_STREAM, 0);
}
inline socket_t accept_socket(socket_t s) { return ::accept(s, nullptr, nullptr); }
inline bool wait_readable(socket_t s, int ms) {
  WSAPOLLFD p{s, POLLRDNORM, 0};
  return WSAPoll(&p, 1, ms) > 0;
}
constexpr int kNoSignal = 0;  // Winsock raises no SIGPIPE
#else
constexpr bool kWindows = false;
using socket_t = int;
const socket_t kNoSocket = -1;

inline int pid() { return static_cast<int>(::getpid()); }
inline void set_env(const char* name, const char* value) { ::setenv(name, value, 1); }
inline void unset_env(const char* name) { ::unsetenv(name); }
inline bool set_mode(const std::string& path, unsigned mode) {
  return ::chmod(path.c_str(), static_cast<mode_t>(mode)) == 0;
}
inline bool make_fifo(const std::string& path) { return ::mkfifo(path.c_str(), 0600) == 0; }
inline FILE* open_pipe(const std::string& command) { return ::popen(command.c_str(), "r"); }
// The command's exit status, or 128 + the signal that ended it.
inline int close_pipe(FILE* pipe) {
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline void close_socket(socket_t s) { ::close(s); }
inline socket_t new_socket(int family) { return ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0); }
inline socket_t accept_socket(socket_t s) { return ::accept4(s, nullptr, nullptr, SOCK_CLOEXEC); }
inline bool wait_readable(socket_t s, int ms) {
  pollfd p{s, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}
constexpr int kNoSignal = MSG_NOSIGNAL;
#endif

inline bool valid(socket_t s) { return s != kNoSocket; }

// Up to `size` bytes; 0 at the end of the stream, negative on an error.
inline long receive(socket_t s, char* buffer, std::size_t size) {
  return static_cast<long>(::recv(s, buffer, static_cast<int>(size), 0));
}
inline long send_text(socket_t s, const std::string& text) {
  return static_cast<long>(::send(s, text.data(), static_cast<int>(text.size()), kNoSignal));
}

// A TCP socket bound to 127.0.0.1 or ::1 on a free port, listening unless told otherwise
// (`backlog` 0 makes Linux drop the SYNs of connections beyond the first unaccepted one).
class Listener {
 public:
  explicit Listener(bool ipv6 = false, bool listening = true, int backlog = 8)
      : fd_(new_socket(ipv6 ? AF_INET6 : AF_INET)) {
    sockaddr_storage addr{};
    socklen_t len = 0;
    if (ipv6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *a;
    }
    ok_ = valid(fd_) && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
          (!listening || ::listen(fd_, backlog) == 0) &&
          ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener() { close(); }

  bool ok() const { return ok_; }
  std::uint16_t port() const { return port_; }
  socket_t fd() const { return fd_; }
  socket_t accept() const { return accept_socket(fd_); }
  void close() {
    if (valid(fd_)) close_socket(fd_);
    fd_ = kNoSocket;
  }

 private:
  socket_t fd_;
  bool ok_ = false;
  std::uint16_t port_ = 0;
};

}  // namespace testos
