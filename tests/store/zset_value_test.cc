#include "store/zset_value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/encoding_config.h"
#include "tests/store/encoding_test_util.h"

namespace understudy::store {
namespace {

using encoding_test::ExpectUniform;
using encoding_test::Name;

using containers::LexRange;
using containers::ParseScore;
using containers::ScoreRange;
using containers::ZAddFlags;
using containers::ZAddResult;
using containers::ZSetValue;
using ::testing::ElementsAre;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::UnorderedElementsAreArray;

using Entries = ZSetValue::Entries;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr size_t kAll = ZSetValue::kNoLimit;

EncodingConfig ListpackConfig() { return EncodingConfig{}; }

// Converts on the first member: every test below runs against both encodings.
EncodingConfig SkiplistConfig() {
  EncodingConfig config;
  config.zset_max_listpack_entries = 0;
  return config;
}

ZAddResult Add(ZSetValue& z, std::string_view member, double score, const EncodingConfig& config,
               ZAddFlags flags = {}) {
  return z.Add(member, score, flags, config);
}

template <typename Call>
Entries Collect(Call call) {
  Entries out;
  call([&](std::string_view member, double score) { out.emplace_back(member, score); });
  return out;
}

Entries All(const ZSetValue& z) {
  return Collect([&](auto fn) { z.RangeByRank(0, -1, false, fn); });
}

// ZPOPMIN / ZPOPMAX as the commands do it: emit the end span, then erase it.
Entries Pop(ZSetValue& z, size_t count, bool max) {
  const ZSetValue::Span span = z.EndSpan(count, max);
  Entries popped = Collect([&](auto fn) { z.Emit(span, max, fn); });
  EXPECT_EQ(z.Erase(span), popped.size());
  return popped;
}

Entries Random(const ZSetValue& z, size_t count, bool distinct) {
  return Collect([&](auto fn) { z.RandomMembers(count, distinct, fn); });
}

ScoreRange Scores(std::string_view min, std::string_view max) {
  ScoreRange range;
  EXPECT_TRUE(ScoreRange::Parse(min, max, &range)) << min << " " << max;
  return range;
}

LexRange Lex(std::string_view min, std::string_view max) {
  LexRange range;
  EXPECT_TRUE(LexRange::Parse(min, max, &range)) << min << " " << max;
  return range;
}

class ZSetValueTest : public ::testing::TestWithParam<bool> {
 protected:
  bool skiplist() const { return GetParam(); }
  const EncodingConfig& config() const { return config_; }
  std::string_view expected_encoding() const { return skiplist() ? "skiplist" : "listpack"; }

  // a:1 b:2 c:3 d:4 e:5
  ZSetValue Abcde() {
    ZSetValue z;
    for (int i = 0; i < 5; ++i) Add(z, std::string(1, static_cast<char>('a' + i)), i + 1, config_);
    return z;
  }

 private:
  EncodingConfig config_ = GetParam() ? SkiplistConfig() : ListpackConfig();
};

INSTANTIATE_TEST_SUITE_P(Encodings, ZSetValueTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Skiplist" : "Listpack"; });

TEST_P(ZSetValueTest, AddScoreRemoveRank) {
  ZSetValue z;
  EXPECT_TRUE(z.empty());
  const ZAddResult added = Add(z, "b", 2, config());
  EXPECT_TRUE(added.added);
  EXPECT_FALSE(added.updated);
  EXPECT_EQ(added.score, 2);
  EXPECT_EQ(z.encoding(), expected_encoding());
  Add(z, "a", 1, config());
  Add(z, "c", 3, config());
  EXPECT_EQ(z.size(), 3u);
  EXPECT_THAT(z.Score("a"), Optional(1.0));
  EXPECT_EQ(z.Score("zz"), std::nullopt);
  EXPECT_THAT(z.Rank("a", false), Optional(0u));
  EXPECT_THAT(z.Rank("c", false), Optional(2u));
  EXPECT_THAT(z.Rank("c", true), Optional(0u));
  EXPECT_EQ(z.Rank("zz", false), std::nullopt);

  const ZAddResult same = Add(z, "b", 2, config());
  EXPECT_FALSE(same.added || same.updated || same.skipped);
  const ZAddResult moved = Add(z, "b", 10, config());
  EXPECT_TRUE(moved.updated);
  EXPECT_THAT(All(z), ElementsAre(Pair("a", 1), Pair("c", 3), Pair("b", 10)));
  EXPECT_TRUE(z.Remove("c"));
  EXPECT_FALSE(z.Remove("c"));
  EXPECT_THAT(All(z), ElementsAre(Pair("a", 1), Pair("b", 10)));
  EXPECT_TRUE(z.Remove("a"));
  EXPECT_TRUE(z.Remove("b"));
  EXPECT_TRUE(z.empty());
  EXPECT_TRUE(All(z).empty());
}

// Equal scores order by member bytes: memcmp order, a prefix first, high bytes last.
TEST_P(ZSetValueTest, TiesOrderByMemberBytes) {
  ZSetValue z;
  for (const char* m : {"b", "ab", "a", "", "\xff", "B", "10", "9", "a\x01"}) {
    Add(z, m, 0, config());
  }
  Add(z, "low", -1, config());
  EXPECT_THAT(All(z), ElementsAre(Pair("low", -1), Pair("", 0), Pair("10", 0), Pair("9", 0),
                                  Pair("B", 0), Pair("a", 0), Pair("a\x01", 0), Pair("ab", 0),
                                  Pair("b", 0), Pair("\xff", 0)));
  EXPECT_THAT(z.Rank("9", false), Optional(3u));
}

// Scores survive exactly, whatever form the listpack stores them in.
TEST_P(ZSetValueTest, ScoresRoundTrip) {
  const std::vector<double> scores = {0,
                                      -0.0,
                                      1,
                                      -1,
                                      0.1,
                                      -2.5,
                                      1e300,
                                      -1e-300,
                                      5e-324,
                                      kInf,
                                      -kInf,
                                      9007199254740993.0,
                                      9223372036854775807.0,  // 2^63: beyond int64
                                      -9223372036854775808.0,
                                      12345678901234567890.0,
                                      123456789012.0,
                                      std::nextafter(1.0, 2.0)};
  ZSetValue z;
  for (size_t i = 0; i < scores.size(); ++i)
    Add(z, Name("m", static_cast<int>(i)), scores[i], config());
  for (size_t i = 0; i < scores.size(); ++i) {
    const std::optional<double> score = z.Score(Name("m", static_cast<int>(i)));
    ASSERT_TRUE(score.has_value());
    EXPECT_EQ(*score, scores[i]) << i;
    // A listpack keeps -0 as 0, as Redis's does.
    const bool negative_zero = scores[i] == 0 && std::signbit(scores[i]);
    EXPECT_EQ(std::signbit(*score), std::signbit(scores[i]) && !(negative_zero && !skiplist()))
        << i;
  }
}

TEST_P(ZSetValueTest, IntegerLookingMembers) {
  ZSetValue z;
  Add(z, "10", 1, config());
  Add(z, "-3", 2, config());
  Add(z, "007", 3, config());
  EXPECT_THAT(z.Score("10"), Optional(1.0));
  EXPECT_THAT(z.Score("007"), Optional(3.0));
  EXPECT_EQ(z.Score("7"), std::nullopt);
  EXPECT_THAT(All(z), ElementsAre(Pair("10", 1), Pair("-3", 2), Pair("007", 3)));
}

TEST_P(ZSetValueTest, AddFlags) {
  ZSetValue z;
  Add(z, "a", 5, config());

  ZAddResult r = Add(z, "a", 7, config(), {.nx = true});
  EXPECT_TRUE(r.skipped);
  EXPECT_THAT(z.Score("a"), Optional(5.0));
  r = Add(z, "new", 1, config(), {.nx = true});
  EXPECT_TRUE(r.added);

  r = Add(z, "missing", 1, config(), {.xx = true});
  EXPECT_TRUE(r.skipped);
  EXPECT_EQ(z.Score("missing"), std::nullopt);
  r = Add(z, "a", 6, config(), {.xx = true});
  EXPECT_TRUE(r.updated);
  EXPECT_EQ(r.score, 6);

  r = Add(z, "a", 4, config(), {.gt = true});
  EXPECT_TRUE(r.skipped);
  r = Add(z, "a", 6, config(), {.gt = true});  // not greater
  EXPECT_TRUE(r.skipped);
  r = Add(z, "a", 8, config(), {.gt = true});
  EXPECT_TRUE(r.updated);
  r = Add(z, "a", 9, config(), {.lt = true});
  EXPECT_TRUE(r.skipped);
  r = Add(z, "a", 3, config(), {.lt = true});
  EXPECT_TRUE(r.updated);
  EXPECT_THAT(z.Score("a"), Optional(3.0));
  r = Add(z, "gt-new", 1, config(), {.gt = true});  // GT/LT still add new members
  EXPECT_TRUE(r.added);

  r = Add(z, "a", 2.5, config(), {.incr = true});
  EXPECT_TRUE(r.updated);
  EXPECT_EQ(r.score, 5.5);
  r = Add(z, "fresh", 2.5, config(), {.incr = true});
  EXPECT_TRUE(r.added);
  EXPECT_EQ(r.score, 2.5);
  r = Add(z, "a", 0, config(), {.incr = true});
  EXPECT_FALSE(r.updated || r.skipped);
  EXPECT_EQ(r.score, 5.5);
  r = Add(z, "a", -1, config(), {.gt = true, .incr = true});  // 4.5 is not greater
  EXPECT_TRUE(r.skipped);
  EXPECT_THAT(z.Score("a"), Optional(5.5));
  r = Add(z, "a", 1, config(), {.xx = true, .incr = true});
  EXPECT_EQ(r.score, 6.5);
  r = Add(z, "nope", 1, config(), {.xx = true, .incr = true});
  EXPECT_TRUE(r.skipped);

  // inf + -inf is NaN: reported, nothing stored.
  Add(z, "inf", kInf, config());
  r = Add(z, "inf", -kInf, config(), {.incr = true});
  EXPECT_TRUE(r.nan);
  EXPECT_FALSE(r.updated);
  EXPECT_THAT(z.Score("inf"), Optional(kInf));
  r = Add(z, "n", std::nan(""), config());
  EXPECT_TRUE(r.nan);
  EXPECT_EQ(z.Score("n"), std::nullopt);
  EXPECT_EQ(z.encoding(), expected_encoding());
}

TEST_P(ZSetValueTest, RangeByRank) {
  const ZSetValue z = Abcde();
  const auto range = [&](int64_t start, int64_t stop, bool reverse) {
    return Collect([&](auto fn) { z.RangeByRank(start, stop, reverse, fn); });
  };
  EXPECT_THAT(range(0, -1, false),
              ElementsAre(Pair("a", 1), Pair("b", 2), Pair("c", 3), Pair("d", 4), Pair("e", 5)));
  EXPECT_THAT(range(1, 2, false), ElementsAre(Pair("b", 2), Pair("c", 3)));
  EXPECT_THAT(range(-2, -1, false), ElementsAre(Pair("d", 4), Pair("e", 5)));
  EXPECT_THAT(range(-100, 0, false), ElementsAre(Pair("a", 1)));
  EXPECT_THAT(range(3, 100, false), ElementsAre(Pair("d", 4), Pair("e", 5)));
  EXPECT_TRUE(range(5, 10, false).empty());
  EXPECT_TRUE(range(2, 1, false).empty());
  EXPECT_TRUE(range(-1, -2, false).empty());
  EXPECT_THAT(range(0, 1, true), ElementsAre(Pair("e", 5), Pair("d", 4)));
  EXPECT_THAT(range(-2, -1, true), ElementsAre(Pair("b", 2), Pair("a", 1)));
  EXPECT_THAT(range(0, -1, true),
              ElementsAre(Pair("e", 5), Pair("d", 4), Pair("c", 3), Pair("b", 2), Pair("a", 1)));
}

TEST_P(ZSetValueTest, RangeByScore) {
  const ZSetValue z = Abcde();
  const auto range = [&](std::string_view min, std::string_view max, bool reverse,
                         size_t offset = 0, size_t limit = kAll) {
    return Collect([&](auto fn) { z.RangeByScore(Scores(min, max), reverse, offset, limit, fn); });
  };
  EXPECT_THAT(range("2", "4", false), ElementsAre(Pair("b", 2), Pair("c", 3), Pair("d", 4)));
  EXPECT_THAT(range("(2", "4", false), ElementsAre(Pair("c", 3), Pair("d", 4)));
  EXPECT_THAT(range("2", "(4", false), ElementsAre(Pair("b", 2), Pair("c", 3)));
  EXPECT_THAT(range("(2", "(3", false), ElementsAre());
  EXPECT_THAT(range("-inf", "+inf", false).size(), 5u);
  EXPECT_THAT(range("-inf", "1.5", false), ElementsAre(Pair("a", 1)));
  EXPECT_THAT(range("4.5", "inf", false), ElementsAre(Pair("e", 5)));
  EXPECT_TRUE(range("6", "10", false).empty());
  EXPECT_TRUE(range("3", "2", false).empty());
  EXPECT_TRUE(range("(3", "3", false).empty());
  EXPECT_THAT(range("3", "3", false), ElementsAre(Pair("c", 3)));
  EXPECT_THAT(range("2", "4", true), ElementsAre(Pair("d", 4), Pair("c", 3), Pair("b", 2)));
  EXPECT_THAT(range("-inf", "+inf", false, 1, 2), ElementsAre(Pair("b", 2), Pair("c", 3)));
  EXPECT_THAT(range("-inf", "+inf", true, 1, 2), ElementsAre(Pair("d", 4), Pair("c", 3)));
  EXPECT_THAT(range("2", "4", false, 2, 10), ElementsAre(Pair("d", 4)));
  EXPECT_TRUE(range("2", "4", false, 3, 10).empty());
  EXPECT_TRUE(range("2", "4", false, 0, 0).empty());
  EXPECT_EQ(z.CountByScore(Scores("(1", "5")), 4u);
  EXPECT_EQ(z.CountByScore(Scores("-inf", "+inf")), 5u);
  EXPECT_EQ(z.CountByScore(Scores("5", "1")), 0u);
}

TEST_P(ZSetValueTest, RangeByLex) {
  ZSetValue z;
  for (const char* m : {"a", "b", "c", "d", "e", "f", "g"}) Add(z, m, 0, config());
  const auto range = [&](std::string_view min, std::string_view max, bool reverse,
                         size_t offset = 0, size_t limit = kAll) {
    std::vector<std::string> out;
    z.RangeByLex(Lex(min, max), reverse, offset, limit,
                 [&](std::string_view m, double) { out.emplace_back(m); });
    return out;
  };
  EXPECT_THAT(range("-", "[c", false), ElementsAre("a", "b", "c"));
  EXPECT_THAT(range("-", "(c", false), ElementsAre("a", "b"));
  EXPECT_THAT(range("[aaa", "(g", false), ElementsAre("b", "c", "d", "e", "f"));
  EXPECT_THAT(range("(e", "+", false), ElementsAre("f", "g"));
  EXPECT_THAT(range("-", "+", false).size(), 7u);
  EXPECT_TRUE(range("+", "-", false).empty());
  EXPECT_TRUE(range("+", "+", false).empty());
  EXPECT_TRUE(range("-", "-", false).empty());
  EXPECT_TRUE(range("[d", "[c", false).empty());
  EXPECT_TRUE(range("(c", "(c", false).empty());
  EXPECT_THAT(range("[c", "[c", false), ElementsAre("c"));
  EXPECT_THAT(range("[b", "[e", true), ElementsAre("e", "d", "c", "b"));
  EXPECT_THAT(range("-", "+", false, 2, 3), ElementsAre("c", "d", "e"));
  EXPECT_THAT(range("-", "+", true, 2, 3), ElementsAre("e", "d", "c"));
  EXPECT_EQ(z.CountByLex(Lex("[b", "(f")), 4u);
  EXPECT_EQ(z.CountByLex(Lex("-", "+")), 7u);
  EXPECT_EQ(z.CountByLex(Lex("(g", "+")), 0u);
}

TEST_P(ZSetValueTest, RemoveRanges) {
  ZSetValue z = Abcde();
  EXPECT_EQ(z.RemoveRangeByRank(1, 2), 2u);
  EXPECT_THAT(All(z), ElementsAre(Pair("a", 1), Pair("d", 4), Pair("e", 5)));
  EXPECT_EQ(z.RemoveRangeByRank(-1, -1), 1u);
  EXPECT_EQ(z.RemoveRangeByRank(5, 9), 0u);
  EXPECT_THAT(All(z), ElementsAre(Pair("a", 1), Pair("d", 4)));

  z = Abcde();
  EXPECT_EQ(z.RemoveRangeByScore(Scores("(1", "4")), 3u);
  EXPECT_THAT(All(z), ElementsAre(Pair("a", 1), Pair("e", 5)));
  EXPECT_EQ(z.RemoveRangeByScore(Scores("6", "+inf")), 0u);
  EXPECT_EQ(z.RemoveRangeByScore(Scores("-inf", "+inf")), 2u);
  EXPECT_TRUE(z.empty());

  for (const char* m : {"a", "b", "c", "d"}) Add(z, m, 0, config());
  EXPECT_EQ(z.RemoveRangeByLex(Lex("(a", "[c")), 2u);
  EXPECT_THAT(All(z), ElementsAre(Pair("a", 0), Pair("d", 0)));
  EXPECT_EQ(z.RemoveRangeByLex(Lex("-", "+")), 2u);
  EXPECT_TRUE(z.empty());
  // Still usable after emptying.
  Add(z, "x", 1, config());
  EXPECT_THAT(All(z), ElementsAre(Pair("x", 1)));
}

TEST_P(ZSetValueTest, AppendSortedBuildsWhatAddWould) {
  const Entries sorted = {{"x", -kInf}, {"a", 1}, {"b", 1}, {"", 2.5}, {"c", kInf}};
  ZSetValue z;
  for (const auto& [m, s] : sorted) z.AppendSorted(m, s, config());
  EXPECT_EQ(z.encoding(), expected_encoding());
  EXPECT_EQ(All(z), sorted);
  EXPECT_THAT(z.Score("b"), Optional(1.0));
  EXPECT_THAT(z.Rank("", false), Optional(3u));
  Add(z, "d", 2, config());
  EXPECT_THAT(z.Rank("d", false), Optional(3u));
}

TEST(ZSetEncodingTest, AppendSortedConvertsAtTheThresholds) {
  EncodingConfig config;
  config.zset_max_listpack_entries = 3;
  config.zset_max_listpack_value = 4;
  ZSetValue z;
  for (int i = 0; i < 3; ++i) z.AppendSorted(Name("m", i), i, config);
  EXPECT_EQ(z.encoding(), "listpack");
  z.AppendSorted("m3", 3, config);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_THAT(All(z), ElementsAre(Pair("m0", 0), Pair("m1", 1), Pair("m2", 2), Pair("m3", 3)));

  ZSetValue long_member;
  long_member.AppendSorted("abcd", 1, config);
  EXPECT_EQ(long_member.encoding(), "listpack");
  long_member.AppendSorted("abcde", 2, config);
  EXPECT_EQ(long_member.encoding(), "skiplist");
}

TEST_P(ZSetValueTest, SpansCountBeforeEmitting) {
  const ZSetValue z = Abcde();
  EXPECT_EQ(ZSetValue::SpanSize(z.RankSpan(1, -2, false)), 3u);
  EXPECT_EQ(z.RankSpan(0, 1, true), std::make_optional(std::make_pair(size_t{3}, size_t{4})));
  EXPECT_EQ(ZSetValue::SpanSize(z.RankSpan(3, 1, false)), 0u);
  EXPECT_EQ(z.ScoreSpan(Scores("2", "+inf"), true, 1, 2),
            std::make_optional(std::make_pair(size_t{2}, size_t{3})));
  EXPECT_EQ(z.EndSpan(2, true), std::make_optional(std::make_pair(size_t{3}, size_t{4})));
  EXPECT_EQ(z.EndSpan(9, false), std::make_optional(std::make_pair(size_t{0}, size_t{4})));
  EXPECT_EQ(z.EndSpan(0, false), std::nullopt);
}

TEST_P(ZSetValueTest, PopMinAndMax) {
  ZSetValue z = Abcde();
  EXPECT_THAT(Pop(z, 2, false), ElementsAre(Pair("a", 1), Pair("b", 2)));
  EXPECT_THAT(Pop(z, 1, true), ElementsAre(Pair("e", 5)));
  EXPECT_TRUE(Pop(z, 0, false).empty());
  EXPECT_THAT(Pop(z, 10, true), ElementsAre(Pair("d", 4), Pair("c", 3)));
  EXPECT_TRUE(z.empty());
  EXPECT_TRUE(Pop(z, 1, false).empty());
}

TEST_P(ZSetValueTest, RandomMembersAreUniformAndDistinct) {
  ZSetValue z;
  for (int i = 0; i < 50; ++i) Add(z, Name("m", i), i % 7, config());
  std::map<std::string, int> hits;
  for (int i = 0; i < 20000; ++i) {
    const Entries picked = Random(z, 1, false);
    ASSERT_EQ(picked.size(), 1u);
    const auto& [member, score] = picked[0];
    ASSERT_THAT(z.Score(member), Optional(score));
    ++hits[member];
  }
  ExpectUniform(hits, 50);

  for (const size_t count : {3, 45}) {
    std::map<std::string, int> picked_hits;
    for (int round = 0; round < 2000; ++round) {
      const Entries picked = Random(z, count, true);
      ASSERT_EQ(picked.size(), count);
      std::set<std::string> distinct;
      for (const auto& [m, score] : picked) {
        distinct.insert(m);
        ASSERT_THAT(z.Score(m), Optional(score));
        ++picked_hits[m];
      }
      ASSERT_EQ(distinct.size(), count);
    }
    ExpectUniform(picked_hits, 50);
  }
  EXPECT_THAT(Random(z, 100, true), UnorderedElementsAreArray(All(z)));

  // With repeats: exactly `count` picks, every member reachable.
  std::map<std::string, int> repeat_hits;
  const Entries repeats = Random(z, 20000, false);
  ASSERT_EQ(repeats.size(), 20000u);
  for (const auto& [m, score] : repeats) {
    ASSERT_THAT(z.Score(m), Optional(score));
    ++repeat_hits[m];
  }
  ExpectUniform(repeat_hits, 50);
}

TEST_P(ZSetValueTest, BytesAndMove) {
  ZSetValue z = Abcde();
  const size_t before = z.bytes();
  EXPECT_GT(before, sizeof(ZSetValue));
  for (int i = 0; i < 50; ++i) Add(z, Name("f", i), 6, config());
  EXPECT_GT(z.bytes(), before);
  ZSetValue moved = std::move(z);
  EXPECT_EQ(moved.size(), 55u);
  EXPECT_EQ(moved.encoding(), expected_encoding());
  EXPECT_THAT(moved.Score("f7"), Optional(6.0));
}

// Against a std::set model: every operation, on random data, in both encodings.
TEST_P(ZSetValueTest, RandomizedAgainstModel) {
  std::mt19937_64 rng(skiplist() ? 11 : 12);
  ZSetValue z;
  std::map<std::string, double> scores;
  std::set<std::pair<double, std::string>> ordered;
  // Up to 100 members so the listpack case stays a listpack.
  const auto random_member = [&] {
    return Name(rng() % 4 == 0 ? "" : "m", static_cast<int>(rng() % 50));
  };
  const auto random_score = [&] {
    return static_cast<double>(static_cast<int>(rng() % 21) - 10) / 2;
  };
  const auto model_entries = [&] {
    Entries out;
    for (const auto& [score, member] : ordered) out.emplace_back(member, score);
    return out;
  };
  const auto model_set = [&](const std::string& m, double s) {
    if (auto it = scores.find(m); it != scores.end()) ordered.erase({it->second, m});
    scores[m] = s;
    ordered.insert({s, m});
  };
  const auto model_erase = [&](const std::string& m) {
    ordered.erase({scores[m], m});
    scores.erase(m);
  };

  for (int round = 0; round < 4000; ++round) {
    const int op = static_cast<int>(rng() % 10);
    const std::string member = random_member();
    if (op <= 3) {
      ZAddFlags flags;
      flags.incr = rng() % 3 == 0;
      flags.gt = rng() % 5 == 0;
      flags.lt = !flags.gt && rng() % 5 == 0;
      flags.xx = rng() % 6 == 0;
      flags.nx = !flags.xx && !flags.gt && !flags.lt && rng() % 6 == 0;
      double score = random_score();
      const ZAddResult r = z.Add(member, score, flags, config());
      const auto it = scores.find(member);
      if (it == scores.end()) {
        ASSERT_EQ(r.skipped, flags.xx);
        if (!flags.xx) model_set(member, score);
      } else {
        const double current = it->second;
        if (flags.incr) score += current;
        const bool skip =
            flags.nx || (flags.gt && score <= current) || (flags.lt && score >= current);
        ASSERT_EQ(r.skipped, skip);
        if (!skip) {
          ASSERT_EQ(r.updated, score != current);
          model_set(member, score);
        }
      }
    } else if (op == 4) {
      ASSERT_EQ(z.Remove(member), scores.count(member) == 1);
      if (scores.count(member)) model_erase(member);
    } else if (op == 5) {
      // Rank of a member, both ways.
      const bool reverse = rng() % 2;
      const std::optional<size_t> rank = z.Rank(member, reverse);
      if (scores.count(member) == 0) {
        ASSERT_EQ(rank, std::nullopt);
      } else {
        const Entries all = model_entries();
        size_t i = 0;
        while (all[i].first != member) ++i;
        ASSERT_THAT(rank, Optional(reverse ? all.size() - 1 - i : i));
      }
    } else if (op == 6) {
      const auto start = static_cast<int64_t>(rng() % 30) - 15;
      const auto stop = static_cast<int64_t>(rng() % 30) - 15;
      const bool reverse = rng() % 2;
      Entries expected = model_entries();
      if (reverse) std::reverse(expected.begin(), expected.end());
      const auto n = static_cast<int64_t>(expected.size());
      int64_t a = start < 0 ? start + n : start;
      int64_t b = stop < 0 ? stop + n : stop;
      a = std::max<int64_t>(a, 0);
      b = std::min<int64_t>(b, n - 1);
      Entries want;
      for (int64_t i = a; i <= b; ++i) want.push_back(expected[i]);
      ASSERT_EQ(Collect([&](auto fn) { z.RangeByRank(start, stop, reverse, fn); }), want)
          << start << " " << stop << " " << reverse;
      if (!reverse && rng() % 8 == 0) {  // ZREMRANGEBYRANK counts from the lowest
        const size_t removed = z.RemoveRangeByRank(start, stop);
        ASSERT_EQ(removed, want.size());
        for (const auto& [m, s] : want) model_erase(m);
      }
    } else if (op == 7 || op == 8) {
      ScoreRange range;
      range.min = random_score();
      range.max = random_score();
      range.min_exclusive = rng() % 2;
      range.max_exclusive = rng() % 2;
      if (rng() % 6 == 0) range.min = -kInf;
      if (rng() % 6 == 0) range.max = kInf;
      const bool reverse = rng() % 2;
      const size_t offset = rng() % 3 == 0 ? rng() % 5 : 0;
      const size_t limit = rng() % 3 == 0 ? rng() % 5 : kAll;
      Entries in_range;
      for (const auto& [s, m] : ordered) {
        if (range.AboveMin(s) && range.BelowMax(s)) in_range.emplace_back(m, s);
      }
      ASSERT_EQ(z.CountByScore(range), in_range.size());
      if (reverse) std::reverse(in_range.begin(), in_range.end());
      Entries want;
      for (size_t i = offset; i < in_range.size() && want.size() < limit; ++i) {
        want.push_back(in_range[i]);
      }
      ASSERT_EQ(Collect([&](auto fn) { z.RangeByScore(range, reverse, offset, limit, fn); }), want);
      if (op == 8 && rng() % 4 == 0) {
        ASSERT_EQ(z.RemoveRangeByScore(range), in_range.size());
        for (const auto& [m, s] : in_range) model_erase(m);
      }
    } else {
      const bool max = rng() % 2;
      const size_t count = rng() % 4;
      Entries want;
      Entries all = model_entries();
      if (max) std::reverse(all.begin(), all.end());
      for (size_t i = 0; i < count && i < all.size(); ++i) want.push_back(all[i]);
      ASSERT_EQ(Pop(z, count, max), want);
      for (const auto& [m, s] : want) model_erase(m);
    }
    ASSERT_EQ(z.size(), scores.size());
    if (round % 50 == 0) {
      ASSERT_EQ(All(z), model_entries());
    }
  }
  EXPECT_EQ(z.encoding(), expected_encoding());
  EXPECT_EQ(All(z), model_entries());
}

// Lex ranges are defined when all scores are equal: check them against a std::set of members.
TEST_P(ZSetValueTest, RandomizedLexAgainstModel) {
  std::mt19937_64 rng(skiplist() ? 21 : 22);
  ZSetValue z;
  std::set<std::string> model;
  const auto random_text = [&] {
    std::string s;
    for (size_t n = rng() % 3; n > 0; --n) s.push_back("ab\x80z"[rng() % 4]);
    return s;
  };
  const auto random_bound = [&] {
    const int kind = static_cast<int>(rng() % 6);
    if (kind == 0) return std::string("-");
    if (kind == 1) return std::string("+");
    std::string bound(kind % 2 ? "[" : "(");
    bound += random_text();
    return bound;
  };
  for (int round = 0; round < 3000; ++round) {
    const std::string m = random_text();
    if (rng() % 3) {
      z.Add(m, 0, {}, config());
      model.insert(m);
    } else {
      ASSERT_EQ(z.Remove(m), model.erase(m) == 1);
    }
    const LexRange range = Lex(random_bound(), random_bound());
    const bool reverse = rng() % 2;
    const size_t offset = rng() % 3 == 0 ? rng() % 4 : 0;
    const size_t limit = rng() % 3 == 0 ? rng() % 4 : kAll;
    std::vector<std::string> in_range;
    for (const std::string& s : model) {
      if (range.AboveMin(s) && range.BelowMax(s)) in_range.push_back(s);
    }
    ASSERT_EQ(z.CountByLex(range), in_range.size());
    if (reverse) std::reverse(in_range.begin(), in_range.end());
    std::vector<std::string> want;
    for (size_t i = offset; i < in_range.size() && want.size() < limit; ++i) {
      want.push_back(in_range[i]);
    }
    std::vector<std::string> got;
    z.RangeByLex(range, reverse, offset, limit,
                 [&](std::string_view member, double) { got.emplace_back(member); });
    ASSERT_EQ(got, want);
    if (rng() % 10 == 0) {
      ASSERT_EQ(z.RemoveRangeByLex(range), in_range.size());
      for (const std::string& s : in_range) model.erase(s);
    }
  }
}

TEST(ZSetEncodingTest, ConvertsOnePastMaxEntries) {
  const EncodingConfig config;  // 128 entries of up to 64 bytes
  ZSetValue z;
  for (int i = 0; i < 128; ++i) Add(z, Name("m", i), i, config);
  EXPECT_EQ(z.encoding(), "listpack");
  Add(z, "m5", 1000, config);  // an update is not a new entry
  EXPECT_EQ(z.encoding(), "listpack");
  EXPECT_TRUE(Add(z, "m", 1, config, {.xx = true}).skipped);  // nothing added, nothing converted
  EXPECT_EQ(z.encoding(), "listpack");
  Add(z, "m128", 128, config);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_EQ(z.size(), 129u);
  EXPECT_THAT(z.Score("m5"), Optional(1000.0));
  EXPECT_THAT(z.Rank("m5", true), Optional(0u));
  EXPECT_THAT(z.Rank("m0", false), Optional(0u));
  // Never back to listpack.
  EXPECT_EQ(z.RemoveRangeByRank(0, -2), 128u);
  EXPECT_EQ(z.encoding(), "skiplist");
}

TEST(ZSetEncodingTest, ConvertsOnMemberLongerThanMaxValue) {
  const EncodingConfig config;
  ZSetValue z;
  Add(z, std::string(64, 'x'), 1, config);
  EXPECT_EQ(z.encoding(), "listpack");
  Add(z, std::string(65, 'y'), 2, config);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_THAT(All(z), ElementsAre(Pair(std::string(64, 'x'), 1), Pair(std::string(65, 'y'), 2)));

  ZSetValue first_long;
  Add(first_long, std::string(65, 'y'), 2, config);
  EXPECT_EQ(first_long.encoding(), "skiplist");
}

TEST(ZSetEncodingTest, LimitChangesApplyToTheNextNewMember) {
  EncodingConfig config;
  config.zset_max_listpack_entries = 10;
  ZSetValue z;
  for (int i = 0; i < 10; ++i) Add(z, Name("m", i), i, config);
  EXPECT_EQ(z.encoding(), "listpack");
  config.zset_max_listpack_entries = 5;
  config.zset_max_listpack_value = 1;
  Add(z, "m1", 50, config);  // updating an existing member converts nothing
  EXPECT_TRUE(z.Remove("m2"));
  EXPECT_EQ(z.encoding(), "listpack");
  Add(z, "n", 1, config);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_EQ(z.size(), 10u);
  config.zset_max_listpack_entries = 1000;
  config.zset_max_listpack_value = 1000;
  Add(z, "o", 1, config);
  EXPECT_EQ(z.encoding(), "skiplist");
}

// Over unequal scores a listpack walks a lex range as Redis does (its answers, recorded from
// redis-server 7.0 for c:1 a:2 d:3 b:4).
TEST(ZSetEncodingTest, ListpackLexRangesOverUnequalScoresFollowRedis) {
  const EncodingConfig config;
  ZSetValue z;
  for (const auto& [m, s] : Entries{{"c", 1}, {"a", 2}, {"d", 3}, {"b", 4}}) Add(z, m, s, config);
  const auto range = [&](std::string_view min, std::string_view max, bool reverse,
                         size_t offset = 0, size_t limit = kAll) {
    std::string out;
    z.RangeByLex(Lex(min, max), reverse, offset, limit,
                 [&](std::string_view m, double) { out += m; });
    return out;
  };
  EXPECT_EQ(range("[b", "+", false), "cadb");
  EXPECT_EQ(range("[b", "+", false, 1, 5), "adb");
  EXPECT_EQ(range("[a", "[b", false, 2, 5), "");
  EXPECT_EQ(range("[a", "[c", false), "ca");
  EXPECT_EQ(range("[c", "[d", false), "");
  EXPECT_EQ(range("[b", "+", true), "bd");
  EXPECT_EQ(range("-", "[c", true), "bdac");
  EXPECT_EQ(range("-", "[c", true, 1, 10), "dac");
  EXPECT_EQ(range("-", "[c", true, 3, 10), "c");
  EXPECT_EQ(range("-", "[c", true, 4, 10), "");
  EXPECT_EQ(z.CountByLex(Lex("[b", "+")), 4u);
  EXPECT_EQ(z.CountByLex(Lex("-", "[c")), 2u);
  EXPECT_EQ(z.CountByLex(Lex("[c", "+")), 0u);
  EXPECT_EQ(z.CountByLex(Lex("[aa", "(d")), 2u);
  EXPECT_EQ(z.RemoveRangeByLex(Lex("[d", "+")), 0u);
  EXPECT_EQ(z.RemoveRangeByLex(Lex("[b", "+")), 4u);
}

TEST(ZSetEncodingTest, ScanOfListpackIsOneCall) {
  const EncodingConfig config;
  ZSetValue z;
  for (int i = 0; i < 100; ++i) Add(z, Name("m", i), i, config);
  Entries seen;
  EXPECT_EQ(z.Scan(0, 10, [&](std::string_view m, double s) { seen.emplace_back(m, s); }), 0u);
  EXPECT_EQ(seen, All(z));
}

TEST(ZSetEncodingTest, ScanOfSkiplistKeepsItsGuaranteeWhileTheSetChanges) {
  const EncodingConfig config = SkiplistConfig();
  ZSetValue z;
  std::map<std::string, double> stable;
  for (int i = 0; i < 300; ++i) {
    Add(z, Name("s", i), i, config);
    stable[Name("s", i)] = i;
  }
  std::map<std::string, double> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int transient = 0;
  do {
    cursor = z.Scan(cursor, 5, [&](std::string_view m, double s) { seen[std::string(m)] = s; });
    ++calls;
    if (calls < 15) {
      for (int i = 0; i < 400; ++i) Add(z, Name("t", transient++), -1, config);
    } else {
      for (int i = 0; i < 600 && transient > 0; ++i) z.Remove(Name("t", --transient));
    }
  } while (cursor != 0);
  for (const auto& [m, s] : stable) EXPECT_THAT(seen, testing::Contains(Pair(m, s)));
}

TEST(ZSetEncodingTest, LargeSkiplistRanks) {
  const EncodingConfig config;
  ZSetValue z;
  std::mt19937_64 rng(99);
  std::vector<int> order(20000);
  for (int i = 0; i < 20000; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (int i : order) Add(z, Name("m", i), i, config);
  for (int i = 0; i < 20000; i += 997) {
    EXPECT_THAT(z.Rank(Name("m", i), false), Optional(static_cast<size_t>(i)));
    EXPECT_THAT(z.Rank(Name("m", i), true), Optional(static_cast<size_t>(19999 - i)));
  }
  EXPECT_THAT(Collect([&](auto fn) { z.RangeByRank(12345, 12346, false, fn); }),
              ElementsAre(Pair("m12345", 12345), Pair("m12346", 12346)));
  EXPECT_EQ(z.CountByScore(Scores("(100", "200")), 100u);
  // Moving scores around keeps ranks right.
  for (int i = 0; i < 20000; i += 2) Add(z, Name("m", i), -i, config);
  EXPECT_THAT(z.Rank("m19998", false), Optional(0u));
  EXPECT_THAT(z.Rank("m1", false), Optional(10000u));
  EXPECT_EQ(z.RemoveRangeByScore(Scores("-inf", "(0")), 9999u);
  EXPECT_THAT(z.Rank("m0", false), Optional(0u));
  EXPECT_THAT(z.Rank("m1", false), Optional(1u));
}

TEST(ZSetRangeParseTest, ScoreBounds) {
  ScoreRange r;
  ASSERT_TRUE(ScoreRange::Parse("(1.5", "+inf", &r));
  EXPECT_EQ(r.min, 1.5);
  EXPECT_TRUE(r.min_exclusive);
  EXPECT_EQ(r.max, kInf);
  EXPECT_FALSE(r.max_exclusive);
  ASSERT_TRUE(ScoreRange::Parse("-inf", "(3", &r));
  EXPECT_EQ(r.min, -kInf);
  EXPECT_TRUE(r.max_exclusive);
  for (const char* bad : {"abc", "nan", "(nan", "1x", "[1", "1 ", "((1"}) {
    EXPECT_FALSE(ScoreRange::Parse(bad, "1", &r)) << bad;
    EXPECT_FALSE(ScoreRange::Parse("1", bad, &r)) << bad;
  }
  // As strtod reads them: nothing is 0, a leading space is skipped, out of range saturates,
  // and a NUL byte ends the number.
  ASSERT_TRUE(ScoreRange::Parse("", "(", &r));
  EXPECT_EQ(r.min, 0);
  EXPECT_EQ(r.max, 0);
  EXPECT_TRUE(r.max_exclusive);
  ASSERT_TRUE(ScoreRange::Parse(" 2", "1e400", &r));
  EXPECT_EQ(r.min, 2);
  EXPECT_EQ(r.max, kInf);
  ASSERT_TRUE(ScoreRange::Parse(std::string_view("3\0x", 3), "0x10", &r));
  EXPECT_EQ(r.min, 3);
  EXPECT_EQ(r.max, 16);
}

TEST(ZSetRangeParseTest, Scores) {
  double score = 0;
  EXPECT_TRUE(ParseScore("1.5", &score));
  EXPECT_EQ(score, 1.5);
  EXPECT_TRUE(ParseScore("-inf", &score));
  EXPECT_EQ(score, -kInf);
  EXPECT_TRUE(ParseScore("0x10", &score));
  EXPECT_EQ(score, 16);
  EXPECT_TRUE(ParseScore("1e-310", &score));  // subnormal, not zero: kept
  EXPECT_GT(score, 0);
  EXPECT_TRUE(ParseScore(std::string(100, '1'), &score));
  for (const char* bad : {"", " 1", "1 ", "abc", "nan", "1e400", "-1e400", "1e-400", "(1"}) {
    EXPECT_FALSE(ParseScore(bad, &score)) << bad;
  }
  EXPECT_FALSE(ParseScore(std::string_view("1\0", 2), &score));
}

TEST(ZSetRangeParseTest, LexBounds) {
  LexRange r;
  ASSERT_TRUE(LexRange::Parse("[a", "(b", &r));
  EXPECT_EQ(r.min.kind, LexRange::Kind::kInclusive);
  EXPECT_EQ(r.min.value, "a");
  EXPECT_EQ(r.max.kind, LexRange::Kind::kExclusive);
  ASSERT_TRUE(LexRange::Parse("-", "+", &r));
  EXPECT_EQ(r.min.kind, LexRange::Kind::kMinusInfinity);
  EXPECT_EQ(r.max.kind, LexRange::Kind::kPlusInfinity);
  ASSERT_TRUE(LexRange::Parse("[", "(", &r));  // the empty string
  EXPECT_EQ(r.min.value, "");
  for (const char* bad : {"", "a", "-a", "+a", "{a"}) {
    EXPECT_FALSE(LexRange::Parse(bad, "+", &r)) << bad;
    EXPECT_FALSE(LexRange::Parse("-", bad, &r)) << bad;
  }
}

}  // namespace
}  // namespace understudy::store
