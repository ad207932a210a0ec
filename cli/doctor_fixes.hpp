// doctor's fixes as command lines: quoted for this machine's shell (POSIX sh, or cmd.exe where
// '\' separates paths), never carrying a password.
#pragma once

#include <string>
#include <vector>

#include "ksdoctor/doctor.hpp"
#include "ksdoctor/doctor_report.hpp"

namespace ksdoctor::cli {

// The command lines that apply `fix`, in order; empty when the fix is not something to run here
// (another MTA's settings, a certificate still to be obtained).
std::vector<std::string> fix_commands(const Fix& fix);
// The fix in words (the commands, when there are any, follow it).
std::string fix_text(const Problem& problem);
// The doctor run that checks again after the fixes and a restart: the same arguments, counting
// only log records written from the time of this run on.
std::string recheck_command(const DoctorOptions& options, const DoctorResult& result);

report::DoctorWording doctor_wording(const DoctorOptions& options, const DoctorResult& result);

}  // namespace ksdoctor::cli
