// How a program using ksdoctor sets up OpenSSL, once, before its first keystore or connection.
#pragma once

namespace ksdoctor {

// Java never reads OpenSSL's configuration file, so ksdoctor's verdicts must not depend on it
// either (a site's openssl.cnf may raise the security level or activate other providers). This
// initialises OpenSSL without the file and without registering every legacy cipher and digest
// name up front (algorithms are fetched by name when first used), which is also what a
// short-lived command pays least for. Call it first; later OpenSSL initialisation keeps it.
// A program embedding the library that wants its own OpenSSL configuration does not call it.
void use_openssl_without_config_file();

}  // namespace ksdoctor
