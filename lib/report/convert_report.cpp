#include "ksdoctor/convert_report.hpp"

namespace ksdoctor::report {

using Json = nlohmann::ordered_json;

Json convert_json(const ConvertFileResult& result, const ConvertRun& run) {
  Json j;
  j["file"] = run.file;
  j["out"] = run.target;
  j["from"] = format_name(result.from);
  j["to"] = format_name(result.converted.store.format);
  j["backup"] = result.backup.empty() ? Json(nullptr) : Json(result.backup);
  Json entries = Json::array();
  // The entries as Java will see them in the written file (PKCS#12 chains rebuilt on load).
  for (const Entry& e : result.converted.reloaded.entries) {
    Json chain = Json::array();
    for (const CertPtr& c : e.chain) chain.push_back(c->sha256);
    entries.push_back({{"alias", e.alias}, {"kind", kind_name(e.kind)}, {"chain", chain}});
  }
  j["entries"] = entries;
  j["notes"] = result.converted.notes;
  return j;
}

std::string convert_text(const ConvertFileResult& result, const ConvertRun& run,
                         const Marks& marks) {
  std::string out = run.file + " (" + format_name(result.from) + ") " + marks.arrow + " " +
                    run.target + " (" + format_name(result.converted.store.format) +
                    "): " + std::to_string(result.converted.store.entries.size()) +
                    " entries, mode 0600";
  if (!result.backup.empty()) out += ", previous file kept as " + result.backup;
  out += "\n";
  for (const std::string& note : result.converted.notes) out += "  note: " + note + "\n";
  return out;
}

}  // namespace ksdoctor::report
