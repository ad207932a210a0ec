#include "ksdoctor/verify_report.hpp"

#include "append.hpp"
#include "json_shapes.hpp"
#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/timeutil.hpp"

namespace ksdoctor::report {
namespace {

using Json = nlohmann::ordered_json;

Json findings_json(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  Json out = Json::array();
  for (const Finding& f : a) out.push_back(finding_json(f));
  for (const Finding& f : b) out.push_back(finding_json(f));
  return out;
}

std::vector<Finding> joined(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  std::vector<Finding> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

const char* link_mark(const PathLink& link, const Marks& marks) {
  if (!link.issuer_found) return marks.bad;
  return link.name_chains && link.signature_ok ? marks.ok : marks.bad;
}

std::string link_note(const PathLink& link, const Certificate& cert) {
  if (link.self_signed) return "root, self-signed";
  if (!link.issuer_found) return "issuer " + cert.issuer + " NOT FOUND";
  if (!link.signature_ok) return "signature does NOT verify with the next certificate's key";
  return "signed by the next";
}

// The keystore `verify` document; calls `flush` after each entry and finding.
template <class Out, class Flush>
void write_keystore_verify(Out& w, const std::string& file, const KeystoreVerifyReport& report,
                           const std::vector<Finding>& extra_findings,
                           const OriginNamer& name_origin, Flush flush) {
  w.open('{');
  w.key("file");
  w.string(file);
  w.key("entries");
  w.open('[');
  for (const EntryChainReport& e : report.entries) {
    w.element();
    w.open('{');
    w.key("alias");
    w.string(e.alias);
    w.key("complete");
    w.boolean(e.complete);
    w.key("ordered");
    w.boolean(e.ordered);
    w.key("signatures_ok");
    w.boolean(e.signatures_ok);
    w.key("reaches_root");
    w.boolean(e.reaches_root);
    w.key("root_trusted");
    w.boolean(e.root_trusted);
    w.key("java_problem");
    if (e.java_problem) {
      w.string(e.java_problem->java_reason);
    } else {
      w.null();
    }
    w.key("stored_chain");
    w.open('[');
    for (const CertPtr& c : e.stored) {
      w.element();
      detail::write_certificate(w, *c);
    }
    w.close(']');
    w.key("path");
    w.open('[');
    for (const PathLink& link : e.path) {
      w.element();
      w.open('{');
      w.key("certificate");
      detail::write_certificate(w, *link.cert);
      w.key("origin");
      w.string(named_origin(name_origin, link.origin));
      w.key("issuer_found");
      w.boolean(link.issuer_found);
      w.key("name_chains");
      w.boolean(link.name_chains);
      w.key("signature_ok");
      w.boolean(link.signature_ok);
      w.key("root");
      w.boolean(link.self_signed);
      w.close('}');
    }
    w.close(']');
    w.close('}');
    flush();
  }
  w.close(']');
  if (report.key_managers && report.key_managers->ambiguous()) {
    w.key("key_managers");
    detail::write_key_managers(w, *report.key_managers);
  }
  w.key("findings");
  w.open('[');
  for (const std::vector<Finding>* findings : {&report.findings, &extra_findings}) {
    for (const Finding& f : *findings) {
      w.element();
      detail::write_finding(w, f);
      flush();
    }
  }
  w.close(']');
  w.close('}');
  flush();
}

}  // namespace

Json keystore_verify_json(const std::string& file, const KeystoreVerifyReport& report,
                          const std::vector<Finding>& extra_findings,
                          const OriginNamer& name_origin) {
  return detail::build([&](auto& w, auto flush) {
    write_keystore_verify(w, file, report, extra_findings, name_origin, flush);
  });
}

void write_keystore_verify_json(const std::string& file, const KeystoreVerifyReport& report,
                                const std::vector<Finding>& extra_findings,
                                const std::function<void(std::string_view)>& sink,
                                const OriginNamer& name_origin) {
  detail::write_streamed(
      [&](auto& w, auto flush) {
        write_keystore_verify(w, file, report, extra_findings, name_origin, flush);
      },
      sink, "write_keystore_verify_json differs from keystore_verify_json().dump(2)");
}

std::string keystore_verify_text(const std::string& file, const KeystoreVerifyReport& report,
                                 const std::vector<Finding>& extra_findings,
                                 const OriginNamer& name_origin, const Marks& marks) {
  std::string findings = extra_findings.empty()
                             ? findings_text(report.findings)
                             : findings_text(joined(report.findings, extra_findings));
  std::string out;
  out.reserve(findings.size() + report.entries.size() * 1024 + 256);
  out += file;
  out += ": ";
  out += std::to_string(report.entries.size());
  out += report.entries.size() == 1 ? " key entry\n" : " key entries\n";
  for (const EntryChainReport& e : report.entries) {
    bool sound = e.complete && e.ordered && e.signatures_ok && !e.java_problem;
    out += "\n[";
    out += e.alias;
    out += "] ";
    out += sound ? marks.ok : marks.bad;
    out += ' ';
    out += e.reaches_root ? (e.complete ? "complete chain" : "chain completed from other sources")
                          : "chain BROKEN";
    out += e.ordered ? ", ordered" : ", OUT OF ORDER";
    if (!e.signatures_ok) out += ", BAD SIGNATURE in stored chain";
    if (e.reaches_root) out += e.root_trusted ? ", root trusted" : ", root not in a trust source";
    out += '\n';
    std::size_t indent = 4;
    for (std::size_t i = 0; i < e.path.size(); ++i) {
      const PathLink& link = e.path[i];
      const Certificate& c = *link.cert;
      out.append(indent, ' ');
      if (i) out += marks.branch;
      out += link_mark(link, marks);
      out += ' ';
      out += c.subject;
      out += '\n';
      out.append(indent + (i ? 3 : 0) + 2, ' ');
      out += link_note(link, c);
      out += "; valid until ";
      append::date(out, c.not_after);
      out += "; from ";
      out += named_origin(name_origin, link.origin);
      out += '\n';
      if (i) indent += 3;
    }
    if (!e.path.empty() && !e.path.back().issuer_found) {
      out.append(indent, ' ');
      out += marks.branch;
      out += marks.bad;
      out += " missing: ";
      out += e.path.back().cert->issuer;
      out += '\n';
    }
    if (e.java_problem) {
      out += "    Java: ";
      out += e.java_problem->java_reason;
      out += '\n';
    }
  }
  out += '\n';
  if (report.key_managers && report.key_managers->ambiguous()) {
    out += key_managers_text(*report.key_managers);
    out += '\n';
  }
  out += findings;
  return out;
}

Json peer_verify_json(const PeerVerdict& v, const std::vector<Finding>& extra_findings) {
  Json j;
  j["verdict"] = v.trusted ? "trusted" : "untrusted";
  j["java_message"] = v.java_message;
  Json path = Json::array();
  for (const CertPtr& c : v.path) path.push_back(certificate_json(*c));
  j["path"] = path;
  j["findings"] = findings_json(v.findings, extra_findings);
  return j;
}

std::string peer_verify_text(const std::vector<CertPtr>& chain, const PeerVerdict& v,
                             const std::vector<Finding>& extra_findings, const Marks& marks) {
  std::string out = "peer " + chain[0]->subject + "\n";
  out += v.trusted ? std::string(marks.ok) + " trusted by Java\n"
                   : std::string(marks.bad) + " Java rejects it: " + v.java_message + "\n";
  std::string indent = "  ";
  for (std::size_t i = 0; i < v.path.size(); ++i) {
    out += indent + (i ? std::string(marks.branch) + marks.ok + " " : "") + v.path[i]->subject +
           (i + 1 == v.path.size() ? "  (trust anchor)" : "") + "\n";
    if (i) indent += "   ";
  }
  out += "\n" + findings_text(joined(v.findings, extra_findings));
  return out;
}

}  // namespace ksdoctor::report
