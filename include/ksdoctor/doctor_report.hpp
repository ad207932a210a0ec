// Rendering `doctor` results: the diagnosis as an expert would say it (text), and the whole run
// for programs (JSON, docs/json.md "doctor"). Fixes are typed in the library; the caller says them
// in its own vocabulary (the CLI: its command lines) through DoctorWording.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ksdoctor/doctor.hpp"
#include "ksdoctor/locate_report.hpp"
#include "ksdoctor/marks.hpp"

namespace ksdoctor::report {

struct DoctorWording {
  // The fix in words; empty function: the underlying finding's remedy.
  std::function<std::string(const Problem&)> fix;
  // The command lines that apply a fix, in order; empty function: none.
  std::function<std::vector<std::string>(const Fix&)> commands;
  // What to run after the fixes and a restart; "" for none.
  std::string recheck;
  LocateNaming locate;  // for the `locate` sub-documents
};

// "a, b, c, d, e and 3 more": at most five hosts named.
std::string host_list(const std::vector<std::string>& hosts);

// The remedy of the finding a problem passes on (a log finding's is worded here).
std::string problem_remedy(const Problem& problem);

nlohmann::ordered_json doctor_json(const DoctorResult& result, const DoctorWording& wording);
std::string doctor_text(const DoctorResult& result, const DoctorWording& wording,
                        const Marks& marks = kUnicodeMarks);

}  // namespace ksdoctor::report
