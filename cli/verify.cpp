// `ksdoctor verify KEYSTORE [--peer CHAIN.pem] [--trust SRC]...`: every key entry's chain rebuilt
// and checked, or Java's verdict on a peer's certificate chain.
#include <exception>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/chains.hpp"
#include "ksdoctor/crosscheck.hpp"
#include "ksdoctor/dot.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/origin_text.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/sources.hpp"
#include "ksdoctor/system.hpp"
#include "ksdoctor/trust.hpp"
#include "ksdoctor/verify_report.hpp"

namespace ksdoctor::cli {
namespace {

// verify names the sources its user gave as they were given: "--trust FILE".
constexpr const char* kVerifySourceOption = "--trust";

struct VerifyOptions {
  CommonOptions common;
  std::string keystore;
  std::string peer;
  std::vector<std::string> trust;
  bool cross_check = false;
  bool dot = false;
  Password keypass;  // what the server's KeyManagerFactory gets: --keypass, else the store's
};

int verify_peer_chain(const VerifyOptions& o, const Keystore& store, const CertPool& pool,
                      std::vector<Finding> notes) {
  std::vector<CertPtr> chain = read_certificates(read_file(o.peer));
  std::vector<CertPtr> anchors = java_trust_anchors(store);
  PeerCheckOptions options;
  options.now = resolve_now(o.common);
  PeerVerdict v = verify_peer(chain, anchors, pool, options);
  if (o.cross_check) {
    CrossCheck check = cross_check_peer(chain, anchors, v.trusted, options.now);
    if (!check.agrees) notes.push_back(cross_check_finding(check, chain[0]->subject));
  }
  if (o.dot) {
    std::cout << report::peer_dot(chain, v, anchors);
  } else if (output_format(o.common) == OutputFormat::kJson) {
    std::cout << report::peer_verify_json(v, notes).dump(2) << "\n";
  } else {
    std::cout << report::peer_verify_text(chain, v, notes, text_marks());
  }
  return v.trusted && !has_errors(notes) ? 0 : 1;
}

int verify_chains(const VerifyOptions& o, const Keystore& store, const CertPool& pool,
                  std::vector<Finding> notes) {
  KeystoreVerifyOptions options;
  options.now = resolve_now(o.common);
  options.name_origin = report::origin_namer(kVerifySourceOption);
  options.keypass = o.keypass;
  KeystoreVerifyReport report = verify_keystore(store, pool, options);
  if (o.cross_check) {
    for (const EntryChainReport& e : report.entries) {
      CrossCheck check = cross_check_entry(e, e.reaches_root && !e.java_problem, options.now);
      if (check.agrees) continue;
      notes.push_back(cross_check_finding(check, e.stored[0]->subject));
      notes.back().alias = e.alias;
    }
  }
  if (o.dot) {
    std::cout << report::keystore_chains_dot(report, options.name_origin);
  } else if (output_format(o.common) == OutputFormat::kJson) {
    report::write_keystore_verify_json(
        o.keystore, report, notes,
        [](std::string_view piece) {
          std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
        },
        options.name_origin);
    std::cout << "\n";
  } else {
    std::cout << report::keystore_verify_text(o.keystore, report, notes, options.name_origin,
                                              text_marks());
  }
  return has_errors(report.findings) || has_errors(notes) ? 1 : 0;
}

}  // namespace

Runner register_verify(CLI::App& app) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "rebuild every key entry's chain, or predict Java's verdict on a peer's chain");
  cmd->add_option("KEYSTORE", o->keystore, "the keystore Java uses (e.g. prevent.ks)")->required();
  cmd->add_option("--peer", o->peer,
                  "the chain a peer presents (PEM/DER, leaf first): say whether Java trusts it");
  cmd->add_option("--trust", o->trust,
                  "more certificates: a PEM/DER file, a folder, a keystore, or 'system'");
  cmd->add_flag("--cross-check", o->cross_check,
                crosscheck_available()
                    ? "also validate with Botan (like OpenSSL-based MTAs) and report disagreements"
                    : "unavailable: this build of ksdoctor has no Botan");
  cmd->add_option("--format", o->common.format, "output format")
      ->check(CLI::IsMember({"text", "json", "dot"}))
      ->capture_default_str();
  add_type_option(*cmd, o->common);
  add_password_options(*cmd, o->common);
  add_time_options(*cmd, o->common);
  return [o]() {
    if (o->cross_check && !crosscheck_available()) {
      throw UsageError("USAGE",
                       "--cross-check is not available: this build of ksdoctor has no Botan");
    }
    // Verifying thousands of chains allocates in many small steps: growing the heap in large
    // strides and never trimming it saves about a tenth of the run time in page faults and brk.
    platform::tune_process_heap();
    o->dot = o->common.format == "dot";
    Password storepass = resolve_storepass(o->common, o->keystore);
    std::optional<Password> keypass = resolve_keypass(o->common);
    o->keypass = keypass ? *keypass : storepass;
    // The --trust sources (thousands of files, often) load while the keystore is read. A plain
    // thread joined here rather than std::async: in the MinGW build (winpthreads) the async
    // state's join corrupted the heap under Wine (verify --trust crashed).
    TrustSources loaded;
    std::exception_ptr load_error;
    std::thread loader;
    if (!o->trust.empty()) {
      loader = std::thread([&] {
        try {
          loaded = load_trust_sources(o->trust, storepass);
        } catch (...) {
          load_error = std::current_exception();
        }
      });
    }
    Keystore store;
    try {
      store = read_keystore(FileBuffer::read(o->keystore), storepass, forced_type(o->common));
    } catch (...) {
      if (loader.joinable()) loader.join();
      throw;
    }
    if (loader.joinable()) loader.join();
    if (load_error) std::rethrow_exception(load_error);
    auto [pool, notes] = std::move(loaded);
    return o->peer.empty() ? verify_chains(*o, store, pool, std::move(notes))
                           : verify_peer_chain(*o, store, pool, std::move(notes));
  };
}

}  // namespace ksdoctor::cli
