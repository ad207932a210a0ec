#include "probe/smtp_reply.hpp"

#include "core/strings.hpp"

namespace ksdoctor::probe {

std::optional<ReplyLine> parse_reply_line(std::string_view line) {
  if (line.size() < 3) return std::nullopt;
  // RFC 5321: the first digit 2-5, the second 0-5, the third 0-9.
  if (line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' || line[2] < '0' ||
      line[2] > '9') {
    return std::nullopt;
  }
  ReplyLine out;
  out.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (line.size() == 3) {
    out.last = true;
    return out;
  }
  if (line[3] != ' ' && line[3] != '-') return std::nullopt;
  out.last = line[3] == ' ';
  out.text = std::string(line.substr(4));
  return out;
}

ReplyAssembler::Step ReplyAssembler::add(std::string_view line) {
  std::optional<ReplyLine> parsed = parse_reply_line(line);
  if (!parsed) return Step::kNotSmtp;
  if (!reply_.lines.empty() && parsed->code != reply_.code) return Step::kNotSmtp;
  if (reply_.lines.size() >= kMaxLines) return Step::kNotSmtp;
  reply_.code = parsed->code;
  reply_.lines.push_back(std::move(parsed->text));
  return parsed->last ? Step::kDone : Step::kMore;
}

bool advertises(const SmtpReply& ehlo, std::string_view keyword) {
  // The first line is the server's greeting to us, not an extension.
  for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string_view l = ehlo.lines[i];
    std::string_view first = l.substr(0, l.find(' '));
    if (iequals(first, keyword)) return true;
  }
  return false;
}

}  // namespace ksdoctor::probe
