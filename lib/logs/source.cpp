#include "logs/source.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "ksdoctor/error.hpp"
#include "platform/platform.hpp"

namespace ksdoctor::logs {
namespace {

constexpr std::size_t kInputChunk = std::size_t{64} << 10;

// The file's bytes; the first chunk was already read to look for the gzip magic.
class PlainSource : public ByteSource {
 public:
  PlainSource(platform::InputFile file, std::vector<std::uint8_t> head)
      : file_(std::move(file)), head_(std::move(head)) {}

  std::size_t read(std::uint8_t* buffer, std::size_t size) override {
    if (head_at_ < head_.size()) {
      std::size_t n = std::min(size, head_.size() - head_at_);
      std::memcpy(buffer, head_.data() + head_at_, n);
      head_at_ += n;
      if (head_at_ == head_.size()) std::vector<std::uint8_t>().swap(head_);
      return n;
    }
    return file_.read(buffer, size);
  }
  bool gzip() const override { return false; }

 private:
  platform::InputFile file_;
  std::vector<std::uint8_t> head_;
  std::size_t head_at_ = 0;
};

// gzip through zlib's inflate, member after member (rotated logs may be concatenated gzip files).
class GzipSource : public ByteSource {
 public:
  GzipSource(platform::InputFile file, std::vector<std::uint8_t> head)
      : file_(std::move(file)), input_(std::move(head)) {
    input_.resize(std::max(input_.size(), kInputChunk));
    std::memset(&z_, 0, sizeof z_);
    if (inflateInit2(&z_, 15 + 16) != Z_OK) {
      throw FormatError("GZIP_CORRUPT", file_.path() + ": cannot start gzip decompression");
    }
    started_ = true;
  }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;
  ~GzipSource() override {
    if (started_) inflateEnd(&z_);
  }

  void set_head_size(std::size_t n) {
    z_.next_in = input_.data();
    z_.avail_in = static_cast<uInt>(n);
  }

  std::size_t read(std::uint8_t* buffer, std::size_t size) override {
    if (!pending_error_.empty()) {
      // Reported after the bytes that came before the damage were handed out.
      std::string e = std::move(pending_error_);
      pending_error_.clear();
      throw FormatError("GZIP_CORRUPT", e);
    }
    if (done_) return 0;
    z_.next_out = buffer;
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0) {
        std::size_t n = file_.read(input_.data(), input_.size());
        if (n == 0) {
          if (in_member_) {
            done_ = true;
            std::size_t got = static_cast<std::size_t>(z_.next_out - buffer);
            std::string why = file_.path() + ": the gzip data ends early";
            if (got > 0) {
              pending_error_ = why;
              return got;
            }
            throw FormatError("GZIP_TRUNCATED", why);
          }
          break;
        }
        z_.next_in = input_.data();
        z_.avail_in = static_cast<uInt>(n);
      }
      if (!in_member_) {
        // Another member follows (or trailing zero padding, which gzip also ignores).
        if (z_.next_in[0] == 0) {
          z_.avail_in = 0;
          continue;
        }
        inflateReset(&z_);
        in_member_ = true;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        done_ = true;
        std::size_t got = static_cast<std::size_t>(z_.next_out - buffer);
        std::string why = z_.msg ? z_.msg : "error " + std::to_string(rc);
        if (got > 0) {
          pending_error_ = file_.path() + ": corrupt gzip data (" + why + ")";
          return got;
        }
        throw FormatError("GZIP_CORRUPT", file_.path() + ": corrupt gzip data (" + why + ")");
      }
    }
    return static_cast<std::size_t>(z_.next_out - buffer);
  }
  bool gzip() const override { return true; }

 private:
  platform::InputFile file_;
  std::vector<std::uint8_t> input_;
  z_stream z_;
  bool started_ = false;
  bool in_member_ = true;
  bool done_ = false;
  std::string pending_error_;
};

}  // namespace

std::unique_ptr<ByteSource> open_source(const std::string& path) {
  platform::InputFile file(path);
  std::vector<std::uint8_t> head(kInputChunk);
  std::size_t n = 0;
  // Enough bytes to see the magic even if the first read is short.
  while (n < 2) {
    std::size_t got = file.read(head.data() + n, head.size() - n);
    if (got == 0) break;
    n += got;
  }
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
    auto source = std::make_unique<GzipSource>(std::move(file), std::move(head));
    source->set_head_size(n);
    return source;
  }
  head.resize(n);
  return std::make_unique<PlainSource>(std::move(file), std::move(head));
}

}  // namespace ksdoctor::logs
