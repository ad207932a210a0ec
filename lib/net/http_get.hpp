// One HTTP(S) GET through libcurl, redirects followed here so that each hop takes the proxy its
// own scheme calls for. Failures are NetError; the message is the reason a finding shows.
#pragma once

#include <cstddef>
#include <string>

#include "ksdoctor/aia.hpp"
#include "net/connection.hpp"

namespace ksdoctor::net {

struct HttpGetOptions {
  int timeout_ms = 5000;  // the whole exchange, redirects included
  std::size_t max_bytes = std::size_t{1} << 20;
  int max_redirects = 3;
  std::string accept;  // the Accept header; "" sends none
  ProxySettings proxies;
};

struct HttpResponse {
  long status = 0;  // of the last hop: a redirect status only when it has no Location
  std::string content_type;
  std::string body;
};

HttpResponse http_get(const std::string& url, const HttpGetOptions& options);

}  // namespace ksdoctor::net
