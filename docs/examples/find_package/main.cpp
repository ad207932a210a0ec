// Inspect a Java keystore and verify its key entries' chains through ksdoctor's public headers
// only, as a deployment tool would. The store password comes from the environment variable
// KEYSTORE_PASSWORD (never the command line).
//
//   KEYSTORE_PASSWORD=... keystore_check KEYSTORE [CA.pem ...]
//
// Prints one line per entry, then one per key entry's chain verdict, then the findings' codes.
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "ksdoctor/chains.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/sources.hpp"
#include "ksdoctor/trust.hpp"

int main(int argc, char** argv) {
  using namespace ksdoctor;
  if (argc < 2) {
    std::cerr << "usage: KEYSTORE_PASSWORD=... keystore_check KEYSTORE [CA.pem ...]\n";
    return 2;
  }
  const char* secret = std::getenv("KEYSTORE_PASSWORD");
  Password password = secret ? Password::of(secret) : Password();
  // The library never reads the clock: validity is judged at the time it is given.
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  try {
    InspectOptions inspect;
    inspect.storepass = password;
    inspect.now = now;
    InspectResult result = inspect_keystore(read_file(argv[1]), inspect);
    std::cout << "format " << format_name(result.store.format) << "\n";
    for (const Entry& e : result.store.entries) {
      std::cout << "entry " << e.alias << " " << kind_name(e.kind) << " chain " << e.chain.size()
                << "\n";
    }

    CertPool trust;
    for (int i = 2; i < argc; ++i) {
      for (SourcedCertificate& c : load_trust_source(argv[i], Password()).certificates) {
        trust.add(std::move(c.cert), c.origin);
      }
    }
    KeystoreVerifyOptions options;
    options.now = now;
    KeystoreVerifyReport verify = verify_keystore(result.store, trust, options);
    for (const EntryChainReport& e : verify.entries) {
      std::cout << "chain " << e.alias << " reaches_root " << e.reaches_root << " root_trusted "
                << e.root_trusted << " complete " << e.complete << "\n";
    }
    for (const Finding& f : verify.findings) std::cout << "finding " << f.code << "\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "keystore_check: " << e.what() << "\n";
    return 2;
  }
}
