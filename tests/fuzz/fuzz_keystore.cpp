// libFuzzer target: arbitrary bytes as a keystore. The library must return or throw
// ksdoctor::Error; any other exception, crash, sanitizer report, leak or timeout is a bug.
//
//   make fuzz
//   build-fuzz/tests/fuzz/fuzz_keystore -max_total_time=60 -dict=tests/fuzz/keystore.dict \
//       build-fuzz/corpus fixtures/jks fixtures/jceks fixtures/demo fixtures/bks
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "ksdoctor/error.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/inspect.hpp"
#include "ksdoctor/report.hpp"

namespace {

// For JCEKS a non-ASCII key password is rejected ("Password is not ASCII") after the protected
// key or sealed object has been parsed but before 200 000 MD5 rounds, which keeps executions
// fast; JKS keys are recovered with the real password so the PKCS#8 and key-match code runs too.
const char* const kPassword = "changeit";
const char* const kNonAsciiPassword = "\xC3\xA9t\xC3\xA9";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ksdoctor;
  const ByteView bytes(data, size);

  try {
    (void)read_keystore(bytes, Password::of(kPassword));
  } catch (const Error&) {
  }
  try {
    (void)read_keystore(bytes, Password());
  } catch (const Error&) {
  }

  // Java's null store password (no digest check, so mutated stores open) with a key password:
  // every key entry goes through key recovery, every certificate through the linter, and the
  // result through both renderers, as `ksdoctor inspect` does.
  InspectOptions options;
  options.now = 1893456000;  // 2030-01-01T00:00:00Z
  std::optional<StoreFormat> format = detect_format(bytes);
  options.keypass = Password::of(format == StoreFormat::kJks ? kPassword : kNonAsciiPassword);
  try {
    InspectResult result = inspect_keystore(bytes, options);
    std::string json = report::inspect_json("fuzz", result).dump(2);
    std::string text = report::inspect_text("fuzz", result);
    (void)json;
    (void)text;
  } catch (const Error&) {
  }
  return 0;
}
