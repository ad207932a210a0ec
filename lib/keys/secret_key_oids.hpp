// The names Java gives secret key algorithms in a PKCS#12 secretBag, both ways: the OID that
// AlgorithmId.get(key.getAlgorithm()) writes (PKCS12KeyStore.setKeyEntry) and the name
// AlgorithmId.getName() reads back (engineGetKey builds the SecretKeySpec from it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ksdoctor {

// JDK 17's AlgorithmId.getName for the secret-key OIDs it knows; the dotted OID otherwise.
std::string java_secret_key_name(std::string_view oid);

// JDK 17's AlgorithmId.get(name) (KnownOIDs.findMatch, then a dotted OID with or without "OID."),
// restricted to cipher, MAC and PBE names: the dotted OID, or nothing when Java could not map the
// name (NoSuchAlgorithmException) or it is not a secret key algorithm ksdoctor knows.
std::optional<std::string> java_secret_key_oid(std::string_view name);

}  // namespace ksdoctor
