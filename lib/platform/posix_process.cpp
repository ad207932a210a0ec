// The process's surroundings on POSIX systems: environment, terminal, heap, install locations,
// the distribution's trust store.
#ifndef _WIN32

#include <malloc.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "platform/platform.hpp"

namespace ksdoctor::platform {

Arguments::Arguments(int argc, char** argv) : pointers_(argv, argv + argc) {
  pointers_.push_back(nullptr);
}

Arguments::~Arguments() = default;

std::optional<std::string> environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

bool is_terminal(Stream stream) {
  switch (stream) {
    case Stream::kIn:
      return ::isatty(STDIN_FILENO) != 0;
    case Stream::kOut:
      return ::isatty(STDOUT_FILENO) != 0;
    case Stream::kErr:
      return ::isatty(STDERR_FILENO) != 0;
  }
  return false;
}

std::optional<SecureString> prompt_without_echo(const std::string& prompt) {
  FILE* tty = std::fopen("/dev/tty", "r+e");
  if (!tty) return std::nullopt;
  struct Closer {
    FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{tty};
  int fd = ::fileno(tty);
  termios old{};
  if (!::isatty(fd) || ::tcgetattr(fd, &old) != 0) return std::nullopt;
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::fputs(prompt.c_str(), tty);
  std::fflush(tty);
  ::tcsetattr(fd, TCSAFLUSH, &quiet);
  SecureString line;
  for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';) line.push_back(static_cast<char>(c));
  ::tcsetattr(fd, TCSAFLUSH, &old);
  std::fputs("\n", tty);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

ConsoleSupport setup_console() {
  // Terminals here speak UTF-8 and ANSI; "dumb" ones (an editor's shell buffer) take no colour and
  // cannot redraw a line. NO_COLOR (https://no-color.org: set and not empty) asks for plain output:
  // no colour, no redrawn progress line, ASCII marks instead of symbols.
  const char* term = std::getenv("TERM");
  const char* no_colour = std::getenv("NO_COLOR");
  bool plain = no_colour && *no_colour;
  bool colour_capable = !(term && std::strcmp(term, "dumb") == 0) && !plain;
  ConsoleSupport support;
  support.colour_out = colour_capable && is_terminal(Stream::kOut);
  support.colour_err = colour_capable && is_terminal(Stream::kErr);
  support.redraw_err = colour_capable && is_terminal(Stream::kErr);
  support.unicode = !plain;
  return support;
}

// The Linux builds (dynamic and static) use glibc, whose mallopt and sbrk these are.
void tune_process_heap() {
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
}

namespace {
void* volatile heap_head;  // volatile: the allocation below must not be elided
}  // namespace

// On virtual machines a first touch of a 4 KiB page can cost 10+ µs (measured: 13 µs, so ≈ 90 ms
// of page faults for a 5 000-entry store against ≈ 35 ms of actual work); 2 MiB pages cut that.
void prepare_heap_for_file(std::uint64_t file_size) {
  constexpr std::uint64_t kMinFile = std::uint64_t{1} << 20;
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (file_size < kMinFile) return;
  std::size_t pad = static_cast<std::size_t>(std::min(file_size * 8, std::uint64_t{256} << 20));
  // Keep the file buffer and the output on the heap (≤ 32 MiB each), grow the heap by `pad` at
  // once, and never give that margin back while we run.
  if (mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1 || mallopt(M_TOP_PAD, static_cast<int>(pad)) != 1 ||
      mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * pad)) != 1) {
    return;
  }
  auto before = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  if (before == static_cast<std::uintptr_t>(-1)) return;
  // A block reaching from the top of the heap to just short of a huge-page boundary at least
  // 256 KiB above the current end: more than the heap has free, so the heap grows by it plus
  // `pad`, and the new free space — the file buffer first — starts at that boundary, untouched.
  // The block stays allocated and is never touched (only its header, below `before`, is written).
  std::uintptr_t from = (before + (std::uintptr_t{256} << 10) + kHuge - 1) & ~(kHuge - 1);
  heap_head = std::malloc(from - before - 64);
  auto after = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  std::uintptr_t to = after & ~(kHuge - 1);
  if (!heap_head || to <= from) return;
  ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
}

void survive_file_size_limit() { std::signal(SIGXFSZ, SIG_IGN); }

Shell command_shell() { return Shell::kPosix; }

InstallRoots default_install_roots() {
  InstallRoots roots;
  if (file_status("/opt").is_directory()) roots.programs.push_back("/opt");
  if (file_status("/var").is_directory()) roots.data.push_back("/var");
  return roots;
}

SystemTrustStore system_trust_store() {
  // Where distributions keep the OS trust store as one bundle (Debian/Ubuntu, Fedora/RHEL,
  // openSUSE, Alpine/macOS-style), first match wins; without any, the hashed folder most of them
  // also keep.
  static const char* const kBundles[] = {
      "/etc/ssl/certs/ca-certificates.crt",
      "/etc/pki/tls/certs/ca-bundle.crt",
      "/etc/ssl/ca-bundle.pem",
      "/etc/ssl/cert.pem",
  };
  static const char* const kFolder = "/etc/ssl/certs";
  SystemTrustStore store;
  for (const char* bundle : kBundles) {
    if (file_status(bundle).is_regular()) {
      store.kind = SystemTrustStore::Kind::kBundleFile;
      store.location = bundle;
      return store;
    }
  }
  if (!file_status(kFolder).is_directory()) {
    std::string tried;
    for (const char* bundle : kBundles) tried += std::string(bundle) + ", ";
    throw IoError("NOT_FOUND", "no system trust store found: none of " + tried + "nor the folder " +
                                   kFolder + " exists");
  }
  store.kind = SystemTrustStore::Kind::kFolder;
  store.location = kFolder;
  return store;
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
