// The JSON of `inspect` and the certificate and finding objects every report embeds, each shape
// described once (json_shapes.hpp): streamed for the CLI, built as nlohmann::ordered_json for
// everyone else.
#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "json_shapes.hpp"
#include "ksdoctor/report.hpp"

namespace ksdoctor::report {

namespace detail {

template <class Out>
void write_certificate(Out& w, const Certificate& cert) {
  w.open('{');
  w.key("subject");
  w.string(cert.subject);
  w.key("issuer");
  w.string(cert.issuer);
  w.key("serial");
  w.ascii(cert.serial_hex);  // hex (serial_to_hex)
  w.key("not_before");
  w.time(cert.not_before);
  w.key("not_after");
  w.time(cert.not_after);
  w.key("sha256");
  w.ascii(cert.sha256);  // hex
  w.key("sha1");
  w.ascii(cert.sha1);
  // Names from the OID tables, or dotted OIDs.
  w.key("key");
  if (!w.dry()) w.ascii(cert.key.describe());
  w.key("signature_algorithm");
  w.ascii(cert.signature_algorithm);
  w.key("is_ca");
  w.boolean(cert.is_ca);
  w.key("self_signed");
  w.boolean(cert.self_issued());
  w.key("version");
  w.number(cert.version);
  if (!cert.subject_key_id.empty()) {
    w.key("subject_key_id");
    w.hex(cert.subject_key_id);
  }
  if (!cert.authority_key_id.empty()) {
    w.key("authority_key_id");
    w.hex(cert.authority_key_id);
  }
  if (!cert.ca_issuers.empty()) {
    w.key("ca_issuers");
    w.open('[');
    for (const std::string& uri : cert.ca_issuers) {
      w.element();
      w.string(uri);
    }
    w.close(']');
  }
  w.close('}');
}

template <class Out>
void write_finding(Out& w, const Finding& f) {
  std::vector<std::pair<std::string_view, std::string_view>> members;
  members.reserve(5 + f.details.size());
  members.emplace_back("code", f.code);
  members.emplace_back("severity", severity_name(f.severity));
  if (f.alias) members.emplace_back("alias", *f.alias);
  members.emplace_back("message", f.message);
  members.emplace_back("remedy", f.remedy);
  for (const auto& [key, value] : f.details) {
    // clang 14 cannot capture a structured binding: name it.
    const std::string& name = key;
    auto it = std::find_if(members.begin(), members.end(),
                           [&name](const auto& m) { return m.first == name; });
    if (it != members.end()) {
      it->second = value;
    } else {
      members.emplace_back(key, value);
    }
  }
  w.open('{');
  for (const auto& [key, value] : members) {
    w.key(key);
    w.string(value);
  }
  w.close('}');
}

template <class Out>
void write_key_managers(Out& w, const KeyManagerPrediction& p) {
  auto alias_or_null = [&w](const std::optional<std::string>& alias) {
    if (alias) {
      w.string(*alias);
    } else {
      w.null();
    }
  };
  w.open('{');
  w.key("sunx509_init_fails");
  w.boolean(p.sunx509_init_fails);
  w.key("unrecoverable_aliases");
  w.open('[');
  for (const std::string& alias : p.unrecoverable_aliases) {
    w.element();
    w.string(alias);
  }
  w.close(']');
  w.key("by_key_type");
  w.open('[');
  for (const PresentedAlias& t : p.by_key_type) {
    w.element();
    w.open('{');
    w.key("key_type");
    w.string(t.key_type);
    w.key("sunx509");
    alias_or_null(t.sunx509);
    w.key("pkix");
    alias_or_null(t.pkix);
    if (t.sunx509_undetermined) {
      w.key("sunx509_undetermined");
      w.boolean(true);
    }
    w.key("candidates");
    w.open('[');
    for (const KeyManagerCandidate& c : t.candidates) {
      w.element();
      w.open('{');
      w.key("alias");
      w.string(c.alias);
      w.key("fitness");
      w.ascii(key_entry_fitness_name(c.fitness));
      w.key("key_recovers");
      w.boolean(c.key_recovers);
      w.key("algorithms_allowed");
      w.boolean(c.algorithms_allowed);
      w.close('}');
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.close('}');
}

template void write_certificate(JsonWriter&, const Certificate&);
template void write_certificate(JsonBuilder&, const Certificate&);
template void write_finding(JsonWriter&, const Finding&);
template void write_finding(JsonBuilder&, const Finding&);
template void write_key_managers(JsonWriter&, const KeyManagerPrediction&);
template void write_key_managers(JsonBuilder&, const KeyManagerPrediction&);

}  // namespace detail

namespace {

// The `inspect` document; calls `flush` after each entry, hidden certificate and finding.
template <class Out, class Flush>
void write_inspect(Out& w, const std::string& file, const InspectResult& result, Flush flush) {
  const Keystore& store = result.store;
  w.open('{');
  w.key("file");
  w.string(file);
  w.key("format");
  w.ascii(format_name(store.format));
  w.key("version");
  w.number(store.version);
  w.key("integrity");
  w.ascii(integrity_name(store.integrity));
  if (store.protection) {
    const Pkcs12Protection& p = *store.protection;
    w.key("protection");
    w.open('{');
    w.key("cert_algorithm");
    w.string(p.cert_algorithm);
    w.key("cert_iterations");
    w.number(p.cert_iterations);
    w.key("key_algorithm");
    w.string(p.key_algorithm);
    w.key("key_iterations");
    w.number(p.key_iterations);
    w.key("mac_algorithm");
    w.string(p.mac_algorithm);
    w.key("mac_iterations");
    w.number(p.mac_iterations);
    w.close('}');
  }
  w.key("entries");
  w.open('[');
  for (std::size_t i = 0; i < store.entries.size(); ++i) {
    const Entry& e = store.entries[i];
    w.element();
    w.open('{');
    w.key("alias");
    w.string(e.alias);
    w.key("kind");
    w.ascii(kind_name(e.kind));
    w.key("created");
    if (e.created_ms) {
      w.time_ms(*e.created_ms);
    } else {
      w.null();
    }
    w.key("lookupable");
    w.boolean(store.lookupable(e));
    if (e.key) {
      const KeyReport& k = result.keys[i];
      w.key("key");
      w.open('{');
      w.key("protection");
      w.string(e.key->algorithm);
      if (e.key->iterations) {
        w.key("iterations");
        w.number(e.key->iterations);
      }
      w.key("status");
      w.ascii(key_check_name(k.status));
      if (!k.algorithm.empty()) {
        w.key("algorithm");
        w.string(k.algorithm);
      }
      if (k.matches_chain) {
        w.key("matches_certificate");
        w.boolean(*k.matches_chain);
      }
      w.close('}');
    }
    w.key("chain");
    w.open('[');
    for (const CertPtr& c : e.chain) {
      w.element();
      detail::write_certificate(w, *c);
    }
    w.close(']');
    w.close('}');
    flush();
  }
  w.close(']');
  w.key("hidden_certificates");
  w.open('[');
  for (const CertPtr& c : store.hidden_certificates) {
    w.element();
    detail::write_certificate(w, *c);
    flush();
  }
  w.close(']');
  if (result.key_managers && result.key_managers->ambiguous()) {
    w.key("key_managers");
    detail::write_key_managers(w, *result.key_managers);
  }
  w.key("findings");
  w.open('[');
  for (const Finding& f : result.findings) {
    w.element();
    detail::write_finding(w, f);
    flush();
  }
  w.close(']');
  w.close('}');
  flush();
}

}  // namespace

nlohmann::ordered_json certificate_json(const Certificate& cert) {
  detail::JsonBuilder builder;
  detail::write_certificate(builder, cert);
  return builder.take();
}

nlohmann::ordered_json certificates_json(const std::vector<CertPtr>& chain) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const CertPtr& c : chain) out.push_back(certificate_json(*c));
  return out;
}

nlohmann::ordered_json finding_json(const Finding& finding) {
  detail::JsonBuilder builder;
  detail::write_finding(builder, finding);
  return builder.take();
}

nlohmann::ordered_json inspect_json(const std::string& file, const InspectResult& result) {
  return detail::build([&](auto& w, auto flush) { write_inspect(w, file, result, flush); });
}

void write_inspect_json(const std::string& file, const InspectResult& result,
                        const std::function<void(std::string_view)>& sink) {
  detail::write_streamed([&](auto& w, auto flush) { write_inspect(w, file, result, flush); }, sink,
                         "write_inspect_json differs from inspect_json().dump(2)");
}

}  // namespace ksdoctor::report
