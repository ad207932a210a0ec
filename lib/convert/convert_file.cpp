// `convert` from file to file: read, convert, and write the way repair writes.
#include "ksdoctor/convert.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/writers.hpp"

namespace ksdoctor {

ConvertFileResult convert_keystore_file(const ConvertOptions& options,
                                        const ConvertFileOptions& file) {
  if (same_file(file.target, file.source)) {
    throw UsageError("OUT_IS_INPUT",
                     file.target + " is the keystore being converted; write elsewhere");
  }
  if (options.storepass.is_null()) {
    throw UsageError("PASSWORD_REQUIRED",
                     "converting needs the store password: the new file is keyed with it");
  }
  Keystore source =
      read_keystore(FileBuffer::read(file.source), options.storepass, file.source_type);
  ConvertFileResult result;
  result.from = source.format;
  result.converted = convert_keystore(source, options);
  KeystoreFileOptions write;
  write.target = file.target;
  write.backup = file.backup;
  write.now = file.now_ms / 1000;
  write.created_ms = file.now_ms;
  KeystoreFileResult written = write_keystore_file(
      result.converted.store, result.converted.reloaded, options.storepass, write);
  result.backup = written.backup;
  result.bytes = written.bytes;
  return result;
}

}  // namespace ksdoctor
