// The JSON shapes that `inspect` and `verify` stream, each described once as a sequence of writer
// calls. `Out` is JsonWriter (the text, in pieces, for the CLI: a 5 000-entry store's document
// tree would cost ≈ 7× the instructions and 30 MB) or JsonBuilder (the nlohmann document, for
// library callers and the small reports that embed these shapes). Internal to the report library.
#pragma once

#include <functional>
#include <stdexcept>
#include <string_view>

#include "json_builder.hpp"
#include "json_writer.hpp"
#include "ksdoctor/findings.hpp"
#include "ksdoctor/key_managers.hpp"
#include "ksdoctor/x509.hpp"

namespace ksdoctor::report::detail {

// A certificate object (docs/json.md).
template <class Out>
void write_certificate(Out& out, const Certificate& cert);
// A finding object: code, severity, alias?, message, remedy, then the details, a detail named
// like an earlier member replacing its value in place.
template <class Out>
void write_finding(Out& out, const Finding& finding);

// The "key_managers" object: which key entry SunX509 and PKIX present (docs/json.md).
template <class Out>
void write_key_managers(Out& out, const KeyManagerPrediction& prediction);

extern template void write_certificate(JsonWriter&, const Certificate&);
extern template void write_certificate(JsonBuilder&, const Certificate&);
extern template void write_finding(JsonWriter&, const Finding&);
extern template void write_finding(JsonBuilder&, const Finding&);
extern template void write_key_managers(JsonWriter&, const KeyManagerPrediction&);
extern template void write_key_managers(JsonBuilder&, const KeyManagerPrediction&);

// The document `write(out, flush)` describes, as nlohmann::ordered_json.
template <class Write>
nlohmann::ordered_json build(const Write& write) {
  JsonBuilder builder;
  write(builder, [] {});
  return builder.take();
}

// Hands `sink` exactly what build(write).dump(2) is, in pieces of about 64 KiB, without building
// the document tree. `write(out, flush)` calls flush() wherever a piece may end (after each entry,
// finding). It runs twice: a dry pass first checks every string's UTF-8. When one is invalid
// (possible in a malformed certificate) nlohmann decides, before anything is written: `sink` is
// handed build(write).dump(2), so the call throws nlohmann::json::type_error as dump(2) does.
// Debug builds (and so the sanitizer test runs) build the document every run too and throw
// std::logic_error(mismatch) unless the two renderings agree.
template <class Write>
void write_streamed(const Write& write, const std::function<void(std::string_view)>& sink,
                    const char* mismatch) {
  JsonWriter dry(true);
  write(dry, [] {});
  if (!dry.valid()) {
    sink(build(write).dump(2));
    return;
  }
  JsonWriter w(false);
#ifdef NDEBUG
  (void)mismatch;
  constexpr std::size_t kPiece = 64 * 1024;
  write(w, [&] {
    if (w.written().size() >= kPiece) {
      sink(w.written());
      w.clear();
    }
  });
  sink(w.written());
#else
  write(w, [] {});
  if (w.written() != build(write).dump(2)) throw std::logic_error(mismatch);
  sink(w.written());
#endif
}

}  // namespace ksdoctor::report::detail
