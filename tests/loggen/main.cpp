// ksdoctor-loggen: writes generated DLP SMTP logs (tests/loggen/loggen.hpp) for the `logs`
// benchmark, and prints what a correct reader must find as JSON.
//
//   ksdoctor-loggen DIR [--bytes N] [--relays N] [--seed S] [--rotations N] [--jul] [--garbage P]
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "loggen.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ksdoctor-loggen DIR [--bytes N] [--relays N] [--seed S] [--rotations N] "
                 "[--jul] [--garbage P]\n";
    return 2;
  }
  loggen::Options o;
  std::string dir = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "ksdoctor-loggen: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--bytes") {
      o.max_bytes = std::stoull(value());
    } else if (a == "--relays") {
      o.relays = std::stoull(value());
    } else if (a == "--seed") {
      o.seed = std::stoull(value());
    } else if (a == "--rotations") {
      o.rotations = std::stoi(value());
    } else if (a == "--garbage") {
      o.garbage = std::stod(value());
    } else if (a == "--jul") {
      o.jul = true;
    } else {
      std::cerr << "ksdoctor-loggen: unknown option " << a << "\n";
      return 2;
    }
  }
  loggen::Expected e;
  try {
    e = loggen::generate(dir, o);
  } catch (const std::exception& ex) {
    std::cerr << "ksdoctor-loggen: " << ex.what() << "\n";
    return 2;
  }
  nlohmann::ordered_json j;
  j["files"] = e.files;
  j["operational_bytes"] = e.op_bytes;
  j["relays"] = e.relays;
  j["malformed_lines"] = e.malformed_lines;
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const auto& [k, n] : e.counts) counts[k.code + " " + k.side] = n;
  j["counts"] = counts;
  std::cout << j.dump(2) << "\n";
  return 0;
}
