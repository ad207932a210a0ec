// libcurl does the HTTP (chunked bodies, 1xx replies, proxies and their CONNECT tunnels, TLS);
// every option that would otherwise fall back to an environment variable is set explicitly.
#include "net/http_get.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "net/curl_api.hpp"

namespace ksdoctor::net {
namespace {

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using CurlList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

struct Body {
  std::string data;
  std::size_t max = 0;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  std::size_t n = size * count;
  if (body->data.size() + n > body->max) {
    body->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  body->data.append(data, n);
  return n;
}

bool starts_with_nocase(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

NetError failure(const CurlApi& api, CURLcode rc, const char* detail_buffer, const Body& body) {
  std::string detail = *detail_buffer ? detail_buffer : api.easy_strerror(rc);
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return NetError(NetErrorKind::kTimeout, "timeout");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return NetError(NetErrorKind::kDnsFailure, detail);
    case CURLE_COULDNT_CONNECT:
      return NetError(NetErrorKind::kRefused, "cannot connect: " + detail);
    case CURLE_SSL_CONNECT_ERROR:
      return NetError(NetErrorKind::kTls, "TLS handshake: " + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return NetError(NetErrorKind::kTlsVerify,
                      "TLS handshake: certificate verification failed: " + detail);
    case CURLE_FILESIZE_EXCEEDED:
      return NetError(NetErrorKind::kProtocol,
                      "response body larger than " + std::to_string(body.max) + " bytes");
    case CURLE_WRITE_ERROR:
      if (body.too_large) return failure(api, CURLE_FILESIZE_EXCEEDED, "", body);
      [[fallthrough]];
    default:
      return NetError(NetErrorKind::kProtocol, detail);
  }
}

// One request; `location` gets the absolute redirect target, if the reply names one.
HttpResponse get_once(const std::string& url, const HttpGetOptions& options, Deadline deadline,
                      std::string& location) {
  bool tls = starts_with_nocase(url, "https://");
  if (!tls && !starts_with_nocase(url, "http://")) {
    throw NetError(NetErrorKind::kProtocol, "not an http:// or https:// URL");
  }
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) throw NetError(NetErrorKind::kTimeout, "timeout");

  const CurlApi& api = curl_api();
  CurlHandle curl(api.easy_init(), api.easy_cleanup);
  if (!curl) throw NetError(NetErrorKind::kProtocol, "libcurl failed to start");
  CurlList headers(nullptr, api.slist_free_all);
  if (!options.accept.empty()) {
    headers.reset(api.slist_append(nullptr, ("Accept: " + options.accept).c_str()));
  }
  Body body;
  body.max = options.max_bytes;
  char detail[CURL_ERROR_SIZE] = "";
  const std::string& proxy = tls ? options.proxies.https_proxy : options.proxies.http_proxy;
  CURL* h = curl.get();
  api.easy_setopt(h, CURLOPT_URL, url.c_str());
  api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(left));
  api.easy_setopt(h, CURLOPT_USERAGENT, "ksdoctor");
  api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  api.easy_setopt(h, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
  // "" means direct: without it, libcurl would read http_proxy and no_proxy itself.
  api.easy_setopt(h, CURLOPT_PROXY, proxy.c_str());
  api.easy_setopt(h, CURLOPT_NOPROXY, options.proxies.no_proxy.c_str());
  api.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &body);
  CURLcode rc = api.easy_perform(h);
  if (rc != CURLE_OK) throw failure(api, rc, detail, body);

  HttpResponse response;
  char* content_type = nullptr;
  char* redirect = nullptr;
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  api.easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type);
  api.easy_getinfo(h, CURLINFO_REDIRECT_URL, &redirect);
  if (content_type) response.content_type = content_type;
  location = redirect ? redirect : "";
  response.body = std::move(body.data);
  return response;
}

}  // namespace

HttpResponse http_get(const std::string& url, const HttpGetOptions& options) {
  Deadline deadline = deadline_in(std::chrono::milliseconds(std::max(options.timeout_ms, 0)));
  std::string current = url;
  for (int redirects = 0;; ++redirects) {
    std::string location;
    HttpResponse response = get_once(current, options, deadline, location);
    long s = response.status;
    bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    if (!redirect || location.empty()) return response;
    if (redirects == options.max_redirects) {
      throw NetError(NetErrorKind::kProtocol,
                     "more than " + std::to_string(options.max_redirects) + " redirects");
    }
    current = location;
  }
}

}  // namespace ksdoctor::net
