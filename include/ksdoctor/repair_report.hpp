// Rendering `repair` results: the plan (every change with its reason), what happened to the
// files, and what is still wrong.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ksdoctor/findings.hpp"
#include "ksdoctor/marks.hpp"
#include "ksdoctor/repair.hpp"

namespace ksdoctor::report {

// What the command did with the plan.
struct RepairRun {
  std::string file;    // the keystore read
  std::string target;  // --out FILE or the keystore (--in-place); "" for none
  bool dry_run = false;
  bool written = false;                  // the target was replaced
  std::string backup;                    // the backup written, "" for none
  std::vector<std::string> peer_files;   // --peer arguments, in order
  std::vector<Finding> source_warnings;  // from loading the sources (load_trust_sources)
  OriginNamer name_origin;               // how changes name origins (empty: describe_origin)
  bool trust_intermediate = false;       // --trust-intermediate was given
  // The command that plans the pin a peer's verdict proposes, as the caller spells it; the report
  // prints it after "To pin it:" (empty: no command is given).
  std::string pin_command;
};

// One change in words: "add intermediate CN=... to the chain, from --from ca.pem".
std::string change_text(const RepairChange& change, const OriginNamer& name_origin);

// The JSON of one change ({"action", "alias", "certificate", "origin", "peer", "reason"}) and of
// one replaced chain ({"alias", "before", "after"}), shared by repair's and import's reports.
nlohmann::ordered_json change_json(const RepairChange& change, const OriginNamer& name_origin);
nlohmann::ordered_json chain_repair_json(const ChainRepair& chain);

// Findings: the plan's `remaining`, then the run's source warnings.
nlohmann::ordered_json repair_json(const RepairPlan& plan, const RepairRun& run);
std::string repair_text(const RepairPlan& plan, const RepairRun& run,
                        const Marks& marks = kUnicodeMarks);

}  // namespace ksdoctor::report
