#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

#include "client/options.h"

namespace understudy::client::detail {

// The delay before reconnection attempt `attempt` (0 first): doubling from initial_delay up to
// max_delay, spread by the jitter so that many clients do not come back in step.
inline std::chrono::milliseconds Backoff(const ReconnectOptions& reconnect, int attempt,
                                         std::minstd_rand& random) {
  const int doublings = std::clamp(attempt, 0, 20);
  const auto base =
      std::min(reconnect.initial_delay * (int64_t{1} << doublings), reconnect.max_delay);
  std::uniform_real_distribution<double> spread(1 - reconnect.jitter, 1 + reconnect.jitter);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(base.count()) * spread(random)));
}

}  // namespace understudy::client::detail
