// Graphviz output for `verify` (--format dot). See include/ksdoctor/dot.hpp.
#include "ksdoctor/dot.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "append.hpp"
#include "core/text.hpp"
#include "ksdoctor/origin_text.hpp"

namespace ksdoctor::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kGreen = "darkgreen";
constexpr std::string_view kGreenFill = "#dff0d8";
constexpr std::string_view kRed = "red3";

// A line of a label, escaped but not quoted; lines are joined with the DOT escape `\n`.
std::string escape(std::string_view text) {
  const std::string valid = utf16_to_utf8(utf8_to_utf16(text));  // invalid bytes → U+FFFD
  std::string out;
  out.reserve(valid.size() + 8);
  for (char c : valid) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7F) {
      out += kReplacement;
    } else {
      out += c;
    }
  }
  return out;
}

std::string quote_lines(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\\n";
    out += escape(lines[i]);
  }
  out += '"';
  return out;
}

std::string date_of(std::int64_t secs) {
  std::string out;
  append::date(out, secs);
  return out;
}

std::vector<std::string> cert_lines(const Certificate& cert) {
  std::vector<std::string> lines{dot_display_name(cert)};
  std::string key = cert.key.describe();
  if (!key.empty()) lines.push_back(std::move(key));
  lines.push_back("until " + date_of(cert.not_after));
  return lines;
}

std::string cert_key(const Certificate& cert) {
  if (!cert.sha256.empty()) return cert.sha256;
  return "der:" + to_hex(cert.der);  // hand-built certificates without fingerprints
}

struct Node {
  std::string id;
  std::vector<std::string> label;
  std::string shape = "box";
  bool trusted = false;  // green
  bool bold = false;
  std::vector<std::string> origins;  // tooltip lines
  std::string extra;                 // further attributes, already formatted
};

struct Edge {
  std::string from;
  std::string to;
  std::string attrs;
};

// Nodes and edges in order of first appearance; edges deduplicated by (from, to).
class Graph {
 public:
  Node& cert(const CertPtr& cert) {
    std::string key = cert_key(*cert);
    auto it = cert_ids_.find(key);
    if (it != cert_ids_.end()) return nodes_[it->second];
    cert_ids_.emplace(std::move(key), nodes_.size());
    Node& node = nodes_.emplace_back();
    node.id = "c" + std::to_string(++certs_);
    node.label = cert_lines(*cert);
    if (cert->self_issued()) node.shape = "doubleoctagon";
    return node;
  }

  Node& missing(const std::string& issuer) {
    auto it = missing_ids_.find(issuer);
    if (it != missing_ids_.end()) return nodes_[it->second];
    missing_ids_.emplace(issuer, nodes_.size());
    Node& node = nodes_.emplace_back();
    node.id = "m" + std::to_string(++missing_);
    node.label = {"missing: " + issuer};
    node.extra = ", style=dashed, color=" + std::string(kRed) + ", fontcolor=" + std::string(kRed);
    return node;
  }

  Node& note(std::vector<std::string> label, std::string extra) {
    Node& node = nodes_.emplace_back();
    node.id = "a" + std::to_string(++notes_);
    node.label = std::move(label);
    node.shape = "note";
    node.extra = std::move(extra);
    return node;
  }

  // Indices are stable (nodes_ only grows); references are not, so callers copy the id.
  void edge(const std::string& from, const std::string& to, std::string attrs) {
    if (!edge_keys_.insert({from, to}).second) return;
    edges_.push_back({from, to, std::move(attrs)});
  }

  bool has_edge(const std::string& from, const std::string& to) const {
    return edge_keys_.count({from, to}) != 0;
  }

  void write_nodes(std::string& out, const std::vector<std::string>& ids, const char* indent) {
    for (const std::string& id : ids) write_node(out, node_by_id(id), indent);
  }

  void write_nodes_except(std::string& out, const std::set<std::string>& skip) {
    for (const Node& node : nodes_) {
      if (!skip.count(node.id)) write_node(out, node, "  ");
    }
  }

  void write_edges(std::string& out) const {
    for (const Edge& e : edges_) {
      out += "  " + e.from + " -> " + e.to;
      if (!e.attrs.empty()) out += " [" + e.attrs + "]";
      out += ";\n";
    }
  }

 private:
  const Node& node_by_id(const std::string& id) const {
    for (const Node& node : nodes_) {
      if (node.id == id) return node;
    }
    return nodes_.front();  // unreachable: ids come from this graph
  }

  static void write_node(std::string& out, const Node& node, const char* indent) {
    out += indent;
    out += node.id + " [label=" + quote_lines(node.label);
    if (node.shape != "box") out += ", shape=" + node.shape;
    if (node.trusted) {
      out += ", style=filled, fillcolor=\"" + std::string(kGreenFill) +
             "\", color=" + std::string(kGreen);
    }
    if (node.bold) out += ", penwidth=2";
    if (!node.origins.empty()) out += ", tooltip=" + quote_lines(node.origins);
    out += node.extra;
    out += "];\n";
  }

  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::map<std::string, std::size_t> cert_ids_;
  std::map<std::string, std::size_t> missing_ids_;
  std::set<std::pair<std::string, std::string>> edge_keys_;
  int certs_ = 0;
  int missing_ = 0;
  int notes_ = 0;
};

const char* kHeader =
    "  graph [rankdir=BT, fontname=\"Helvetica\", fontsize=11];\n"
    "  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n"
    "  edge [fontname=\"Helvetica\", fontsize=10];\n";

std::string link_attrs(const PathLink& link) {
  const std::string green(kGreen);
  const std::string red(kRed);
  if (link.name_chains && link.signature_ok) {
    return "label=\"✔\", color=" + green + ", fontcolor=" + green;
  }
  if (link.name_chains) return "label=\"✘ signature\", color=" + red + ", fontcolor=" + red;
  return "label=\"✘ name\", style=dashed, color=" + red + ", fontcolor=" + red;
}

}  // namespace

std::string dot_quote(std::string_view text) { return "\"" + escape(text) + "\""; }

std::string dot_display_name(const Certificate& cert) {
  std::string cn = cert.common_name();
  return cn.empty() ? cert.subject : cn;
}

std::string keystore_chains_dot(const KeystoreVerifyReport& report,
                                const OriginNamer& name_origin) {
  Graph g;
  std::string out = "digraph keystore {\n";
  out += kHeader;
  for (const EntryChainReport& entry : report.entries) {
    std::vector<std::string> note_label{"alias " + entry.alias};
    std::string note_extra;
    if (entry.java_problem) {
      note_label.push_back(entry.java_problem->java_reason);
      note_extra = ", color=" + std::string(kRed) + ", fontcolor=" + std::string(kRed);
    }
    const std::string note_id = g.note(std::move(note_label), std::move(note_extra)).id;

    CertPtr leaf = !entry.path.empty()     ? entry.path.front().cert
                   : !entry.stored.empty() ? entry.stored.front()
                                           : nullptr;
    if (leaf) g.edge(note_id, g.cert(leaf).id, "style=dotted, arrowhead=none");

    for (std::size_t i = 0; i < entry.path.size(); ++i) {
      const PathLink& link = entry.path[i];
      if (!link.cert) continue;
      Node& node = g.cert(link.cert);
      if (link.self_signed) node.shape = "doubleoctagon";
      const std::string origin = named_origin(name_origin, link.origin);
      if (!origin.empty() && link.origin.kind != CertOrigin::Kind::kStoredChain) {
        bool seen = false;
        for (const std::string& o : node.origins) seen = seen || o == "from " + origin;
        if (!seen) node.origins.push_back("from " + origin);
      }
      const bool last = i + 1 == entry.path.size();
      const bool after_bad_signature =
          i > 0 && entry.path[i - 1].name_chains && !entry.path[i - 1].signature_ok;
      if (last && link.self_signed && entry.reaches_root && entry.root_trusted) {
        node.trusted = true;
      }
      const std::string id = node.id;
      if (link.self_signed) continue;  // a root: its issuer is itself
      if (link.issuer_found && !last && entry.path[i + 1].cert) {
        g.edge(id, g.cert(entry.path[i + 1].cert).id, link_attrs(link));
      } else if (!link.issuer_found && !after_bad_signature) {
        // A break. (After a failed signature the path ends at the wrong signer: the red edge says
        // why, and that certificate's own issuer is not what is missing.)
        const std::string missing = g.missing(link.cert->issuer).id;
        g.edge(id, missing, "style=dashed, color=" + std::string(kRed));
      }
    }
  }
  g.write_nodes_except(out, {});
  g.write_edges(out);
  out += "}\n";
  return out;
}

std::string peer_dot(const std::vector<CertPtr>& chain, const PeerVerdict& verdict,
                     const std::vector<CertPtr>& anchors) {
  Graph g;
  std::set<std::string> anchor_keys;
  for (const CertPtr& a : anchors) {
    if (a) anchor_keys.insert(cert_key(*a));
  }

  std::string out = "digraph peer {\n";
  out += kHeader;
  std::string verdict_line = verdict.trusted ? "Java: trusted" : "Java: untrusted";
  if (!verdict.java_message.empty()) verdict_line += " (" + verdict.java_message + ")";
  out += "  label=" + dot_quote(verdict_line) + ";\n  labelloc=t;\n";

  // The chain as sent, numbered; a certificate sent twice keeps its first number.
  std::vector<std::string> sent_ids;
  std::set<std::string> sent_set;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (!chain[i]) continue;
    Node& node = g.cert(chain[i]);
    if (sent_set.insert(node.id).second) {
      node.label.insert(node.label.begin(), "sent #" + std::to_string(i + 1));
      sent_ids.push_back(node.id);
    }
  }

  // The path Java built.
  std::vector<std::string> path_ids;
  for (const CertPtr& cert : verdict.path) {
    if (!cert) continue;
    Node& node = g.cert(cert);
    if (anchor_keys.count(cert_key(*cert))) {
      if (!node.trusted) node.label.push_back("trust anchor");
      node.trusted = true;
    }
    path_ids.push_back(node.id);
  }
  for (std::size_t i = 0; i + 1 < path_ids.size(); ++i) {
    if (path_ids[i] != path_ids[i + 1]) {
      g.edge(path_ids[i], path_ids[i + 1], "penwidth=2.5, color=black");
    }
  }

  // How the sent certificates chain by name where Java did not go.
  for (const CertPtr& child : chain) {
    if (!child || child->self_issued()) continue;
    for (const CertPtr& issuer : chain) {
      if (!issuer || issuer->subject != child->issuer || issuer == child) continue;
      const std::string from = g.cert(child).id;
      const std::string to = g.cert(issuer).id;
      if (from != to && !g.has_edge(from, to)) g.edge(from, to, "color=gray50");
      break;
    }
  }

  // What Java looked for and could not find.
  for (const Finding& f : verdict.findings) {
    if (f.code != "MISSING_INTERMEDIATE") continue;
    const std::string* issuer = nullptr;
    for (const auto& [k, v] : f.details) {
      if (k == "issuer") issuer = &v;
    }
    if (!issuer) continue;
    const std::string missing = g.missing(*issuer).id;
    CertPtr child;
    for (const CertPtr& c : verdict.path) {
      if (c && c->issuer == *issuer) child = c;
    }
    for (std::size_t i = 0; !child && i < chain.size(); ++i) {
      if (chain[i] && chain[i]->issuer == *issuer) child = chain[i];
    }
    if (child) g.edge(g.cert(child).id, missing, "style=dashed, color=" + std::string(kRed));
  }

  if (!sent_ids.empty()) {
    out += "  subgraph cluster_sent {\n    label=\"sent by the peer\";\n    style=dashed;\n";
    g.write_nodes(out, sent_ids, "    ");
    out += "  }\n";
  }
  g.write_nodes_except(out, sent_set);
  g.write_edges(out);
  out += "}\n";
  return out;
}

}  // namespace ksdoctor::report
