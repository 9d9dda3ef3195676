#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace understudy::store {

// Frees memory on a background thread, so that deleting a large value (UNLINK, FLUSHALL ASYNC,
// an overwrite or an expiry) never stalls the event loop, like Redis's lazyfree. Jobs only free
// memory the keyspace no longer references, so they share nothing with the loop but the
// allocator. The thread starts with the first job.
class LazyFreer {
 public:
  LazyFreer();
  // Runs whatever is still pending, then stops the thread.
  ~LazyFreer();
  LazyFreer(const LazyFreer&) = delete;
  LazyFreer& operator=(const LazyFreer&) = delete;

  void Free(std::function<void()> job);
  // Jobs handed over and not finished yet, and in total.
  size_t pending() const;
  uint64_t handed_over() const;
  // Waits until every job handed over so far has run.
  void Drain();

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> jobs_;
  size_t running_ = 0;
  uint64_t handed_over_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace understudy::store
