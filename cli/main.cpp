// ksdoctor: see a Java keystore exactly as the JVM does, explain why TLS would fail, repair it.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <map>
#include <new>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/crypto_setup.hpp"
#include "ksdoctor/error.hpp"

int main(int raw_argc, char** raw_argv) {
  using namespace ksdoctor;
  platform::Arguments arguments(raw_argc, raw_argv);  // UTF-8 on Windows too
  int argc = arguments.argc();
  char** argv = arguments.argv();
  cli::console();  // before any output: Windows shows UTF-8 only once its console is set up
  // Answered before the parser is built: CLI11 reports --version by throwing, and a process's
  // first exception costs milliseconds.
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::cout << cli::version_text();
    return 0;
  }
  use_openssl_without_config_file();
  CLI::App app{"ksdoctor — Java keystore doctor", "ksdoctor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] {
    std::string text = cli::version_text();
    text.pop_back();  // CLI11 adds the final newline
    return text;
  });
  // Only the command named is built when there is one: describing all nine commands' options to
  // CLI11 was a measurable part of a small store's run. Help and usage errors see them all.
  static constexpr std::pair<std::string_view, cli::Runner (*)(CLI::App&)> kCommands[] = {
      {"inspect", cli::register_inspect}, {"verify", cli::register_verify},
      {"locate", cli::register_locate},   {"repair", cli::register_repair},
      {"convert", cli::register_convert}, {"logs", cli::register_logs},
      {"probe", cli::register_probe},     {"import", cli::register_import},
      {"doctor", cli::register_doctor},
  };
  bool named = false;
  for (const auto& [name, add] : kCommands) named = named || (argc > 1 && argv[1] == name);
  std::map<std::string, cli::Runner, std::less<>> runners;
  for (const auto& [name, add] : kCommands) {
    if (!named || argv[1] == name) runners.emplace(name, add(app));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ksdoctor: usage error: " << e.what() << " (see ksdoctor --help)\n";
    return 2;
  }
  cli::scrub_argv(argc, argv);
  try {
    for (CLI::App* sub : app.get_subcommands()) return runners.find(sub->get_name())->second();
    return 2;
  } catch (const Error& e) {
    std::cerr << "ksdoctor: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "ksdoctor: error: out of memory\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ksdoctor: internal error: " << e.what() << "\n";
    return 2;
  }
}
