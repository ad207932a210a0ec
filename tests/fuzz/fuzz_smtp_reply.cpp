// libFuzzer target: arbitrary bytes as what an SMTP server sends, split into lines as the probe's
// connection splits them. The assembler must end every reply within kMaxLines lines, keep one
// code per reply, and never crash.
//
//   make fuzz && build-fuzz/tests/fuzz/fuzz_smtp_reply -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/smtp_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ksdoctor::probe;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ReplyAssembler reply;
  std::size_t lines = 0;
  while (!input.empty()) {
    std::size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    ++lines;
    ReplyAssembler::Step step = reply.add(line);
    if (step == ReplyAssembler::Step::kMore &&
        reply.reply().lines.size() > ReplyAssembler::kMaxLines) {
      std::abort();
    }
    if (step != ReplyAssembler::Step::kMore) {
      if (step == ReplyAssembler::Step::kDone) {
        int code = reply.reply().code;
        if (code < 200 || code > 559 || reply.reply().lines.size() != lines) std::abort();
        (void)advertises(reply.reply(), "STARTTLS");
      }
      reply = ReplyAssembler();
      lines = 0;
    }
  }
  return 0;
}
