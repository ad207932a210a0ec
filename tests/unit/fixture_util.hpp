#pragma once

#include <string>

#include "ksdoctor/fileio.hpp"

inline std::string fixture_path(const std::string& relative) {
  return std::string(KSDOCTOR_SOURCE_DIR) + "/fixtures/" + relative;
}

inline ksdoctor::Bytes fixture(const std::string& relative) {
  return ksdoctor::read_file(fixture_path(relative));
}
