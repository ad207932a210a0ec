// Replacing a file so that a crash, a kill or a full disk at any moment leaves either the old
// file or the complete new one: a temporary file in the same folder, written, synced, checked,
// renamed over the target, and the folder synced.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ksdoctor/bytes.hpp"

namespace ksdoctor {

struct AtomicWriteOptions {
  std::uint32_t mode = 0600;
  // When running as root, the new file takes the owner and group of this file ("" = ours).
  std::string owner_of;
  // Called with the temporary file's bytes as read back from disk, before the rename; throwing
  // leaves the target untouched (the temporary file is removed).
  std::function<void(ByteView written)> verify;
};

// Throws IoError("WRITE_FAILED", "...") with the OS reason (ENOSPC, EFBIG, EACCES...).
void write_file_atomically(const std::string& target, ByteView bytes,
                           const AtomicWriteOptions& options = {});

// A name for keeping the current `target`: "<target>.bak", or "<target>.bak-<UTC time>[-n]" when
// that exists already.
std::string backup_path(const std::string& target, std::int64_t now);

}  // namespace ksdoctor
