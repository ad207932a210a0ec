// What one keystore-looking file is: its file facts, its format, and what Java lists in it.
#include <optional>

#include "core/strings.hpp"
#include "dlp/fs.hpp"
#include "dlp/locate_steps.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"

namespace ksdoctor {

KeystoreFile examine(const std::string& path, const LocateOptions& o) {
  KeystoreFile f;
  f.path = path;
  std::string failure;
  std::optional<fs::FileInfo> info = fs::file_info(path, fs::Links::kFollow, &failure);
  if (!info) {
    if (!failure.empty()) {
      f.exists = true;
      f.error = "cannot stat: " + failure;
    }
    return f;
  }
  f.exists = true;
  f.regular = info->kind == fs::FileKind::kRegular;
  f.size = info->size;
  f.mtime = info->mtime;
  f.mode = info->mode;
  if (!f.regular) {
    f.error =
        info->kind == fs::FileKind::kDirectory ? "a folder, not a file" : "not a regular file";
    return f;
  }
  if (f.size > o.limits.max_keystore_bytes) {
    f.error = "larger than " + std::to_string(o.limits.max_keystore_bytes >> 20) +
              " MiB: not read (keystores are small)";
    return f;
  }
  Bytes bytes;
  try {
    bytes = read_file(path, o.limits.max_keystore_bytes);
  } catch (const Error& e) {
    f.error = e.what();
    return f;
  }
  f.sha256 = sha256_hex(bytes);
  f.format = detect_format(bytes);
  if (!f.format) {
    f.error = bytes.empty() ? "empty file"
                            : "not a keystore: the content is neither JKS, JCEKS nor PKCS#12";
    return f;
  }
  std::optional<Keystore> store;
  try {
    store = read_keystore(bytes, o.storepass);
    f.integrity = integrity_name(store->integrity);
  } catch (const PasswordError&) {
    // The password given is not this store's; what is inside can still be listed the way Java
    // lists it with a null password.
    try {
      store = read_keystore(bytes, Password());
      f.integrity = "wrong_password";
    } catch (const Error& e) {
      f.error = e.what();
    }
  } catch (const Error& e) {
    f.error = e.what();
  }
  if (!store) return f;
  f.readable = true;
  f.entries = static_cast<int>(store->entries.size());
  for (const Entry& e : store->entries) {
    f.private_keys += e.kind == EntryKind::kPrivateKey;
    f.trusted_certs += e.kind == EntryKind::kTrustedCert;
    f.secret_keys += e.kind == EntryKind::kSecretKey;
  }
  return f;
}

}  // namespace ksdoctor
