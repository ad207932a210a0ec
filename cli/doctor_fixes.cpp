// How doctor's typed fixes are said as command lines of this CLI: the one place that knows
// ksdoctor's (and the shell's) command-line vocabulary for them. report/ gets the words through
// report::DoctorWording.
#include "doctor_fixes.hpp"

#include "ksdoctor/system.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::cli {
namespace {

// Commands are written for the shell of the machine doctor runs on: cmd.exe where '\' separates
// paths, POSIX sh elsewhere.
bool windows_shell() { return platform::command_shell() == platform::Shell::kCmd; }

std::string command(const std::vector<std::string>& words) { return platform::command_line(words); }

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

// The chain file a peer repair reads: the one given, or the one the probe step saves.
std::string peer_chain(const Fix& fix) {
  return fix.probe_first ? saved_chain(fix) : fix.peer_file;
}

std::string probe_command(const Fix& fix) {
  return command({"ksdoctor", "probe", fix.host + ":" + std::to_string(fix.port), "--no-enumerate",
                  "--save-chain", saved_chain(fix)});
}

// `ksdoctor repair KEYSTORE [--peer CHAIN] --from ... --in-place`, the sources being the fix's own
// or, where ksdoctor does not have them yet, the name of the file the admin is to fetch
// (`file_to_fetch`, e.g. "CA.pem").
std::string repair_command(const Fix& fix, const std::string& file_to_fetch = {}) {
  std::vector<std::string> words = {"ksdoctor", "repair", fix.keystore};
  if (fix.kind == FixKind::kRepairPeer) {
    words.push_back("--peer");
    words.push_back(peer_chain(fix));
  }
  if (file_to_fetch.empty()) {
    add_sources(words, fix);
  } else {
    words.push_back("--from");
    words.push_back(file_to_fetch);
  }
  words.push_back("--in-place");
  return command(words);
}

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
  return hosts.empty() ? "the MTA" : report::host_list(hosts);
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
    case FixKind::kRepairChains:
      if (sources_known(fix)) out.push_back(repair_command(fix));
      break;
    case FixKind::kRepairPeer:
      if (!sources_known(fix)) break;
      if (fix.probe_first) out.push_back(probe_command(fix));
      out.push_back(repair_command(fix));
      break;
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
               "), then: " + repair_command(fix, "CA.pem");
      }
      if (fix.from.empty() && !fix.from_aia) {
        return "Give the CA bundle with --trust FILE (or let ksdoctor fetch the issuers: "
               "--from aia), then: " +
               repair_command(fix, "CA-BUNDLE.pem");
      }
      return "Complete the chain from the CA certificates (the keystore is backed up and "
             "replaced atomically; keytool reads the result):";
    case FixKind::kRepairPeer: {
      std::string save =
          fix.probe_first ? "Save the chain it serves (" + probe_command(fix) + "); " : "";
      if (!fix.missing.empty()) {
        return capitalized(
            save + "get the downstream MTA's issuing CA certificate (" + missing_words(fix) +
            ") from its administrator or CA, then import it: " + repair_command(fix, "CA.pem"));
      }
      if (fix.from.empty() && !fix.from_aia) {
        return capitalized(
            save +
            "give the downstream MTA's CA certificates with --trust FILE, then import them: " +
            repair_command(fix, "CA-BUNDLE.pem"));
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
      return who + hosts_words(fix.hosts) + ": " + report::problem_remedy(p);
    }
    case FixKind::kCheckNetwork:
      return "Check that the gateway can reach " + hosts_words(fix.hosts) +
             " (firewall, name resolution), then run doctor again.";
    case FixKind::kFindingRemedy:
      return report::problem_remedy(p);
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

report::DoctorWording doctor_wording(const DoctorOptions& options, const DoctorResult& result) {
  report::DoctorWording w;
  w.fix = fix_text;
  w.commands = fix_commands;
  w.recheck = recheck_command(options, result);
  w.locate = report::LocateNaming{"--property"};
  return w;
}

}  // namespace ksdoctor::cli
