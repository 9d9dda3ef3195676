#include "store/timing_wheel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace understudy::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr int64_t kStart = 1'700'000'000'000;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();
constexpr int64_t kDayMs = 24 * 3600 * 1000LL;
constexpr int64_t kYearMs = 365 * kDayMs;

std::vector<uint64_t> AdvanceTo(TimingWheel& wheel, int64_t now_ms, size_t budget = kUnlimited) {
  std::vector<uint64_t> fired;
  const size_t count = wheel.Advance(now_ms, budget, [&](uint64_t p) { fired.push_back(p); });
  EXPECT_EQ(count, fired.size());
  return fired;
}

TEST(TimingWheelTest, FiresExactlyAtDeadlineAtEveryLevel) {
  for (int64_t delay : std::vector<int64_t>{1, 63, 64, 100, 10'000, 3'600'000, kDayMs, kYearMs,
                                            100 * kYearMs, kMax - kStart}) {
    SCOPED_TRACE(delay);
    TimingWheel wheel(kStart);
    const int64_t deadline = kStart + delay;
    wheel.Insert(deadline, 7);
    // Stop on the way, so the entry cascades through the levels in steps.
    EXPECT_THAT(AdvanceTo(wheel, kStart + delay / 2), IsEmpty());
    EXPECT_THAT(AdvanceTo(wheel, deadline - 1), IsEmpty());
    EXPECT_EQ(wheel.size(), 1u);
    EXPECT_THAT(AdvanceTo(wheel, deadline), ElementsAre(7u));
    EXPECT_EQ(wheel.size(), 0u);
    EXPECT_EQ(wheel.now_ms(), deadline);
  }
}

TEST(TimingWheelTest, FiresAtDeadlineInOneJump) {
  for (int64_t delay :
       std::vector<int64_t>{1, 100, 10'000, 3'600'000, kDayMs, kYearMs, kMax - kStart}) {
    SCOPED_TRACE(delay);
    TimingWheel wheel(kStart);
    wheel.Insert(kStart + delay, 1);
    EXPECT_THAT(AdvanceTo(wheel, kStart + delay - 1), IsEmpty());
    EXPECT_THAT(AdvanceTo(wheel, kStart + delay), ElementsAre(1u));
  }
}

TEST(TimingWheelTest, MatchesReferenceUnderRandomDeadlinesAndSteps) {
  std::mt19937_64 rng(42);
  // Delays and steps of every magnitude, so every level fills and cascades.
  auto magnitude = [&](int max_bits) {
    const int bits = std::uniform_int_distribution<int>(0, max_bits)(rng);
    return static_cast<int64_t>(rng() & ((uint64_t{1} << bits) - 1));
  };
  TimingWheel wheel(kStart);
  std::multimap<int64_t, uint64_t> pending;
  int64_t now = kStart;
  uint64_t next_payload = 0;
  for (int round = 0; round < 2000; ++round) {
    for (int i = 0; i < 5; ++i) {
      const int64_t deadline = now + 1 + magnitude(40);
      wheel.Insert(deadline, next_payload);
      pending.emplace(deadline, next_payload++);
    }
    now += magnitude(30);
    std::vector<uint64_t> expected;
    while (!pending.empty() && pending.begin()->first <= now) {
      expected.push_back(pending.begin()->second);
      pending.erase(pending.begin());
    }
    ASSERT_THAT(AdvanceTo(wheel, now), UnorderedElementsAreArray(expected)) << "round " << round;
    ASSERT_EQ(wheel.size(), pending.size());
  }
  std::vector<uint64_t> rest;
  for (const auto& [deadline, payload] : pending) rest.push_back(payload);
  EXPECT_THAT(AdvanceTo(wheel, kMax), UnorderedElementsAreArray(rest));
}

TEST(TimingWheelTest, FiresInDeadlineOrderWithinOneAdvance) {
  TimingWheel wheel(kStart);
  std::mt19937_64 rng(7);
  for (uint64_t i = 0; i < 5000; ++i) {
    const auto deadline = kStart + static_cast<int64_t>(rng() % (10 * kDayMs));
    wheel.Insert(deadline, static_cast<uint64_t>(deadline));
  }
  const std::vector<uint64_t> fired = AdvanceTo(wheel, kStart + 10 * kDayMs);
  ASSERT_EQ(fired.size(), 5000u);
  EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
}

TEST(TimingWheelTest, RemoveCancels) {
  TimingWheel wheel(kStart);
  wheel.Insert(kStart + 10, 1);
  const auto b = wheel.Insert(kStart + 10, 2);
  wheel.Insert(kStart + 10, 3);
  const auto far = wheel.Insert(kStart + kYearMs, 4);
  wheel.Insert(kStart + kYearMs, 5);
  wheel.Remove(b);
  wheel.Remove(far);
  EXPECT_EQ(wheel.size(), 3u);
  EXPECT_THAT(AdvanceTo(wheel, kStart + 10), UnorderedElementsAre(1u, 3u));
  EXPECT_THAT(AdvanceTo(wheel, kStart + kYearMs), ElementsAre(5u));

  // Removing every entry of a slot leaves nothing to fire there.
  const auto d = wheel.Insert(wheel.now_ms() + 5, 6);
  wheel.Remove(d);
  EXPECT_THAT(AdvanceTo(wheel, wheel.now_ms() + 5), IsEmpty());
}

TEST(TimingWheelTest, ReusesRemovedHandles) {
  TimingWheel wheel(kStart);
  const auto first = wheel.Insert(kStart + 100, 1);
  wheel.Remove(first);
  const auto second = wheel.Insert(kStart + 50, 2);
  EXPECT_EQ(first, second);
  EXPECT_THAT(AdvanceTo(wheel, kStart + 100), ElementsAre(2u));
}

TEST(TimingWheelTest, CallbackMayInsert) {
  TimingWheel wheel(kStart);
  wheel.Insert(kStart + 10, 0);
  std::vector<int64_t> times;
  // A periodic timer: each firing schedules the next one 10 ms later.
  wheel.Advance(kStart + 100, kUnlimited, [&](uint64_t payload) {
    times.push_back(wheel.now_ms());
    wheel.Insert(wheel.now_ms() + 10, payload + 1);
  });
  EXPECT_THAT(times, ElementsAre(kStart + 10, kStart + 20, kStart + 30, kStart + 40, kStart + 50,
                                 kStart + 60, kStart + 70, kStart + 80, kStart + 90, kStart + 100));
  EXPECT_EQ(wheel.size(), 1u);
}

TEST(TimingWheelTest, BudgetLeavesTheRestDue) {
  TimingWheel wheel(kStart);
  for (uint64_t i = 0; i < 100; ++i) wheel.Insert(kStart + 1000, i);
  wheel.Insert(kStart + 2000, 100);
  EXPECT_THAT(AdvanceTo(wheel, kStart + 999, 30), IsEmpty());
  EXPECT_EQ(AdvanceTo(wheel, kStart + 1000, 30).size(), 30u);
  EXPECT_EQ(AdvanceTo(wheel, kStart + 1000, 30).size(), 30u);
  // Leftovers stay due while time moves on, and come before later deadlines.
  EXPECT_EQ(AdvanceTo(wheel, kStart + 5000, 30).size(), 30u);
  std::vector<uint64_t> last = AdvanceTo(wheel, kStart + 5000, 30);
  ASSERT_EQ(last.size(), 11u);
  EXPECT_EQ(last.back(), 100u);
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(AdvanceTo(wheel, kStart + 5000, 0).size(), 0u);
}

TEST(TimingWheelTest, ZeroBudgetFiresNothing) {
  TimingWheel wheel(kStart);
  wheel.Insert(kStart + 1, 1);
  EXPECT_THAT(AdvanceTo(wheel, kStart + 10, 0), IsEmpty());
  EXPECT_THAT(AdvanceTo(wheel, kStart + 10), ElementsAre(1u));
}

// Jumps of a day, a year and to the end of time fire exactly what is due; what they cost is
// measured in bench/, not asserted here.
TEST(TimingWheelTest, BigJumpsFireEverythingDue) {
  TimingWheel wheel(kStart);
  // An empty wheel jumping a year, then to the end of time.
  EXPECT_THAT(AdvanceTo(wheel, kStart + kYearMs), IsEmpty());
  std::mt19937_64 rng(1);
  const int64_t base = wheel.now_ms();
  for (uint64_t i = 0; i < 10'000; ++i) {
    wheel.Insert(base + 1 + static_cast<int64_t>(rng() % kYearMs), i);
  }
  EXPECT_EQ(AdvanceTo(wheel, base + kYearMs).size(), 10'000u);
  EXPECT_THAT(AdvanceTo(wheel, kMax), IsEmpty());
  // Stepping a day at a time over a year.
  TimingWheel stepped(kStart);
  for (uint64_t i = 0; i < 1000; ++i) {
    stepped.Insert(kStart + 1 + static_cast<int64_t>(rng() % kYearMs), i);
  }
  size_t fired = 0;
  for (int64_t t = kStart; t <= kStart + kYearMs; t += kDayMs) {
    fired += AdvanceTo(stepped, t).size();
  }
  fired += AdvanceTo(stepped, kStart + kYearMs).size();
  EXPECT_EQ(fired, 1000u);
}

TEST(TimingWheelTest, ManyEntriesInOneSlot) {
  TimingWheel wheel(kStart);
  const int64_t deadline = kStart + kDayMs;
  for (uint64_t i = 0; i < 100'000; ++i) wheel.Insert(deadline, i);
  EXPECT_THAT(AdvanceTo(wheel, deadline - 1), IsEmpty());
  EXPECT_EQ(AdvanceTo(wheel, deadline).size(), 100'000u);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimingWheelTest, PastDeadlineFiresOnNextAdvance) {
  TimingWheel wheel(kStart);
  wheel.Insert(kStart - 5, 1);
  wheel.Insert(kStart, 2);
  wheel.Insert(std::numeric_limits<int64_t>::min(), 3);
  EXPECT_THAT(AdvanceTo(wheel, kStart), UnorderedElementsAre(1u, 2u, 3u));
}

TEST(TimingWheelTest, TimeRunningBackwardsFiresNothingEarly) {
  TimingWheel wheel(kStart);
  EXPECT_THAT(AdvanceTo(wheel, kStart - 1000), IsEmpty());
  EXPECT_EQ(wheel.now_ms(), kStart);
  wheel.Insert(kStart - 500, 1);  // after the clock's time, before the wheel's
  wheel.Insert(kStart + 10, 2);
  EXPECT_THAT(AdvanceTo(wheel, kStart - 600), IsEmpty());
  EXPECT_THAT(AdvanceTo(wheel, kStart), ElementsAre(1u));
  EXPECT_THAT(AdvanceTo(wheel, kStart + 10), ElementsAre(2u));
}

TEST(TimingWheelTest, ClearDropsEverything) {
  TimingWheel wheel(kStart);
  for (uint64_t i = 0; i < 100; ++i) wheel.Insert(kStart + 1 + static_cast<int64_t>(i) * 1000, i);
  wheel.Clear();
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.now_ms(), kStart);
  EXPECT_THAT(AdvanceTo(wheel, kStart + kYearMs), IsEmpty());
  wheel.Insert(kStart + kYearMs + 1, 9);
  EXPECT_THAT(AdvanceTo(wheel, kStart + kYearMs + 1), ElementsAre(9u));
}

}  // namespace
}  // namespace understudy::store
