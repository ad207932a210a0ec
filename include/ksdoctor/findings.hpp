// Findings: what ksdoctor found wrong (or worth knowing), why, and how to fix it.
// Codes are stable and documented in docs/findings.md.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ksdoctor {

enum class Severity { kInfo, kWarning, kError };
const char* severity_name(Severity severity);  // "info", "warning", "error"

struct Finding {
  std::string code;
  Severity severity = Severity::kInfo;
  std::optional<std::string> alias;
  std::string message;
  std::string remedy;
  std::vector<std::pair<std::string, std::string>> details;  // extra JSON string fields
};

bool has_errors(const std::vector<Finding>& findings);

}  // namespace ksdoctor
