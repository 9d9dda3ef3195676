#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "asio/io_context.hpp"
#include "asio/steady_timer.hpp"
#include "server/engine/executor.h"

namespace understudy::runtime {

// The engine's timers on an Asio event loop: tasks run on the thread that runs the io_context.
class AsioExecutor final : public engine::Executor {
 public:
  explicit AsioExecutor(asio::io_context& io) : io_(io) {}
  ~AsioExecutor() override {
    for (auto& [id, timer] : timers_) timer->cancel();
    timers_.clear();
  }

  TimerId RunAfter(int64_t delay_ms, std::function<void()> task) override {
    const TimerId id = ++last_id_;
    auto timer = std::make_unique<asio::steady_timer>(io_, std::chrono::milliseconds(delay_ms));
    timer->async_wait([this, id, task = std::move(task)](const std::error_code& error) {
      // A timer cancelled after it expired still completes without an error: only its entry
      // says whether the task is still wanted (Cancel and the destructor remove it).
      if (error) return;
      auto it = timers_.find(id);
      if (it == timers_.end()) return;
      timers_.erase(it);
      task();
    });
    timers_.emplace(id, std::move(timer));
    return id;
  }

  void Cancel(TimerId id) override {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    it->second->cancel();
    timers_.erase(it);
  }

 private:
  asio::io_context& io_;
  TimerId last_id_ = 0;
  absl::flat_hash_map<TimerId, std::unique_ptr<asio::steady_timer>> timers_;
};

}  // namespace understudy::runtime
