// What the CLI asks of the system it runs on: environment, terminal and console, heap tuning,
// where software is installed. Part of the platform layer (lib/platform implements it for POSIX
// and Windows); the library itself never reads the environment or a terminal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/secret.hpp"

namespace ksdoctor::platform {

// ------------------------------------------------------------------------- process and console
// For the CLI only: the library never reads the environment or a terminal.

// The command line as UTF-8 strings, for main(argc, argv) to parse. POSIX: `argv` itself (so that
// overwriting a password in it also hides it from `ps`). Windows: main's argv is in the ANSI code
// page, which has no "日本" and turns other names into lookalikes, so the UTF-16 command line
// (GetCommandLineW, split as the C runtime splits it) is converted instead; the strings are owned
// here.
class Arguments {
 public:
  Arguments(int argc, char** argv);
  Arguments(const Arguments&) = delete;
  Arguments& operator=(const Arguments&) = delete;
  ~Arguments();

  int argc() const { return static_cast<int>(pointers_.size()) - 1; }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> owned_;
  std::vector<char*> pointers_;  // argc() pointers, then nullptr
};

// An environment variable as UTF-8; nullopt when unset.
std::optional<std::string> environment_variable(const std::string& name);

enum class Stream { kIn, kOut, kErr };
bool is_terminal(Stream stream);

// Asks on the terminal (POSIX: /dev/tty; Windows: the console) with echo off and reads one line;
// nullopt when there is no terminal to ask.
std::optional<SecureString> prompt_without_echo(const std::string& prompt);

struct ConsoleSupport {
  bool colour_out = false;  // ANSI colour sequences are understood on stdout
  bool colour_err = false;  // ... on stderr
  // stderr is a terminal that redraws a line (carriage return, ANSI erase to end of line), for
  // a progress display. Not for TERM=dumb, nor when NO_COLOR is set.
  bool redraw_err = false;
  // UTF-8 text such as ✔, ✘ and → is shown as such; false when NO_COLOR asks for plain output.
  bool unicode = false;
};

// Prepares the console once per run (Windows: UTF-8 output code page, VT processing) and says
// what it supports. Output to files and pipes is always UTF-8 and never coloured.
ConsoleSupport setup_console();

// Linux/glibc heap tuning; no-ops where the allocator or the kernel does not offer it, and on
// Windows. Nothing but speed changes.
//
// For runs that allocate in many small steps (verifying thousands of chains): grow the heap in
// large strides and never trim it.
void tune_process_heap();
// For a run that builds a model of about three times a file of `file_size` bytes and renders it,
// touching each page once (inspect): grow the heap once, up front, by a margin proportional to the
// file, and let transparent huge pages back it. Only for files of 1 MiB and more.
void prepare_heap_for_file(std::uint64_t file_size);

// A write beyond the process's file size limit (POSIX `ulimit -f`) fails with an error instead of
// killing the process with SIGXFSZ, so that a command can end cleanly. Nothing on Windows.
void survive_file_size_limit();

// ------------------------------------------------------------------------- install locations

// Where software is installed by default: Windows %ProgramFiles% (and the 32-bit one) and
// %ProgramData%; Linux /opt and /var. Only folders that exist; never every drive.
struct InstallRoots {
  std::vector<std::string> programs;
  std::vector<std::string> data;
};
InstallRoots default_install_roots();

// The shell an admin types commands into here: POSIX sh, or cmd.exe on Windows (how printed
// command lines are quoted).
enum class Shell { kPosix, kCmd };
Shell command_shell();

// `words` as one command line for command_shell(), each word quoted only when it must be.
std::string command_line(const std::vector<std::string>& words);

}  // namespace ksdoctor::platform
