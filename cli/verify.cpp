// `ksdoctor verify KEYSTORE --peer CHAIN.pem`: Java's verdict on a peer's certificate chain.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "ksdoctor/fileio.hpp"
#include "ksdoctor/formats.hpp"
#include "ksdoctor/pem.hpp"
#include "ksdoctor/report.hpp"
#include "ksdoctor/trust.hpp"

namespace ksdoctor::cli {

Runner register_verify(CLI::App& app) {
  auto opts = std::make_shared<CommonOptions>();
  auto path = std::make_shared<std::string>();
  auto peer = std::make_shared<std::string>();
  auto trust = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd =
      app.add_subcommand("verify", "predict Java's verdict on a peer's certificate chain");
  cmd->add_option("KEYSTORE", *path, "the truststore Java uses (e.g. prevent.ks)")->required();
  cmd->add_option("--peer", *peer, "the chain the peer presents (PEM/DER, leaf first)")->required();
  cmd->add_option("--trust", *trust, "PEM/DER files whose CA certificates could be imported");
  add_format_option(*cmd, *opts);
  add_type_option(*cmd, *opts);
  add_password_options(*cmd, *opts);
  add_time_options(*cmd, *opts);
  return [opts, path, peer, trust]() {
    Password storepass = resolve_storepass(*opts, *path);
    Keystore store = read_keystore(read_file(*path), storepass, forced_type(*opts));
    std::vector<CertPtr> chain = read_certificates(read_file(*peer));
    CertPool pool;
    for (const std::string& src : *trust) {
      for (CertPtr& c : read_certificates(read_file(src))) pool.add(std::move(c));
    }
    PeerCheckOptions options;
    options.now = resolve_now(*opts);
    PeerVerdict v = verify_peer(chain, java_trust_anchors(store), pool, options);
    if (output_format(*opts) == OutputFormat::kJson) {
      nlohmann::ordered_json j;
      j["verdict"] = v.trusted ? "trusted" : "untrusted";
      j["java_message"] = v.java_message;
      nlohmann::ordered_json path_json = nlohmann::ordered_json::array();
      for (const CertPtr& c : v.path) path_json.push_back(report::certificate_json(*c));
      j["path"] = path_json;
      nlohmann::ordered_json findings = nlohmann::ordered_json::array();
      for (const Finding& f : v.findings) findings.push_back(report::finding_json(f));
      j["findings"] = findings;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "peer " << chain[0]->subject << "\n";
      std::cout << (v.trusted ? "✔ trusted by Java" : "✘ Java rejects it: " + v.java_message)
                << "\n";
      std::string indent = "  ";
      for (std::size_t i = 0; i < v.path.size(); ++i) {
        std::cout << indent << (i ? "└─ " : "") << v.path[i]->subject
                  << (i + 1 == v.path.size() ? "  (trust anchor)" : "") << "\n";
        if (i) indent += "   ";
      }
      std::cout << "\n" << report::findings_text(v.findings);
    }
    return v.trusted ? 0 : 1;
  };
}

}  // namespace ksdoctor::cli
