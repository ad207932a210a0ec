// Rendering `doctor` results: the diagnosis as an expert would say it (text), and the whole run
// for programs (JSON, docs/json.md "doctor"). Fixes are typed in the library; the command lines
// that carry them out are written here.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ksdoctor/doctor.hpp"
#include "ksdoctor/marks.hpp"

namespace ksdoctor::report {

// The command lines that apply `fix`, in order, quoted for this platform's shell (POSIX sh, or
// cmd.exe on Windows); empty when the fix is not something to run here (another MTA's settings,
// a certificate still to be obtained).
std::vector<std::string> fix_commands(const Fix& fix);
// The fix in words (with the commands, when there are any, after it).
std::string fix_text(const Problem& problem);

// The doctor run that checks again after the fixes (and a restart): the same arguments, counting
// only log records written from `result.now` on.
std::string recheck_command(const DoctorOptions& options, const DoctorResult& result);

nlohmann::ordered_json doctor_json(const DoctorOptions& options, const DoctorResult& result);
std::string doctor_text(const DoctorOptions& options, const DoctorResult& result,
                        const Marks& marks = kUnicodeMarks);

}  // namespace ksdoctor::report
