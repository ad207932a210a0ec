// Which code a logged failure reason names, and which protocol/cipher pairs JDK 17 disables.
#pragma once

#include <optional>
#include <string_view>

#include "ksdoctor/logs.hpp"

namespace ksdoctor::logs {

// The code a reason names, whichever record logs it (5208 or its 5201/5202/5203 echo).
std::optional<Code> classify_reason(std::string_view reason, Side side);

// JDK 17 disables TLSv1 and TLSv1.1 (jdk.tls.disabledAlgorithms) and these cipher families.
bool legacy_tls(std::string_view protocol, std::string_view cipher);

}  // namespace ksdoctor::logs
