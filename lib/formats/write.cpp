// Writing a keystore model: the writer of its format, and replacing a file with it so that the
// bytes on disk are known to read back as intended before anything is replaced.
#include <algorithm>
#include <map>

#include "ksdoctor/atomic_write.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor {
namespace {

[[noreturn]] void mismatch(const std::string& what) {
  throw Error("REPAIR_READBACK_MISMATCH", "the keystore written does not read back as planned (" +
                                              what + "); nothing was replaced");
}

bool same_chain(const std::vector<CertPtr>& a, const std::vector<CertPtr>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const CertPtr& x, const CertPtr& y) { return x->der == y->der; });
}

// The backup is a second atomic write: a crash leaves it absent or complete, never partial, and
// the target is touched only once the backup is safely on disk.
std::string back_up(const std::string& target, std::int64_t now) {
  Bytes old = read_file(target);
  std::string path = backup_path(target, now);
  AtomicWriteOptions backup;
  backup.mode = 0600;
  backup.owner_of = target;
  backup.verify = [&](ByteView written) {
    if (!std::equal(written.begin(), written.end(), old.begin(), old.end())) {
      throw IoError("WRITE_FAILED", "the backup " + path + " did not read back");
    }
  };
  write_file_atomically(path, old, backup);
  return path;
}

}  // namespace

Bytes write_keystore(const Keystore& store, const Password& storepass, std::int64_t now_ms,
                     const KeystoreWriteOptions& options) {
  if (store.format == StoreFormat::kPkcs12) {
    return write_pkcs12(store, storepass, now_ms, options.pkcs12);
  }
  if (is_bouncycastle(store.format)) {
    return write_bks_family(store, storepass, now_ms);
  }
  return write_jks_family(store, storepass, now_ms);
}

std::optional<std::int64_t> written_creation_date(StoreFormat format, const Entry& entry,
                                                  std::int64_t now_ms) {
  if (format != StoreFormat::kPkcs12) return entry.created_ms.value_or(now_ms);
  if (entry.kind == EntryKind::kTrustedCert) return std::nullopt;
  // A localKeyID kept from the file the entry was read from carries whatever date it had then.
  if (!entry.local_key_id.empty()) return entry.created_ms;
  return entry.created_ms.value_or(now_ms);
}

void check_read_back(const Keystore& expected, const Keystore& written, std::int64_t now_ms) {
  if (written.format != expected.format) mismatch("format");
  if (written.entries.size() != expected.entries.size()) {
    mismatch(std::to_string(written.entries.size()) + " entries instead of " +
             std::to_string(expected.entries.size()));
  }
  std::map<std::string, const Entry*> by_alias;
  for (const Entry& e : written.entries) by_alias[e.alias] = &e;
  for (const Entry& want : expected.entries) {
    auto it = by_alias.find(want.alias);
    if (it == by_alias.end()) mismatch("entry '" + want.alias + "' is missing");
    const Entry& got = *it->second;
    if (got.kind != want.kind) mismatch("entry '" + want.alias + "' changed kind");
    if (!same_chain(got.chain, want.chain)) mismatch("chain of '" + want.alias + "'");
    if (want.key.has_value() != got.key.has_value() ||
        (want.key && want.key->blob != got.key->blob)) {
      mismatch("protected key of '" + want.alias + "'");
    }
    if (got.created_ms != written_creation_date(expected.format, want, now_ms)) {
      mismatch("creation date of '" + want.alias + "'");
    }
  }
  if (written.hidden_certificates.size() != expected.hidden_certificates.size()) {
    mismatch("hidden certificates");
  }
}

KeystoreFileResult write_keystore_file(const Keystore& store, const Keystore& expected,
                                       const Password& storepass,
                                       const KeystoreFileOptions& options) {
  Bytes bytes = write_keystore(store, storepass, options.created_ms, options.write);
  KeystoreFileResult result;
  result.bytes = bytes.size();
  bool replacing = file_exists(options.target);
  if (options.backup && replacing) result.backup = back_up(options.target, options.now);
  AtomicWriteOptions write;
  write.mode = 0600;
  if (replacing) write.owner_of = options.target;
  write.verify = [&](ByteView written) {
    Keystore back;
    try {
      back = read_keystore(written, storepass, store.format);
    } catch (const Error& e) {
      mismatch(std::string("it does not load: ") + e.what());
    }
    check_read_back(expected, back, options.created_ms);
  };
  write_file_atomically(options.target, bytes, write);
  return result;
}

}  // namespace ksdoctor
