#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "store/clock.h"

namespace understudy::engine {

// Runs the engine's timed work (active expiry, idle-client timeouts, blocking deadlines) on the
// engine's own thread. The network server implements it on its event loop; tests use
// ManualExecutor to move time by hand.
class Executor {
 public:
  using TimerId = uint64_t;
  virtual ~Executor() = default;
  // Runs task once delay_ms has passed. Never runs it from inside this call.
  virtual TimerId RunAfter(int64_t delay_ms, std::function<void()> task) = 0;
  // Drops a task that has not run yet; unknown or finished ids are ignored.
  virtual void Cancel(TimerId id) = 0;
};

// Runs tasks when told to, by the time of a clock the test moves.
class ManualExecutor final : public Executor {
 public:
  explicit ManualExecutor(const store::Clock& clock) : clock_(clock) {}

  TimerId RunAfter(int64_t delay_ms, std::function<void()> task) override {
    const TimerId id = ++last_id_;
    tasks_.emplace(std::make_pair(clock_.NowMs() + delay_ms, id), std::move(task));
    return id;
  }
  void Cancel(TimerId id) override {
    std::erase_if(tasks_, [id](const auto& entry) { return entry.first.second == id; });
  }

  // Runs every task due by the clock's time, earliest first, including tasks they schedule
  // that are due too. Returns how many ran.
  size_t RunDue() {
    size_t ran = 0;
    while (!tasks_.empty() && tasks_.begin()->first.first <= clock_.NowMs()) {
      auto task = std::move(tasks_.begin()->second);
      tasks_.erase(tasks_.begin());
      task();
      ++ran;
    }
    return ran;
  }

 private:
  const store::Clock& clock_;
  TimerId last_id_ = 0;
  std::map<std::pair<int64_t, TimerId>, std::function<void()>> tasks_;
};

}  // namespace understudy::engine
