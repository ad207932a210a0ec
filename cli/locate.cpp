// `ksdoctor locate [--root DIR] [--properties FILE] [--property KEY] [--fix [--dry-run]]`: the
// keystore a DLP detection server reads, the copies that are elsewhere, and putting one in place.
#include "ksdoctor/locate.hpp"

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/locate_report.hpp"

namespace ksdoctor::cli {
namespace {

struct LocateCliOptions {
  CommonOptions common;
  std::string root;  // "": default_locate_root()
  std::string properties;
  std::string property;
  std::string version;
  bool fix = false;
  bool dry_run = false;
};

// locate may open many files and needs no password to find them, so it never prompts: a password
// from the options or KSDOCTOR_STOREPASS is used when given, otherwise Java's null password.
Password storepass(const CommonOptions& opts) {
  const PasswordOptions& p = opts.storepass;
  if (!p.value.empty() || !p.env.empty() || !p.file.empty() ||
      platform::environment_variable("KSDOCTOR_STOREPASS")) {
    return resolve_storepass(opts, "the keystores");
  }
  return Password();
}

// A one-line progress display on stderr, only when it is a terminal that can redraw a line: redrawn
// at most ten times a second with \r and erased when the scan ends, so logs and pipes never see it.
class Progress {
 public:
  Progress() : enabled_(console().redraw_err) {}
  ~Progress() { clear(); }

  std::function<void(const ScanProgress&)> callback() {
    if (!enabled_) return nullptr;
    return [this](const ScanProgress& p) {
      auto now = std::chrono::steady_clock::now();
      if (p.dir.empty()) {
        clear();
        return;
      }
      if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      std::string dir = p.dir;
      if (dir.size() > 50) {
        std::size_t from = dir.size() - 49;
        // Never start inside a UTF-8 sequence.
        while (from < dir.size() && (static_cast<unsigned char>(dir[from]) & 0xC0) == 0x80) ++from;
        dir = "…" + dir.substr(from);
      }
      std::cerr << "\rksdoctor: scanning " << p.visited << " entries, " << p.keystores
                << " keystore files  " << dir << "\033[K" << std::flush;
      drawn_ = true;
    };
  }

  void clear() {
    if (!drawn_) return;
    std::cerr << "\r\033[K" << std::flush;
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// The option that names the property key, as reports call it.
const report::LocateNaming kNaming{"--property"};

// locate_keystore, with what to try next when no install is found at all.
LocateResult locate(const LocateOptions& options) {
  try {
    return locate_keystore(options);
  } catch (const LocateError& e) {
    if (e.reason() != LocateError::Reason::kNoInstall) throw;
    throw LocateError(e.code(),
                      std::string(e.what()) +
                          "; point --root at the drive or file system that holds it, or name the "
                          "file with --properties",
                      e.reason());
  }
}

int run_locate(const LocateCliOptions& o) {
  LocateOptions options;
  options.root = o.root.empty() ? default_locate_root() : o.root;
  if (!o.properties.empty()) options.properties_file = o.properties;
  if (!o.property.empty()) options.property_key = o.property;
  if (!o.version.empty()) options.version = o.version;
  options.storepass = storepass(o.common);
  Progress progress;
  options.progress = progress.callback();
  LocateResult result = locate(options);
  progress.clear();

  std::optional<FixRun> fix;
  if (o.fix || o.dry_run) {
    FixRun run;
    run.dry_run = o.dry_run;
    std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    std::string needing;
    int copies = 0;
    for (const InstallReport& r : result.installs) {
      run.plans.push_back(plan_fix(r, now));
      if (run.plans.back().copy) {
        ++copies;
        needing += (needing.empty() ? "" : ", ") + r.install.label();
      }
    }
    if (!o.dry_run && copies > 1) {
      throw UsageError("USAGE", "--fix: " + std::to_string(copies) + " installs (" + needing +
                                    ") need a keystore put in place; choose one with "
                                    "--dlp-version (--dry-run shows every plan)");
    }
    if (!o.dry_run) {
      for (FixPlan& plan : run.plans) apply_fix(plan);
      // Report the state after the fix, as a new run would see it.
      if (copies > 0) result = locate(options);
      progress.clear();
    }
    fix = std::move(run);
  }

  const FixRun* fix_ptr = fix ? &*fix : nullptr;
  if (output_format(o.common) == OutputFormat::kJson) {
    std::cout << report::locate_json(result, fix_ptr, kNaming).dump(2) << "\n";
  } else {
    std::cout << report::locate_text(result, fix_ptr, kNaming, text_marks());
  }
  bool pending = false;
  if (fix && fix->dry_run) {
    for (const FixPlan& p : fix->plans) pending |= p.copy;
  }
  return has_errors(result.findings) || pending ? 1 : 0;
}

}  // namespace

Runner register_locate(CLI::App& app) {
  auto o = std::make_shared<LocateCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "locate", "find the keystore a DLP detection server reads, and copies in wrong places");
  cmd->add_option("--root", o->root,
                  "file system root to search: /, a mounted Windows drive, or a test tree "
                  "(default: the one that holds this system's program folders: / on Linux, the "
                  "system drive on Windows)");
  cmd->add_option("--properties", o->properties,
                  "the install's Protect.properties (its install is inferred from the path)");
  cmd->add_option("--property", o->property,
                  "the Protect.properties key that names the keystore folder or file");
  cmd->add_option("--dlp-version", o->version,
                  "only the install of this version (the version folder's name)");
  cmd->add_flag("--fix", o->fix,
                "copy the best usable copy to the configured path (backup kept; never moves)");
  cmd->add_flag("--dry-run", o->dry_run, "show what --fix would do and write nothing");
  add_format_option(*cmd, o->common);
  cmd->add_option("--storepass", o->common.storepass.value,
                  "store password (visible to other users; prefer the -env/-file forms)");
  cmd->add_option("--storepass-env", o->common.storepass.env, "read the store password from VAR");
  cmd->add_option("--storepass-file", o->common.storepass.file,
                  "read the store password from the first line of FILE");
  return [o]() { return run_locate(*o); };
}

}  // namespace ksdoctor::cli
