#include "store/intset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <vector>

namespace understudy::store {
namespace {

std::vector<int64_t> Members(const Intset& set) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < set.size(); ++i) out.push_back(set.Get(i));
  return out;
}

TEST(IntsetTest, InsertContainsEraseInOrder) {
  Intset set;
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.Insert(5));
  EXPECT_TRUE(set.Insert(-3));
  EXPECT_TRUE(set.Insert(10));
  EXPECT_FALSE(set.Insert(5));
  EXPECT_EQ(Members(set), (std::vector<int64_t>{-3, 5, 10}));
  EXPECT_TRUE(set.Contains(-3));
  EXPECT_FALSE(set.Contains(4));
  EXPECT_TRUE(set.Erase(5));
  EXPECT_FALSE(set.Erase(5));
  EXPECT_FALSE(set.Erase(1LL << 40));  // wider than the encoding: cannot be there
  EXPECT_EQ(Members(set), (std::vector<int64_t>{-3, 10}));
  EXPECT_EQ(set.width(), 2u);
}

TEST(IntsetTest, WidensToTheNarrowestWidthThatFits) {
  Intset set;
  set.Insert(1);
  set.Insert(-1);
  EXPECT_EQ(set.width(), 2u);
  EXPECT_TRUE(set.Insert(32767));
  EXPECT_EQ(set.width(), 2u);
  EXPECT_TRUE(set.Insert(32768));  // above every member: appended
  EXPECT_EQ(set.width(), 4u);
  EXPECT_TRUE(set.Insert(std::numeric_limits<int64_t>::min()));  // below: prepended
  EXPECT_EQ(set.width(), 8u);
  EXPECT_EQ(Members(set),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), -1, 1, 32767, 32768}));
  EXPECT_GE(set.bytes(), 5 * 8u);
  // Erasing the wide members keeps the width, as Redis does.
  set.Erase(std::numeric_limits<int64_t>::min());
  set.Erase(32768);
  EXPECT_EQ(set.width(), 8u);
  EXPECT_EQ(Members(set), (std::vector<int64_t>{-1, 1, 32767}));
}

TEST(IntsetTest, WidensFrom16To64AndFrom32To64) {
  Intset a;
  a.Insert(7);
  a.Insert(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(a.width(), 8u);
  EXPECT_EQ(Members(a), (std::vector<int64_t>{7, std::numeric_limits<int64_t>::max()}));
  Intset b;
  b.Insert(-40000);
  EXPECT_EQ(b.width(), 4u);
  b.Insert(-(1LL << 33));
  EXPECT_EQ(b.width(), 8u);
  EXPECT_EQ(Members(b), (std::vector<int64_t>{-(1LL << 33), -40000}));
}

TEST(IntsetTest, RandomizedAgainstStdSet) {
  std::mt19937_64 rng(42);
  Intset set;
  std::set<int64_t> model;
  for (int round = 0; round < 20000; ++round) {
    // Mostly small values, so the encoding stays narrow for a while, then widens.
    const int shift = round < 5000 ? 10 : round < 10000 ? 25 : 62;
    const int64_t v = static_cast<int64_t>(rng() >> (63 - shift)) - (1LL << (shift - 1));
    if (rng() % 3 == 0) {
      ASSERT_EQ(set.Erase(v), model.erase(v) == 1);
    } else {
      ASSERT_EQ(set.Insert(v), model.insert(v).second);
    }
    ASSERT_EQ(set.Contains(v), model.count(v) == 1);
  }
  ASSERT_EQ(set.size(), model.size());
  EXPECT_EQ(Members(set), std::vector<int64_t>(model.begin(), model.end()));
}

}  // namespace
}  // namespace understudy::store
