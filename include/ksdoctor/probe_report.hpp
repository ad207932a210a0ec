// Rendering `probe` results: the JSON document (docs/json.md) and the text report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ksdoctor/probe.hpp"

namespace ksdoctor::report {

nlohmann::ordered_json probe_json(const ProbeResult& result, const ProbeJudgement& judgement);
std::string probe_text(const ProbeResult& result, const ProbeJudgement& judgement);

// The served chain as PEM, in the order served (for `repair --peer`).
std::string chain_pem(const ProbeResult& result);

}  // namespace ksdoctor::report
