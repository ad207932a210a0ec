// The only code that calls the operating system. Linux (POSIX) and Windows (MinGW-w64) differ here
// and nowhere else: posix_*.cpp and windows_*.cpp implement these declarations, each file whole
// behind one `#ifdef _WIN32` / `#ifndef _WIN32`.
//
// Paths are UTF-8 std::strings everywhere (wide-character APIs underneath on Windows). Failures
// throw ksdoctor::IoError with a stable code (READ_FAILED, WRITE_FAILED, TOO_LARGE, NOT_FOUND) and
// a sentence that names the path and the OS's reason; network failures throw NetError.
#pragma once

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/bytes.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/secret.hpp"
#include "ksdoctor/system.hpp"

namespace ksdoctor::platform {

// ------------------------------------------------------------------------- files and folders

// Whether `c` separates the components of a path: '/' everywhere, and '\\' on Windows.
bool is_separator(char c);

// The root that begins `path`, as written: POSIX "/" or ""; Windows "C:\\" (or "C:/"), "C:" (a
// drive-relative path), "\\" (the current drive's root), "\\\\server\\share\\" (UNC, "\\\\?\\C:\\"
// alike), "" for a relative path. Text only: nothing is looked up.
std::string path_root(std::string_view path);

// Whether `path` means the same file from any working folder: POSIX a leading '/'; Windows a drive
// followed by a separator, or a UNC path ("\\x" and "C:x" depend on the current drive or folder).
bool is_absolute_path(std::string_view path);

enum class FileType { kMissing, kRegular, kDirectory, kSymlink, kOther };

// Whether a symbolic link (Windows: a reparse point) is looked through or reported as itself.
enum class Follow { kYes, kNo };

// Identifies a file across names (hard links, symbolic links, two spellings of one path):
// device and inode on POSIX, volume serial and file index on Windows. All zero when unknown.
struct FileId {
  std::uint64_t device = 0;
  std::uint64_t index = 0;
  auto operator<=>(const FileId&) const = default;
};

struct FileStatus {
  FileType type = FileType::kMissing;
  std::uint64_t size = 0;
  // POSIX permission bits (07777). Windows has none: 0444 for read-only files, 0666 otherwise
  // (0777 for folders), so that callers' "is it writable" questions keep working.
  std::uint32_t mode = 0;
  std::int64_t mtime = 0;  // seconds since 1970-01-01 UTC
  FileId id;
  // Set when the status could not be read for a reason other than absence (permission denied
  // on a parent folder...). The path may exist; `type` is then kOther.
  std::string error;

  bool exists() const { return type != FileType::kMissing; }
  bool is_regular() const { return type == FileType::kRegular; }
  bool is_directory() const { return type == FileType::kDirectory; }
};

// Never throws: absence and errors are part of the answer.
FileStatus file_status(const std::string& path, Follow follow = Follow::kYes);

bool same_file(const std::string& a, const std::string& b);

// Reads a whole regular file. IoError("READ_FAILED") with the OS reason, IoError("TOO_LARGE")
// above `max_bytes` (this bounds hostile input: the size is checked before any allocation).
Bytes read_file(const std::string& path, std::size_t max_bytes);

// The bytes of a whole file in memory the reader owns. On Linux the pages are reserved and faulted
// in by the kernel in one step (mmap with MAP_POPULATE) and never zero-filled or copied by us: for
// multi-megabyte keystores that is a tenth of the run time. Elsewhere it is read_file.
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(FileBytes&& other) noexcept;
  FileBytes& operator=(FileBytes&& other) noexcept;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes();

  ByteView bytes() const { return {data_, size_}; }

 private:
  friend FileBytes read_file_fast(const std::string& path, std::size_t max_bytes);
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t mapped_ = 0;  // 0: data_ points into fallback_
  Bytes fallback_;
};

// Same errors as read_file.
FileBytes read_file_fast(const std::string& path, std::size_t max_bytes);

// A file read front to back in pieces: for logs of any size, never loaded whole. Opened so that
// the program writing it may go on appending, rotating or deleting it (Windows: shared read, write
// and delete); reads past the current end return 0 and may return more later.
class InputFile {
 public:
  // IoError("NOT_FOUND") when nothing is there, IoError("READ_FAILED") with the OS's reason
  // otherwise (a folder, no permission).
  explicit InputFile(const std::string& path);
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  // Up to `size` bytes into `buffer`; 0 at the end. IoError("READ_FAILED").
  std::size_t read(std::uint8_t* buffer, std::size_t size);
  const std::string& path() const { return path_; }

 private:
  void close();
  std::string path_;
  std::intptr_t handle_ = -1;  // POSIX: the descriptor; Windows: the HANDLE
};

// Up to `count` first bytes of a regular file, opened without following a final symbolic link and
// without blocking on a FIFO or device put there since it was listed; nullopt when it cannot be
// read. For recognising keystores by content while walking a tree.
std::optional<Bytes> read_file_head(const std::string& path, std::size_t count);

struct DirEntry {
  std::string name;
  // With Follow::kYes a link's type is its target's (kMissing when dangling); with kNo it is
  // kSymlink.
  FileType type = FileType::kOther;
};

// The entries of a folder except "." and "..", sorted by name (byte order).
// IoError("READ_FAILED") when the folder cannot be opened or read.
std::vector<DirEntry> list_directory(const std::string& path, Follow follow = Follow::kYes);

// A folder opened once whose files are then read by bare name: opening a file costs a few
// microseconds on a small VM, so a folder of 10 000 certificates is dominated by system calls
// (POSIX: openat() skips the path walk). IoError("READ_FAILED") when the folder cannot be opened.
class Folder {
 public:
  explicit Folder(const std::string& path);
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  ~Folder();

  // The names of the regular files in it (symbolic links followed: OS stores are mostly links),
  // sorted by name. IoError("READ_FAILED") when the folder cannot be read.
  std::vector<std::string> regular_files() const;

  struct Read {
    std::size_t size = 0;   // bytes placed in the buffer
    bool complete = false;  // the file ended within the buffer
    bool opened = false;    // the file could be opened (an error is then the read's)
    std::string error;      // the OS's reason when the file could not be opened or read
  };
  // Reads the start of `name` into `buffer` with one read: a file smaller than the buffer is
  // then complete (a short read of a regular file is its end); a larger one should be read with
  // read_file. Never blocks on a FIFO put there since the folder was listed.
  Read read_start(const std::string& name, std::vector<std::uint8_t>& buffer) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::intptr_t handle_ = -1;  // POSIX: the folder's descriptor; Windows: unused
};

// The canonical absolute path (links resolved, "." and ".." removed); nullopt when the path does
// not exist. On Windows the result has a drive letter and backslashes, without the \\?\ prefix.
std::optional<std::string> canonical_path(const std::string& path);

// Creates `path` and its missing parents (POSIX mode `mode` before the umask; Windows: the
// folders inherit their parent's permissions). IoError("WRITE_FAILED") naming the folder.
void make_directories(const std::string& path, std::uint32_t mode = 0750);

// Removes a file (not a folder). False when there was nothing to remove; IoError otherwise.
bool remove_file(const std::string& path);

// ------------------------------------------------------------------------- atomic replace

struct ReplaceOptions {
  // POSIX: the new file's mode. Windows has no mode: a file that replaces another keeps that
  // file's security descriptor (DLP's service account must still read a rewritten prevent.ks);
  // a new file inherits its folder's.
  std::uint32_t mode = 0600;
  // POSIX, when running as root: the new file takes the owner and group of this file ("" = ours).
  // Best effort: file systems without owners (a mounted Windows drive) ignore it.
  std::string owner_of;
  // Called with the temporary file's bytes as read back from disk, before the replace; throwing
  // leaves the target untouched (the temporary file is removed).
  std::function<void(ByteView written)> verify;
};

// Replaces `target` (or creates it) so that a crash, a kill or a full disk at any moment leaves
// either the old file or the complete new one: a temporary file in the same folder
// (".<name>.ksdoctor-XXXXXX"), written, flushed to disk, checked, then moved over the target
// (POSIX: fsync, rename, fsync of the folder; Windows: write-through, ReplaceFileW when the target
// exists, else MoveFileExW with MOVEFILE_WRITE_THROUGH). IoError("WRITE_FAILED") with the reason.
void replace_file(const std::string& target, ByteView bytes, const ReplaceOptions& options = {});

// Copies `from` to `to` through replace_file (so `to` is complete or untouched): for keeping a
// backup of a file before it is replaced. `max_bytes` caps what is read.
void copy_file(const std::string& from, const std::string& to, const ReplaceOptions& options,
               std::size_t max_bytes);

// Process, console and install locations: include/ksdoctor/system.hpp (public: the CLI uses them).

// ------------------------------------------------------------------------- shared libraries

// A library loaded at run time (POSIX dlopen, Windows LoadLibraryW); never unloaded.
struct SharedLibrary {
  std::intptr_t handle = 0;
};

// The first of `names` that loads; nullopt when none does.
std::optional<SharedLibrary> load_library(const std::vector<std::string>& names);

// A function exported by `library` as `name`, to be cast to its real type; nullptr when there is
// none. (void (*)() is the type every function pointer converts to and back from.)
using LibraryFunction = void (*)();
LibraryFunction library_function(SharedLibrary library, const char* name);

// ------------------------------------------------------------------------- system trust store

// The OS's trusted certificates. Linux: the distribution's bundle file (the first of the known
// paths that exists) or else its folder of certificates; Windows: the ROOT and CA system stores,
// read through crypt32 as DER.
struct SystemTrustStore {
  enum class Kind { kBundleFile, kFolder, kCertificates };
  Kind kind = Kind::kCertificates;
  std::string location;  // the file or folder; Windows: "Windows certificate stores ROOT, CA"
  struct Certificate {
    std::string store;  // Windows: "ROOT" or "CA"
    Bytes der;
  };
  std::vector<Certificate> certificates;  // kCertificates only
};

// IoError("NOT_FOUND") naming what was looked for when there is none.
SystemTrustStore system_trust_store();

// ------------------------------------------------------------------------- sockets

enum class NetFailure { kDns, kRefused, kTimeout, kUnreachable, kReset, kOther };

class NetError : public IoError {
 public:
  // `reason`: the OS's words alone ("Connection refused"), for callers that compose their own
  // sentence; the message names what was attempted as well.
  NetError(NetFailure failure, const std::string& message, std::string reason)
      : IoError("NETWORK", message), failure_(failure), reason_(std::move(reason)) {}
  NetFailure failure() const noexcept { return failure_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  NetFailure failure_;
  std::string reason_;
};

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// One resolved address, opaque but for its text ("192.0.2.1", "2001:db8::1").
struct Address {
  std::string text;
  int family = 0;
  std::vector<std::uint8_t> sockaddr;  // the raw socket address
};

// Both IPv4 and IPv6 answers, in the resolver's order. NetError(kDns).
std::vector<Address> resolve(const std::string& host, const std::string& port);

enum class Wait { kRead, kWrite };

// A connected, non-blocking TCP socket. Closed when destroyed.
class Socket {
 public:
  Socket() = default;
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();

  bool is_open() const;
  // The OS handle, for OpenSSL's SSL_set_fd (an int on POSIX, a SOCKET on Windows).
  std::intptr_t native() const { return handle_; }

  // Sends some of `data` (waiting until the socket is writable); returns how much was sent.
  std::size_t send_some(ByteView data, Deadline deadline);
  // Receives up to `size` bytes; 0 when the peer closed the connection.
  std::size_t receive_some(std::uint8_t* buffer, std::size_t size, Deadline deadline);
  // Waits until the socket is readable or writable. NetError(kTimeout) at the deadline.
  void wait(Wait what, Deadline deadline) const;
  void close();

 private:
  friend Socket connect(const Address& address, Deadline deadline);
  explicit Socket(std::intptr_t handle) : handle_(handle) {}
  std::intptr_t handle_ = -1;
};

// Connects without blocking past the deadline. NetError(kRefused, kTimeout, kUnreachable...).
Socket connect(const Address& address, Deadline deadline);

// Resolves `host` and tries each address in turn until one connects before the deadline; the
// error is the last address's.
Socket connect(const std::string& host, const std::string& port, Deadline deadline);

}  // namespace ksdoctor::platform
