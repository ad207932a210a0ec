// The same on every system: built on resolve and connect(Address).
#include <optional>

#include "platform/platform.hpp"

namespace ksdoctor::platform {

Socket connect(const std::string& host, const std::string& port, Deadline deadline) {
  std::optional<NetError> last;
  for (const Address& address : resolve(host, port)) {
    try {
      return connect(address, deadline);
    } catch (const NetError& e) {
      last = e;
      // The deadline is shared: the next address would time out at once.
      if (e.failure() == NetFailure::kTimeout) break;
    }
  }
  throw NetError(last->failure(), "cannot connect to " + host + " port " + port + " (" +
                                      std::string(last->what()) + ")");
}

}  // namespace ksdoctor::platform
