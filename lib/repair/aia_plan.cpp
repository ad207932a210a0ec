// `repair --from aia`: plan, fetch the caIssuers URLs of the issuers the plan still misses, plan
// again with what they served.
#include <set>

#include "ksdoctor/repair.hpp"

namespace ksdoctor {
namespace {

// caIssuers URLs of MISSING_INTERMEDIATE findings that no earlier round fetched.
std::vector<std::string> urls_to_fetch(const std::vector<Finding>& remaining,
                                       std::set<std::string>& fetched) {
  std::vector<std::string> urls;
  for (const Finding& f : remaining) {
    if (f.code != "MISSING_INTERMEDIATE") continue;
    for (const auto& [key, value] : f.details) {
      if (key == "ca_issuers" && fetched.insert(value).second) urls.push_back(value);
    }
  }
  return urls;
}

}  // namespace

std::vector<Finding> fetch_missing_issuers(CertPool& sources, const AiaOptions& aia,
                                           const std::function<std::vector<Finding>()>& replan) {
  std::vector<Finding> findings = replan();
  std::set<std::string> fetched;
  std::vector<Finding> problems;
  for (int round = 0; round < aia.max_rounds; ++round) {
    std::vector<std::string> urls = urls_to_fetch(findings, fetched);
    if (urls.empty()) break;
    bool added = false;
    for (const std::string& url : urls) {
      AiaFetchResult r = fetch_ca_issuers(url, aia.timeout_ms, aia.max_bytes, aia.proxies);
      for (CertPtr& cert : r.certs)
        added = sources.add(std::move(cert), CertOrigin::aia(url)) || added;
      for (Finding& f : r.problems) problems.push_back(std::move(f));
    }
    if (!added) break;
    findings = replan();
  }
  return problems;
}

RepairPlan plan_repair_with_aia(const Keystore& store, CertPool& sources,
                                const std::vector<std::vector<CertPtr>>& peers,
                                const RepairOptions& options, const AiaOptions& aia) {
  RepairPlan plan;
  std::vector<Finding> problems = fetch_missing_issuers(sources, aia, [&] {
    plan = plan_repair(store, sources, peers, options);
    return plan.remaining;
  });
  for (Finding& f : problems) plan.remaining.push_back(std::move(f));
  return plan;
}

}  // namespace ksdoctor
