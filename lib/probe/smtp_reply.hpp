// SMTP replies (RFC 5321 §4.2): "250-first", "250-...", "250 last". The parser takes one line at
// a time, so a hostile or confused peer can never make it buffer more than a bounded reply.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksdoctor::probe {

struct ReplyLine {
  int code = 0;       // 200..599
  bool last = false;  // "250 " (or a bare "250") ends the reply, "250-" continues it
  std::string text;   // after the separator
};

// nullopt when `line` is not an SMTP reply line (an SSH or HTTP greeting, binary noise).
std::optional<ReplyLine> parse_reply_line(std::string_view line);

struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;  // the text of each line
};

// Collects one reply line by line.
class ReplyAssembler {
 public:
  static constexpr std::size_t kMaxLines = 200;

  enum class Step { kMore, kDone, kNotSmtp };
  // kNotSmtp when the line is not a reply line, changes code mid-reply, or the reply runs past
  // kMaxLines.
  Step add(std::string_view line);
  const SmtpReply& reply() const { return reply_; }

 private:
  SmtpReply reply_;
};

// Whether the EHLO reply's lines advertise `keyword` (case-insensitive, first word of a line).
bool advertises(const SmtpReply& ehlo, std::string_view keyword);

}  // namespace ksdoctor::probe
