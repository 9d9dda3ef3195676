#include "store/hash_value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

using containers::HashValue;
using ::testing::ElementsAre;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::UnorderedElementsAreArray;

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs All(const HashValue& h) {
  Pairs out;
  h.ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

Pairs Sample(const HashValue& h, size_t count) {
  Pairs out;
  h.RandomFields(count, [&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

Pairs SampleWithRepeats(const HashValue& h, size_t count) {
  Pairs out;
  h.RandomFieldsWithRepeats(
      count, [&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

EncodingConfig HashtableConfig() {
  EncodingConfig config;
  config.hash_max_listpack_entries = 0;
  return config;
}

// Every test of this fixture runs against both encodings.
class HashValueTest : public ::testing::TestWithParam<bool> {
 protected:
  bool hashtable() const { return GetParam(); }
  const EncodingConfig& config() const { return config_; }
  std::string_view expected_encoding() const { return hashtable() ? "hashtable" : "listpack"; }

 private:
  EncodingConfig config_ = GetParam() ? HashtableConfig() : EncodingConfig{};
};

INSTANTIATE_TEST_SUITE_P(Encodings, HashValueTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Hashtable" : "Listpack"; });

TEST_P(HashValueTest, SetGetEraseContainsStrLen) {
  HashValue h;
  EXPECT_TRUE(h.empty());
  EXPECT_TRUE(h.Set("f1", "v1", config()));
  EXPECT_EQ(h.encoding(), expected_encoding());
  EXPECT_TRUE(h.Set("f2", "hello", config()));
  EXPECT_FALSE(h.Set("f1", "changed", config()));
  EXPECT_EQ(h.size(), 2u);
  EXPECT_THAT(h.Get("f1"), Optional(std::string("changed")));
  EXPECT_EQ(h.Get("nope"), std::nullopt);
  EXPECT_TRUE(h.Contains("f2"));
  EXPECT_FALSE(h.Contains("nope"));
  EXPECT_EQ(h.StrLen("f2"), 5u);
  EXPECT_EQ(h.StrLen("nope"), 0u);
  EXPECT_TRUE(h.Erase("f1"));
  EXPECT_FALSE(h.Erase("f1"));
  EXPECT_EQ(h.size(), 1u);
  EXPECT_TRUE(h.Erase("f2"));
  EXPECT_TRUE(h.empty());
  EXPECT_TRUE(All(h).empty());
  EXPECT_TRUE(h.Set("again", "x", config()));
  EXPECT_THAT(h.Get("again"), Optional(std::string("x")));
}

TEST_P(HashValueTest, ValuesOfEveryShape) {
  HashValue h;
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"int", "12345"},
      {"neg", "-9223372036854775808"},
      {"zeros", "007"},
      {"", "empty field"},
      {"empty value", ""},
      {"10", "numeric field"},
      {"bin", std::string("a\0b\xff", 4)}};
  for (const auto& [f, v] : pairs) EXPECT_TRUE(h.Set(f, v, config()));
  for (const auto& [f, v] : pairs) {
    EXPECT_THAT(h.Get(f), Optional(v)) << f;
    EXPECT_EQ(h.StrLen(f), v.size()) << f;
  }
  EXPECT_EQ(h.Get("1"), std::nullopt);
  EXPECT_THAT(All(h), UnorderedElementsAreArray(pairs));
}

TEST_P(HashValueTest, GetViewSeesTheStoredBytes) {
  HashValue h;
  h.Set("n", "-42", config());
  h.Set("s", "text", config());
  const std::optional<LpValue> n = h.GetView("n");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->view(), "-42");
  EXPECT_EQ(n->is_int(), !hashtable());  // a listpack keeps a canonical integer as one
  if (n->is_int()) {
    EXPECT_EQ(n->integer(), -42);
  }
  const std::optional<LpValue> s = h.GetView("s");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->view(), "text");
  EXPECT_FALSE(h.GetView("missing").has_value());
}

TEST_P(HashValueTest, ValueUpdatesOfEverySize) {
  HashValue h;
  h.Set("f", "abc", config());
  h.Set("g", "x", config());
  h.Set("f", "xyz", config());  // same size: in place in a hashtable node
  EXPECT_THAT(h.Get("f"), Optional(std::string("xyz")));
  h.Set("f", "a longer one", config());
  EXPECT_THAT(h.Get("f"), Optional(std::string("a longer one")));
  h.Set("f", "", config());
  EXPECT_THAT(h.Get("f"), Optional(std::string("")));
  EXPECT_THAT(h.Get("g"), Optional(std::string("x")));
  EXPECT_EQ(h.size(), 2u);
}

TEST_P(HashValueTest, SetIfMissing) {
  HashValue h;
  EXPECT_TRUE(h.SetIfMissing("f", "1", config()));
  EXPECT_FALSE(h.SetIfMissing("f", "2", config()));
  EXPECT_THAT(h.Get("f"), Optional(std::string("1")));
}

TEST_P(HashValueTest, RandomFieldsWithRepeatsAreUniform) {
  HashValue h;
  for (int i = 0; i < 60; ++i) h.Set(Name("f", i), Name("v", i), config());
  for (const size_t count : {1, 7, 500}) {  // one draw, and draws from the pairs' offsets
    std::map<std::string, int> hits;
    for (size_t round = 0; round < 24000 / count + 1; ++round) {
      const Pairs picked = SampleWithRepeats(h, count);
      ASSERT_EQ(picked.size(), count);
      for (const auto& [f, v] : picked) {
        ASSERT_THAT(h.Get(f), Optional(v));
        ++hits[f];
      }
    }
    ExpectUniform(hits, 60);
  }
  // More draws than fields: repeats, in no fixed order.
  HashValue two;
  two.Set("a", "1", config());
  two.Set("b", "2", config());
  std::set<Pairs> outcomes;
  for (int round = 0; round < 200; ++round) outcomes.insert(SampleWithRepeats(two, 3));
  EXPECT_EQ(outcomes.size(), 8u);
}

TEST_P(HashValueTest, RandomFieldsAreDistinctAndCoverTheHash) {
  HashValue h;
  for (int i = 0; i < 60; ++i) h.Set(Name("f", i), Name("v", i), config());
  for (const size_t count : {1, 5, 30, 59}) {  // draws, and shuffles for most of the hash
    std::map<std::string, int> hits;
    for (int round = 0; round < 3000; ++round) {
      const Pairs picked = Sample(h, count);
      ASSERT_EQ(picked.size(), count);
      std::set<std::string> distinct;
      for (const auto& [f, v] : picked) {
        ASSERT_THAT(h.Get(f), Optional(v));
        distinct.insert(f);
        ++hits[f];
      }
      ASSERT_EQ(distinct.size(), count);
    }
    ExpectUniform(hits, 60);
  }
  EXPECT_EQ(Sample(h, 60), All(h));
  EXPECT_EQ(Sample(h, 1000), All(h));
  EXPECT_TRUE(Sample(h, 0).empty());
}

TEST(HashEncodingTest, ListpackSamplesInListpackOrder) {
  const EncodingConfig config;
  HashValue h;
  for (int i = 0; i < 20; ++i) h.Set(Name("f", 19 - i), "v", config);  // f19 first
  std::set<Pairs> outcomes;
  for (int round = 0; round < 2000; ++round) {
    const Pairs picked = Sample(h, 3);
    std::vector<std::string> fields;
    for (const auto& [f, v] : picked) fields.push_back(f);
    // Insertion order runs from f19 down to f0: numerically decreasing.
    ASSERT_TRUE(std::is_sorted(fields.begin(), fields.end(), [](const auto& a, const auto& b) {
      return std::stoi(a.substr(1)) > std::stoi(b.substr(1));
    }));
    outcomes.insert(picked);
  }
  EXPECT_GT(outcomes.size(), 500u);  // of the 1140 subsets
}

TEST_P(HashValueTest, RandomizedAgainstModel) {
  std::mt19937_64 rng(hashtable() ? 31 : 32);
  HashValue h;
  std::map<std::string, std::string> model;
  for (int round = 0; round < 20000; ++round) {
    const std::string field = Name("f", static_cast<int>(rng() % 400));  // stays a listpack
    const int op = static_cast<int>(rng() % 6);
    if (op <= 2) {
      const std::string value(rng() % 40, static_cast<char>('a' + rng() % 26));
      ASSERT_EQ(h.Set(field, value, config()), model.count(field) == 0);
      model[field] = value;
    } else if (op == 3) {
      ASSERT_EQ(h.Erase(field), model.erase(field) == 1);
    } else if (op == 4) {
      const std::string value = Name("nx", round);
      const bool missing = model.count(field) == 0;
      ASSERT_EQ(h.SetIfMissing(field, value, config()), missing);
      if (missing) model[field] = value;
    } else {
      const auto it = model.find(field);
      if (it == model.end()) {
        ASSERT_EQ(h.Get(field), std::nullopt);
        ASSERT_EQ(h.StrLen(field), 0u);
      } else {
        ASSERT_THAT(h.Get(field), Optional(it->second));
        ASSERT_EQ(h.StrLen(field), it->second.size());
      }
    }
    ASSERT_EQ(h.size(), model.size());
  }
  EXPECT_EQ(h.encoding(), expected_encoding());
  EXPECT_THAT(All(h), UnorderedElementsAreArray(model.begin(), model.end()));
}

TEST_P(HashValueTest, BytesAndMove) {
  HashValue h;
  h.Set("f", "v", config());
  const size_t before = h.bytes();
  EXPECT_GT(before, sizeof(HashValue));
  for (int i = 0; i < 100; ++i) h.Set(Name("f", i), "some value", config());
  EXPECT_GT(h.bytes(), before);
  HashValue moved = std::move(h);
  EXPECT_EQ(moved.size(), 101u);
  EXPECT_THAT(moved.Get("f7"), Optional(std::string("some value")));
}

TEST(HashEncodingTest, ListpackKeepsInsertionOrder) {
  const EncodingConfig config;
  HashValue h;
  h.Set("z", "1", config);
  h.Set("a", "2", config);
  h.Set("m", "3", config);
  h.Set("a", "changed", config);  // an update keeps the field's place
  EXPECT_THAT(All(h), ElementsAre(Pair("z", "1"), Pair("a", "changed"), Pair("m", "3")));
  h.Erase("z");
  h.Set("z", "back", config);
  EXPECT_THAT(All(h), ElementsAre(Pair("a", "changed"), Pair("m", "3"), Pair("z", "back")));
}

TEST(HashEncodingTest, ConvertsOnePastMaxEntries) {
  const EncodingConfig config;  // 512 entries of up to 64 bytes
  HashValue h;
  for (int i = 0; i < 512; ++i) h.Set(Name("f", i), Name("v", i), config);
  EXPECT_EQ(h.encoding(), "listpack");
  EXPECT_FALSE(h.Set("f3", "updated", config));
  EXPECT_EQ(h.encoding(), "listpack");
  EXPECT_TRUE(h.Set("f512", "v512", config));
  EXPECT_EQ(h.encoding(), "hashtable");
  EXPECT_EQ(h.size(), 513u);
  EXPECT_THAT(h.Get("f3"), Optional(std::string("updated")));
  for (int i = 0; i <= 512; ++i) ASSERT_TRUE(h.Contains(Name("f", i)));
  // Never back to listpack.
  for (int i = 0; i < 510; ++i) ASSERT_TRUE(h.Erase(Name("f", i)));
  EXPECT_EQ(h.encoding(), "hashtable");
  EXPECT_EQ(h.size(), 3u);
}

TEST(HashEncodingTest, ConvertsOnFieldOrValueLongerThanMaxValue) {
  const EncodingConfig config;
  const std::string at_limit(64, 'x');
  const std::string past_limit(65, 'y');
  {
    HashValue h;
    h.Set(at_limit, at_limit, config);
    EXPECT_EQ(h.encoding(), "listpack");
    h.Set("f", past_limit, config);
    EXPECT_EQ(h.encoding(), "hashtable");
    EXPECT_THAT(h.Get(at_limit), Optional(at_limit));
    EXPECT_THAT(h.Get("f"), Optional(past_limit));
  }
  {
    HashValue h;
    h.Set("a", "1", config);
    h.Set(past_limit, "v", config);
    EXPECT_EQ(h.encoding(), "hashtable");
    EXPECT_THAT(h.Get(past_limit), Optional(std::string("v")));
  }
  {
    HashValue h;  // an update with a long value converts too
    h.Set("a", "1", config);
    EXPECT_FALSE(h.Set("a", past_limit, config));
    EXPECT_EQ(h.encoding(), "hashtable");
    EXPECT_THAT(h.Get("a"), Optional(past_limit));
  }
}

TEST(HashEncodingTest, LimitChangesApplyOnTheNextSet) {
  EncodingConfig config;
  config.hash_max_listpack_entries = 10;
  HashValue h;
  for (int i = 0; i < 10; ++i) h.Set(Name("f", i), "v", config);
  EXPECT_EQ(h.encoding(), "listpack");
  config.hash_max_listpack_entries = 5;
  EXPECT_TRUE(h.Erase("f0"));
  EXPECT_TRUE(h.Contains("f1"));
  EXPECT_EQ(h.encoding(), "listpack");  // reads and deletes convert nothing
  // As Redis's hashTypeSet: any write checks the count, an update included.
  EXPECT_FALSE(h.Set("f1", "w", config));
  EXPECT_EQ(h.encoding(), "hashtable");
  EXPECT_EQ(h.size(), 9u);

  config = EncodingConfig{};
  config.hash_max_listpack_value = 3;
  HashValue short_values;
  short_values.Set("abc", "def", config);
  EXPECT_EQ(short_values.encoding(), "listpack");
  short_values.Set("abc", "defg", config);
  EXPECT_EQ(short_values.encoding(), "hashtable");
  config.hash_max_listpack_value = 1000;  // raising it converts nothing back
  short_values.Set("x", "y", config);
  EXPECT_EQ(short_values.encoding(), "hashtable");
}

TEST(HashEncodingTest, ScanOfListpackIsOneCall) {
  const EncodingConfig config;
  HashValue h;
  for (int i = 0; i < 100; ++i) h.Set(Name("f", i), Name("v", i), config);
  Pairs seen;
  EXPECT_EQ(h.Scan(0, 10, [&](std::string_view f, std::string_view v) { seen.emplace_back(f, v); }),
            0u);
  EXPECT_EQ(seen, All(h));
}

TEST(HashEncodingTest, ScanOfHashtableKeepsItsGuaranteeWhileTheHashChanges) {
  const EncodingConfig config = HashtableConfig();
  HashValue h;
  std::map<std::string, std::string> stable;
  for (int i = 0; i < 300; ++i) {
    h.Set(Name("s", i), Name("v", i), config);
    stable[Name("s", i)] = Name("v", i);
  }
  std::map<std::string, std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int transient = 0;
  do {
    cursor = h.Scan(cursor, 5, [&](std::string_view f, std::string_view v) {
      seen[std::string(f)] = std::string(v);
    });
    ++calls;
    if (calls < 15) {
      for (int i = 0; i < 400; ++i) h.Set(Name("t", transient++), "x", config);
    } else {
      for (int i = 0; i < 600 && transient > 0; ++i) h.Erase(Name("t", --transient));
    }
  } while (cursor != 0);
  for (const auto& [f, v] : stable) EXPECT_THAT(seen, testing::Contains(Pair(f, v)));
}

}  // namespace
}  // namespace understudy::store
