// The text report. A truststore can list thousands of certificates, so the report is appended
// into one buffer sized up front, without temporaries.
#include <string_view>

#include "append.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {
namespace {

const char* kind_label(EntryKind kind) {
  switch (kind) {
    case EntryKind::kPrivateKey:
      return "private key";
    case EntryKind::kTrustedCert:
      return "trusted certificate";
    case EntryKind::kSecretKey:
      return "secret key";
  }
  return "?";
}

// An upper bound of what append_cert writes, so the report is allocated once.
std::size_t cert_size(const Certificate& c, std::size_t indent) {
  return 4 * (indent + 6) + c.subject.size() + c.issuer.size() + c.sha256.size() +
         c.key.algorithm.size() + c.key.curve.size() + c.signature_algorithm.size() + 120;
}

void append_cert(std::string& out, const Certificate& c, std::size_t indent, bool nested,
                 const Marks& marks) {
  out.append(indent, ' ');
  if (nested) out += marks.branch;
  out += c.subject.empty() ? std::string_view("(empty subject)") : std::string_view(c.subject);
  out += '\n';
  std::size_t pad = indent + (nested ? 3 : 0) + 3;
  out.append(pad, ' ');
  out += "issuer  ";
  out += c.issuer;
  if (c.self_issued()) out += "  (self-signed)";
  out += '\n';
  out.append(pad, ' ');
  out += "valid   ";
  append::date(out, c.not_before);
  out += ' ';
  out += marks.arrow;
  out += ' ';
  append::date(out, c.not_after);
  out += "   ";
  out += c.key.describe();
  out += ", ";
  out += c.signature_algorithm;
  if (c.is_ca) out += ", CA";
  out += '\n';
  out.append(pad, ' ');
  out += "sha256  ";
  out += c.sha256;
  out += '\n';
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
    out += "  ";
    out += sev;
    out.append(8 - sev.size(), ' ');
    out += f.code;
    if (f.alias) {
      out += " [";
      out += *f.alias;
      out += ']';
    }
    out += "\n          ";
    out += f.message;
    out += '\n';
    if (!f.remedy.empty()) {
      out += "          fix: ";
      out += f.remedy;
      out += '\n';
    }
  }
  return out;
}

std::string key_managers_text(const KeyManagerPrediction& p) {
  auto quoted = [](const std::optional<std::string>& alias) {
    return alias ? "'" + *alias + "'" : std::string("nothing");
  };
  std::string out = "Key managers (which key entry a Java TLS server presents):\n";
  if (p.sunx509_init_fails) {
    out += "  SunX509, the default key manager, cannot start: the key of ";
    for (std::size_t i = 0; i < p.unrecoverable_aliases.size(); ++i) {
      if (i) out += ", ";
      out += "'" + p.unrecoverable_aliases[i] + "'";
    }
    out += " does not open with the key password (\"Cannot recover key\")\n";
  }
  for (const PresentedAlias& t : p.by_key_type) {
    out += "  ";
    out += t.key_type;
    out += ": Java presents ";
    if (p.sunx509_init_fails) {
      out += quoted(t.pkix) + " (PKIX; SunX509 fails)";
    } else if (t.sunx509_undetermined) {
      out += quoted(t.pkix) + " (PKIX); SunX509's choice is undetermined";
    } else if (t.sunx509 == t.pkix) {
      out += quoted(t.sunx509) + " (SunX509, the default key manager, and PKIX)";
    } else {
      out +=
          quoted(t.sunx509) + " (SunX509, the default key manager) / " + quoted(t.pkix) + " (PKIX)";
    }
    out += " of ";
    out += std::to_string(t.candidates.size());
    out += t.candidates.size() == 1 ? " entry\n" : " entries\n";
  }
  return out;
}

std::string inspect_text(const std::string& file, const InspectResult& result, const Marks& marks) {
  const Keystore& store = result.store;
  std::string findings = findings_text(result.findings);

  std::size_t size = file.size() + findings.size() + 1024;
  for (const Entry& e : store.entries) {
    size += e.alias.size() + 200;
    if (e.key) size += e.key->algorithm.size() + 2 * e.alias.size() + 512;
    std::size_t indent = 4;
    for (std::size_t c = 0; c < e.chain.size(); ++c) {
      size += cert_size(*e.chain[c], indent);
      if (c > 0) indent += 3;
    }
  }
  for (const CertPtr& c : store.hidden_certificates) size += cert_size(*c, 4);

  std::string out;
  out.reserve(size);
  out += file;
  out += ": ";
  out += format_name(store.format);
  out += " (version ";
  out += std::to_string(store.version);
  out += "), ";
  append::number(out, static_cast<std::int64_t>(store.entries.size()));
  out += " entr";
  out += store.entries.size() == 1 ? "y" : "ies";
  out += ", integrity ";
  out += integrity_name(store.integrity);
  out += '\n';
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
    out += "\n[";
    append::number(out, static_cast<std::int64_t>(i + 1));
    out += "] ";
    out += e.alias;
    out += "  ";
    out += kind_label(e.kind);
    if (e.created_ms) {
      out += "  created ";
      append::rfc3339_ms(out, *e.created_ms);
    }
    if (!store.lookupable(e)) out += "  (NOT reachable by Java lookups)";
    out += '\n';
    if (e.key) {
      const KeyReport& k = result.keys[i];
      out += "    key: ";
      out += e.key->algorithm;
      if (k.status == KeyCheck::kRecovered) {
        out += ", ";
        out += k.algorithm;
        out += ", recovered";
        if (k.matches_chain)
          out += *k.matches_chain ? ", matches certificate" : ", DOES NOT match certificate";
      } else if (k.status == KeyCheck::kNotChecked) {
        out += ", not checked (no password)";
      } else {
        out += ", ";
        out += key_check_name(k.status);
        out += ": ";
        out += k.detail;
      }
      out += '\n';
    }
    std::size_t indent = 4;
    for (std::size_t c = 0; c < e.chain.size(); ++c) {
      append_cert(out, *e.chain[c], indent, c > 0, marks);
      if (c > 0) indent += 3;
    }
  }
  if (!store.hidden_certificates.empty()) {
    out += "\nCertificates Java loads but does not list (";
    append::number(out, static_cast<std::int64_t>(store.hidden_certificates.size()));
    out += "):\n";
    for (const CertPtr& c : store.hidden_certificates) append_cert(out, *c, 4, false, marks);
  }
  out += '\n';
  if (result.key_managers && result.key_managers->ambiguous()) {
    out += key_managers_text(*result.key_managers);
    out += '\n';
  }
  out += findings;
  return out;
}

}  // namespace ksdoctor::report
