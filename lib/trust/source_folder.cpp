#include <algorithm>
#include <span>
#include <string>
#include <utility>

#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "platform/platform.hpp"
#include "source_loader.hpp"

namespace ksdoctor::source_loading {
namespace {

// Files are parsed this many at a time: enough for parse_certificates to put its own helper to
// work, few enough that the batch's contents stay small.
constexpr std::size_t kBatchFiles = 256;

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
  for (std::size_t start = 0; start < files.size(); start += kBatchFiles) {
    const std::size_t stop = std::min(files.size(), start + kBatchFiles);
    for (std::size_t i = start; i < stop; ++i) reader.read(names[i], files[i]);
    std::span<FileWork> batch(files.data() + start, stop - start);
    loader.load_files(batch, false);
    for (FileWork& w : batch) w = FileWork();
  }
}

}  // namespace ksdoctor::source_loading
