// Command lines ksdoctor prints for an admin to run: quoted for the shell of this machine.
#include "ksdoctor/system.hpp"

namespace ksdoctor::platform {
namespace command_line_detail {

// POSIX sh needs a backslash quoted; cmd.exe reads it as the path separator it is.
std::string quoted(const std::string& word, Shell shell) {
  bool cmd = shell == Shell::kCmd;
  if (!word.empty() &&
      word.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-"
          "\\") == std::string::npos &&
      (cmd || word.find('\\') == std::string::npos)) {
    return word;
  }
  if (cmd) return "\"" + word + "\"";
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace command_line_detail

std::string command_line(const std::vector<std::string>& words) {
  Shell shell = command_shell();
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += command_line_detail::quoted(w, shell);
  }
  return out;
}

}  // namespace ksdoctor::platform
