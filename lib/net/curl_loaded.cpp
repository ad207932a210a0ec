// curl_api() for the dynamic Linux build: libcurl.so.4 loaded on first use (see curl_api.hpp).
#if !KSDOCTOR_CURL_LINKED
#include <string>

#include "net/connection.hpp"
#include "net/curl_api.hpp"
#include "platform/platform.hpp"

namespace ksdoctor::net {
namespace {

// The API, or the reason there is none.
struct Loaded {
  CurlApi api{};
  std::string error;
};

template <typename F>
bool bind(platform::SharedLibrary library, const char* name, F& function, std::string& error) {
  function = reinterpret_cast<F>(platform::library_function(library, name));
  if (!function && error.empty()) error = std::string("libcurl.so.4 lacks ") + name;
  return function != nullptr;
}

Loaded load() {
  Loaded loaded;
  auto library = platform::load_library({"libcurl.so.4", "libcurl.so"});
  if (!library) {
    loaded.error = "libcurl.so.4 is not installed (Debian: apt-get install libcurl4)";
    return loaded;
  }
  CurlApi& a = loaded.api;
  std::string& e = loaded.error;
  bind(*library, "curl_global_init", a.global_init, e);
  bind(*library, "curl_easy_init", a.easy_init, e);
  bind(*library, "curl_easy_cleanup", a.easy_cleanup, e);
  bind(*library, "curl_easy_setopt", a.easy_setopt, e);
  bind(*library, "curl_easy_perform", a.easy_perform, e);
  bind(*library, "curl_easy_getinfo", a.easy_getinfo, e);
  bind(*library, "curl_easy_strerror", a.easy_strerror, e);
  bind(*library, "curl_slist_append", a.slist_append, e);
  bind(*library, "curl_slist_free_all", a.slist_free_all, e);
  if (e.empty() && a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) e = "libcurl failed to start";
  return loaded;
}

}  // namespace

const CurlApi& curl_api() {
  static const Loaded loaded = load();
  if (!loaded.error.empty()) throw NetError(NetErrorKind::kProtocol, loaded.error);
  return loaded.api;
}

}  // namespace ksdoctor::net
#endif
