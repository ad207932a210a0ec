// Rendering `verify` results: the keystore's chains (without --peer) and a peer verdict.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/marks.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor::report {

// `name_origin` words each path link's origin (empty: describe_origin; `verify` passes
// origin_namer("--trust")).
nlohmann::ordered_json keystore_verify_json(const std::string& file,
                                            const KeystoreVerifyReport& report,
                                            const std::vector<Finding>& extra_findings,
                                            const OriginNamer& name_origin = {});
// Hands `sink` exactly what keystore_verify_json(file, report, extra_findings).dump(2) is, in
// pieces, without building the document tree (for a 5 000-entry store the tree, ~35 000
// certificate objects, costs hundreds of MB).
void write_keystore_verify_json(const std::string& file, const KeystoreVerifyReport& report,
                                const std::vector<Finding>& extra_findings,
                                const std::function<void(std::string_view)>& sink,
                                const OriginNamer& name_origin = {});
// Each entry's path as a tree with ✔/✘ per link, then the findings.
std::string keystore_verify_text(const std::string& file, const KeystoreVerifyReport& report,
                                 const std::vector<Finding>& extra_findings,
                                 const OriginNamer& name_origin = {},
                                 const Marks& marks = kUnicodeMarks);

nlohmann::ordered_json peer_verify_json(const PeerVerdict& verdict,
                                        const std::vector<Finding>& extra_findings);
std::string peer_verify_text(const std::vector<CertPtr>& chain, const PeerVerdict& verdict,
                             const std::vector<Finding>& extra_findings,
                             const Marks& marks = kUnicodeMarks);

}  // namespace ksdoctor::report
