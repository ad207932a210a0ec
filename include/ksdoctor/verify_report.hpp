// Rendering `verify` results: the keystore's chains (without --peer) and a peer verdict.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor::report {

nlohmann::ordered_json keystore_verify_json(const std::string& file,
                                            const KeystoreVerifyReport& report,
                                            const std::vector<Finding>& extra_findings);
// Each entry's path as a tree with ✔/✘ per link, then the findings.
std::string keystore_verify_text(const std::string& file, const KeystoreVerifyReport& report,
                                 const std::vector<Finding>& extra_findings);

nlohmann::ordered_json peer_verify_json(const PeerVerdict& verdict,
                                        const std::vector<Finding>& extra_findings);
std::string peer_verify_text(const std::vector<CertPtr>& chain, const PeerVerdict& verdict,
                             const std::vector<Finding>& extra_findings);

}  // namespace ksdoctor::report
