// Writing a repaired keystore: in the store's own format, over the target the safe way
// (write_keystore_file: backup, atomic replace, read back and compared with the plan first).
#include "ksdoctor/error.hpp"
#include "ksdoctor/repair.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor {
namespace {

void require_password(const Password& storepass) {
  if (storepass.is_null()) {
    throw UsageError("PASSWORD_REQUIRED",
                     "the store password is needed to write the repaired keystore (its integrity "
                     "digest or MAC is keyed with it): give --storepass-file, --storepass-env or "
                     "KSDOCTOR_STOREPASS");
  }
}

}  // namespace

Bytes serialize_keystore(const Keystore& planned, const Password& storepass,
                         std::int64_t created_ms) {
  require_password(storepass);
  // A PKCS#12 store's own protection (store.protection) is kept by the writer's default.
  return write_keystore(planned, storepass, created_ms);
}

void check_written_keystore(const Keystore& planned, const Keystore& written,
                            std::int64_t created_ms) {
  // The planned PKCS#12 chains are already the ones Java rebuilds on load (plan_repair), so the
  // plan itself is what must come back.
  check_read_back(planned, written, created_ms);
}

RepairWriteResult write_repaired_keystore(const Keystore& planned, const Password& storepass,
                                          const RepairWriteOptions& options) {
  require_password(storepass);
  KeystoreFileOptions file;
  file.target = options.target;
  file.backup = options.backup;
  file.now = options.now;
  file.created_ms = options.created_ms;
  KeystoreFileResult written = write_keystore_file(planned, planned, storepass, file);
  RepairWriteResult result;
  result.backup = written.backup;
  result.bytes = written.bytes;
  return result;
}

}  // namespace ksdoctor
