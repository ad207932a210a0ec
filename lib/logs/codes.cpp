// The logs module's codes: their names, severities, and which a logged failure reason names.
#include <string_view>

#include "ksdoctor/logs.hpp"
#include "logs/classify.hpp"

namespace ksdoctor::logs {

const char* code_name(Code code) {
  switch (code) {
    case Code::kNoTlsNegotiated:
      return "NO_TLS_NEGOTIATED";
    case Code::kKeystoreNotLoaded:
      return "KEYSTORE_NOT_LOADED";
    case Code::kUpstreamLegacyTls:
      return "UPSTREAM_LEGACY_TLS";
    case Code::kSslEngineProblem:
      return "SSLENGINE_PROBLEM";
    case Code::kPeerChainUntrusted:
      return "PEER_CHAIN_UNTRUSTED";
    case Code::kNoCommonCipher:
      return "NO_COMMON_CIPHER";
    case Code::kTlsHandshakeFailed:
      return "TLS_HANDSHAKE_FAILED";
    case Code::kConnectionError:
      return "CONNECTION_ERROR";
    case Code::kUnauthorizedHost:
      return "UNAUTHORIZED_HOST";
    case Code::kLegacyTlsInUse:
      return "LEGACY_TLS_IN_USE";
  }
  return "CONNECTION_ERROR";
}

Severity code_severity(Code code) {
  switch (code) {
    case Code::kConnectionError:
    case Code::kUnauthorizedHost:
    case Code::kLegacyTlsInUse:
      return Severity::kWarning;
    default:
      return Severity::kError;
  }
}

bool Diagnosis::has_errors() const {
  for (const LogFinding& f : findings) {
    if (code_severity(f.code) == Severity::kError) return true;
  }
  return false;
}

std::optional<Code> classify_reason(std::string_view reason, Side side) {
  if (reason.find("PKIX path building failed") != std::string_view::npos ||
      reason.find("unable to find valid certification path") != std::string_view::npos) {
    return Code::kPeerChainUntrusted;
  }
  if (reason.find("no cipher suites in common") != std::string_view::npos) {
    return Code::kNoCommonCipher;
  }
  if (reason.find("General SSLEngine problem") != std::string_view::npos) {
    return Code::kSslEngineProblem;
  }
  if (side == Side::kUpstream &&
      reason.find("Received fatal alert: decode_error") != std::string_view::npos) {
    return Code::kUpstreamLegacyTls;
  }
  if (reason.starts_with("java.io.IOException: java.lang.NullPointerException")) {
    return Code::kKeystoreNotLoaded;
  }
  return std::nullopt;
}

bool legacy_tls(std::string_view protocol, std::string_view cipher) {
  if (protocol == "TLSv1" || protocol == "TLSv1.1" || protocol.starts_with("SSL")) return true;
  for (std::string_view bad :
       {"_RC4_", "3DES", "DESede", "_DES_", "_DES40_", "_NULL_", "_NULL", "_anon_", "_EXPORT"}) {
    if (cipher.find(bad) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace ksdoctor::logs
