// Rendering `convert` results: what was written where, the entries Java will see, and the notes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ksdoctor/convert.hpp"
#include "ksdoctor/marks.hpp"

namespace ksdoctor::report {

// The files the command named.
struct ConvertRun {
  std::string file;    // the keystore read
  std::string target;  // the file written
};

nlohmann::ordered_json convert_json(const ConvertFileResult& result, const ConvertRun& run);
std::string convert_text(const ConvertFileResult& result, const ConvertRun& run,
                         const Marks& marks = kUnicodeMarks);

}  // namespace ksdoctor::report
