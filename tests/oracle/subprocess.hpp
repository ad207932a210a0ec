// Runs a child process with a controlled environment and stdin, captures stdout and stderr, and
// enforces a timeout (a hang is a failure, not a stuck test). Shared by the oracle and malformed
// tests; POSIX only.
#pragma once

#include <string>
#include <vector>

namespace ksdoctor::testing {

struct ProcessResult {
  int exit_code = -1;      // valid when the child exited normally
  int signal = 0;          // the signal that killed the child, 0 when it exited
  bool timed_out = false;  // killed by us after the timeout
  std::string out;
  std::string err;
  double seconds = 0;

  bool exited() const { return signal == 0 && !timed_out && exit_code >= 0; }
  std::string describe() const;  // "exit 2", "killed by signal 11 (Segmentation fault)", ...
};

struct ProcessOptions {
  std::vector<std::string> set_env;    // "NAME=VALUE": added to (or replacing in) the environment
  std::vector<std::string> unset_env;  // names removed from the inherited environment
  std::string stdin_path = "/dev/null";
  std::string working_dir;  // empty: inherit
  int timeout_ms = 30000;
};

// argv[0] must be a path to the program (no PATH search).
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Lines of `text` split on '\n' (a trailing newline does not make an extra empty line).
std::vector<std::string> split_lines(const std::string& text);

}  // namespace ksdoctor::testing
