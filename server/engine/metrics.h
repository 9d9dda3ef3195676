#pragma once

#include <array>
#include <cstdint>

namespace understudy::engine {

// One of INFO's instantaneous_* figures, as Redis computes them: a running total is sampled
// every 100 ms or more, and the rate is the average of the last 16 samples' per-second rates.
class RateMeter {
 public:
  void Sample(int64_t now_ms, uint64_t total) {
    if (last_ms_ == 0) {
      last_ms_ = now_ms;
      last_total_ = total;
      return;
    }
    const int64_t elapsed_ms = now_ms - last_ms_;
    if (elapsed_ms < kPeriodMs) return;
    rates_[next_] = static_cast<double>(total - last_total_) * 1000 / elapsed_ms;
    next_ = (next_ + 1) % rates_.size();
    last_ms_ = now_ms;
    last_total_ = total;
  }
  double PerSecond() const {
    double sum = 0;
    for (double rate : rates_) sum += rate;
    return sum / rates_.size();
  }

 private:
  static constexpr int64_t kPeriodMs = 100;
  std::array<double, 16> rates_{};
  size_t next_ = 0;
  int64_t last_ms_ = 0;
  uint64_t last_total_ = 0;
};

}  // namespace understudy::engine
