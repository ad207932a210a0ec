// Rendering `locate` results: text for people, JSON for programs (docs/json.md, "locate").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ksdoctor/locate.hpp"
#include "ksdoctor/marks.hpp"

namespace ksdoctor::report {

// How the caller names LocateOptions::property_key (the CLI: its option, "--property"): the JSON
// `configured.source` of a location taken from that key, and the words that explain it.
struct LocateNaming {
  std::string property_key;
};

// `fix` is null unless the run planned or applied fixes.
nlohmann::ordered_json locate_json(const LocateResult& result, const FixRun* fix,
                                   const LocateNaming& naming);
std::string locate_text(const LocateResult& result, const FixRun* fix, const LocateNaming& naming,
                        const Marks& marks = kUnicodeMarks);

}  // namespace ksdoctor::report
