// Rendering `logs` results: text for people, JSON for programs (docs/json.md, "logs"). The words
// of each finding (message, remedy, and the check: the command that confirms the cause) are
// chosen here, from the typed LogFinding.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ksdoctor/logs.hpp"

namespace ksdoctor::report {

std::string log_finding_message(const logs::LogFinding& finding);
std::string log_finding_remedy(const logs::LogFinding& finding);
// The commands (or, for the upstream MTA's settings, the place) that confirm the cause.
std::vector<std::string> log_finding_check(const logs::LogFinding& finding);

// Strings from the logs may hold any bytes: JSON strings get them as UTF-8, invalid sequences
// replaced by U+FFFD, so every document dumps.
nlohmann::ordered_json logs_json(const logs::Diagnosis& diagnosis);
std::string logs_text(const logs::Diagnosis& diagnosis);

}  // namespace ksdoctor::report
