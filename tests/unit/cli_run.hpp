// Runs the ksdoctor CLI the way the CLI tests need it: a clean password environment and no NO_COLOR
// (only what `env` sets), stdin from /dev/null (no TTY), stdout and stderr captured separately. The
// command line is a POSIX shell's (env, quoting, redirections): tests that use it do not run on
// Windows (tests/unit/windows_exclusions.txt).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_os.hpp"

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
  std::string err_path = (std::filesystem::temp_directory_path() /
                          ("ksdoctor-cli-test-" + std::to_string(testos::pid()) + "-" +
                           std::to_string(counter++) + ".err"))
                             .string();
  std::string cmd = "env -u KSDOCTOR_STOREPASS -u NO_COLOR " + env + " " + KSDOCTOR_CLI + " " +
                    args + " </dev/null 2>" + err_path;
  FILE* p = testos::open_pipe(cmd);
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  Run r{testos::close_pipe(p), out, slurp(err_path)};
  std::remove(err_path.c_str());
  return r;
}

inline std::size_t lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace clitest
