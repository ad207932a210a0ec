// The process's surroundings on Windows: environment, console, install locations.
#ifdef _WIN32

#include <fcntl.h>
#include <io.h>
#include <windows.h>
// after windows.h; initguid.h defines the FOLDERID_ values here (selectany) rather than in libuuid
#include <initguid.h>
// after initguid.h
#include <knownfolders.h>
#include <shlobj.h>

#include "platform/platform.hpp"
#include "platform/windows_text.hpp"

namespace ksdoctor::platform {
namespace {

using win::narrow;
using win::widen;

HANDLE std_handle(Stream stream) {
  switch (stream) {
    case Stream::kIn:
      return GetStdHandle(STD_INPUT_HANDLE);
    case Stream::kOut:
      return GetStdHandle(STD_OUTPUT_HANDLE);
    case Stream::kErr:
      return GetStdHandle(STD_ERROR_HANDLE);
  }
  return INVALID_HANDLE_VALUE;
}

// Turns on ANSI sequences for a console output handle (Windows 10 and later); false when the
// handle is no console or the console cannot.
bool enable_vt(HANDLE h) {
  DWORD mode = 0;
  if (!GetConsoleMode(h, &mode)) return false;
  if (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) return true;
  return SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

std::optional<std::string> known_folder(REFKNOWNFOLDERID id) {
  PWSTR path = nullptr;
  std::optional<std::string> out;
  if (SUCCEEDED(SHGetKnownFolderPath(id, 0, nullptr, &path)) && path) out = narrow(path);
  CoTaskMemFree(path);
  return out;
}

void add_folder(std::vector<std::string>& to, std::optional<std::string> folder) {
  if (!folder || folder->empty() || !file_status(*folder).is_directory()) return;
  for (const std::string& known : to) {
    if (same_file(known, *folder)) return;
  }
  to.push_back(*folder);
}

}  // namespace

Arguments::Arguments(int argc, char** argv) {
  int count = 0;
  LPWSTR* wide = CommandLineToArgvW(GetCommandLineW(), &count);
  if (wide && count == argc) {
    for (int i = 0; i < count; ++i) owned_.push_back(narrow(wide[i]));
  } else {
    owned_.assign(argv, argv + argc);  // never expected: the runtime split the same line
  }
  LocalFree(wide);
  for (std::string& arg : owned_) pointers_.push_back(arg.data());
  pointers_.push_back(nullptr);
}

// The copies may hold a password given on the command line.
Arguments::~Arguments() {
  for (std::string& arg : owned_) secure_wipe(arg.data(), arg.size());
}

std::optional<std::string> environment_variable(const std::string& name) {
  std::wstring wide = widen(name);
  DWORD n = GetEnvironmentVariableW(wide.c_str(), nullptr, 0);
  if (n == 0) return std::nullopt;  // unset (an empty value reports size 1)
  std::wstring value(n, L'\0');
  n = GetEnvironmentVariableW(wide.c_str(), value.data(), n);
  value.resize(n);
  return narrow(value);
}

bool is_terminal(Stream stream) {
  DWORD mode = 0;
  return GetConsoleMode(std_handle(stream), &mode) != 0;
}

std::optional<SecureString> prompt_without_echo(const std::string& prompt) {
  win::Handle in(CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, nullptr,
                             OPEN_EXISTING, 0, nullptr));
  win::Handle out(CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_WRITE, nullptr,
                              OPEN_EXISTING, 0, nullptr));
  DWORD old_mode = 0;
  if (!in.valid() || !out.valid() || !GetConsoleMode(in.get(), &old_mode)) return std::nullopt;
  std::wstring wide_prompt = widen(prompt);
  DWORD written = 0;
  WriteConsoleW(out.get(), wide_prompt.data(), static_cast<DWORD>(wide_prompt.size()), &written,
                nullptr);
  SetConsoleMode(in.get(), (old_mode & ~static_cast<DWORD>(ENABLE_ECHO_INPUT)) | ENABLE_LINE_INPUT |
                               ENABLE_PROCESSED_INPUT);
  std::basic_string<wchar_t, std::char_traits<wchar_t>, ZeroizingAllocator<wchar_t>> line;
  wchar_t buffer[256];
  for (;;) {
    DWORD n = 0;
    if (!ReadConsoleW(in.get(), buffer, 256, &n, nullptr) || n == 0) break;
    line.append(buffer, n);
    if (line.find(L'\n') != line.npos) break;
  }
  secure_wipe(buffer, sizeof buffer);
  SetConsoleMode(in.get(), old_mode);
  WriteConsoleW(out.get(), L"\r\n", 2, &written, nullptr);
  std::size_t end = line.find_first_of(L"\r\n");
  if (end != line.npos) line.resize(end);
  SecureString utf8;
  if (!line.empty()) {
    int length = static_cast<int>(line.size());
    int size = WideCharToMultiByte(CP_UTF8, 0, line.data(), length, nullptr, 0, nullptr, nullptr);
    utf8.resize(static_cast<std::size_t>(size > 0 ? size : 0));
    if (size > 0) {
      WideCharToMultiByte(CP_UTF8, 0, line.data(), length, utf8.data(), size, nullptr, nullptr);
    }
  }
  return utf8;
}

ConsoleSupport setup_console() {
  static const ConsoleSupport support = [] {
    ConsoleSupport s;
    // Text mode would turn every '\n' into CRLF: JSON and reports are the same bytes as on Linux.
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    // The program writes UTF-8; the console shows it as such only with this code page.
    bool utf8 = SetConsoleOutputCP(CP_UTF8) != 0;
    s.colour_out = enable_vt(std_handle(Stream::kOut));
    s.colour_err = enable_vt(std_handle(Stream::kErr));
    // NO_COLOR (https://no-color.org: set and not empty): no colour, no redrawn progress line,
    // ASCII marks instead of symbols.
    std::optional<std::string> no_colour = environment_variable("NO_COLOR");
    bool plain = no_colour && !no_colour->empty();
    if (plain) s.colour_out = s.colour_err = false;
    s.redraw_err = s.colour_err;
    // The classic console's fonts lack ✔ and ✘; Windows Terminal and VS Code's terminal have
    // them. Files and pipes get the UTF-8 text as it is.
    bool modern_terminal =
        environment_variable("WT_SESSION") || environment_variable("TERM_PROGRAM");
    s.unicode = !plain && (!is_terminal(Stream::kOut) || (utf8 && modern_terminal));
    return s;
  }();
  return support;
}

void tune_process_heap() {}  // the Windows heap has no such knobs; nothing to gain

void prepare_heap_for_file(std::uint64_t /*file_size*/) {}

void survive_file_size_limit() {}  // no signal: a write beyond a quota fails with an error

Shell command_shell() { return Shell::kCmd; }

InstallRoots default_install_roots() {
  InstallRoots roots;
  // Known folders first; the environment as a fallback (both name the same folders normally).
  add_folder(roots.programs, known_folder(FOLDERID_ProgramFiles));
  add_folder(roots.programs, known_folder(FOLDERID_ProgramFilesX86));
  add_folder(roots.programs, environment_variable("ProgramFiles"));
  add_folder(roots.programs, environment_variable("ProgramFiles(x86)"));
  add_folder(roots.data, known_folder(FOLDERID_ProgramData));
  add_folder(roots.data, environment_variable("ProgramData"));
  return roots;
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
