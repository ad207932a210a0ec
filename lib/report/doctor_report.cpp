#include "ksdoctor/doctor_report.hpp"

#include <algorithm>

#include "ksdoctor/locate_report.hpp"
#include "ksdoctor/logs_report.hpp"
#include "ksdoctor/probe_report.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"
#include "ksdoctor/verify_report.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

std::string day_time(const logs::Time& t) {
  std::string s = logs::format_time(t);
  return s.substr(0, 16);  // "2026-11-23T09:01"
}

std::string symptom_line(const logs::LogFinding& f, const std::string& file) {
  std::string side = f.side == logs::Side::kDownstream ? "forward "
                     : f.side == logs::Side::kUpstream ? "upstream "
                                                       : "";
  std::string unit = f.code == logs::Code::kNoTlsNegotiated ? "relay" : side + "connection";
  std::string out = std::string(logs::code_name(f.code)) + ": " + std::to_string(f.count) + " " +
                    unit + (f.count == 1 ? "" : "s") + ", " + day_time(f.first);
  if (f.count > 1) out += " to " + day_time(f.last);
  if (!f.remotes.empty()) out += ", " + host_list(f.remotes);
  if (!file.empty()) out += " (" + file + ":" + std::to_string(f.example.line) + ")";
  return out;
}

std::string evidence_line(const Evidence& e) {
  if (e.kind == EvidenceKind::kLogFinding && e.log) return symptom_line(*e.log, e.file);
  std::string out = e.source + " " + e.finding.code;
  if (e.finding.alias) out += " '" + *e.finding.alias + "'";
  if (!e.host.empty()) out += " " + e.host;
  return out + ": " + e.finding.message;
}

std::string problem_message(const Problem& p) {
  if (!p.message.empty()) return p.message;
  for (const Evidence& e : p.evidence) {
    if (e.log) return log_finding_message(*e.log);
  }
  return "";
}

Json evidence_json(const Evidence& e) {
  Json j;
  switch (e.kind) {
    case EvidenceKind::kFinding:
      j["kind"] = "finding";
      break;
    case EvidenceKind::kLogFinding:
      j["kind"] = "log";
      break;
    case EvidenceKind::kProbeError:
      j["kind"] = "probe_error";
      break;
  }
  j["source"] = e.source;
  if (!e.file.empty()) j["file"] = e.file;
  if (!e.host.empty()) j["host"] = e.host;
  if (e.log) {
    const logs::LogFinding& f = *e.log;
    j["code"] = logs::code_name(f.code);
    j["side"] = logs::side_name(f.side);
    j["count"] = f.count;
    j["first"] = logs::format_time(f.first);
    j["last"] = logs::format_time(f.last);
    j["remotes"] = f.remotes;
    j["line"] = f.example.line;
    j["example"] = symptom_line(f, "");
  } else {
    j["code"] = e.finding.code;
    j["finding"] = finding_json(e.finding);
  }
  return j;
}

// `text` broken at spaces into lines of at most 100 columns (a word longer than that — a path —
// keeps its own line), the first line after `first`, the others after `rest`.
std::string wrapped(const std::string& text, const std::string& first, const std::string& rest) {
  constexpr std::size_t kWidth = 100;
  std::string out, line = first;
  std::size_t i = 0, columns = first.size(), fresh = first.size();
  while (i < text.size()) {
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(i, end - i);
    // Columns, not bytes: UTF-8 continuation bytes take none.
    std::size_t width = 0;
    for (char c : word) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (columns > fresh && columns + 1 + width > kWidth) {
      out += line + "\n";
      line = rest;
      columns = fresh = rest.size();
    }
    if (columns > fresh) {
      line += ' ';
      ++columns;
    }
    line += word;
    columns += width;
    i = end + 1;
  }
  return out + line + "\n";
}

std::string fix_words(const Problem& p, const DoctorWording& wording) {
  return wording.fix ? wording.fix(p) : problem_remedy(p);
}

std::vector<std::string> commands(const Problem& p, const DoctorWording& wording) {
  return wording.commands ? wording.commands(p.fix) : std::vector<std::string>{};
}

}  // namespace

std::string host_list(const std::vector<std::string>& hosts) {
  std::string out;
  for (std::size_t i = 0; i < hosts.size() && i < 5; ++i) out += (i ? ", " : "") + hosts[i];
  if (hosts.size() > 5) out += " and " + std::to_string(hosts.size() - 5) + " more";
  return out;
}

std::string problem_remedy(const Problem& p) {
  if (!p.fix.remedy.empty()) return p.fix.remedy;
  for (const Evidence& e : p.evidence) {
    if (e.log) return log_finding_remedy(*e.log);
  }
  return "";
}

Json doctor_json(const DoctorResult& result, const DoctorWording& wording) {
  Json installs = Json::array();
  for (const InstallCheck& c : result.installs) {
    Json j;
    j["version"] = c.locate.install.version;
    j["layout"] = c.locate.install.layout.name;
    j["keystore"] = c.keystore;
    j["opened"] = keystore_opened_name(c.opened);
    j["opened_path"] = c.opened_path;
    LocateResult one;
    one.root = result.root;
    one.installs.push_back(c.locate);
    one.findings = c.locate.findings;
    j["locate"] = locate_json(one, nullptr, wording.locate);
    j["inspect"] = c.inspect ? inspect_json(c.opened_path, *c.inspect) : Json();
    j["verify"] = c.verify ? keystore_verify_json(c.opened_path, *c.verify, {}) : Json();
    if (!c.keystore_error.empty()) j["keystore_error"] = c.keystore_error;
    Json peers = Json::array();
    for (const PeerCheck& p : c.peers) {
      Json pj;
      pj["host"] = p.spec.host;
      pj["file"] = p.spec.path;
      pj["verify"] = p.verdict ? peer_verify_json(*p.verdict, {}) : Json();
      if (!p.error.empty()) pj["error"] = p.error;
      peers.push_back(std::move(pj));
    }
    j["peers"] = std::move(peers);
    Json probes = Json::array();
    for (const ProbeCheck& p : c.probes) {
      Json pj;
      pj["host"] = p.target.host;
      pj["port"] = p.target.port;
      pj["from_logs"] = p.from_logs;
      if (p.result && p.judgement) {
        pj["probe"] = probe_json(*p.result, *p.judgement);
      } else {
        pj["error"] = {{"code", p.error ? probe_error_code(*p.error) : ""},
                       {"message", p.error_message}};
      }
      probes.push_back(std::move(pj));
    }
    j["probes"] = std::move(probes);
    j["logs"] = c.logs ? logs_json(*c.logs) : Json();
    j["logs_since"] = c.logs_since ? Json(logs::format_time(*c.logs_since)) : Json();
    if (!c.logs_error.empty()) j["logs_error"] = c.logs_error;
    installs.push_back(std::move(j));
  }
  Json diagnosis = Json::array();
  for (const Problem& p : result.diagnosis) {
    Json j;
    j["code"] = p.code;
    j["severity"] = severity_name(p.severity);
    j["install"] = p.install;
    if (p.alias) j["alias"] = *p.alias;
    if (!p.host.empty()) j["host"] = p.host;
    j["message"] = problem_message(p);
    j["confirmed"] = p.confirmed;
    if (!p.confirmed) j["unconfirmed"] = p.unconfirmed;
    Json evidence = Json::array();
    for (const Evidence& e : p.evidence) evidence.push_back(evidence_json(e));
    j["evidence"] = std::move(evidence);
    j["explains"] = p.explains;
    j["fix"] = fix_words(p, wording);
    j["commands"] = commands(p, wording);
    diagnosis.push_back(std::move(j));
  }
  Json out;
  out["root"] = result.root;
  out["at"] = format_rfc3339(result.now);
  out["installs"] = std::move(installs);
  out["diagnosis"] = std::move(diagnosis);
  out["recheck"] = wording.recheck;
  return out;
}

std::string doctor_text(const DoctorResult& result, const DoctorWording& wording,
                        const Marks& marks) {
  std::string out;
  for (const InstallCheck& c : result.installs) {
    out += "DLP " + c.locate.install.label() + " (" + c.locate.install.layout.name +
           " layout) under " + result.root + "\n";
    out += "  keystore DLP reads: " + (c.keystore.empty() ? "(unresolved)" : c.keystore);
    out += std::string(" ") + (c.opened == KeystoreOpened::kConfigured ? marks.ok : marks.bad);
    if (c.opened == KeystoreOpened::kCopy) out += "  (checked the copy at " + c.opened_path + ")";
    out += "\n";
    if (c.inspect) {
      int keys = 0, trusted = 0;
      for (const Entry& e : c.inspect->store.entries) {
        keys += e.kind == EntryKind::kPrivateKey;
        trusted += e.kind == EntryKind::kTrustedCert;
      }
      out += "  " + std::to_string(keys) + " key entr" + (keys == 1 ? "y" : "ies") + ", " +
             std::to_string(trusted) + " trusted certificate" + (trusted == 1 ? "" : "s") + "\n";
    } else if (!c.keystore_error.empty()) {
      out += "  does not open: " + c.keystore_error + "\n";
    }
    for (const PeerCheck& p : c.peers) {
      out += "  downstream " + (p.spec.host.empty() ? p.spec.path : p.spec.host) + ": ";
      if (!p.verdict) {
        out += "not judged (" + p.error + ")\n";
      } else {
        out += p.verdict->trusted ? std::string(marks.ok) + " Java trusts its chain\n"
                                  : std::string(marks.bad) + " Java rejects its chain\n";
      }
    }
    for (const ProbeCheck& p : c.probes) {
      out += "  probe " + p.target.host + ":" + std::to_string(p.target.port) + ": ";
      if (p.error) {
        out += std::string(marks.bad) + " " + p.error_message + "\n";
      } else if (p.judgement) {
        out += std::string(probe_ok(*p.judgement) ? marks.ok : marks.bad) + " " +
               java_verdict_name(p.judgement->verdict) + "\n";
      }
    }
    if (c.logs) {
      std::uint64_t failed = 0;
      for (const logs::LogFinding& f : c.logs->findings) failed += f.count;
      out += "  logs: " + std::to_string(c.log_files.size()) + " file(s), " +
             std::to_string(c.logs->records) + " records";
      if (c.logs_since) out += " since " + day_time(*c.logs_since);
      out += ", " + std::to_string(c.logs->upstream_connections) + " upstream and " +
             std::to_string(c.logs->downstream_connections) + " forward connections\n";
    } else if (!c.logs_error.empty()) {
      out += "  logs: " + c.logs_error + "\n";
    } else {
      out += "  logs: none found (give --logs PATH)\n";
    }
  }
  out += "\n";
  std::size_t problems = 0;
  for (const Problem& p : result.diagnosis) problems += p.severity != Severity::kInfo;
  if (problems == 0) {
    out += std::string(marks.ok) + " No problems found.\n";
    return out;
  }
  out += "Diagnosis: " + std::to_string(problems) + " problem" + (problems == 1 ? "" : "s") +
         ", most important first.\n";
  int n = 0;
  for (const Problem& p : result.diagnosis) {
    if (p.severity == Severity::kInfo) continue;
    out += "\n" + std::to_string(++n) + ". " + (p.severity == Severity::kError ? marks.bad : "!") +
           " " + p.code;
    if (p.alias) out += " (key entry '" + *p.alias + "')";
    if (!p.host.empty()) out += " (" + p.host + ")";
    if (!p.install.empty()) out += " [DLP " + p.install + "]";
    out += "\n" + wrapped(problem_message(p), "   ", "   ");
    if (!p.confirmed) {
      out += wrapped("Seen in the logs, not confirmed: " + p.unconfirmed + ".", "   ", "   ");
    }
    std::vector<const Evidence*> causes, symptoms;
    for (const Evidence& e : p.evidence) (e.log ? symptoms : causes).push_back(&e);
    if (!causes.empty()) {
      out += "   Evidence:\n";
      for (const Evidence* e : causes) out += wrapped(evidence_line(*e), "     - ", "       ");
    }
    if (!symptoms.empty()) {
      out += p.explains.empty() ? "   In the logs:\n" : "   Explains these log records:\n";
      for (const Evidence* e : symptoms) out += wrapped(evidence_line(*e), "     - ", "       ");
    }
    out += wrapped("Fix: " + fix_words(p, wording), "   ", "   ");
    for (const std::string& cmd : commands(p, wording)) out += "     " + cmd + "\n";
  }
  if (!wording.recheck.empty()) {
    out +=
        "\nThe commands read the store password from KSDOCTOR_STOREPASS (or ask for it). After "
        "the fixes, restart the detection server and check again, counting only what is "
        "logged from now on:\n     " +
        wording.recheck + "\n";
  }
  return out;
}

}  // namespace ksdoctor::report
