// curl_api() for builds that link libcurl (static Linux, Windows): see curl_api.hpp.
#if KSDOCTOR_CURL_LINKED
#include "net/connection.hpp"
#include "net/curl_api.hpp"

namespace ksdoctor::net {

const CurlApi& curl_api() {
  static const CurlApi api{curl_global_init,   curl_easy_init,    curl_easy_cleanup,
                           curl_easy_setopt,   curl_easy_perform, curl_easy_getinfo,
                           curl_easy_strerror, curl_slist_append, curl_slist_free_all};
  static const CURLcode init = api.global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) throw NetError(NetErrorKind::kProtocol, "libcurl failed to start");
  return api;
}

}  // namespace ksdoctor::net
#endif
