// Errors that cross a module boundary. Each carries a stable code (SCREAMING_SNAKE) and one
// human sentence; the CLI maps every ksdoctor::Error to exit status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace ksdoctor {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

// Malformed, truncated or unsupported input bytes (keystores, certificates, PEM).
class FormatError : public Error {
 public:
  using Error::Error;
};

// The password does not open the store (integrity check or MAC failed).
class PasswordError : public Error {
 public:
  using Error::Error;
};

// Reading or writing files.
class IoError : public Error {
 public:
  using Error::Error;
};

// Arguments that do not make sense together (bad --at value, unknown type name, ...).
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace ksdoctor
