#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace understudy::engine {

// The latency monitor (LATENCY LATEST/HISTORY/RESET): per event ("command", "fast-command"),
// the last 160 seconds that had a sample over latency-monitor-threshold, one sample per second
// (the worst of that second), and the worst ever.
// LATENCY HISTOGRAM and INFO latencystats: a command's durations by power of two of
// microseconds (bucket i: at most 2^i us), coarser than Redis's HdrHistogram but of the same
// shape.
struct LatencyHistogram {
  static constexpr size_t kBuckets = 40;
  std::array<uint64_t, kBuckets> counts{};

  void Record(int64_t duration_us) {
    size_t bucket = 0;
    while (bucket + 1 < kBuckets && (int64_t{1} << bucket) < duration_us) ++bucket;
    ++counts[bucket];
  }
  uint64_t total() const {
    uint64_t sum = 0;
    for (uint64_t count : counts) sum += count;
    return sum;
  }
  // The upper bound in us of the bucket that holds the given percentile.
  uint64_t Percentile(double percentile) const {
    const uint64_t all = total();
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts[i];
      if (all != 0 && static_cast<double>(seen) * 100 >= percentile * static_cast<double>(all)) {
        return uint64_t{1} << i;
      }
    }
    return 0;
  }
};

class LatencyMonitor {
 public:
  static constexpr size_t kSamples = 160;
  struct Sample {
    int64_t time_s = 0;  // 0: an unused slot
    uint32_t latency_ms = 0;
  };
  struct Series {
    std::array<Sample, kSamples> samples{};
    size_t next = 0;  // the slot the next new second goes to
    uint32_t max_ms = 0;
    // The most recent sample.
    const Sample& latest() const { return samples[(next + kSamples - 1) % kSamples]; }
  };

  void Add(std::string_view event, int64_t now_s, uint32_t latency_ms);
  // Forgets one event; false if it had no samples.
  bool Reset(std::string_view event);
  // Forgets every event; returns how many there were.
  size_t ResetAll();
  const Series* Find(std::string_view event) const;
  // Events by name.
  const std::map<std::string, Series, std::less<>>& events() const { return events_; }

 private:
  std::map<std::string, Series, std::less<>> events_;
};

}  // namespace understudy::engine
