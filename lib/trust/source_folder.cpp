#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "platform/platform.hpp"
#include "source_loader.hpp"

namespace ksdoctor::source_loading {
namespace {

// A folder's files are read on a second thread while this one parses what it has read; both
// costs are of the same size (system calls there, PEM decoding and parsing here). Files are
// parsed this many at a time: enough for parse_certificates to put its own helper to work.
constexpr std::size_t kBatchFiles = 256;
// The reader hands files over this many at a time (fewer lock round trips), stays at most this
// far ahead (bounding the memory that file contents hold), and is not started for small folders.
constexpr std::size_t kHandOver = 32;
constexpr std::size_t kMaxAheadFiles = 4 * kBatchFiles;
constexpr std::size_t kMaxAheadBytes = std::size_t{64} << 20;
constexpr std::size_t kThreadedFolder = 128;

// A folder's files, read by bare name through the folder opened once (platform::Folder), each
// with one read into a buffer larger than certificate files: that saves read_file's size query
// and end-of-file read (a short read of a regular file is its end).
class FolderReader {
 public:
  explicit FolderReader(const std::string& folder) : folder_(folder) {}

  // The regular files (symbolic links followed: OS stores are mostly links), sorted by name.
  std::vector<std::string> list() const { return folder_.regular_files(); }

  // Fills `w.bytes`, or `w.problem` when the file cannot be read.
  void read(const std::string& name, FileWork& w) {
    platform::Folder::Read r = folder_.read_start(name, buffer_);
    if (!r.error.empty()) {
      w.problem = Problem{
          "READ_FAILED",
          std::string(r.opened ? "could not be read (" : "could not be opened (") + r.error + ")"};
      return;
    }
    if (r.complete) {
      w.bytes.assign(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(r.size));
      return;
    }
    try {  // larger than any certificate file: a bundle or a big keystore
      w.bytes = read_file(w.path, kMaxSourceFile);
    } catch (const IoError& e) {
      w.problem = Problem{e.code(), std::string("could not be read (") + e.what() + ")"};
    }
  }

 private:
  platform::Folder folder_;
  Bytes buffer_ = Bytes(std::size_t{64} << 10);
};

// Reads a folder's files on a second thread, handing them over in order.
class ReadAhead {
 public:
  ReadAhead(FolderReader& reader, const std::vector<std::string>& names,
            std::vector<FileWork>& files)
      : reader_(reader), names_(names), files_(files) {
    if (files.size() < kThreadedFolder) return;
    try {
      thread_ = std::jthread([this] { run(); });
    } catch (const std::system_error&) {
      // No thread to be had: wait_for() reads the files itself.
    }
  }
  ~ReadAhead() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
  }  // then thread_ joins
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // Blocks until files [0, stop) are read.
  void wait_for(std::size_t stop) {
    if (!thread_.joinable()) {
      for (std::size_t i = ready_; i < stop; ++i) reader_.read(names_[i], files_[i]);
      ready_ = stop;
      return;
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return ready_ >= stop || error_; });
    if (error_) std::rethrow_exception(error_);
  }

  // Files [0, stop) are done with; their contents (`freed` bytes) are gone.
  void consumed(std::size_t stop, std::size_t freed) {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      consumed_ = stop;
      bytes_ahead_ -= freed;
    }
    changed_.notify_all();
  }

 private:
  void run() {
    try {
      std::size_t pending = 0;
      for (std::size_t i = 0; i < files_.size(); ++i) {
        if (i % kHandOver == 0) {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [&] {
            // Never hold back the batch the parser waits for, whatever its size.
            return cancelled_ || i < consumed_ + kBatchFiles ||
                   (i - consumed_ < kMaxAheadFiles && bytes_ahead_ < kMaxAheadBytes);
          });
          if (cancelled_) return;
        }
        reader_.read(names_[i], files_[i]);
        pending += files_[i].bytes.size();
        if ((i + 1) % kHandOver == 0 || i + 1 == files_.size()) {
          {
            std::lock_guard lock(mutex_);
            ready_ = i + 1;
            bytes_ahead_ += pending;
          }
          pending = 0;
          changed_.notify_all();
        }
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
      }
      changed_.notify_all();
    }
  }

  FolderReader& reader_;
  const std::vector<std::string>& names_;
  std::vector<FileWork>& files_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t ready_ = 0;     // files [0, ready_) are read
  std::size_t consumed_ = 0;  // files [0, consumed_) are parsed and emptied
  std::size_t bytes_ahead_ = 0;
  bool cancelled_ = false;
  std::exception_ptr error_;
  std::jthread thread_;  // last: joined before the members it uses go away
};

}  // namespace

void load_folder(Loader& loader, const std::string& folder, OriginOf origin) {
  FolderReader reader(folder);
  std::vector<std::string> names = reader.list();
  // The platform's own separator: "C:\\certs\\a.pem" on Windows, never "C:\\certs/a.pem".
  const char separator = platform::is_separator('\\') ? '\\' : '/';
  const std::string prefix =
      !folder.empty() && platform::is_separator(folder.back()) ? folder : folder + separator;
  std::vector<FileWork> files(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    files[i].path = prefix + names[i];
    files[i].origin = origin(files[i].path);
  }
  ReadAhead ahead(reader, names, files);
  for (std::size_t start = 0; start < files.size(); start += kBatchFiles) {
    const std::size_t stop = std::min(files.size(), start + kBatchFiles);
    ahead.wait_for(stop);
    std::span<FileWork> batch(files.data() + start, stop - start);
    loader.load_files(batch, false);
    std::size_t freed = 0;
    for (FileWork& w : batch) {
      freed += w.bytes.size();
      w = FileWork();
    }
    ahead.consumed(stop, freed);
  }
}

}  // namespace ksdoctor::source_loading
