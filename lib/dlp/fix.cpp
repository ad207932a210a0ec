// locate --fix: copy the best keystore copy to the configured path, keeping what was there.
#include <cerrno>
#include <cstring>

#include "core/paths.hpp"
#include "core/strings.hpp"
#include "dlp/fs.hpp"
#include "dlp/locate_steps.hpp"
#include "ksdoctor/atomic_write.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/locate.hpp"
#include "ksdoctor/timeutil.hpp"
#include "platform/platform.hpp"

namespace ksdoctor {
namespace {

using paths::dirname;

bool exists(const std::string& path) {
  return fs::file_info(path, fs::Links::kDoNotFollow).has_value();
}

// The new keystore holds a private key: the source's bits, but at most owner read/write and
// group read, and always owner read/write (the service may run as the file's owner).
std::uint32_t sane_mode(std::uint32_t source_mode) { return (source_mode & 0640) | 0600; }

void write_atomically(const std::string& target, ByteView bytes, std::uint32_t mode,
                      const std::string& owner_of) {
  AtomicWriteOptions options;
  options.mode = mode;
  options.owner_of = owner_of;
  write_file_atomically(target, bytes, options);
}

}  // namespace

FixPlan plan_fix(const InstallReport& r, std::int64_t now) {
  FixPlan plan;
  plan.install = r.install.label();
  plan.target = r.configured.path;
  if (!r.configured.resolved) {
    plan.reason =
        "the configured keystore location is not known (see "
        "KEYSTORE_LOCATION_UNRESOLVED): correct Protect.properties or name the key "
        "with --property first";
    return plan;
  }
  if (r.keystore.usable()) {
    plan.reason =
        "the configured keystore is readable and holds a private key entry; --fix "
        "never replaces a usable keystore";
    return plan;
  }
  if (!r.best) {
    plan.reason = "no readable copy holding a private key entry was found to put there";
    return plan;
  }
  if (r.keystore.exists && !r.keystore.regular) {
    plan.reason = "something that is not a file (" + r.keystore.error + ") is at " + plan.target +
                  "; remove it by hand first";
    return plan;
  }
  const KeystoreFile& src = r.found[*r.best];
  plan.copy = true;
  plan.source = src.path;
  plan.source_sha256 = src.sha256;
  plan.mode = sane_mode(src.mode);
  plan.reason = "the configured keystore " +
                std::string(!r.keystore.exists     ? "is missing"
                            : !r.keystore.readable ? "is not readable"
                                                   : "has no private key entry") +
                "; copying " + src.path + " (" + r.best_reason + ")";
  // Folders to create, outermost first.
  for (std::string dir = r.configured.folder;
       !dir.empty() && dir != "/" && dir != "." && dir != dirname(dir) && !exists(dir);
       dir = dirname(dir)) {
    plan.mkdirs.insert(plan.mkdirs.begin(), dir);
  }
  if (r.keystore.exists) plan.backup = backup_path(plan.target, now);
  return plan;
}

void apply_fix(FixPlan& plan) {
  if (!plan.copy) return;
  for (const std::string& dir : plan.mkdirs) platform::make_directories(dir, 0750);
  Bytes source = read_file(plan.source, std::size_t{64} << 20);
  std::string sha = sha256_hex(source);
  if (!plan.source_sha256.empty() && sha != plan.source_sha256) {
    throw IoError("SOURCE_CHANGED", plan.source + " changed since it was examined; run again");
  }
  std::string owner_of = plan.source;
  if (!plan.backup.empty()) {
    std::string why;
    std::optional<fs::FileInfo> target = fs::file_info(plan.target, fs::Links::kFollow, &why);
    if (!target) {
      throw IoError("WRITE_FAILED", "cannot stat " + plan.target + ": " +
                                        (why.empty() ? std::strerror(ENOENT) : why));
    }
    Bytes old = read_file(plan.target, std::size_t{64} << 20);
    // The backup keeps the old bytes and mode (never wider than the new file's policy) so that
    // it can simply be renamed back.
    write_atomically(plan.backup, old, sane_mode(target->mode & 0777), plan.target);
    owner_of = plan.target;
  }
  write_atomically(plan.target, source, plan.mode, owner_of);
  Bytes written = read_file(plan.target, std::size_t{64} << 20);
  if (sha256_hex(written) != sha) {
    throw IoError("VERIFY_FAILED", plan.target + " does not read back as the bytes written");
  }
  plan.applied = true;
}

std::string restart_reminder() {
  return "Restart the detection server so that Java reads the keystore again (recycle the "
         "server from the Enforce Server administration console, or restart the detection "
         "server's services on the host).";
}

}  // namespace ksdoctor
