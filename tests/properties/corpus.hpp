// Tricky .properties files for the differential test against java.util.Properties.load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ksdoctor::testing {

// `count` random files (bytes, ISO-8859-1) from a fixed seed: the same seed gives the same files
// on every machine (the generator uses its own PRNG, not <random>'s distributions, whose output
// differs between standard libraries).
std::vector<std::string> random_properties_corpus(std::uint64_t seed, int count);

// Hand-written edge cases: one per rule that a random mix could miss.
std::vector<std::string> edge_case_properties();

}  // namespace ksdoctor::testing
