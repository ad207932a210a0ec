// Writing a repaired keystore: serialize in the store's own format, keep a backup, replace the
// file atomically, and refuse the rename unless the bytes on disk read back as the planned model.
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "ksdoctor/atomic_write.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor {
namespace {

[[noreturn]] void mismatch(const std::string& what) {
  throw Error("REPAIR_READBACK_MISMATCH", "the keystore written does not read back as planned (" +
                                              what + "); nothing was replaced");
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Bytes serialize_keystore(const Keystore& planned, const Password& storepass,
                         std::int64_t created_ms) {
  if (storepass.is_null()) {
    throw UsageError("PASSWORD_REQUIRED",
                     "the store password is needed to write the repaired keystore (its integrity "
                     "digest or MAC is keyed with it): give --storepass-file, --storepass-env or "
                     "KSDOCTOR_STOREPASS");
  }
  if (planned.format == StoreFormat::kPkcs12) {
    // The store's own protection (store.protection) is kept by the writer's default.
    return write_pkcs12(planned, storepass, created_ms);
  }
  return write_jks_family(planned, storepass, created_ms);
}

void check_written_keystore(const Keystore& planned, const Keystore& written,
                            std::int64_t created_ms) {
  if (written.format != planned.format) mismatch("format");
  if (written.entries.size() != planned.entries.size()) {
    mismatch(std::to_string(written.entries.size()) + " entries instead of " +
             std::to_string(planned.entries.size()));
  }
  std::map<std::string, const Entry*> by_alias;
  for (const Entry& e : written.entries) by_alias[e.alias] = &e;
  bool pkcs12 = planned.format == StoreFormat::kPkcs12;
  for (const Entry& want : planned.entries) {
    auto it = by_alias.find(want.alias);
    if (it == by_alias.end()) mismatch("entry '" + want.alias + "' is missing");
    const Entry& got = *it->second;
    if (got.kind != want.kind) mismatch("entry '" + want.alias + "' changed kind");
    if (got.chain.size() != want.chain.size()) mismatch("chain of '" + want.alias + "'");
    for (std::size_t i = 0; i < want.chain.size(); ++i) {
      if (got.chain[i]->der != want.chain[i]->der) mismatch("chain of '" + want.alias + "'");
    }
    if (want.key.has_value() != got.key.has_value() ||
        (want.key && want.key->blob != got.key->blob)) {
      mismatch("protected key of '" + want.alias + "'");
    }
    // JKS/JCEKS date every entry; PKCS#12 dates key entries (localKeyID "Time <ms>") and Java
    // gives undated trusted entries the load time, which the reader reports as no date.
    std::optional<std::int64_t> expected = want.created_ms;
    if (!pkcs12 && !expected) expected = created_ms;
    bool compare = !pkcs12 || want.kind == EntryKind::kPrivateKey || got.created_ms.has_value();
    if (compare && got.created_ms != expected) {
      mismatch("creation date of '" + want.alias + "'");
    }
  }
  if (written.hidden_certificates.size() != planned.hidden_certificates.size()) {
    mismatch("hidden certificates");
  }
}

RepairWriteResult write_repaired_keystore(const Keystore& planned, const Password& storepass,
                                          const RepairWriteOptions& options) {
  Bytes bytes = serialize_keystore(planned, storepass, options.created_ms);
  RepairWriteResult result;
  result.bytes = bytes.size();
  if (options.backup && exists(options.target)) {
    // The backup is a second atomic write: a crash leaves it absent or complete, never partial,
    // and the target is touched only once the backup is safely on disk.
    Bytes old = read_file(options.target);
    result.backup = backup_path(options.target, options.now);
    AtomicWriteOptions backup;
    backup.mode = 0600;
    backup.owner_of = options.target;
    backup.verify = [&](ByteView written) {
      if (!std::equal(written.begin(), written.end(), old.begin(), old.end())) {
        throw IoError("WRITE_FAILED", "the backup " + result.backup + " did not read back");
      }
    };
    write_file_atomically(result.backup, old, backup);
  }
  AtomicWriteOptions write;
  write.mode = 0600;
  if (exists(options.target)) write.owner_of = options.target;
  write.verify = [&](ByteView written) {
    Keystore back;
    try {
      back = read_keystore(written, storepass, planned.format);
    } catch (const Error& e) {
      mismatch(std::string("it does not load: ") + e.what());
    }
    check_written_keystore(planned, back, options.created_ms);
  };
  write_file_atomically(options.target, bytes, write);
  return result;
}

}  // namespace ksdoctor
