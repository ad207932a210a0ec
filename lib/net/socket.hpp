// The operating system's sockets beneath net/connection: the only network calls into the OS.
// socket_posix.cpp implements them (and resolve()); a Winsock port replaces that one file.
#pragma once

#include <cstddef>
#include <cstdint>

#include "net/connection.hpp"

namespace ksdoctor::net {

using SocketHandle = std::intptr_t;
constexpr SocketHandle kNoSocket = -1;

// A connected, non-blocking TCP socket to `endpoint`, or NetError (kRefused, kTimeout, ...).
SocketHandle connect_endpoint(const Endpoint& endpoint, Deadline deadline);
// At least one byte sent, waiting up to the deadline; NetError kReset, kTimeout, ...
std::size_t send_some(SocketHandle socket, const char* data, std::size_t size, Deadline deadline);
// Bytes received (at least one), or 0 when the peer closed; NetError kReset, kTimeout, ...
std::size_t receive_some(SocketHandle socket, char* buffer, std::size_t size, Deadline deadline);
void close_socket(SocketHandle socket) noexcept;

}  // namespace ksdoctor::net
