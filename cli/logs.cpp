// `ksdoctor logs PATH... [--since TIME] [--until TIME]`: read a DLP gateway's SMTP logs and say
// which failures it is having, per cause, with the fix and the command that confirms it.
#include "ksdoctor/logs.hpp"

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/logs_report.hpp"

namespace ksdoctor::cli {
namespace {

struct LogsCliOptions {
  CommonOptions common;
  std::vector<std::string> paths;
  std::string since;
  std::string until;
};

int run_logs(const LogsCliOptions& o) {
  logs::ReadOptions options;
  if (!o.since.empty()) options.since = logs::parse_time_bound(o.since);
  if (!o.until.empty()) options.until = logs::parse_time_bound(o.until);
  if (options.since && options.until && logs::time_before(*options.until, *options.since)) {
    throw UsageError("USAGE", "--until " + o.until + " is before --since " + o.since);
  }
  logs::Diagnosis diagnosis = logs::diagnose_logs(o.paths, options);
  if (output_format(o.common) == OutputFormat::kJson) {
    std::cout << report::logs_json(diagnosis).dump(2) << "\n";
  } else {
    std::cout << report::logs_text(diagnosis);
  }
  return diagnosis.has_errors() ? 1 : 0;
}

}  // namespace

Runner register_logs(CLI::App& app) {
  auto o = std::make_shared<LogsCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "logs", "read a DLP gateway's SMTP logs: every failed connection classified by cause");
  cmd->add_option("PATH", o->paths,
                  "SmtpPrevent_Operational*.log or RequestProcessor log files (gzip too), or "
                  "folders holding them")
      ->required();
  cmd->add_option("--since", o->since,
                  "only records from TIME on: 2022-07-21, '2022-07-21 12:00' or RFC 3339 "
                  "(2022-07-21T12:00:00-05:00); without an offset, the gateway's local time");
  cmd->add_option("--until", o->until, "only records up to TIME (same forms)");
  add_format_option(*cmd, o->common);
  return [o]() { return run_logs(*o); };
}

}  // namespace ksdoctor::cli
