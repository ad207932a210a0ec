// The certificate checks Java's PKIX implementation applies, shared by the validator and builder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor::pkix {

// jdk.certpath.disabledAlgorithms (JDK 17): the reason a key is refused, or empty.
std::string disabled_key_reason(const PublicKeyInfo& key);
bool signature_algorithm_disabled(const std::string& java_name);

// Is `cert` usable as a CA for a non-anchor position: cA with keyCertSign (when keyUsage exists).
bool acts_as_ca(const Certificate& cert);

// Validates `path` (target first; path.back() is issued by `anchor`) the way
// PKIXCertPathValidator does with that anchor. Returns the failed check with the
// CertPathValidatorException message, or nothing when the path is valid at `now`.
std::optional<PathProblem> validate(const std::vector<CertPtr>& path, const Certificate& anchor,
                                    std::int64_t now);

// EndEntityChecker for a TLS server (applied when the path has more than one certificate):
// keyUsage must allow digitalSignature, extendedKeyUsage must allow serverAuth.
std::optional<PathProblem> tls_server_leaf_problem(const Certificate& leaf);

// PKIXValidator's check of the anchor a path ends at: a v3 anchor must be a CA with keyCertSign.
// The ValidatorException message, or nothing.
std::optional<PathProblem> anchor_problem(const Certificate& anchor);

// A finding (code, remedy; message and detail "java_reason" quoting `java_message`) for a path
// Java refuses because `check` fails.
Finding explain(PathCheck check, const std::string& java_message);

// X500Principal.toString() style: "CN=a, O=b, C=US".
std::string principal_text(const std::string& rfc4514);

}  // namespace ksdoctor::pkix
