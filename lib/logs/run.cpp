// diagnose_logs: the files under PATHs, merged by time, through one Diagnoser.
#include "ksdoctor/logs.hpp"

namespace ksdoctor::logs {

Diagnosis diagnose_logs(const std::vector<std::string>& paths, const ReadOptions& options) {
  std::vector<std::string> files = expand_log_paths(paths);
  if (files.empty()) {
    throw IoError("NO_LOG_FILES", "no DLP SMTP log among the files in " + paths.front() +
                                      (paths.size() > 1 ? " and the other paths" : ""));
  }
  LogReader reader(files, options);
  Diagnoser diagnoser;
  if (std::optional<int> offset = reader.assumed_offset()) diagnoser.assume_offset(*offset);
  while (const Record* r = reader.next()) diagnoser.add(*r);
  Diagnosis d = diagnoser.result();
  d.files = reader.summaries();
  std::uint64_t seen = 0;
  for (const FileSummary& s : d.files) {
    d.records += s.records;
    seen += s.records + s.outside_window;
    d.malformed_lines += s.malformed_lines;
    if (!d.malformed_example && s.malformed_example) d.malformed_example = s.malformed_example;
  }
  if (seen == 0) {
    std::string names = files.front() + (files.size() > 1 ? " and the other files" : "");
    std::string why = d.files.front().error.empty() ? "" : " (" + d.files.front().error + ")";
    throw IoError("NO_LOG_RECORDS", "no DLP SMTP log record in " + names + why);
  }
  return d;
}

}  // namespace ksdoctor::logs
