#include "store/lazy_free.h"

#include <malloc.h>

#include <utility>

namespace understudy::store {

LazyFreer::LazyFreer() {
#ifdef __GLIBC__
  // glibc keeps small freed chunks in "fastbins" without coalescing them, until some later
  // large allocation in their arena consolidates every one of them at once. Chunks this thread
  // frees belong to the loop's arena, so that consolidation would land on the loop: a quarter
  // of a second after a million keys were freed here. Without fastbins each free coalesces at
  // once (and freed memory can go back to the system as it would anyway).
  mallopt(M_MXFAST, 0);
#endif
}

LazyFreer::~LazyFreer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void LazyFreer::Free(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    ++handed_over_;
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  wake_.notify_one();
}

size_t LazyFreer::pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size() + running_;
}

uint64_t LazyFreer::handed_over() const {
  std::lock_guard lock(mu_);
  return handed_over_;
}

void LazyFreer::Drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return jobs_.empty() && running_ == 0; });
}

void LazyFreer::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, nothing left
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    job();
    job = nullptr;  // whatever it captured goes here too, off the lock
    lock.lock();
    --running_;
    if (jobs_.empty() && running_ == 0) idle_.notify_all();
  }
}

}  // namespace understudy::store
