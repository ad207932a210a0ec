// `ksdoctor convert KEYSTORE --to jks|jceks|pkcs12 --out FILE`: every entry in another format.
#include "ksdoctor/convert.hpp"

#include <sys/stat.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/atomic_write.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor::cli {
namespace {

struct ConvertCliOptions {
  CommonOptions common;
  std::string keystore;
  std::string to;
  std::string out;
  bool no_backup = false;
};

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

StoreFormat target_format(const std::string& to) {
  if (to == "jks") return StoreFormat::kJks;
  if (to == "jceks") return StoreFormat::kJceks;
  return StoreFormat::kPkcs12;
}

// The written file must read back as planned: same aliases, kinds, dates, and the chains Java will
// see (ConvertResult::reloaded).
void check_same(const Keystore& planned, const Keystore& written) {
  auto fail = [](const std::string& why) {
    throw IoError("VERIFY_FAILED", "the written keystore does not read back as planned: " + why);
  };
  if (planned.entries.size() != written.entries.size()) fail("entry count differs");
  for (const Entry& p : planned.entries) {
    const Entry* w = nullptr;
    for (const Entry& e : written.entries) {
      if (e.alias == p.alias) w = &e;
    }
    if (!w) fail("entry '" + p.alias + "' is missing");
    if (w->kind != p.kind) fail("entry '" + p.alias + "' changed kind");
    // PKCS#12 keeps no date for trusted certificates (Java writes none either).
    bool dated = written.format != StoreFormat::kPkcs12 || p.kind != EntryKind::kTrustedCert;
    if (dated && p.created_ms && w->created_ms != p.created_ms) {
      fail("entry '" + p.alias + "' changed date");
    }
    bool same_chain = w->chain.size() == p.chain.size();
    for (std::size_t i = 0; same_chain && i < p.chain.size(); ++i) {
      same_chain = w->chain[i]->der == p.chain[i]->der;
    }
    if (!same_chain) fail("entry '" + p.alias + "' changed its chain");
  }
}

}  // namespace

Runner register_convert(CLI::App& app) {
  auto o = std::make_shared<ConvertCliOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "write the same entries in another format");
  cmd->add_option("KEYSTORE", o->keystore, "the keystore to convert")->required();
  cmd->add_option("--to", o->to, "the target format")
      ->required()
      ->check(CLI::IsMember({"jks", "jceks", "pkcs12"}));
  cmd->add_option("--out", o->out, "where to write the converted keystore")->required();
  cmd->add_flag("--no-backup", o->no_backup, "do not keep FILE.bak when --out exists");
  add_format_option(*cmd, o->common);
  add_type_option(*cmd, o->common);
  add_password_options(*cmd, o->common);
  return [o]() {
    if (real_path(o->out) == real_path(o->keystore)) {
      throw UsageError("OUT_IS_INPUT", "--out names the input keystore; write elsewhere");
    }
    Password storepass = resolve_storepass(o->common, o->keystore);
    if (storepass.is_null()) {
      throw UsageError("PASSWORD_REQUIRED",
                       "converting needs the store password (--storepass-env, --storepass-file "
                       "or KSDOCTOR_STOREPASS)");
    }
    Keystore source =
        read_keystore(FileBuffer::read(o->keystore), storepass, forced_type(o->common));
    ConvertOptions options;
    options.to = target_format(o->to);
    options.storepass = storepass;
    options.keypass = resolve_keypass(o->common);
    ConvertResult converted = convert_keystore(source, options);
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    Bytes bytes = options.to == StoreFormat::kPkcs12
                      ? write_pkcs12(converted.store, storepass, now_ms)
                      : write_jks_family(converted.store, storepass, now_ms);
    std::string backup;
    if (exists(o->out) && !o->no_backup) {
      backup = backup_path(o->out, now_ms / 1000);
      write_file_atomically(backup, read_file(o->out));
    }
    AtomicWriteOptions write;
    write.verify = [&](ByteView written) {
      check_same(converted.reloaded, read_keystore(written, storepass, options.to));
    };
    write_file_atomically(o->out, bytes, write);

    if (output_format(o->common) == OutputFormat::kJson) {
      nlohmann::ordered_json j;
      j["file"] = o->keystore;
      j["out"] = o->out;
      j["from"] = format_name(source.format);
      j["to"] = format_name(options.to);
      j["backup"] =
          backup.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(backup);
      nlohmann::ordered_json entries = nlohmann::ordered_json::array();
      for (const Entry& e : converted.reloaded.entries) {
        nlohmann::ordered_json chain = nlohmann::ordered_json::array();
        for (const CertPtr& c : e.chain) chain.push_back(c->sha256);
        entries.push_back({{"alias", e.alias}, {"kind", kind_name(e.kind)}, {"chain", chain}});
      }
      j["entries"] = entries;
      j["notes"] = converted.notes;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << o->keystore << " (" << format_name(source.format) << ") → " << o->out << " ("
                << format_name(options.to) << "): " << converted.store.entries.size()
                << " entries, mode 0600"
                << (backup.empty() ? "" : ", previous file kept as " + backup) << "\n";
      for (const std::string& note : converted.notes) std::cout << "  note: " << note << "\n";
    }
    return 0;
  };
}

}  // namespace ksdoctor::cli
