// The libcurl functions the HTTP client calls. The static and Windows builds link libcurl in; the
// dynamic Linux build loads libcurl.so.4 the first time an AIA fetch needs it, because linking it
// makes the dynamic loader map 30 more libraries (GnuTLS, Kerberos, LDAP...) at every start:
// measured, +10 ms and +5.5 MB RSS on each `inspect` of a three-entry store, which never fetches.
#pragma once

#include <curl/curl.h>

namespace ksdoctor::net {

struct CurlApi {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
};

// The functions, curl_global_init already called. NetError(kProtocol) naming the library when it
// cannot be loaded or initialised.
const CurlApi& curl_api();

}  // namespace ksdoctor::net
