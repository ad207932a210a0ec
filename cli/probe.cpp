// `ksdoctor probe HOST[:PORT]`: connect to an MTA over SMTP STARTTLS (or implicit TLS) and say
// whether DLP's Java 17 client would handshake with it and trust it.
#include "ksdoctor/probe.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/atomic_write.hpp"
#include "ksdoctor/error.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/probe_report.hpp"
#include "ksdoctor/sources.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor::cli {
namespace {

struct ProbeCliOptions {
  CommonOptions common;
  std::string target;
  std::string starttls;
  std::string keystore;
  std::string as_server;
  std::vector<std::string> trust;
  std::string servername;
  std::string ehlo = "ksdoctor.invalid";
  double timeout = 10;
  std::string save_chain;
  bool no_enumerate = false;
};

ServerKeyType key_type(const Certificate& cert) {
  if (cert.key.algorithm == "RSA" || cert.key.algorithm == "RSASSA-PSS") return ServerKeyType::kRsa;
  if (cert.key.algorithm == "EC") return ServerKeyType::kEc;
  if (cert.key.algorithm == "DSA") return ServerKeyType::kDsa;
  return ServerKeyType::kOther;
}

}  // namespace

Runner register_probe(CLI::App& app) {
  auto o = std::make_shared<ProbeCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "probe", "connect to an MTA (SMTP STARTTLS) and predict Java's handshake and trust verdict");
  cmd->add_option("HOST[:PORT]", o->target, "the MTA: name or address, port 25 unless given")
      ->required();
  cmd->add_option("--starttls", o->starttls,
                  "smtp (default; on 465: none) or none for implicit TLS")
      ->check(CLI::IsMember({"smtp", "none"}));
  cmd->add_option("--keystore", o->keystore,
                  "the truststore DLP's JVM uses (prevent.ks): judge the served chain with it");
  cmd->add_option("--trust", o->trust,
                  "more certificates (file, folder, keystore, 'system'): with --keystore, "
                  "candidates to import; without, the truststore itself");
  cmd->add_option("--as-server", o->as_server,
                  "prevent.ks: could an MTA offering what this server accepts handshake with "
                  "DLP's Java server holding this keystore's key entries");
  cmd->add_option("--servername", o->servername, "SNI to send (default: HOST when a name)");
  cmd->add_option("--ehlo", o->ehlo, "name to send in EHLO")->capture_default_str();
  cmd->add_option("--timeout", o->timeout, "seconds per step (connect, each reply, handshake)")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  cmd->add_option("--save-chain", o->save_chain, "write the chain as served to FILE (PEM)");
  cmd->add_flag("--no-enumerate", o->no_enumerate,
                "skip enumerating the server's protocols, cipher suites and groups");
  add_format_option(*cmd, o->common);
  add_type_option(*cmd, o->common);
  add_password_options(*cmd, o->common);
  add_time_options(*cmd, o->common);
  return [o]() {
    ProbeOptions options;
    HostPort target = parse_host_port(o->target, 25);
    options.host = target.host;
    options.port = target.port;
    if (o->starttls.empty()) {
      options.starttls = options.port == 465 ? StartTls::kNone : StartTls::kSmtp;
    } else {
      options.starttls = o->starttls == "none" ? StartTls::kNone : StartTls::kSmtp;
    }
    options.server_name = o->servername;
    options.ehlo_name = o->ehlo;
    options.step_timeout = std::chrono::milliseconds(static_cast<long long>(o->timeout * 1000));
    options.enumerate = !o->no_enumerate;

    // Everything local is read before the network is touched: a bad password fails fast.
    JudgeOptions judge;
    judge.now = resolve_now(o->common);
    Password storepass;
    bool need_password = !o->keystore.empty() || !o->as_server.empty();
    if (need_password) {
      storepass = resolve_storepass(o->common, o->keystore.empty() ? o->as_server : o->keystore);
    }
    TrustSources sources;
    if (!o->trust.empty()) sources = load_trust_sources(o->trust, storepass);
    if (!o->keystore.empty()) {
      Keystore store =
          read_keystore(FileBuffer::read(o->keystore), storepass, forced_type(o->common));
      judge.truststore_given = true;
      judge.anchors = java_trust_anchors(store);
      judge.suggestions = &sources.pool;
    } else if (!o->trust.empty()) {
      judge.truststore_given = true;
      judge.anchors = sources.pool.all();
    }
    if (!o->as_server.empty()) {
      Keystore store =
          read_keystore(FileBuffer::read(o->as_server), storepass, forced_type(o->common));
      std::vector<ServerKeyType> keys;
      for (const Entry& e : store.entries) {
        if (e.kind == EntryKind::kPrivateKey && !e.chain.empty())
          keys.push_back(key_type(*e.chain[0]));
      }
      judge.server_keys = std::move(keys);
    }

    ProbeResult result = probe_server(options);
    ProbeJudgement judgement = judge_probe(result, judge);
    if (!o->save_chain.empty() && !result.chain_der.empty()) {
      std::string pem = report::chain_pem(result);
      AtomicWriteOptions write;
      write.mode = 0644;  // certificates are public
      write_file_atomically(o->save_chain,
                            ByteView(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()),
                            write);
    }
    if (output_format(o->common) == OutputFormat::kJson) {
      std::cout << report::probe_json(result, judgement).dump(2) << "\n";
    } else {
      std::cout << report::probe_text(result, judgement);
    }
    return probe_ok(judgement) ? 0 : 1;
  };
}

}  // namespace ksdoctor::cli
