#include "common.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iterator>

#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/system.hpp"
#include "ksdoctor/timeutil.hpp"
#include "ksdoctor/versions.hpp"

namespace ksdoctor::cli {
namespace {

// The first line, without its line end (LF, or CR LF as Windows editors write it).
SecureString first_line(const Bytes& data) {
  SecureString line(data.begin(), data.end());
  auto end = line.find_first_of("\r\n");
  if (end != SecureString::npos) line.resize(end);
  return line;
}

std::optional<Password> from_options(const PasswordOptions& p, const char* what) {
  int given = !p.value.empty() + !p.env.empty() + !p.file.empty();
  if (given > 1) {
    throw UsageError("USAGE", std::string("give the ") + what + " password only one way");
  }
  if (!p.env.empty()) {
    std::optional<std::string> v = platform::environment_variable(p.env);
    if (!v) {
      throw UsageError("USAGE",
                       "environment variable " + p.env + " (" + what + " password) is not set");
    }
    Password password = Password::of(*v);
    secure_wipe(v->data(), v->size());
    return password;
  }
  if (!p.file.empty()) {
    Bytes data = read_file(p.file, 1 << 16);
    SecureString line = first_line(data);
    secure_wipe(data.data(), data.size());
    return Password::of(std::string_view(line.data(), line.size()));
  }
  if (!p.value.empty()) return Password::of(p.value);
  return std::nullopt;
}

}  // namespace

void add_format_option(CLI::App& cmd, CommonOptions& opts) {
  cmd.add_option("--format", opts.format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void add_type_option(CLI::App& cmd, CommonOptions& opts) {
  cmd.add_option("--type", opts.type, "keystore type (default: detect from content)")
      ->check(CLI::IsMember({"auto", "jks", "jceks", "pkcs12", "bks", "uber"}))
      ->capture_default_str();
}

void add_password_options(CLI::App& cmd, CommonOptions& opts) {
  cmd.add_option("--storepass", opts.storepass.value,
                 "store password (visible to other users; prefer the -env/-file forms)");
  cmd.add_option("--storepass-env", opts.storepass.env, "read the store password from VAR");
  cmd.add_option("--storepass-file", opts.storepass.file,
                 "read the store password from the first line of FILE");
  cmd.add_option("--keypass", opts.keypass.value, "key password (default: the store password)");
  cmd.add_option("--keypass-env", opts.keypass.env, "read the key password from VAR");
  cmd.add_option("--keypass-file", opts.keypass.file,
                 "read the key password from the first line of FILE");
}

void add_time_options(CLI::App& cmd, CommonOptions& opts) {
  cmd.add_option("--at", opts.at,
                 "evaluate validity at this time (2031-05-01, 2031-05-01T12:00:00Z, @epoch)");
  cmd.add_option("--warn-days", opts.warn_days, "warn about certificates expiring this soon")
      ->check(CLI::Range(0, 36500))
      ->capture_default_str();
}

void add_source_password_options(CLI::App& cmd, CommonOptions& opts) {
  cmd.add_option("--srcpass-env", opts.srcpass.env, "read the source's password from VAR");
  cmd.add_option("--srcpass-file", opts.srcpass.file,
                 "read the source's password from the first line of FILE");
}

OutputFormat output_format(const CommonOptions& opts) {
  return opts.format == "json" ? OutputFormat::kJson : OutputFormat::kText;
}

std::optional<StoreFormat> forced_type(const CommonOptions& opts) {
  if (opts.type == "jks") return StoreFormat::kJks;
  if (opts.type == "jceks") return StoreFormat::kJceks;
  if (opts.type == "pkcs12") return StoreFormat::kPkcs12;
  if (opts.type == "bks") return StoreFormat::kBks;
  if (opts.type == "uber") return StoreFormat::kUber;
  return std::nullopt;
}

Password resolve_storepass(const CommonOptions& opts, const std::string& keystore_path) {
  if (auto p = from_options(opts.storepass, "store")) return std::move(*p);
  if (std::optional<std::string> env = platform::environment_variable("KSDOCTOR_STOREPASS")) {
    Password password = Password::of(*env);
    secure_wipe(env->data(), env->size());
    return password;
  }
  if (platform::is_terminal(platform::Stream::kIn)) {
    std::optional<SecureString> line =
        platform::prompt_without_echo("Store password for " + keystore_path + ": ");
    if (line) return Password::of(std::string_view(line->data(), line->size()));
  }
  return Password();
}

std::optional<Password> resolve_keypass(const CommonOptions& opts) {
  return from_options(opts.keypass, "key");
}

Password resolve_srcpass(const CommonOptions& opts) {
  if (auto p = from_options(opts.srcpass, "source")) return std::move(*p);
  return Password();
}

std::int64_t resolve_now(const CommonOptions& opts) {
  if (!opts.at.empty()) return parse_time(opts.at);
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

std::uint16_t parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("USAGE", "bad port \"" + text + "\" (expected 1-65535)");
  }
  unsigned long v = std::stoul(text);
  if (v == 0 || v > 65535) throw UsageError("USAGE", "bad port " + text + " (expected 1-65535)");
  return static_cast<std::uint16_t>(v);
}

}  // namespace

HostPort parse_host_port(const std::string& text, std::uint16_t port) {
  HostPort out{"", port};
  if (text.empty()) throw UsageError("USAGE", "no host given");
  if (text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string::npos) throw UsageError("USAGE", "unclosed '[' in " + text);
    out.host = text.substr(1, close - 1);
    std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') throw UsageError("USAGE", "expected :PORT after ] in " + text);
      out.port = parse_port(rest.substr(1));
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    std::size_t colon = text.find(':');
    out.host = text.substr(0, colon);
    out.port = parse_port(text.substr(colon + 1));
  } else {
    out.host = text;  // a name, an IPv4 address, or an IPv6 address without a port
  }
  if (out.host.empty()) throw UsageError("USAGE", "no host in " + text);
  return out;
}

bool names_aia(const std::vector<std::string>& from) {
  return std::find(from.begin(), from.end(), kAiaSource) != from.end();
}

std::vector<std::string> without_aia(const std::vector<std::string>& from) {
  std::vector<std::string> files;
  std::copy_if(from.begin(), from.end(), std::back_inserter(files),
               [](const std::string& src) { return src != kAiaSource; });
  return files;
}

AiaOptions aia_options(int timeout_ms) {
  auto env = [](const char* lower, const char* upper) {
    std::optional<std::string> value = platform::environment_variable(lower);
    if (!value || value->empty()) value = platform::environment_variable(upper);
    return value.value_or("");
  };
  AiaOptions options;
  options.timeout_ms = timeout_ms;
  options.proxies = {env("http_proxy", "HTTP_PROXY"), env("https_proxy", "HTTPS_PROXY"),
                     env("no_proxy", "NO_PROXY")};
  return options;
}

const platform::ConsoleSupport& console() {
  static const platform::ConsoleSupport support = platform::setup_console();
  return support;
}

report::Marks text_marks() {
  return console().unicode ? report::kUnicodeMarks : report::kAsciiMarks;
}

std::string version_text() {
  std::string out = "ksdoctor " KSDOCTOR_VERSION "\n";
  out += "OpenSSL: " + openssl_version() + "\n";
  BotanVersion botan = botan_version();
  if (botan.version) {
    out += "Botan: " + *botan.version + " (verify --cross-check loads libbotan-2 when it runs)\n";
  } else {
    out += "Botan: not available (this build has no cross-check)\n";
  }
  return out;
}

void scrub_argv(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool secret_next = arg == "--storepass" || arg == "--keypass";
    if (arg.rfind("--storepass=", 0) == 0 || arg.rfind("--keypass=", 0) == 0) {
      char* eq = std::strchr(argv[i], '=');
      std::memset(eq + 1, '*', std::strlen(eq + 1));
    } else if (secret_next && i + 1 < argc) {
      std::memset(argv[i + 1], '*', std::strlen(argv[i + 1]));
      ++i;
    }
  }
}

}  // namespace ksdoctor::cli
