// Rendering results for people (text) and programs (JSON, as documented in docs/json.md).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/key_managers.hpp"
#include "ksdoctor/marks.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor::report {

nlohmann::ordered_json certificate_json(const Certificate& cert);
// An array of certificate objects, in the chain's order.
nlohmann::ordered_json certificates_json(const std::vector<CertPtr>& chain);
nlohmann::ordered_json finding_json(const Finding& finding);
nlohmann::ordered_json inspect_json(const std::string& file, const InspectResult& result);
// Hands `sink` exactly what inspect_json(file, result).dump(2) is, in pieces, without building
// the document tree (for large stores the tree costs ~10x the memory and time).
void write_inspect_json(const std::string& file, const InspectResult& result,
                        const std::function<void(std::string_view)>& sink);

// `marks`: kAsciiMarks for plain ASCII (NO_COLOR).
std::string inspect_text(const std::string& file, const InspectResult& result,
                         const Marks& marks = kUnicodeMarks);
std::string findings_text(const std::vector<Finding>& findings);
// "Key managers:" and one line per key type: which entry SunX509 (the default) and PKIX present.
std::string key_managers_text(const KeyManagerPrediction& prediction);

}  // namespace ksdoctor::report
