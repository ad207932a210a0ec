// The steps locate_keystore composes (lib/dlp/locate.cpp): what a file is, where the keystore
// must be, and what the files found mean for one install.
#pragma once

#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/locate.hpp"

namespace ksdoctor {

// A finding about install `in` (detail "install" = its label).
Finding install_finding(const std::string& code, Severity severity, const Install& in,
                        std::string message, std::string remedy);

// examine.cpp: what is at `path`, read and opened as Java opens it (role, found_as and install
// are left for the caller).
KeystoreFile examine(const std::string& path, const LocateOptions& options);

// configured_location.cpp: reads the install's properties and decides where the keystore must
// be; what is wrong with the properties goes to `findings`.
ConfiguredLocation configured_location(const Install& in, const LocateOptions& options,
                                       std::vector<Finding>& findings);

// judge.cpp: labels every file in r.found relative to r.install (where it sits, its role) and
// orders them: this install's folders first, then by path. `configured` holds every install's
// configured keystore, indexed as `all`.
void label_found_files(InstallReport& r, const std::vector<Install>& all,
                       const std::vector<KeystoreFile>& configured);

// judge.cpp: the findings about the configured keystore and its copies, and the best copy to
// put in place (after label_found_files).
void judge(InstallReport& r);

}  // namespace ksdoctor
