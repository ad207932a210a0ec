// Parsing the certificates of a whole store at once (internal to the library: the keystore readers
// use it). Most of the time parsing a 5 000-entry truststore goes to the SHA-256 and SHA-1
// fingerprints and to formatting the issuer and subject names, so while one thread parses, a
// second computes those for the certificates ahead of it (from 64 certificates on).
#pragma once

#include <span>
#include <vector>

#include "ksdoctor/x509.hpp"

namespace ksdoctor {

// parse_certificate for each DER in order (each copied into its Certificate). Throws what
// parse_certificate throws for the first certificate that fails, and parses none after it.
std::vector<CertPtr> parse_certificates(std::span<const ByteView> ders);

}  // namespace ksdoctor
