// libFuzzer target: arbitrary bytes as import's sources — a CA reply (PEM, DER, PKCS#7), a PEM
// private key (with and without a password) next to a certificate file, and a PFX. Each either
// yields its material or throws a ksdoctor::Error; nothing else may happen.
//
//   make fuzz && build-fuzz/tests/fuzz/fuzz_import_sources -max_total_time=60
#include <cstddef>
#include <cstdint>

#include "ksdoctor/error.hpp"
#include "ksdoctor/import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ksdoctor;
  ByteView bytes(data, size);
  try {
    read_cert_reply(bytes, "reply");
  } catch (const Error&) {
  }
  for (const Password& password : {Password(), Password::of("changeit")}) {
    try {
      read_pem_source(bytes, bytes, "certs", password);
    } catch (const Error&) {
    }
  }
  try {
    read_pkcs12_source(bytes, "source.p12", Password::of("changeit"), "");
  } catch (const Error&) {
  }
  return 0;
}
