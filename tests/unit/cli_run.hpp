// Runs the ksdoctor CLI the way the CLI tests need it: a clean password environment (only what
// `env` sets), stdin from /dev/null (no TTY), stdout and stderr captured separately.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace clitest {

struct Run {
  int status;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `args` go after the binary as they are (quote paths yourself); `env` is "NAME=value ...".
inline Run run(const std::string& args, const std::string& env = "") {
  static int counter = 0;
  std::string err_path = "/tmp/ksdoctor-cli-test-" + std::to_string(::getpid()) + "-" +
                         std::to_string(counter++) + ".err";
  std::string cmd = "env -u KSDOCTOR_STOREPASS " + env + " " + KSDOCTOR_CLI + " " + args +
                    " </dev/null 2>" + err_path;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = ::pclose(p);
  Run r{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out, slurp(err_path)};
  std::remove(err_path.c_str());
  return r;
}

inline std::size_t lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace clitest
