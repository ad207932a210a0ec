// One function per command: registers its options and returns the runner to call when chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace ksdoctor::cli {

using Runner = std::function<int()>;

Runner register_inspect(CLI::App& app);
Runner register_verify(CLI::App& app);
Runner register_locate(CLI::App& app);
Runner register_repair(CLI::App& app);
Runner register_convert(CLI::App& app);
Runner register_logs(CLI::App& app);
Runner register_probe(CLI::App& app);
Runner register_import(CLI::App& app);
Runner register_doctor(CLI::App& app);

}  // namespace ksdoctor::cli
