// The two line formats of DLP's SMTP logs.
//   operational:  21/Jul/22:12:23:32:726-0500 [INFO] (SMTP_CONNECTION.1201) Connection accepted (…)
//   java.util.logging, two lines (and more when the message has line breaks):
//                 Mar 14, 2022 4:32:14 PM com.vontu.mta.rp.log.SmtpLogManager logConnectionAccepted
//                 INFO: (SMTP_CONNECTION.1201) Connection accepted (tid=35 cid=Upstream-… …)
#pragma once

#include <string_view>

#include "ksdoctor/logs.hpp"

namespace ksdoctor::logs {

// An operational line: time, level, message (code, category, fields). `r.text` is the line.
bool parse_operational(std::string_view line, Record& r);

// The first line of a java.util.logging record: its time and "class method".
bool parse_jul_header(std::string_view line, Time& time, std::string_view& source);

// The second line: "LEVEL: message". `rest` is the message.
bool parse_jul_level(std::string_view line, Level& level, std::string_view& rest);

// "(CATEGORY.NNNN) text (k=v …)" or plain text: code, category, message and fields of `r`.
void parse_message(std::string_view text, Record& r);

// Whether a line starts a record of either format (ends a multi-line java.util.logging message).
bool starts_record(std::string_view line);

}  // namespace ksdoctor::logs
