#include "store/set_value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/encoding_config.h"
#include "tests/store/encoding_test_util.h"

namespace understudy::store {
namespace {

using encoding_test::ExpectUniform;
using encoding_test::Name;

using containers::SetValue;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> Members(const SetValue& set) {
  std::vector<std::string> out;
  set.ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

SetValue IntSet(int n, const EncodingConfig& config) {
  SetValue set;
  for (int i = 0; i < n; ++i) set.Add(std::to_string(i), config);
  return set;
}

TEST(SetValueTest, IntsetWhileMembersAreIntegers) {
  const EncodingConfig config;
  SetValue set;
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.Add("10", config));
  EXPECT_TRUE(set.Add("-5", config));
  EXPECT_TRUE(set.Add("3", config));
  EXPECT_FALSE(set.Add("10", config));
  EXPECT_TRUE(set.Add("9223372036854775807", config));
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_EQ(set.size(), 4u);
  EXPECT_THAT(Members(set), ElementsAre("-5", "3", "10", "9223372036854775807"));
  EXPECT_TRUE(set.Contains("3"));
  EXPECT_FALSE(set.Contains("4"));
  EXPECT_FALSE(set.Contains("03"));
  EXPECT_FALSE(set.Contains("x"));
  EXPECT_TRUE(set.Remove("3"));
  EXPECT_FALSE(set.Remove("3"));
  EXPECT_FALSE(set.Remove("x"));
  EXPECT_THAT(Members(set), ElementsAre("-5", "10", "9223372036854775807"));
}

TEST(SetValueTest, NonCanonicalIntegersConvert) {
  const EncodingConfig config;
  for (const char* member :
       {"007", "+1", "-0", " 1", "1 ", "9223372036854775808", "1.0", "", "abc"}) {
    SetValue set;
    set.Add("1", config);
    ASSERT_EQ(set.encoding(), "intset");
    EXPECT_TRUE(set.Add(member, config)) << member;
    EXPECT_EQ(set.encoding(), "hashtable") << member;
    EXPECT_TRUE(set.Contains(member));
    EXPECT_TRUE(set.Contains("1"));
    EXPECT_EQ(set.size(), 2u);
  }
}

TEST(SetValueTest, ConvertsOnePastMaxIntsetEntries) {
  const EncodingConfig config;  // 512
  SetValue set = IntSet(512, config);
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_FALSE(set.Add("511", config));  // no insert, no conversion
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_TRUE(set.Add("512", config));
  EXPECT_EQ(set.encoding(), "hashtable");
  EXPECT_EQ(set.size(), 513u);
  for (int i = 0; i <= 512; ++i) ASSERT_TRUE(set.Contains(std::to_string(i))) << i;
  // Never back to intset, even when small again.
  for (int i = 0; i < 510; ++i) ASSERT_TRUE(set.Remove(std::to_string(i)));
  EXPECT_EQ(set.encoding(), "hashtable");
  EXPECT_THAT(Members(set), UnorderedElementsAreArray({"510", "511", "512"}));
}

TEST(SetValueTest, LimitChangesApplyOnTheNextInsert) {
  EncodingConfig config;
  config.set_max_intset_entries = 10;
  SetValue set = IntSet(10, config);
  EXPECT_EQ(set.encoding(), "intset");
  config.set_max_intset_entries = 5;  // CONFIG SET: nothing converts until the set changes
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_FALSE(set.Add("3", config));
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_TRUE(set.Remove("9"));
  EXPECT_EQ(set.encoding(), "intset");
  EXPECT_TRUE(set.Add("100", config));
  EXPECT_EQ(set.encoding(), "hashtable");
  EXPECT_EQ(set.size(), 10u);

  config.set_max_intset_entries = 1000;  // raising the limit converts nothing back
  EXPECT_TRUE(set.Add("101", config));
  EXPECT_EQ(set.encoding(), "hashtable");

  config.set_max_intset_entries = 0;  // as Redis: even one member is too many
  SetValue tiny;
  EXPECT_TRUE(tiny.Add("1", config));
  EXPECT_EQ(tiny.encoding(), "hashtable");
}

TEST(SetValueTest, HashtableAgainstModel) {
  const EncodingConfig config;
  std::mt19937_64 rng(5);
  SetValue set;
  std::set<std::string> model;
  for (int round = 0; round < 30000; ++round) {
    const std::string member = Name(rng() % 2 ? "m" : "", static_cast<int>(rng() % 3000));
    if (rng() % 3 == 0) {
      ASSERT_EQ(set.Remove(member), model.erase(member) == 1);
    } else {
      ASSERT_EQ(set.Add(member, config), model.insert(member).second);
    }
    ASSERT_EQ(set.Contains(member), model.count(member) == 1);
  }
  EXPECT_EQ(set.encoding(), "hashtable");
  EXPECT_EQ(set.size(), model.size());
  EXPECT_THAT(Members(set), UnorderedElementsAreArray(model.begin(), model.end()));
}

std::vector<std::string> Sample(const SetValue& set, size_t count) {
  std::vector<std::string> out;
  set.RandomMembers(count, [&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::vector<std::string> Pop(SetValue& set, size_t count, const EncodingConfig& config) {
  std::vector<std::string> out;
  set.PopRandom(count, config, [&](std::string_view m) { out.emplace_back(m); });
  return out;
}

SetValue Filled(int n, bool ints, const EncodingConfig& config) {
  SetValue set;
  for (int i = 0; i < n; ++i) set.Add(Name(ints ? "" : "m", i), config);
  return set;
}

// Both encodings, few draws at a time (fair draws from the table) and many (from an index of
// the members): every member comes up, about equally often.
TEST(SetValueTest, RandomMembersWithRepeatsAreUniform) {
  const EncodingConfig config;
  for (const bool ints : {true, false}) {
    const SetValue set = Filled(100, ints, config);
    ASSERT_EQ(set.encoding(), ints ? "intset" : "hashtable");
    for (const size_t per_call : {4, 40000}) {
      std::map<std::string, int> hits;
      size_t draws = 0;
      for (size_t call = 0; call < 40000 / per_call; ++call) {
        set.RandomMembersWithRepeats(per_call, [&](std::string_view m) {
          ++hits[std::string(m)];
          ++draws;
        });
      }
      EXPECT_EQ(draws, 40000u);
      for (const auto& [member, n] : hits) EXPECT_TRUE(set.Contains(member));
      ExpectUniform(hits, 100);
    }
  }
}

TEST(SetValueTest, RandomMembersAreDistinctAndCoverTheSet) {
  const EncodingConfig config;
  for (const bool ints : {true, false}) {
    const SetValue set = Filled(60, ints, config);
    for (const size_t count : {1, 5, 30, 59}) {  // draws, and shuffles for most of the set
      std::map<std::string, int> hits;
      for (int round = 0; round < 3000; ++round) {
        const std::vector<std::string> picked = Sample(set, count);
        ASSERT_EQ(picked.size(), count);
        ASSERT_EQ(std::set<std::string>(picked.begin(), picked.end()).size(), count);
        for (const std::string& m : picked) ++hits[m];
      }
      ExpectUniform(hits, 60);
    }
    EXPECT_EQ(Sample(set, 60).size(), 60u);
    EXPECT_THAT(Sample(set, 1000), UnorderedElementsAreArray(Members(set)));
    EXPECT_TRUE(Sample(set, 0).empty());
  }
}

TEST(SetValueTest, PopRandomOneAtATimeEmptiesWithoutRepeats) {
  const EncodingConfig config;
  for (const bool ints : {true, false}) {
    SetValue set = Filled(300, ints, config);
    const std::vector<std::string> members = Members(set);
    std::set<std::string> model(members.begin(), members.end());
    while (!set.empty()) {
      const std::vector<std::string> popped = Pop(set, 1, config);
      ASSERT_EQ(popped.size(), 1u);
      ASSERT_EQ(model.erase(popped[0]), 1u) << popped[0];
      ASSERT_FALSE(set.Contains(popped[0]));
      ASSERT_EQ(set.size(), model.size());
    }
    EXPECT_TRUE(model.empty());
  }
}

// Popping a few (one at a time), more (picked at once) and most of the set (keeping a few): what
// goes and what stays partition the set, and every member is as likely to go as any other.
TEST(SetValueTest, PopRandomWithCountIsUniform) {
  const EncodingConfig config;
  for (const bool ints : {true, false}) {
    for (const size_t count : {2, 3, 15, 35, 38}) {  // of 40 members
      std::map<std::string, int> hits;
      for (int round = 0; round < 2000; ++round) {
        SetValue set = Filled(40, ints, config);
        const std::vector<std::string> popped = Pop(set, count, config);
        ASSERT_EQ(popped.size(), count);
        ASSERT_EQ(set.size(), 40 - count);
        std::set<std::string> all(popped.begin(), popped.end());
        ASSERT_EQ(all.size(), count);
        for (const std::string& m : Members(set)) ASSERT_TRUE(all.insert(m).second) << m;
        ASSERT_EQ(all.size(), 40u);
        for (const std::string& m : popped) ++hits[m];
      }
      ExpectUniform(hits, 40);
    }
  }
}

// SPOP of one member, put back each time (the engine's SetsTest does this): the set changes
// under the picks, a hashtable's chains with it, and each member still goes as often as any.
TEST(SetValueTest, PopRandomOneWithPutBackIsUniform) {
  const EncodingConfig config;
  for (const bool ints : {true, false}) {
    SetValue set = Filled(30, ints, config);
    std::map<std::string, int> hits;
    for (int round = 0; round < 30000; ++round) {
      const std::vector<std::string> popped = Pop(set, 1, config);
      ASSERT_EQ(popped.size(), 1u);
      ++hits[popped[0]];
      ASSERT_TRUE(set.Add(popped[0], config));
    }
    EXPECT_EQ(set.encoding(), ints ? "intset" : "hashtable");
    ExpectUniform(hits, 30);
  }
}

// n integers in a hashtable: a string member made it one, then went.
SetValue IntegerHashtable(int n, const EncodingConfig& config) {
  SetValue set;
  set.Add("x", config);
  for (int i = 0; i < n; ++i) set.Add(std::to_string(i * 7 % n), config);
  set.Remove("x");
  return set;
}

TEST(SetValueTest, PopRandomOfEverythingAnswersAsACopyWould) {
  EncodingConfig config;
  // Integers that fit an intset: ascending, as the copy would be an intset.
  SetValue set = IntegerHashtable(23, config);
  ASSERT_EQ(set.encoding(), "hashtable");
  std::vector<std::string> ascending;
  for (int i = 0; i < 23; ++i) ascending.push_back(std::to_string(i));
  EXPECT_THAT(Pop(set, 100, config), ElementsAreArray(ascending));
  EXPECT_TRUE(set.empty());

  // Too many integers for an intset, or strings: table order, every member once.
  config.set_max_intset_entries = 5;
  SetValue big = IntSet(10, config);
  ASSERT_EQ(big.encoding(), "hashtable");
  const std::vector<std::string> all = Members(big);
  EXPECT_THAT(Pop(big, 10, config), ElementsAreArray(all));
  SetValue strings = Filled(10, false, config);
  const std::vector<std::string> names = Members(strings);
  EXPECT_THAT(Pop(strings, 11, config), ElementsAreArray(names));
  EXPECT_TRUE(strings.empty());
}

TEST(SetValueTest, PopRandomKeepingAFewReencodesThem) {
  const EncodingConfig config;
  // 10 popping 8 leaves 2, more than 8 / 5: popped one at a time, still a hashtable.
  SetValue ten = IntegerHashtable(10, config);
  Pop(ten, 8, config);
  EXPECT_EQ(ten.encoding(), "hashtable");
  EXPECT_EQ(ten.size(), 2u);
  // 9 popping 8 leaves 1: it moves to a new set, an intset.
  SetValue nine = IntegerHashtable(9, config);
  Pop(nine, 8, config);
  EXPECT_EQ(nine.encoding(), "intset");
  EXPECT_EQ(nine.size(), 1u);
  // Strings stay in a hashtable.
  SetValue strings = Filled(9, false, config);
  Pop(strings, 8, config);
  EXPECT_EQ(strings.encoding(), "hashtable");
  EXPECT_EQ(strings.size(), 1u);
}

TEST(SetValueTest, ForEachWhileVisitsEachMemberOnceAndStops) {
  const EncodingConfig config;
  for (const bool ints : {true, false}) {
    const SetValue set = Filled(1000, ints, config);
    std::vector<std::string> seen;
    EXPECT_TRUE(set.ForEachWhile([&](std::string_view m) {
      seen.emplace_back(m);
      return true;
    }));
    EXPECT_THAT(seen, UnorderedElementsAreArray(Members(set)));
    size_t calls = 0;
    EXPECT_FALSE(set.ForEachWhile([&](std::string_view) { return ++calls < 10; }));
    EXPECT_EQ(calls, 10u);
  }
}

TEST(SetValueTest, ScanOfIntsetIsOneCall) {
  const EncodingConfig config;
  SetValue set = IntSet(100, config);
  std::vector<std::string> seen;
  EXPECT_EQ(set.Scan(0, 10, [&](std::string_view m) { seen.emplace_back(m); }), 0u);
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(seen.front(), "0");
}

TEST(SetValueTest, ScanOfHashtableKeepsItsGuaranteeWhileTheSetChanges) {
  const EncodingConfig config;
  SetValue set;
  std::set<std::string> stable;
  for (int i = 0; i < 300; ++i) {
    stable.insert(Name("s", i));
    set.Add(Name("s", i), config);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int transient = 0;
  do {
    cursor = set.Scan(cursor, 5, [&](std::string_view m) { seen.emplace(m); });
    ++calls;
    if (calls < 15) {
      for (int i = 0; i < 400; ++i) set.Add(Name("t", transient++), config);
    } else {
      for (int i = 0; i < 600 && transient > 0; ++i) set.Remove(Name("t", --transient));
    }
  } while (cursor != 0);
  for (const std::string& m : stable) EXPECT_EQ(seen.count(m), 1u) << m;
}

TEST(SetValueTest, BytesGrowWithMembersAndMoveKeepsThem) {
  const EncodingConfig config;
  SetValue set = IntSet(100, config);
  const size_t intset_bytes = set.bytes();
  EXPECT_GE(intset_bytes, 200u);
  set.Add("member", config);
  EXPECT_GT(set.bytes(), intset_bytes);
  SetValue moved = std::move(set);
  EXPECT_EQ(moved.size(), 101u);
  EXPECT_EQ(moved.encoding(), "hashtable");
  EXPECT_TRUE(moved.Contains("member"));
}

}  // namespace
}  // namespace understudy::store
