#include "server/engine/latency.h"

#include <algorithm>

namespace understudy::engine {

void LatencyMonitor::Add(std::string_view event, int64_t now_s, uint32_t latency_ms) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& series = it->second;
  series.max_ms = std::max(series.max_ms, latency_ms);
  Sample& previous = series.samples[(series.next + kSamples - 1) % kSamples];
  if (previous.time_s == now_s) {  // one sample per second: its worst
    previous.latency_ms = std::max(previous.latency_ms, latency_ms);
    return;
  }
  series.samples[series.next] = {now_s, latency_ms};
  series.next = (series.next + 1) % kSamples;
}

bool LatencyMonitor::Reset(std::string_view event) {
  auto it = events_.find(event);
  if (it == events_.end()) return false;
  events_.erase(it);
  return true;
}

size_t LatencyMonitor::ResetAll() {
  const size_t count = events_.size();
  events_.clear();
  return count;
}

const LatencyMonitor::Series* LatencyMonitor::Find(std::string_view event) const {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

}  // namespace understudy::engine
