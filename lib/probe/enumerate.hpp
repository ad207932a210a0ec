// Which protocols, suites and groups a server accepts: one short handshake per candidate. Each
// protocol is enumerated on its own thread; within one, the server picks from what is still
// offered, its pick is taken out, and the next handshake offers the rest, so the suites come out
// in the server's order of preference and the count of handshakes is what it accepts plus one.
#pragma once

#include "ksdoctor/probe.hpp"

namespace ksdoctor::probe {

// `options.server_name` is the SNI to send. Bounded by options.enumeration_budget.
Enumeration enumerate(const ProbeOptions& options);

}  // namespace ksdoctor::probe
