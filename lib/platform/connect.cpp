// The same on every system: built on resolve and connect(Address).
#include <optional>

#include "platform/platform.hpp"

namespace ksdoctor::platform {

Socket connect(const std::string& host, const std::string& port, Deadline deadline) {
  std::optional<NetError> last;
  std::string address;
  for (const Address& a : resolve(host, port)) {
    try {
      return connect(a, deadline);
    } catch (const NetError& e) {
      last = e;
      address = a.text;
      // The deadline is shared: the next address would time out at once.
      if (e.failure() == NetFailure::kTimeout) break;
    }
  }
  std::string where = "cannot connect to " + host + " port " + port;
  if (address != host) where += " (" + address + ")";
  throw NetError(last->failure(), where + ": " + last->reason(), last->reason());
}

}  // namespace ksdoctor::platform
