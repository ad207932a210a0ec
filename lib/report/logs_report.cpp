#include "ksdoctor/logs_report.hpp"

#include <algorithm>

#include "report/words.hpp"

namespace ksdoctor::report {
namespace {

using words::plural;

using Json = nlohmann::ordered_json;
using logs::Code;
using logs::LogFinding;
using logs::Side;

// `s` with every invalid UTF-8 sequence (and control characters but tab) replaced.
std::string clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(c < 0x20 && c != '\t' && c != '\n' ? '?' : static_cast<char>(c));
      ++i;
      continue;
    }
    // Lead bytes: C2–DF (2), E0–EF (3), F0–F4 (4); 80–C1 and F5–FF never start a sequence.
    std::size_t n = c >= 0xF0 && c <= 0xF4   ? 4
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xC2 && c <= 0xDF ? 2
                                             : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok && n == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
    }
    if (ok && n == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string side_words(Side side) {
  switch (side) {
    case Side::kUpstream:
      return "upstream";
    case Side::kDownstream:
      return "forward";
    case Side::kUnknown:
      break;
  }
  return "";
}

// "3 forward connections", "1 upstream connection".
std::string connections(const LogFinding& f) {
  std::string side = side_words(f.side);
  return std::to_string(f.count) + " " + (side.empty() ? "" : side + " ") +
         (f.count == 1 ? "connection" : "connections");
}

std::string first_remote(const LogFinding& f) {
  return f.remotes.empty() ? "HOST" : clean(f.remotes.front());
}

const char* kUpstreamCiphers =
    "the upstream MTA's TLS cipher and protocol list (its send connector / smtp_tls settings)";

}  // namespace

std::string log_finding_message(const LogFinding& f) {
  std::string reason = f.reason ? clean(*f.reason) : "several reasons";
  switch (f.code) {
    case Code::kNoTlsNegotiated:
      return plural(f.count, "relay", "relays") +
             " agreed on no TLS (getEmailSecurityType NO_TLS, or 450 4.7.0 TLS encryption "
             "required): DLP offered no STARTTLS, typically because it has no certificate to "
             "present — prevent.ks is not where Protect.properties says.";
    case Code::kKeystoreNotLoaded:
      return connections(f) +
             " failed with java.io.IOException: java.lang.NullPointerException: DLP had no "
             "certificate to present because its keystore was not loaded (prevent.ks missing "
             "from the configured keystore folder, e.g. imported into a copy under Program Files).";
    case Code::kUpstreamLegacyTls:
      return connections(f) +
             " failed the TLS handshake with 'Received fatal alert: decode_error': the sending MTA "
             "offered an old (TLS 1.1-era) cipher that DLP's Java rejects.";
    case Code::kSslEngineProblem:
      return connections(f) +
             " failed with 'General SSLEngine problem': prevent.ks is misplaced, or (on forward "
             "connections) the downstream MTA's certificate chain cannot be built from the CA "
             "certificates in prevent.ks.";
    case Code::kPeerChainUntrusted:
      return connections(f) + " failed because Java could not build a path to a trusted root ('" +
             reason +
             "'): prevent.ks lacks the intermediate or root CA certificate of the downstream MTA.";
    case Code::kNoCommonCipher:
      return connections(f) +
             " failed with 'no cipher suites in common': the upstream MTA's cipher and protocol "
             "offer does not overlap DLP's, or prevent.ks has no usable key entry (Java then "
             "enables no suite at all).";
    case Code::kTlsHandshakeFailed:
      return connections(f) + " failed the TLS handshake: " + reason + ".";
    case Code::kConnectionError:
      return connections(f) + " ended with a connection error: " + reason + ".";
    case Code::kUnauthorizedHost:
      return connections(f) +
             " rejected: the sending host is not allowed to relay through this DLP server.";
    case Code::kLegacyTlsInUse:
      return connections(f) + " completed TLS with a protocol or cipher JDK 17 disables (" +
             reason + "): they break when the gateway's Java or the peer is updated.";
  }
  return "";
}

std::string log_finding_remedy(const LogFinding& f) {
  switch (f.code) {
    case Code::kNoTlsNegotiated:
    case Code::kKeystoreNotLoaded:
      return "Put prevent.ks in the keystore folder Protect.properties names (on Windows under "
             "ProgramData, not Program Files): `ksdoctor locate --fix`, then restart the detection "
             "server.";
    case Code::kUpstreamLegacyTls:
      return "Remove the legacy (TLS 1.0/1.1) ciphers from the upstream MTA's offer so it "
             "negotiates a TLS 1.2 suite.";
    case Code::kSslEngineProblem:
      return "Check the keystore location first (`ksdoctor locate`); if it is right, import the "
             "downstream MTA's missing CA certificates (`ksdoctor repair prevent.ks --from "
             "CHAIN.pem --in-place`) and restart.";
    case Code::kPeerChainUntrusted:
      return "Import the downstream MTA's intermediate and root CA certificates into prevent.ks "
             "(`ksdoctor repair prevent.ks --from CHAIN.pem --in-place`), then restart.";
    case Code::kNoCommonCipher:
      return "Align the upstream MTA's ciphers and protocols with DLP's (TLS 1.2, ECDHE with "
             "AES-GCM); check that prevent.ks holds a usable key entry (`ksdoctor inspect "
             "prevent.ks`).";
    case Code::kTlsHandshakeFailed:
      return f.side == Side::kDownstream
                 ? "Compare the downstream MTA's certificate and protocols with what prevent.ks "
                   "trusts (`ksdoctor probe " +
                       first_remote(f) + "`)."
                 : "Compare the upstream MTA's TLS settings with DLP's.";
    case Code::kConnectionError:
      return "Not a TLS failure by itself: check the network path and the peer MTA's logs for "
             "this reason.";
    case Code::kUnauthorizedHost:
      return "Add the sending MTA to the detection server's allowed upstream hosts, or stop it "
             "from sending to DLP.";
    case Code::kLegacyTlsInUse:
      return "Configure the peer MTA for TLS 1.2 or later with AES-GCM suites.";
  }
  return "";
}

std::vector<std::string> log_finding_check(const LogFinding& f) {
  std::string probe = "ksdoctor probe " + first_remote(f);
  const std::string verify = "ksdoctor verify prevent.ks --peer CHAIN.pem";
  switch (f.code) {
    case Code::kNoTlsNegotiated:
    case Code::kKeystoreNotLoaded:
      return {"ksdoctor locate"};
    case Code::kSslEngineProblem:
      return {"ksdoctor locate", probe, verify};
    case Code::kPeerChainUntrusted:
      return {probe, verify};
    case Code::kUpstreamLegacyTls:
      return {kUpstreamCiphers};
    case Code::kNoCommonCipher:
      return {kUpstreamCiphers, "ksdoctor inspect prevent.ks"};
    case Code::kTlsHandshakeFailed:
    case Code::kLegacyTlsInUse:
      if (f.side == Side::kDownstream) return {probe};
      return {kUpstreamCiphers};
    case Code::kConnectionError:
    case Code::kUnauthorizedHost:
      break;
  }
  return {};
}

namespace {

Json time_json(const std::optional<logs::Time>& t) {
  return t ? Json(logs::format_time(*t)) : Json(nullptr);
}

Json line_json(const logs::Diagnosis& d, const logs::LineRef& l) {
  Json j;
  j["file"] = l.file < d.files.size() ? clean(d.files[l.file].path) : std::string();
  j["line"] = l.line;
  j["text"] = clean(l.text);
  return j;
}

Json log_finding_json(const logs::Diagnosis& d, const LogFinding& f) {
  Json j;
  j["code"] = logs::code_name(f.code);
  j["severity"] = severity_name(logs::code_severity(f.code));
  j["message"] = log_finding_message(f);
  j["remedy"] = log_finding_remedy(f);
  j["side"] = logs::side_name(f.side);
  j["count"] = f.count;
  j["first"] = logs::format_time(f.first);
  j["last"] = logs::format_time(f.last);
  Json remotes = Json::array();
  for (const std::string& r : f.remotes) remotes.push_back(clean(r));
  j["remotes"] = remotes;
  j["remotes_truncated"] = f.remotes_truncated;
  j["reason"] = f.reason ? Json(clean(*f.reason)) : Json(nullptr);
  j["example"] = line_json(d, f.example);
  j["check"] = log_finding_check(f);
  return j;
}

}  // namespace

Json logs_json(const logs::Diagnosis& d) {
  Json j;
  Json files = Json::array();
  for (const logs::FileSummary& s : d.files) {
    Json f;
    f["path"] = clean(s.path);
    f["format"] = s.format ? Json(logs::format_name(*s.format)) : Json(nullptr);
    f["gzip"] = s.gzip;
    f["records"] = s.records;
    f["outside_window"] = s.outside_window;
    f["malformed_lines"] = s.malformed_lines;
    f["first"] = time_json(s.first);
    f["last"] = time_json(s.last);
    f["error"] = s.error.empty() ? Json(nullptr) : Json(clean(s.error));
    files.push_back(std::move(f));
  }
  j["files"] = files;
  j["records"] = d.records;
  j["malformed_lines"] = d.malformed_lines;
  j["malformed_example"] = d.malformed_example ? line_json(d, *d.malformed_example) : Json(nullptr);
  j["local_times"] = d.local_times;
  j["connections"] = {{"upstream", d.upstream_connections},
                      {"downstream", d.downstream_connections}};
  j["relays"] = d.relays;
  Json protocols = Json::object(), ciphers = Json::object();
  for (const auto& [name, n] : d.tls.protocols) protocols[clean(name)] = n;
  for (const auto& [name, n] : d.tls.ciphers) ciphers[clean(name)] = n;
  j["tls"] = {{"completed", d.tls.completed}, {"protocols", protocols}, {"ciphers", ciphers}};
  Json hourly = Json::array();
  for (const logs::HourCount& h : d.hourly) {
    hourly.push_back({{"hour", logs::format_time(h.hour)},
                      {"connections", h.connections},
                      {"failures", h.failures}});
  }
  j["hourly"] = hourly;
  j["hourly_truncated"] = d.hourly_truncated;
  Json findings = Json::array();
  for (const LogFinding& f : d.findings) findings.push_back(log_finding_json(d, f));
  j["findings"] = findings;
  return j;
}

namespace {

// "2022-07-21T12:23:33-05:00" without milliseconds, for the text report.
std::string short_time(const logs::Time& t) {
  std::string s = logs::format_time(t);
  s.erase(19, 4);
  return s;
}

// Log text on one line of the report.
std::string one_line(std::string_view s, std::size_t max) {
  std::string out = clean(s.substr(0, max));
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string file_name(const logs::Diagnosis& d, std::size_t file) {
  return file < d.files.size() ? clean(d.files[file].path) : "file " + std::to_string(file);
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string rpad(const std::string& s, std::size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

void hourly_text(std::string& out, const logs::Diagnosis& d) {
  std::uint64_t peak = 0;
  for (const logs::HourCount& h : d.hourly) peak = std::max(peak, h.failures);
  std::size_t first = d.hourly.size(), last = 0;
  for (std::size_t i = 0; i < d.hourly.size(); ++i) {
    if (d.hourly[i].failures > 0) {
      first = std::min(first, i);
      last = i;
    }
  }
  out += "\nPer hour (connections opened, connections failed):\n";
  // Long logs: the hours around the failures, and a count of the quiet ones left out.
  constexpr std::size_t kMaxRows = 48;
  std::size_t from = 0, to = d.hourly.size();
  if (d.hourly.size() > kMaxRows) {
    if (first == d.hourly.size()) {
      from = d.hourly.size() - kMaxRows;
    } else {
      from = first > 2 ? first - 2 : 0;
      to = std::min(d.hourly.size(), std::max(last + 3, from + 1));
      if (to - from > kMaxRows) to = from + kMaxRows;
    }
  }
  if (from > 0) out += "  (" + plural(from, "earlier hour", "earlier hours") + " left out)\n";
  for (std::size_t i = from; i < to; ++i) {
    const logs::HourCount& h = d.hourly[i];
    std::string hour = short_time(h.hour);
    hour.erase(16, 3);  // no seconds
    out += "  " + pad(hour, 22) + rpad(std::to_string(h.connections), 7) + "  " +
           rpad(std::to_string(h.failures), 7) + "  ";
    std::size_t bar = peak == 0 ? 0 : static_cast<std::size_t>((h.failures * 30 + peak - 1) / peak);
    out += std::string(bar, '#');
    if (i == first) out += "  <- failures start";
    if (i == last && last != first) out += "  <- last failure";
    out += "\n";
  }
  if (to < d.hourly.size()) {
    out += "  (" + plural(d.hourly.size() - to, "later hour", "later hours") + " left out)\n";
  }
}

}  // namespace

std::string logs_text(const logs::Diagnosis& d) {
  std::string out;
  if (d.findings.empty()) {
    out += "No failed connections in " + plural(d.records, "record", "records") + ".\n";
  } else {
    const LogFinding& top = d.findings.front();
    out += std::string(logs::code_name(top.code)) + ": " + log_finding_message(top) + " (" +
           short_time(top.first) + " to " + short_time(top.last) + ")\n";
  }

  out += "\nRead " + plural(d.files.size(), "file", "files") + ", " +
         plural(d.records, "record", "records") + ", " +
         plural(d.malformed_lines, "malformed line", "malformed lines") + ":\n";
  for (const logs::FileSummary& s : d.files) {
    out += "  " + clean(s.path) + "  " +
           (s.format ? std::string(logs::format_name(*s.format)) : std::string("no records")) +
           (s.gzip ? " (gzip)" : "") + ", " + plural(s.records, "record", "records");
    if (s.outside_window > 0)
      out += " (" + std::to_string(s.outside_window) + " outside the window)";
    if (s.malformed_lines > 0)
      out += ", " + plural(s.malformed_lines, "malformed line", "malformed lines");
    if (s.first) out += ", " + short_time(*s.first) + " to " + short_time(*s.last);
    out += "\n";
    if (!s.error.empty()) out += "    stopped early: " + clean(s.error) + "\n";
  }
  if (d.malformed_example) {
    const logs::LineRef& m = *d.malformed_example;
    out += "  malformed, e.g. " + file_name(d, m.file) + ":" + std::to_string(m.line) + ": " +
           one_line(m.text, 120) + "\n";
  }
  if (d.local_times) {
    out +=
        "  RequestProcessor (java.util.logging) times carry no UTC offset: they are the "
        "gateway's local time.\n";
  }
  out += "\nConnections: " + std::to_string(d.upstream_connections) + " upstream (accepted), " +
         std::to_string(d.downstream_connections) + " forward (established), " +
         plural(d.relays, "relay", "relays") + ".\n";

  if (!d.findings.empty()) {
    out += "\nCauses:\n  " + rpad("count", 7) + "  " + pad("severity", 8) + "  " + pad("side", 10) +
           "  code\n";
    for (const LogFinding& f : d.findings) {
      out += "  " + rpad(std::to_string(f.count), 7) + "  " +
             pad(severity_name(logs::code_severity(f.code)), 8) + "  " +
             pad(logs::side_name(f.side), 10) + "  " + logs::code_name(f.code);
      if ((f.code == Code::kTlsHandshakeFailed || f.code == Code::kConnectionError)) {
        out += "  " + (f.reason ? one_line(*f.reason, 60) : std::string("(other reasons)"));
      }
      out += "\n";
    }
  }
  if (!d.hourly.empty()) hourly_text(out, d);

  out += "\nTLS completed on " + plural(d.tls.completed, "connection", "connections");
  if (!d.tls.protocols.empty()) {
    out += ":";
    for (const auto& [name, n] : d.tls.protocols)
      out += " " + clean(name) + " " + std::to_string(n);
    out += "\n";
    for (const auto& [name, n] : d.tls.ciphers) {
      out += "  " + rpad(std::to_string(n), 7) + "  " + clean(name) + "\n";
    }
  } else {
    out += ".\n";
  }

  if (d.findings.empty()) {
    out += "\nNo findings.\n";
    return out;
  }
  std::size_t errors = 0;
  for (const LogFinding& f : d.findings) {
    errors += logs::code_severity(f.code) == Severity::kError;
  }
  out += "\nFindings: " + std::to_string(errors) + " error(s), " +
         std::to_string(d.findings.size() - errors) + " warning(s)\n";
  for (const LogFinding& f : d.findings) {
    std::string sev = logs::code_severity(f.code) == Severity::kError ? "ERROR" : "WARNING";
    out += "  " + pad(sev, 8) + logs::code_name(f.code) + "  " + logs::side_name(f.side) + ", " +
           plural(f.count, f.code == Code::kNoTlsNegotiated ? "relay" : "connection",
                  f.code == Code::kNoTlsNegotiated ? "relays" : "connections") +
           ", " + short_time(f.first) + " to " + short_time(f.last) + "\n";
    const std::string indent = "          ";
    out += indent + log_finding_message(f) + "\n";
    if (!f.remotes.empty()) {
      out += indent + "remote hosts: ";
      for (std::size_t i = 0; i < f.remotes.size() && i < 10; ++i) {
        out += (i ? ", " : "") + clean(f.remotes[i]);
      }
      if (f.remotes.size() > 10 || f.remotes_truncated) out += ", ...";
      out += "\n";
    }
    out += indent + "fix: " + log_finding_remedy(f) + "\n";
    std::vector<std::string> check = log_finding_check(f);
    for (const std::string& c : check) out += indent + "check: " + c + "\n";
    out += indent + "e.g. " + file_name(d, f.example.file) + ":" + std::to_string(f.example.line) +
           ": " + one_line(f.example.text, 200) + "\n";
  }
  return out;
}

}  // namespace ksdoctor::report
