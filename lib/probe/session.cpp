#include "probe/session.hpp"

#include <openssl/ssl.h>

#include <chrono>

#include "probe/smtp_reply.hpp"

namespace ksdoctor::probe {
namespace {

std::string seconds(std::chrono::milliseconds ms) {
  auto s = ms.count() / 1000;
  return s * 1000 == ms.count() ? std::to_string(s) + " s" : std::to_string(ms.count()) + " ms";
}

std::string where(const ProbeOptions& o) { return o.host + " port " + std::to_string(o.port); }

// A printable excerpt of what a non-SMTP peer sent.
std::string excerpt(const std::string& line) {
  std::string out;
  for (char c : line.substr(0, 60)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

ProbeError from_net(const net::NetError& e, const ProbeOptions& o, const std::string& step) {
  switch (e.kind()) {
    case net::NetErrorKind::kDnsFailure:
      return ProbeError(ProbeErrorKind::kDnsFailure, e.what());
    case net::NetErrorKind::kRefused:
      return ProbeError(ProbeErrorKind::kRefused,
                        "connection refused by " + where(o) + ": nothing listens there");
    case net::NetErrorKind::kUnreachable:
      return ProbeError(ProbeErrorKind::kUnreachable, std::string(e.what()));
    case net::NetErrorKind::kTimeout:
      return ProbeError(ProbeErrorKind::kTimeout, "timeout after " + seconds(o.step_timeout) +
                                                      " waiting for " + step + " from " + where(o));
    case net::NetErrorKind::kReset:
      return ProbeError(ProbeErrorKind::kReset,
                        "connection reset by " + where(o) + " during " + step);
    case net::NetErrorKind::kClosed:
      return ProbeError(ProbeErrorKind::kClosed,
                        "connection closed by " + where(o) + " during " + step);
    case net::NetErrorKind::kProtocol:
      return ProbeError(ProbeErrorKind::kNotSmtp,
                        where(o) + " does not speak SMTP: " + std::string(e.what()));
    case net::NetErrorKind::kTls:
    case net::NetErrorKind::kTlsVerify:
      break;
  }
  return ProbeError(ProbeErrorKind::kTlsFailed, "TLS with " + where(o) + ": " + e.what());
}

class Dialogue {
 public:
  Dialogue(net::Connection& c, const ProbeOptions& o) : c_(c), o_(o) {}

  SmtpReply read(const std::string& step) {
    ReplyAssembler reply;
    for (;;) {
      std::string line;
      try {
        line = c_.read_line(net::deadline_in(o_.step_timeout), 4096);
      } catch (const net::NetError& e) {
        throw from_net(e, o_, step);
      }
      switch (reply.add(line)) {
        case ReplyAssembler::Step::kDone:
          return reply.reply();
        case ReplyAssembler::Step::kMore:
          continue;
        case ReplyAssembler::Step::kNotSmtp:
          throw ProbeError(ProbeErrorKind::kNotSmtp, where(o_) + " does not speak SMTP: " + step +
                                                         " was \"" + excerpt(line) + "\"");
      }
    }
  }

  void send(const std::string& command, const std::string& step) {
    try {
      c_.write_line(command, net::deadline_in(o_.step_timeout));
    } catch (const net::NetError& e) {
      throw from_net(e, o_, step);
    }
  }

 private:
  net::Connection& c_;
  const ProbeOptions& o_;
};

std::string joined(const SmtpReply& r, const char* separator) {
  std::string out;
  for (const std::string& l : r.lines) {
    if (!out.empty()) out += separator;
    out += l;
  }
  return out;
}

std::string reply_text(const SmtpReply& r) { return std::to_string(r.code) + " " + joined(r, " "); }

}  // namespace

int protocol_version(const std::string& name) {
  if (name == "TLSv1") return TLS1_VERSION;
  if (name == "TLSv1.1") return TLS1_1_VERSION;
  if (name == "TLSv1.2") return TLS1_2_VERSION;
  if (name == "TLSv1.3") return TLS1_3_VERSION;
  return 0;
}

std::string openssl_group_name(const std::string& java_name) {
  if (java_name == "x25519") return "X25519";
  if (java_name == "x448") return "X448";
  if (java_name == "secp256r1") return "P-256";
  if (java_name == "secp384r1") return "P-384";
  if (java_name == "secp521r1") return "P-521";
  return java_name;  // ffdhe2048, ... are spelled alike
}

net::TlsOptions java_offer(const std::string& server_name) {
  const JavaTlsDefaults& java = java_tls_defaults();
  net::TlsOptions o;
  o.server_name = server_name;
  o.request_ocsp = true;  // Java's client asks for a staple by default (status_request)
  // Java refuses what its own constraints refuse; OpenSSL's level would refuse more (SHA-1
  // signatures in TLS 1.2, DH below 2048 bits) than Java does.
  o.security_level = 0;
  int low = 0, high = 0;
  for (const std::string& p : java.protocols) {
    int v = protocol_version(p);
    if (v == 0) continue;
    low = low == 0 ? v : std::min(low, v);
    high = std::max(high, v);
  }
  o.min_version = low;
  o.max_version = high;
  std::string legacy, modern;
  for (const std::string& s : java.suites) {
    if (s.starts_with("TLS_AES_") || s.starts_with("TLS_CHACHA20_")) {
      modern += (modern.empty() ? "" : ":") + s;
    } else if (std::string name = openssl_suite_name(s); !name.empty()) {
      legacy += (legacy.empty() ? "" : ":") + name;
    }
  }
  o.cipher_list = legacy.empty() ? "-ALL" : legacy;
  o.tls13_suites = modern;
  for (const std::string& g : java.groups) {
    o.groups += (o.groups.empty() ? "" : ":") + openssl_group_name(g);
  }
  return o;
}

net::TlsOptions full_offer(const std::string& server_name) {
  net::TlsOptions o;
  o.server_name = server_name;
  o.request_ocsp = true;
  o.security_level = 0;
  o.min_version = TLS1_VERSION;
  o.max_version = TLS1_3_VERSION;
  o.cipher_list = "ALL:COMPLEMENTOFALL";
  return o;
}

Attempt attempt(const ProbeOptions& o, const net::TlsOptions& offer) {
  net::ConnectOptions connect;
  connect.per_address = o.step_timeout;
  connect.overall = o.step_timeout;
  std::optional<net::Connection> c;
  try {
    c.emplace(net::Connection::open(o.host, o.port, connect));
  } catch (const net::NetError& e) {
    throw from_net(e, o, "the connection");
  }
  Attempt a;
  a.address = c->peer().address;
  if (o.starttls == StartTls::kSmtp) {
    Dialogue d(*c, o);
    SmtpReply banner = d.read("the SMTP greeting");
    a.banner = joined(banner, "\n");
    if (banner.code != 220) {
      throw ProbeError(ProbeErrorKind::kRejected,
                       where(o) + " refused the SMTP session: " + reply_text(banner));
    }
    d.send("EHLO " + o.ehlo_name, "EHLO");
    SmtpReply ehlo = d.read("the EHLO reply");
    if (ehlo.code != 250) {
      throw ProbeError(ProbeErrorKind::kRejected, where(o) + " refused EHLO: " + reply_text(ehlo));
    }
    a.ehlo = ehlo.lines;
    a.starttls_offered = advertises(ehlo, "STARTTLS");
    if (!a.starttls_offered) {
      try {
        c->write_line("QUIT", net::deadline_in(o.step_timeout));
      } catch (const net::NetError&) {
        // Leaving is a courtesy; the answer is already known.
      }
      return a;
    }
    d.send("STARTTLS", "STARTTLS");
    SmtpReply go = d.read("the STARTTLS reply");
    if (go.code != 220) {
      throw ProbeError(ProbeErrorKind::kTlsUnavailable,
                       where(o) + " refused STARTTLS: " + reply_text(go));
    }
  } else {
    a.starttls_offered = true;
  }
  try {
    a.tls = c->start_tls(offer, net::deadline_in(o.step_timeout));
  } catch (const net::NetError& e) {
    a.tls_error = e;
  }
  return a;
}

const char* probe_error_code_impl(ProbeErrorKind kind) {
  switch (kind) {
    case ProbeErrorKind::kDnsFailure:
      return "PROBE_DNS_FAILURE";
    case ProbeErrorKind::kRefused:
      return "PROBE_REFUSED";
    case ProbeErrorKind::kUnreachable:
      return "PROBE_UNREACHABLE";
    case ProbeErrorKind::kTimeout:
      return "PROBE_TIMEOUT";
    case ProbeErrorKind::kReset:
      return "PROBE_RESET";
    case ProbeErrorKind::kClosed:
      return "PROBE_CLOSED";
    case ProbeErrorKind::kNotSmtp:
      return "PROBE_NOT_SMTP";
    case ProbeErrorKind::kRejected:
      return "PROBE_REJECTED";
    case ProbeErrorKind::kTlsUnavailable:
      return "PROBE_TLS_UNAVAILABLE";
    case ProbeErrorKind::kTlsFailed:
      return "PROBE_TLS_FAILED";
  }
  return "PROBE_FAILED";
}

}  // namespace ksdoctor::probe

namespace ksdoctor {
const char* probe_error_code(ProbeErrorKind kind) { return probe::probe_error_code_impl(kind); }
}  // namespace ksdoctor
