#include "client/options.h"

#include "client/detail/text.h"

namespace understudy::client {

std::string Options::Endpoint() const {
  if (engine) return "embedded";
  return detail::Cat(host, ":", port);
}

}  // namespace understudy::client
