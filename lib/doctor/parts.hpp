// What diagnose() builds problems from: one install's log symptoms, each attached to at most one
// cause, and the evidence and problems made from other commands' findings.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/doctor.hpp"

namespace ksdoctor::doctor_parts {

// A detail of a finding by key (its typed key/value data).
std::optional<std::string> detail(const Finding& f, const std::string& key);
// verify's and inspect's codes for a key entry's stored chain.
bool is_key_entry_chain_code(const std::string& code);

// Everything one install's logs show, with what has been explained already.
class Symptoms {
 public:
  explicit Symptoms(const InstallCheck& check);
  // Attaches every unexplained log finding `matches` accepts to `problem` as evidence and names
  // its code in `explains` (each code once).
  void explain(Problem& problem, const std::function<bool(const logs::LogFinding&)>& matches);
  // Indexes into the logs' findings of those no cause explained, in the logs' order.
  std::vector<std::size_t> unexplained() const;
  // The log finding as evidence, with the file its first record is in.
  Evidence evidence(const logs::LogFinding& finding) const;

 private:
  const InstallCheck& check_;
  std::vector<bool> used_;
};

// Whether the finding's remote hosts include `host` ("" matches every finding).
bool names_host(const logs::LogFinding& f, const std::string& host);
// An upstream handshake failure whose alert says the sending MTA refused DLP's certificate
// (certificate_unknown, bad_certificate, unknown_ca).
bool sending_mta_refused_certificate(const logs::LogFinding& f);
Evidence finding_evidence(const Finding& f, const std::string& source, const std::string& file,
                          const std::string& host = {});
// A problem that passes a finding on: its code, severity, words and remedy.
Problem problem_from_finding(const Finding& f, const std::string& install);

}  // namespace ksdoctor::doctor_parts
