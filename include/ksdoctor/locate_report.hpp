// Rendering `locate` results: text for people, JSON for programs (docs/json.md, "locate").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ksdoctor/locate.hpp"

namespace ksdoctor::report {

// `fix` is null unless --fix or --dry-run was given.
nlohmann::ordered_json locate_json(const LocateResult& result, const FixRun* fix);
std::string locate_text(const LocateResult& result, const FixRun* fix);

}  // namespace ksdoctor::report
