// Atomic replace on Windows: a write-through temporary file beside the target, flushed, then
// ReplaceFileW over an existing target or MoveFileExW onto a new name. A replaced file's
// permissions (its DACL) are kept: DLP's service account must still read a rewritten prevent.ks.
#ifdef _WIN32

#include <windows.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "platform/platform.hpp"
#include "platform/windows_text.hpp"

namespace ksdoctor::platform {
namespace {

using win::error_text;
using win::Handle;
using win::widen;

[[noreturn]] void fail(const std::string& what, const std::string& path, DWORD error) {
  throw IoError("WRITE_FAILED", "cannot " + what + " " + path + ": " + error_text(error));
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of("/\\:");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A name no other run uses at the same moment: process id, time and a counter.
std::string temp_name(const std::string& target) {
  static std::atomic<unsigned> counter{0};
  char suffix[32];
  unsigned long long mix = (static_cast<unsigned long long>(GetCurrentProcessId()) << 32) ^
                           GetTickCount64() ^ (static_cast<unsigned long long>(++counter) << 20);
  std::snprintf(suffix, sizeof suffix, "%06llx", mix & 0xFFFFFFULL);
  std::string folder = win::folder_of(target);
  std::string name = "." + base_name(target) + ".ksdoctor-" + suffix;
  bool bare = target.find_first_of("/\\:") == std::string::npos;
  return bare ? name : win::join(folder, name);
}

// Removes the temporary file unless it was moved into place.
struct Temporary {
  Handle file;
  std::string path;
  bool moved = false;
  ~Temporary() {
    file.reset();
    if (!moved) DeleteFileW(widen(path).c_str());
  }
};

void write_all(HANDLE h, ByteView bytes, const std::string& path) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(bytes.size() - off, 1u << 30));
    DWORD n = 0;
    if (!WriteFile(h, bytes.data() + off, chunk, &n, nullptr)) fail("write", path, GetLastError());
    off += n;
  }
}

Bytes read_back(HANDLE h, const std::string& path, std::size_t size) {
  LARGE_INTEGER start{};
  if (!SetFilePointerEx(h, start, nullptr, FILE_BEGIN)) fail("read back", path, GetLastError());
  Bytes back(size);
  std::size_t off = 0;
  while (off < size) {
    DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(size - off, 1u << 30));
    DWORD n = 0;
    if (!ReadFile(h, back.data() + off, chunk, &n, nullptr)) {
      fail("read back", path, GetLastError());
    }
    if (n == 0) fail("read back", path, ERROR_HANDLE_EOF);
    off += n;
  }
  return back;
}

// Gives the temporary file the DACL of the file it is about to replace, entry for entry (inherited
// ones included), protected or inheriting as that one is. Windows' ReplaceFileW keeps the replaced
// file's descriptor by itself, but not every implementation of it does (Wine renames the new file
// over the old one): set explicitly, the permissions survive whatever performs the replace. The
// descriptor goes onto the open handle as it is (NtSetSecurityObject underneath), without the
// re-inheritance SetSecurityInfo would compute.
void copy_dacl(const std::string& from, HANDLE to, const std::string& to_path) {
  const std::wstring wide_from = widen(from);
  DWORD size = 0;
  GetFileSecurityW(wide_from.c_str(), DACL_SECURITY_INFORMATION, nullptr, 0, &size);
  std::vector<std::uint8_t> buffer(size);
  if (size == 0 ||
      !GetFileSecurityW(wide_from.c_str(), DACL_SECURITY_INFORMATION, buffer.data(), size, &size)) {
    fail("read the permissions of", from, GetLastError());
  }
  auto descriptor = static_cast<PSECURITY_DESCRIPTOR>(buffer.data());
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  GetSecurityDescriptorControl(descriptor, &control, &revision);
  SECURITY_INFORMATION what =
      DACL_SECURITY_INFORMATION |
      ((control & SE_DACL_PROTECTED) ? PROTECTED_DACL_SECURITY_INFORMATION
                                     : UNPROTECTED_DACL_SECURITY_INFORMATION);
  if (!SetKernelObjectSecurity(to, what, descriptor)) {
    fail("give the permissions of " + from + " to", to_path, GetLastError());
  }
}

}  // namespace

void replace_file(const std::string& target, ByteView bytes, const ReplaceOptions& options) {
  Temporary temp;
  for (int attempt = 0; attempt < 100 && !temp.file.valid(); ++attempt) {
    temp.path = temp_name(target);
    temp.file.reset(CreateFileW(
        widen(temp.path).c_str(), GENERIC_READ | GENERIC_WRITE | READ_CONTROL | WRITE_DAC, 0,
        nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_WRITE_THROUGH, nullptr));
    if (!temp.file.valid() && GetLastError() != ERROR_FILE_EXISTS) {
      DWORD error = GetLastError();
      temp.moved = true;  // nothing was created
      fail("create a temporary file in", win::folder_of(target), error);
    }
  }
  if (!temp.file.valid())
    fail("create a temporary file in", win::folder_of(target), ERROR_FILE_EXISTS);
  write_all(temp.file.get(), bytes, temp.path);
  if (!FlushFileBuffers(temp.file.get())) fail("flush", temp.path, GetLastError());
  if (options.verify) options.verify(read_back(temp.file.get(), temp.path, bytes.size()));
  const bool replacing = file_status(target).is_regular();
  if (replacing) copy_dacl(target, temp.file.get(), temp.path);
  temp.file.reset();
  std::wstring wide_target = widen(target), wide_temp = widen(temp.path);
  if (replacing) {
    // The target keeps its identity: owner, attributes, creation time (and the DACL, above).
    if (!ReplaceFileW(wide_target.c_str(), wide_temp.c_str(), nullptr,
                      REPLACEFILE_IGNORE_MERGE_ERRORS, nullptr, nullptr)) {
      fail("replace", target, GetLastError());
    }
  } else if (!MoveFileExW(wide_temp.c_str(), wide_target.c_str(), MOVEFILE_WRITE_THROUGH)) {
    fail("rename a temporary file to", target, GetLastError());
  }
  temp.moved = true;
  (void)options.mode;      // Windows has no mode: see ReplaceOptions
  (void)options.owner_of;  // ReplaceFileW keeps the owner; a new file gets the folder's defaults
}

}  // namespace ksdoctor::platform

#endif  // _WIN32
