// portable_sddl: prints or sets the DACL of a file as SDDL, for windows_paths_test.sh (a rewritten
// prevent.ks must keep the permissions of the file it replaced).
//   portable_sddl get FILE          prints "D:..." (the DACL only: owner and group vary by host)
//   portable_sddl set FILE SDDL     sets the DACL of SDDL "D:P(...)..." (P: protected)
// Windows only; paths are ASCII (the test's install tree).
#include <windows.h>
// after windows.h
#include <aclapi.h>
#include <sddl.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

std::wstring wide(const char* s) {
  int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n > 0 ? n : 1), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s, -1, out.data(), n);
  out.resize(std::wcslen(out.c_str()));
  return out;
}

int get(const char* file) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  DWORD rc = GetNamedSecurityInfoW(wide(file).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                   nullptr, nullptr, nullptr, nullptr, &sd);
  if (rc != ERROR_SUCCESS) {
    std::fprintf(stderr, "GetNamedSecurityInfoW(%s): error %lu\n", file, rc);
    return 1;
  }
  LPWSTR text = nullptr;
  if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(
          sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, nullptr)) {
    std::fprintf(stderr, "ConvertSecurityDescriptorToString: error %lu\n", GetLastError());
    return 1;
  }
  std::printf("%ls\n", text);
  LocalFree(text);
  LocalFree(sd);
  return 0;
}

int set(const char* file, const char* sddl) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(wide(sddl).c_str(), SDDL_REVISION_1,
                                                            &sd, nullptr)) {
    std::fprintf(stderr, "bad SDDL %s: error %lu\n", sddl, GetLastError());
    return 1;
  }
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  GetSecurityDescriptorControl(sd, &control, &revision);
  SECURITY_INFORMATION what =
      DACL_SECURITY_INFORMATION |
      ((control & SE_DACL_PROTECTED) ? PROTECTED_DACL_SECURITY_INFORMATION
                                     : UNPROTECTED_DACL_SECURITY_INFORMATION);
  // On the handle, as the descriptor says (SetNamedSecurityInfoW would recompute inheritance; Wine,
  // which keeps no descriptors but maps them onto POSIX modes, only honours this path).
  HANDLE h = CreateFileW(wide(file).c_str(), READ_CONTROL | WRITE_DAC,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                         OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  BOOL ok = h != INVALID_HANDLE_VALUE && SetKernelObjectSecurity(h, what, sd);
  DWORD error = GetLastError();
  if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
  LocalFree(sd);
  if (!ok) {
    std::fprintf(stderr, "setting the DACL of %s: error %lu\n", file, error);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "get") == 0) return get(argv[2]);
  if (argc == 4 && std::strcmp(argv[1], "set") == 0) return set(argv[2], argv[3]);
  std::fprintf(stderr, "usage: portable_sddl get FILE | set FILE SDDL\n");
  return 2;
}
