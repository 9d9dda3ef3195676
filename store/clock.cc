#include "store/clock.h"

#include <chrono>

namespace understudy::store {

namespace {

template <typename Duration>
int64_t SinceEpoch() {
  return std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t SystemClock::NowMs() const { return SinceEpoch<std::chrono::milliseconds>(); }

int64_t SystemClock::NowUs() const { return SinceEpoch<std::chrono::microseconds>(); }

}  // namespace understudy::store
