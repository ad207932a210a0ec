// repair --from aia: fetch_ca_issuers against an in-process HTTP server on 127.0.0.1 (DER, PEM,
// PKCS#7, chunked, redirects, 404, a server that never answers, a body that is no certificate),
// and plan_repair_with_aia completing a chain whose issuers only the AIA URLs hold.
#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ksdoctor/aia.hpp"
#include "ksdoctor/repair.hpp"
#include "test_os.hpp"
#include "test_pki.hpp"

namespace aia_test {
using namespace ksdoctor;
using testpki::kNow;

namespace {

// Serves canned raw responses by request path; kHang keeps the connection open, unanswered.
class HttpServer {
 public:
  static constexpr const char* kHang = "hang";

  HttpServer() : listener_(false, true, 16) {
    REQUIRE(listener_.ok());
    port_ = listener_.port();
    thread_ = std::thread([this] { loop(); });
  }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer() {
    stop_ = true;
    thread_.join();
    for (testos::socket_t fd : hung_) testos::close_socket(fd);
  }

  void serve(const std::string& path, std::string response) {
    std::lock_guard<std::mutex> lock(mutex_);
    responses_[path] = std::move(response);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }

 private:
  void loop() {
    while (!stop_) {
      if (!testos::wait_readable(listener_.fd(), 20)) continue;
      testos::socket_t fd = listener_.accept();
      if (!testos::valid(fd)) continue;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        if (!testos::wait_readable(fd, 1000)) break;
        long n = testos::receive(fd, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      std::size_t start = request.find(' ') + 1;
      std::string path = request.substr(start, request.find(' ', start) - start);
      std::string response;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = responses_.find(path);
        response = it == responses_.end() ? status(404) : it->second;
      }
      if (response == kHang) {
        hung_.push_back(fd);
        continue;
      }
      testos::send_text(fd, response);
      testos::close_socket(fd);
    }
  }

 public:
  static std::string ok(const std::string& body, const std::string& type) {
    return "HTTP/1.1 200 OK\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  static std::string chunked(const std::string& body) {
    std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t i = 0; i < body.size(); i += 100) {
      std::string part = body.substr(i, 100);
      char size[16];
      std::snprintf(size, sizeof size, "%zx", part.size());
      out += std::string(size) + "\r\n" + part + "\r\n";
    }
    return out + "0\r\n\r\n";
  }
  static std::string redirect(int code, const std::string& location) {
    return "HTTP/1.1 " + std::to_string(code) + " Moved\r\nLocation: " + location +
           "\r\nContent-Length: 0\r\n\r\n";
  }
  static std::string status(int code) {
    return "HTTP/1.1 " + std::to_string(code) + " Nope\r\nContent-Length: 9\r\n\r\nnot here\n";
  }

 private:
  testos::Listener listener_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::map<std::string, std::string> responses_;
  std::vector<testos::socket_t> hung_;
  std::thread thread_;
};

std::string der(const CertPtr& cert) { return std::string(cert->der.begin(), cert->der.end()); }

X509* to_x509(const CertPtr& cert) {
  const unsigned char* p = cert->der.data();
  return d2i_X509(nullptr, &p, static_cast<long>(cert->der.size()));
}

std::string pem(const std::vector<CertPtr>& certs) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  for (const CertPtr& c : certs) {
    std::unique_ptr<X509, decltype(&X509_free)> x(to_x509(c), X509_free);
    PEM_write_bio_X509(bio.get(), x.get());
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// A DER PKCS#7 certs-only bundle, as CAs publish .p7c files.
std::string p7c(const std::vector<CertPtr>& certs) {
  std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(PKCS7_new(), PKCS7_free);
  PKCS7_set_type(p7.get(), NID_pkcs7_signed);
  PKCS7_content_new(p7.get(), NID_pkcs7_data);
  for (const CertPtr& c : certs) {
    X509* x = to_x509(c);
    PKCS7_add_certificate(p7.get(), x);
    X509_free(x);
  }
  unsigned char* buf = nullptr;
  int len = i2d_PKCS7(p7.get(), &buf);
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

struct AiaPki {
  testpki::Node root = testpki::root("AIA Root");
  testpki::Node inter = testpki::issue("AIA Issuing CA", &root, {});
};

AiaPki& pki() {
  static AiaPki shared;
  return shared;
}

std::string detail(const Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.details) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace

TEST_CASE("aia fetch: DER, PEM, PKCS#7 and chunked bodies give the certificates") {
  HttpServer server;
  const CertPtr& inter = pki().inter.cert;
  const CertPtr& root = pki().root.cert;
  server.serve("/issuing.crt", HttpServer::ok(der(inter), "application/pkix-cert"));
  server.serve("/bundle.pem", HttpServer::ok(pem({inter, root}), "application/x-pem-file"));
  server.serve("/issuing.p7c", HttpServer::ok(p7c({inter, root}), "application/pkcs7-mime"));
  server.serve("/chunked.crt", HttpServer::chunked(der(inter)));

  AiaFetchResult r = fetch_ca_issuers(server.url("/issuing.crt"), 2000);
  CHECK(r.problems.empty());
  REQUIRE(r.certs.size() == 1);
  CHECK(r.certs[0]->sha256 == inter->sha256);

  r = fetch_ca_issuers(server.url("/bundle.pem"), 2000);
  CHECK(r.problems.empty());
  REQUIRE(r.certs.size() == 2);
  CHECK(r.certs[0]->sha256 == inter->sha256);
  CHECK(r.certs[1]->sha256 == root->sha256);

  r = fetch_ca_issuers(server.url("/issuing.p7c"), 2000);
  CHECK(r.problems.empty());
  CHECK(r.certs.size() == 2);

  r = fetch_ca_issuers(server.url("/chunked.crt"), 2000);
  CHECK(r.problems.empty());
  REQUIRE(r.certs.size() == 1);
  CHECK(r.certs[0]->sha256 == inter->sha256);
}

TEST_CASE("aia fetch: redirects are followed, at most 3") {
  HttpServer server;
  server.serve("/issuing.crt", HttpServer::ok(der(pki().inter.cert), "application/pkix-cert"));
  server.serve("/old.crt", HttpServer::redirect(301, server.url("/issuing.crt")));
  server.serve("/relative.crt", HttpServer::redirect(302, "/old.crt"));
  server.serve("/loop", HttpServer::redirect(307, "/loop"));

  AiaFetchResult r = fetch_ca_issuers(server.url("/relative.crt"), 2000);
  CHECK(r.problems.empty());
  CHECK(r.certs.size() == 1);

  r = fetch_ca_issuers(server.url("/loop"), 2000);
  CHECK(r.certs.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(detail(r.problems[0], "reason") == "more than 3 redirects");
}

TEST_CASE("aia fetch: 404, a silent server and a non-certificate body are findings") {
  HttpServer server;
  server.serve("/hang", HttpServer::kHang);
  server.serve("/page.html", HttpServer::ok("<html>moved</html>", "text/html"));

  AiaFetchResult r = fetch_ca_issuers(server.url("/missing.crt"), 2000);
  CHECK(r.certs.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].code == "AIA_FETCH_FAILED");
  CHECK(r.problems[0].severity == Severity::kWarning);
  CHECK(detail(r.problems[0], "url") == server.url("/missing.crt"));
  CHECK(detail(r.problems[0], "reason") == "HTTP status 404");

  auto start = std::chrono::steady_clock::now();
  r = fetch_ca_issuers(server.url("/hang"), 300);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::milliseconds(1500));
  CHECK(elapsed >= std::chrono::milliseconds(250));
  REQUIRE(r.problems.size() == 1);
  CHECK(detail(r.problems[0], "reason") == "timeout");

  r = fetch_ca_issuers(server.url("/page.html"), 2000);
  CHECK(r.certs.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(detail(r.problems[0], "reason").rfind("not a certificate (text/html", 0) == 0);

  std::string https = "https" + server.url("/issuing.crt").substr(4);
  r = fetch_ca_issuers(https, 2000);  // a plain HTTP server: the TLS handshake fails
  CHECK(r.certs.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(detail(r.problems[0], "reason").rfind("TLS handshake", 0) == 0);

  r = fetch_ca_issuers("ftp://example.test/ca.crt", 2000);
  REQUIRE(r.problems.size() == 1);
  CHECK(detail(r.problems[0], "reason") == "not an http:// or https:// URL");
}

TEST_CASE("aia fetch: nothing listening is a finding, quickly") {
  testos::Listener bound(false, false);
  REQUIRE(bound.ok());
  std::string url = "http://127.0.0.1:" + std::to_string(bound.port()) + "/ca.crt";
  AiaFetchResult r = fetch_ca_issuers(url, 2000);  // bound, not listening: refused
  bound.close();
  REQUIRE(r.problems.size() == 1);
  CHECK(detail(r.problems[0], "reason").find("cannot connect") != std::string::npos);
}

TEST_CASE("aia repair plan: leaf-only key entry completed from the AIA URLs, two levels") {
  HttpServer server;
  testpki::Node root = testpki::root("AIA E2E Root");
  testpki::Node upper = testpki::issue("AIA E2E Policy CA", &root, {});
  testpki::Spec inter_spec;
  inter_spec.aia = server.url("/policy.p7c");
  testpki::Node inter = testpki::issue("AIA E2E Issuing CA", &upper, inter_spec);
  testpki::Spec leaf_spec = testpki::leaf_spec();
  leaf_spec.aia = server.url("/issuing.crt");
  testpki::Node leaf = testpki::issue("www.aia.test", &inter, leaf_spec);
  server.serve("/issuing.crt", HttpServer::ok(der(inter.cert), "application/pkix-cert"));
  server.serve("/policy.p7c", HttpServer::ok(p7c({upper.cert}), "application/pkcs7-mime"));

  Keystore store;
  store.entries.push_back(testpki::key_entry("www", {leaf.cert}));
  store.entries.push_back(testpki::trusted_entry("root", root.cert));
  RepairOptions options;
  options.now = kNow;

  CertPool without;
  RepairPlan before = plan_repair(store, without, {}, options);
  CHECK_FALSE(before.sound());

  CertPool sources;
  RepairPlan plan = plan_repair_with_aia(store, sources, {}, options, AiaOptions{});
  CHECK(plan.sound());
  REQUIRE(plan.chains.size() == 1);
  REQUIRE(plan.chains[0].after.size() == 4);
  CHECK(plan.chains[0].after[1]->sha256 == inter.cert->sha256);
  CHECK(plan.chains[0].after[2]->sha256 == upper.cert->sha256);
  CHECK(plan.chains[0].after[3]->sha256 == root.cert->sha256);
  bool origin_named = false;
  for (const RepairChange& c : plan.changes) {
    if (c.cert && c.cert->sha256 == inter.cert->sha256) {
      origin_named = c.origin == CertOrigin::aia(server.url("/issuing.crt"));
    }
  }
  CHECK(origin_named);
  CHECK(sources.size() == 2);
}

TEST_CASE("aia repair plan: an unreachable issuer stays missing, with the fetch problem") {
  HttpServer server;
  testpki::Node root = testpki::root("AIA 404 Root");
  testpki::Node inter = testpki::issue("AIA 404 Issuing CA", &root, {});
  testpki::Spec leaf_spec = testpki::leaf_spec();
  leaf_spec.aia = server.url("/gone.crt");
  testpki::Node leaf = testpki::issue("www.gone.test", &inter, leaf_spec);

  Keystore store;
  store.entries.push_back(testpki::key_entry("www", {leaf.cert}));
  store.entries.push_back(testpki::trusted_entry("root", root.cert));
  RepairOptions options;
  options.now = kNow;
  CertPool sources;
  RepairPlan plan = plan_repair_with_aia(store, sources, {}, options, AiaOptions{});
  CHECK_FALSE(plan.sound());
  bool missing = false, failed = false;
  for (const Finding& f : plan.remaining) {
    missing = missing || f.code == "MISSING_INTERMEDIATE";
    failed = failed || (f.code == "AIA_FETCH_FAILED" && detail(f, "reason") == "HTTP status 404");
  }
  CHECK(missing);
  CHECK(failed);
}

TEST_CASE("aia fetch: through the http_proxy, unless no_proxy names the host") {
  HttpServer origin;  // serves nothing: a direct fetch is a 404
  HttpServer proxy;   // answers the absolute-form request a proxy gets
  std::string url = origin.url("/issuing.crt");
  proxy.serve(url, HttpServer::ok(der(pki().inter.cert), "application/pkix-cert"));
  ProxySettings proxies;
  proxies.http_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());

  AiaFetchResult r = fetch_ca_issuers(url, 2000, std::size_t{1} << 20, proxies);
  CHECK(r.problems.empty());
  REQUIRE(r.certs.size() == 1);
  CHECK(r.certs[0]->sha256 == pki().inter.cert->sha256);

  for (const char* bypass : {"localhost, 127.0.0.1", "*", "127.0.0.0/8"}) {
    CAPTURE(bypass);
    proxies.no_proxy = bypass;
    r = fetch_ca_issuers(url, 2000, std::size_t{1} << 20, proxies);
    REQUIRE(r.problems.size() == 1);
    CHECK(detail(r.problems[0], "reason") == "HTTP status 404");
  }
}

TEST_CASE("aia fetch: https:// goes through the https_proxy's CONNECT tunnel") {
  HttpServer origin;
  HttpServer proxy;
  std::string authority = "127.0.0.1:" + std::to_string(origin.port());
  proxy.serve(authority, HttpServer::status(403));  // "CONNECT 127.0.0.1:port HTTP/1.1"
  ProxySettings proxies;
  // Were http_proxy used for https://, the origin would answer the CONNECT with a 404.
  proxies.http_proxy = authority;
  proxies.https_proxy = "127.0.0.1:" + std::to_string(proxy.port());

  AiaFetchResult r = fetch_ca_issuers("https://" + authority + "/issuing.crt", 2000,
                                      std::size_t{1} << 20, proxies);
  CHECK(r.certs.empty());
  REQUIRE(r.problems.size() == 1);
  CHECK(detail(r.problems[0], "reason").find("403") != std::string::npos);
}

TEST_CASE("aia fetch: proxy environment variables are read by the CLI, never the library") {
  HttpServer server;
  HttpServer proxy;  // a 404 for every request it would get
  server.serve("/issuing.crt", HttpServer::ok(der(pki().inter.cert), "application/pkix-cert"));
  std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
  testos::set_env("http_proxy", proxy_url.c_str());
  testos::set_env("HTTP_PROXY", proxy_url.c_str());
  AiaFetchResult r = fetch_ca_issuers(server.url("/issuing.crt"), 2000);
  testos::unset_env("http_proxy");
  testos::unset_env("HTTP_PROXY");
  CHECK(r.problems.empty());
  CHECK(r.certs.size() == 1);
}

}  // namespace aia_test
