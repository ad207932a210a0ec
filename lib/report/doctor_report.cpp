#include "ksdoctor/doctor_report.hpp"

#include <algorithm>

#include "ksdoctor/locate_report.hpp"
#include "ksdoctor/logs_report.hpp"
#include "ksdoctor/probe_report.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"
#include "ksdoctor/verify_report.hpp"
#include "platform/platform.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

// Commands are written for the shell of the machine doctor runs on: cmd.exe where '\' separates
// paths, POSIX sh elsewhere.
bool windows_shell() { return platform::is_separator('\\'); }

std::string quote(const std::string& word) {
  if (!word.empty() &&
      word.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-"
          "\\") == std::string::npos &&
      (windows_shell() || word.find('\\') == std::string::npos)) {
    return word;
  }
  if (windows_shell()) return "\"" + word + "\"";
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string command(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += quote(w);
  }
  return out;
}

void add_sources(std::vector<std::string>& words, const Fix& fix) {
  for (const std::string& from : fix.from) {
    words.push_back("--from");
    words.push_back(from);
  }
  if (fix.from_aia) {
    words.push_back("--from");
    words.push_back("aia");
  }
}

bool sources_known(const Fix& fix) {
  return fix.missing.empty() && (!fix.from.empty() || fix.from_aia);
}

// Where the chain a probe saves goes: HOST-chain.pem in the current folder.
std::string saved_chain(const Fix& fix) { return fix.host + "-chain.pem"; }

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string missing_words(const Fix& fix) {
  std::string out;
  for (const std::string& m : fix.missing) out += (out.empty() ? "" : "; ") + m;
  return out;
}

std::string hosts_words(const std::vector<std::string>& hosts) {
  if (hosts.empty()) return "the MTA";
  std::string out;
  for (std::size_t i = 0; i < hosts.size() && i < 5; ++i) out += (i ? ", " : "") + hosts[i];
  if (hosts.size() > 5) out += " and " + std::to_string(hosts.size() - 5) + " more";
  return out;
}

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
  if (!f.remotes.empty()) out += ", " + hosts_words(f.remotes);
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

}  // namespace

std::vector<std::string> fix_commands(const Fix& fix) {
  std::vector<std::string> out;
  switch (fix.kind) {
    case FixKind::kLocateFix: {
      std::vector<std::string> words = {"ksdoctor", "locate", "--fix", "--root", fix.root};
      if (!fix.version.empty()) {
        words.push_back("--dlp-version");
        words.push_back(fix.version);
      }
      out.push_back(command(words));
      if (!fix.copy.empty()) {
        // The misplaced copy keeps a backup name, so nobody imports into it again.
        std::string retired = fix.copy + ".misplaced.bak";
        out.push_back(windows_shell() ? command({"move", fix.copy, retired})
                                      : command({"mv", "--", fix.copy, retired}));
      }
      break;
    }
    case FixKind::kRepairChains: {
      if (!sources_known(fix)) break;
      std::vector<std::string> words = {"ksdoctor", "repair", fix.keystore};
      add_sources(words, fix);
      words.push_back("--in-place");
      out.push_back(command(words));
      break;
    }
    case FixKind::kRepairPeer: {
      if (!sources_known(fix)) break;
      std::string peer = fix.peer_file;
      if (fix.probe_first) {
        peer = saved_chain(fix);
        out.push_back(command({"ksdoctor", "probe", fix.host + ":" + std::to_string(fix.port),
                               "--no-enumerate", "--save-chain", peer}));
      }
      std::vector<std::string> words = {"ksdoctor", "repair", fix.keystore, "--peer", peer};
      add_sources(words, fix);
      words.push_back("--in-place");
      out.push_back(command(words));
      break;
    }
    case FixKind::kRenewKeyEntry:
    case FixKind::kUpstreamMta:
    case FixKind::kDownstreamMta:
    case FixKind::kFindingRemedy:
    case FixKind::kCheckNetwork:
      break;
  }
  return out;
}

std::string fix_text(const Problem& p) {
  const Fix& fix = p.fix;
  switch (fix.kind) {
    case FixKind::kLocateFix:
      return "Copy the usable keystore to the folder DLP reads (a backup of anything there is "
             "kept), then give the misplaced copy a backup name so nobody imports into it again:";
    case FixKind::kRepairChains:
      if (!fix.missing.empty()) {
        return "Get the issuing CA certificate(s) from the CA (" + missing_words(fix) +
               "), then: " +
               command({"ksdoctor", "repair", fix.keystore, "--from", "CA.pem", "--in-place"});
      }
      if (fix.from.empty() && !fix.from_aia) {
        return "Give the CA bundle with --trust FILE (or let ksdoctor fetch the issuers: "
               "--from aia), then: " +
               command(
                   {"ksdoctor", "repair", fix.keystore, "--from", "CA-BUNDLE.pem", "--in-place"});
      }
      return "Complete the chain from the CA certificates (the keystore is backed up and "
             "replaced atomically; keytool reads the result):";
    case FixKind::kRepairPeer: {
      std::string save =
          fix.probe_first
              ? "Save the chain it serves (" +
                    command({"ksdoctor", "probe", fix.host + ":" + std::to_string(fix.port),
                             "--no-enumerate", "--save-chain", saved_chain(fix)}) +
                    "); "
              : "";
      if (!fix.missing.empty()) {
        return capitalized(save + "get the downstream MTA's issuing CA certificate (" +
                           missing_words(fix) + ") from its administrator or CA, then import it: " +
                           command({"ksdoctor", "repair", fix.keystore, "--peer",
                                    fix.probe_first ? saved_chain(fix) : fix.peer_file, "--from",
                                    "CA.pem", "--in-place"}));
      }
      if (fix.from.empty() && !fix.from_aia) {
        return capitalized(
            save +
            "give the downstream MTA's CA certificates with --trust FILE, then import them: " +
            command({"ksdoctor", "repair", fix.keystore, "--peer",
                     fix.probe_first ? saved_chain(fix) : fix.peer_file, "--from", "CA-BUNDLE.pem",
                     "--in-place"}));
      }
      return "Import exactly the CA certificate(s) Java needs to trust the downstream MTA:";
    }
    case FixKind::kRenewKeyEntry:
      return "Renew the certificate with the CA (the CSR: keytool -certreq -alias " + fix.alias +
             "), then import the reply, validated first: " +
             command({"ksdoctor", "import", fix.keystore, "--alias", fix.alias, "--cert-reply",
                      "REPLY.pem", "--in-place"});
    case FixKind::kUpstreamMta:
    case FixKind::kDownstreamMta: {
      std::string who = fix.kind == FixKind::kUpstreamMta ? "On the sending (upstream) MTA "
                                                          : "On the downstream MTA ";
      std::string remedy = fix.remedy;
      for (const Evidence& e : p.evidence) {
        if (remedy.empty() && e.log) remedy = log_finding_remedy(*e.log);
      }
      return who + hosts_words(fix.hosts) + ": " + remedy;
    }
    case FixKind::kCheckNetwork:
      return "Check that the gateway can reach " + hosts_words(fix.hosts) +
             " (firewall, name resolution), then run doctor again.";
    case FixKind::kFindingRemedy:
      if (!fix.remedy.empty()) return fix.remedy;
      for (const Evidence& e : p.evidence) {
        if (e.log) return log_finding_remedy(*e.log);
      }
      return "";
  }
  return "";
}

std::string recheck_command(const DoctorOptions& o, const DoctorResult& result) {
  std::vector<std::string> words = {"ksdoctor", "doctor", "--root", o.root};
  if (o.version) {
    words.push_back("--dlp-version");
    words.push_back(*o.version);
  }
  for (const DownstreamTarget& t : o.downstream) {
    words.push_back("--downstream");
    words.push_back(t.host + ":" + std::to_string(t.port));
  }
  for (const PeerChainSpec& p : o.peers) {
    words.push_back("--peer");
    words.push_back(p.host.empty() ? p.path : p.host + "=" + p.path);
  }
  for (const std::string& t : o.trust) {
    words.push_back("--trust");
    words.push_back(t);
  }
  for (const std::string& l : o.log_paths) {
    words.push_back("--logs");
    words.push_back(l);
  }
  if (!o.network) words.push_back("--no-network");
  words.push_back("--since");
  words.push_back(format_rfc3339(result.now));
  return command(words);
}

Json doctor_json(const DoctorOptions& o, const DoctorResult& result) {
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
    j["locate"] = locate_json(one, nullptr, LocateNaming{"--property"});
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
    j["fix"] = fix_text(p);
    j["commands"] = fix_commands(p.fix);
    diagnosis.push_back(std::move(j));
  }
  Json out;
  out["root"] = result.root;
  out["at"] = format_rfc3339(result.now);
  out["installs"] = std::move(installs);
  out["diagnosis"] = std::move(diagnosis);
  out["recheck"] = recheck_command(o, result);
  return out;
}

std::string doctor_text(const DoctorOptions& o, const DoctorResult& result, const Marks& marks) {
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
    out += "\n   " + problem_message(p) + "\n";
    if (!p.confirmed) out += "   Seen in the logs, not confirmed: " + p.unconfirmed + ".\n";
    std::vector<const Evidence*> causes, symptoms;
    for (const Evidence& e : p.evidence) (e.log ? symptoms : causes).push_back(&e);
    if (!causes.empty()) {
      out += "   Evidence:\n";
      for (const Evidence* e : causes) out += "     - " + evidence_line(*e) + "\n";
    }
    if (!symptoms.empty()) {
      out += p.explains.empty() ? "   In the logs:\n" : "   Explains these log records:\n";
      for (const Evidence* e : symptoms) out += "     - " + evidence_line(*e) + "\n";
    }
    out += "   Fix: " + fix_text(p) + "\n";
    for (const std::string& cmd : fix_commands(p.fix)) out += "     " + cmd + "\n";
  }
  out +=
      "\nThe commands read the store password from KSDOCTOR_STOREPASS (or ask for it). After the "
      "fixes, restart the detection server and check again, counting only what is logged "
      "from now on:\n     " +
      recheck_command(o, result) + "\n";
  return out;
}

}  // namespace ksdoctor::report
