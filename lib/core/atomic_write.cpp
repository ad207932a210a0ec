#include "ksdoctor/atomic_write.hpp"

#include "ksdoctor/timeutil.hpp"
#include "platform/platform.hpp"

namespace ksdoctor {
namespace {

bool exists(const std::string& path) {
  platform::FileStatus status = platform::file_status(path, platform::Follow::kNo);
  return status.exists() && status.error.empty();
}

}  // namespace

void write_file_atomically(const std::string& target, ByteView bytes,
                           const AtomicWriteOptions& options) {
  platform::ReplaceOptions replace;
  replace.mode = options.mode;
  replace.owner_of = options.owner_of;
  replace.verify = options.verify;
  platform::replace_file(target, bytes, replace);
}

std::string backup_path(const std::string& target, std::int64_t now) {
  std::string backup = target + ".bak";
  if (!exists(backup)) return backup;
  std::string stamp;
  for (char c : format_rfc3339(now)) {  // 20260101T120000Z: sortable, valid in file names
    if (c != '-' && c != ':') stamp.push_back(c);
  }
  std::string stamped = target + ".bak-" + stamp;
  backup = stamped;
  for (int n = 2; exists(backup) && n < 1000; ++n) backup = stamped + "-" + std::to_string(n);
  return backup;
}

}  // namespace ksdoctor
