// Graphviz (DOT) pictures of certificate chains, for people who would rather look than read:
// `ksdoctor verify ... --format dot | dot -Tsvg > chains.svg`.
//
// Nodes are certificates (one per distinct SHA-256), labelled with the subject's CN (the whole
// subject when there is none), the key and the notAfter date; edges point from a certificate to its
// issuer. Roots are double octagons, trusted roots and anchors green, missing issuers dashed red.
// The output is deterministic (nodes in order of first appearance) and every string is escaped, so
// any DN or alias renders as text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor::report {

// `text` as a DOT double-quoted string, quotes included: `"` and `\` are escaped, a newline
// becomes `\n` (a line break in labels), other control characters and invalid UTF-8 become
// U+FFFD. Safe in label and tooltip attributes (backslashes never start a Graphviz escape).
std::string dot_quote(std::string_view text);

// The certificate's common name; the whole subject when it has none.
std::string dot_display_name(const Certificate& cert);

// `verify KEYSTORE`: every key entry's rebuilt path in one digraph. A note per alias points at
// its leaf; each link is an edge child -> issuer, green "✔" when name and signature chain, red
// "✘ signature" when only the name does; a break is a dashed red "missing: <issuer DN>" node.
// Certificates that came from a source or another keystore entry carry their origin as tooltip,
// worded by `name_origin` (empty: describe_origin; `verify` passes origin_namer("--trust")).
std::string keystore_chains_dot(const KeystoreVerifyReport& report,
                                const OriginNamer& name_origin = {});

// `verify --peer`: the chain as sent (in a cluster, numbered in sent order), the path Java built
// (bold edges), the anchors on that path (green), and a dashed red node for every
// MISSING_INTERMEDIATE finding's issuer. The graph label is Java's verdict.
std::string peer_dot(const std::vector<CertPtr>& chain, const PeerVerdict& verdict,
                     const std::vector<CertPtr>& anchors);

}  // namespace ksdoctor::report
