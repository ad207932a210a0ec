// resolve_name NAME EXPECTED_ADDRESS: getaddrinfo(NAME) in a static glibc binary must answer from
// the chroot's /etc/hosts (nsswitch "hosts: files dns"), with no libnss_*.so present. Prints every
// address; exit 0 only when EXPECTED_ADDRESS is among them.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: resolve_name NAME EXPECTED_ADDRESS\n");
    return 2;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(argv[1], nullptr, &hints, &found); rc != 0) {
    std::printf("getaddrinfo(%s): %s\n", argv[1], ::gai_strerror(rc));
    return 1;
  }
  bool expected_seen = false;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* address =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    ::inet_ntop(a->ai_family, address, text, sizeof text);
    std::printf("%s %s\n", argv[1], text);
    expected_seen = expected_seen || std::strcmp(text, argv[2]) == 0;
  }
  ::freeaddrinfo(found);
  return expected_seen ? 0 : 1;
}
