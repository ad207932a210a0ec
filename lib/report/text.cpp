#include <string_view>

#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {
namespace {

std::string date_only(std::int64_t secs) { return format_rfc3339(secs).substr(0, 10); }

const char* kind_label(EntryKind kind) {
  switch (kind) {
    case EntryKind::kPrivateKey: return "private key";
    case EntryKind::kTrustedCert: return "trusted certificate";
    case EntryKind::kSecretKey: return "secret key";
  }
  return "?";
}

void append_cert(std::string& out, const Certificate& c, const std::string& indent, bool nested) {
  out += indent;
  out += nested ? "└─ " : "";
  out += c.subject.empty() ? "(empty subject)" : c.subject;
  out += "\n";
  std::string pad = indent + (nested ? "   " : "") + "   ";
  out += pad + "issuer  " + c.issuer + (c.self_issued() ? "  (self-signed)" : "") + "\n";
  out += pad + "valid   " + date_only(c.not_before) + " → " + date_only(c.not_after) + "   " +
         c.key.describe() + ", " + c.signature_algorithm + (c.is_ca ? ", CA" : "") + "\n";
  out += pad + "sha256  " + c.sha256 + "\n";
}

}  // namespace

std::string findings_text(const std::vector<Finding>& findings) {
  std::string out;
  std::size_t errors = 0, warnings = 0;
  for (const Finding& f : findings) {
    errors += f.severity == Severity::kError;
    warnings += f.severity == Severity::kWarning;
  }
  if (findings.empty()) return "No findings.\n";
  out += "Findings: " + std::to_string(errors) + " error(s), " + std::to_string(warnings) +
         " warning(s), " + std::to_string(findings.size() - errors - warnings) + " note(s)\n";
  for (const Finding& f : findings) {
    std::string sev = severity_name(f.severity);
    for (char& ch : sev) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out += "  " + sev + std::string(8 - sev.size(), ' ') + f.code;
    if (f.alias) out += " [" + *f.alias + "]";
    out += "\n          " + f.message + "\n";
    if (!f.remedy.empty()) out += "          fix: " + f.remedy + "\n";
  }
  return out;
}

std::string inspect_text(const std::string& file, const InspectResult& result) {
  const Keystore& store = result.store;
  std::string out;
  out.reserve(store.entries.size() * 400 + 512);
  out += file + ": " + format_name(store.format) + " (version " + std::to_string(store.version) +
         "), " + std::to_string(store.entries.size()) + " entr" +
         (store.entries.size() == 1 ? "y" : "ies") + ", integrity " +
         integrity_name(store.integrity) + "\n";
  if (store.protection) {
    const Pkcs12Protection& p = *store.protection;
    auto part = [](const std::string& alg, int it) {
      return alg.empty() ? std::string("none") : alg + " (" + std::to_string(it) + " iterations)";
    };
    out += "protection: certificates " + part(p.cert_algorithm, p.cert_iterations) + "; keys " +
           part(p.key_algorithm, p.key_iterations) + "; MAC " +
           part(p.mac_algorithm, p.mac_iterations) + "\n";
  }
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    out += "\n[" + std::to_string(i + 1) + "] " + e.alias + "  " + kind_label(e.kind);
    if (e.created_ms) out += "  created " + format_rfc3339_ms(*e.created_ms);
    if (!store.lookupable(e)) out += "  (NOT reachable by Java lookups)";
    out += "\n";
    if (e.key) {
      const KeyReport& k = result.keys[i];
      out += "    key: " + e.key->algorithm;
      if (k.status == KeyCheck::kRecovered) {
        out += ", " + k.algorithm + ", recovered";
        if (k.matches_chain) out += *k.matches_chain ? ", matches certificate" : ", DOES NOT match certificate";
      } else if (k.status == KeyCheck::kNotChecked) {
        out += ", not checked (no password)";
      } else {
        out += ", " + std::string(key_check_name(k.status)) + ": " + k.detail;
      }
      out += "\n";
    }
    std::string indent = "    ";
    for (std::size_t c = 0; c < e.chain.size(); ++c) {
      append_cert(out, *e.chain[c], indent, c > 0);
      if (c > 0) indent += "   ";
    }
  }
  if (!store.hidden_certificates.empty()) {
    out += "\nCertificates Java loads but does not list (" +
           std::to_string(store.hidden_certificates.size()) + "):\n";
    for (const CertPtr& c : store.hidden_certificates) append_cert(out, *c, "    ", false);
  }
  out += "\n" + findings_text(result.findings);
  return out;
}

}  // namespace ksdoctor::report
