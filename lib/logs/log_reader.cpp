// PATHs to log files, and several files merged by time (LogReader).
#include <algorithm>

#include "ksdoctor/logs.hpp"
#include "platform/platform.hpp"

namespace ksdoctor::logs {

std::vector<std::string> expand_log_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    platform::FileStatus st = platform::file_status(path);
    if (!st.exists()) {
      throw IoError("NOT_FOUND",
                    path + ": " + (st.error.empty() ? "no such file or folder" : st.error));
    }
    if (!st.is_directory()) {
      files.push_back(path);
      continue;
    }
    std::string prefix = path;
    if (!prefix.empty() && !platform::is_separator(prefix.back())) prefix += '/';
    for (const platform::DirEntry& e : platform::list_directory(path)) {
      if (e.type != platform::FileType::kRegular) continue;
      std::string file = prefix + e.name;
      if (looks_like_smtp_log(file)) files.push_back(file);
    }
  }
  return files;
}

struct LogReader::Impl {
  std::vector<RecordReader> readers;
  std::vector<const Record*> heads;
  std::size_t last = SIZE_MAX;  // the reader whose head was handed out last
  int assumed_offset = 0;       // for java.util.logging times (no offset of their own)
  bool offset_known = false;

  void learn_offset(const Record* r) {
    if (!offset_known && r && r->time.has_offset) {
      assumed_offset = r->time.offset_minutes;
      offset_known = true;
    }
  }

  const Record* next() {
    if (last != SIZE_MAX) {
      heads[last] = readers[last].next();
      learn_offset(heads[last]);
      last = SIZE_MAX;
    }
    std::size_t best = SIZE_MAX;
    std::int64_t best_ms = 0;
    for (int pass = 0; pass < 2 && best == SIZE_MAX; ++pass) {
      if (pass == 1) {
        // Everything was at its end: look again (a live file may have grown).
        for (std::size_t i = 0; i < readers.size(); ++i) {
          heads[i] = readers[i].next();
          learn_offset(heads[i]);
        }
      }
      for (std::size_t i = 0; i < heads.size(); ++i) {
        if (!heads[i]) continue;
        std::int64_t ms = heads[i]->time.order_ms(assumed_offset);
        if (best == SIZE_MAX || ms < best_ms) {
          best = i;
          best_ms = ms;
        }
      }
    }
    if (best == SIZE_MAX) return nullptr;
    last = best;
    return heads[best];
  }
};

LogReader::LogReader(const std::vector<std::string>& files, ReadOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->readers.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    impl_->readers.emplace_back(files[i], i, options);
  }
  impl_->heads.resize(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    impl_->heads[i] = impl_->readers[i].next();
    impl_->learn_offset(impl_->heads[i]);
  }
}

LogReader::~LogReader() = default;

const Record* LogReader::next() { return impl_->next(); }

std::optional<int> LogReader::assumed_offset() const {
  if (!impl_->offset_known) return std::nullopt;
  return impl_->assumed_offset;
}

std::vector<FileSummary> LogReader::summaries() const {
  std::vector<FileSummary> out;
  for (const RecordReader& r : impl_->readers) out.push_back(r.summary());
  return out;
}

}  // namespace ksdoctor::logs
