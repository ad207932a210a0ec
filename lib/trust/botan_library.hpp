// Botan 2's shared library, loaded at run time (never linked: see crosscheck.cpp) by the
// cross-check and by the version query.
#pragma once

#include <optional>

#include "platform/platform.hpp"

namespace ksdoctor::botan {

// The loaded library, once per process; nullopt when it is not installed or this build has no
// cross-check (KSDOCTOR_HAVE_BOTAN=0).
std::optional<platform::SharedLibrary> library();

}  // namespace ksdoctor::botan
