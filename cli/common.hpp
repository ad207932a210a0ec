// What every command shares: output format, keystore type, passwords, the evaluation time.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/keystore.hpp"
#include "ksdoctor/marks.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/system.hpp"

namespace ksdoctor::cli {

enum class OutputFormat { kText, kJson };

struct PasswordOptions {
  std::string value;  // --storepass VALUE (discouraged: visible in the process list)
  std::string env;    // --storepass-env VAR
  std::string file;   // --storepass-file FILE
};

struct CommonOptions {
  std::string format = "text";
  std::string type = "auto";
  PasswordOptions storepass;
  PasswordOptions keypass;
  PasswordOptions srcpass;  // import: the source's password (a PFX, an encrypted PEM key)
  std::string at;
  int warn_days = 30;
};

void add_format_option(CLI::App& cmd, CommonOptions& opts);
void add_type_option(CLI::App& cmd, CommonOptions& opts);
void add_password_options(CLI::App& cmd, CommonOptions& opts);
void add_time_options(CLI::App& cmd, CommonOptions& opts);
// --srcpass-env VAR, --srcpass-file FILE (no argv form: a new command need not offer one).
void add_source_password_options(CLI::App& cmd, CommonOptions& opts);

OutputFormat output_format(const CommonOptions& opts);
std::optional<StoreFormat> forced_type(const CommonOptions& opts);
// Store password from --storepass*, then KSDOCTOR_STOREPASS, then a no-echo prompt on a TTY;
// otherwise null (Java's "open without a password").
Password resolve_storepass(const CommonOptions& opts, const std::string& keystore_path);
// Key password from --keypass*, or empty (meaning: the store password).
std::optional<Password> resolve_keypass(const CommonOptions& opts);
// Source password from --srcpass-env / --srcpass-file; otherwise null.
Password resolve_srcpass(const CommonOptions& opts);
std::int64_t resolve_now(const CommonOptions& opts);

// `--from aia`: the word that asks for caIssuers fetching, the other --from values split from it,
// and the fetch settings with curl's proxy variables (http_proxy, https_proxy, no_proxy; lower
// case first) read from the environment.
inline constexpr const char* kAiaSource = "aia";
bool names_aia(const std::vector<std::string>& from);
std::vector<std::string> without_aia(const std::vector<std::string>& from);
AiaOptions aia_options(int timeout_ms);

// HOST, HOST:PORT, [IPv6]:PORT, or a bare IPv6 address; `port` unless one is given. UsageError
// for an empty host or a port outside 1-65535.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
HostPort parse_host_port(const std::string& text, std::uint16_t port);

// The console, prepared on the first call (main makes it before any output) and what it shows.
const platform::ConsoleSupport& console();
// ✔ and ✘ where stdout shows them, ASCII words elsewhere.
report::Marks text_marks();

// `ksdoctor --version`: this program's version, then the OpenSSL it runs with and the Botan the
// cross-check was built for (nothing is loaded to ask).
std::string version_text();

// Overwrites the values of password options in argv so they do not linger in `ps` output.
void scrub_argv(int argc, char** argv);

}  // namespace ksdoctor::cli
