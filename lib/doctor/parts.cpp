#include "doctor/parts.hpp"

#include <algorithm>

#include "core/strings.hpp"

namespace ksdoctor::doctor_parts {

using logs::LogFinding;

std::optional<std::string> detail(const Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.details) {
    if (k == key) return v;
  }
  return std::nullopt;
}

bool is_key_entry_chain_code(const std::string& code) {
  return code == "MISSING_INTERMEDIATE" || code == "KEY_CHAIN_LEAF_ONLY" ||
         code == "CHAIN_OUT_OF_ORDER";
}

Symptoms::Symptoms(const InstallCheck& check) : check_(check) {
  if (check.logs) used_.assign(check.logs->findings.size(), false);
}

Evidence Symptoms::evidence(const LogFinding& finding) const {
  Evidence e;
  e.kind = EvidenceKind::kLogFinding;
  e.source = "logs";
  e.log = finding;
  if (finding.example.file < check_.log_files.size()) {
    e.file = check_.log_files[finding.example.file];
  }
  return e;
}

void Symptoms::explain(Problem& problem, const std::function<bool(const LogFinding&)>& matches) {
  if (!check_.logs) return;
  const auto& findings = check_.logs->findings;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (used_[i] || !matches(findings[i])) continue;
    used_[i] = true;
    problem.evidence.push_back(evidence(findings[i]));
    std::string code = logs::code_name(findings[i].code);
    if (std::find(problem.explains.begin(), problem.explains.end(), code) ==
        problem.explains.end()) {
      problem.explains.push_back(code);
    }
  }
}

std::vector<std::size_t> Symptoms::unexplained() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < used_.size(); ++i) {
    if (!used_[i]) out.push_back(i);
  }
  return out;
}

bool names_host(const LogFinding& f, const std::string& host) {
  if (host.empty()) return true;
  return std::any_of(f.remotes.begin(), f.remotes.end(),
                     [&](const std::string& r) { return iequals(r, host); });
}

bool sending_mta_refused_certificate(const LogFinding& f) {
  if (f.side != logs::Side::kUpstream || f.code != logs::Code::kTlsHandshakeFailed || !f.reason) {
    return false;
  }
  std::string reason = lower(*f.reason);
  return reason.find("certificate_unknown") != std::string::npos ||
         reason.find("bad_certificate") != std::string::npos ||
         reason.find("unknown_ca") != std::string::npos;
}

Evidence finding_evidence(const Finding& f, const std::string& source, const std::string& file,
                          const std::string& host) {
  Evidence e;
  e.kind = EvidenceKind::kFinding;
  e.source = source;
  e.finding = f;
  e.file = file;
  e.host = host;
  return e;
}

Problem problem_from_finding(const Finding& f, const std::string& install) {
  Problem p;
  p.code = f.code;
  p.severity = f.severity;
  p.install = install;
  p.message = f.message;
  p.alias = f.alias;
  p.fix.kind = FixKind::kFindingRemedy;
  p.fix.remedy = f.remedy;
  return p;
}

}  // namespace ksdoctor::doctor_parts
