#pragma once

#include <cstdint>

namespace understudy::store {

// Source of time for everything that expires. Nothing in understudy reads the wall clock
// directly, so tests move time forward instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in milliseconds.
  virtual int64_t NowMs() const = 0;
  // Unix time in microseconds (TIME); defaults to NowMs() * 1000.
  virtual int64_t NowUs() const { return NowMs() * 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t NowUs() const override;
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_us_(start_ms * 1000) {}
  int64_t NowMs() const override { return now_us_ / 1000; }
  int64_t NowUs() const override { return now_us_; }
  void AdvanceMs(int64_t ms) { now_us_ += ms * 1000; }
  void SetMs(int64_t ms) { now_us_ = ms * 1000; }

 private:
  int64_t now_us_;
};

// Another clock's time plus a shift that only grows: the engine's time, which a test may move
// forward (Engine::AdvanceClock) while the host's clock runs on.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(const Clock& base) : base_(base) {}
  int64_t NowMs() const override { return base_.NowMs() + shift_ms_; }
  int64_t NowUs() const override { return base_.NowUs() + shift_ms_ * 1000; }
  void AdvanceMs(int64_t ms) { shift_ms_ += ms; }

 private:
  const Clock& base_;
  int64_t shift_ms_ = 0;
};

}  // namespace understudy::store
