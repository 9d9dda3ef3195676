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
