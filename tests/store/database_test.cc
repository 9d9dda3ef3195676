#include "store/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/clock.h"
#include "store/key_observer.h"
#include "store/lazy_free.h"
#include "store/value.h"

namespace understudy::store {
namespace {

using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

class DatabaseTest : public ::testing::Test {
 protected:
  int64_t now() const { return clock_.NowMs(); }

  void SetString(std::string_view key, std::string_view value) { db_.Set(key, value); }

  std::string GetString(std::string_view key) {
    const Value* value = db_.Find(key);
    return value == nullptr ? "<missing>" : std::string(value->str().view());
  }

  // The keys of one full SCAN iteration, with repeats.
  std::vector<std::string> ScanAll(size_t count) {
    std::vector<std::string> keys;
    uint64_t cursor = 0;
    do {
      cursor = db_.Scan(cursor, count,
                        [&](std::string_view key, const Value&) { keys.emplace_back(key); });
    } while (cursor != 0);
    return keys;
  }

  ManualClock clock_;
  Database db_{clock_};
};

TEST_F(DatabaseTest, SetFindErase) {
  EXPECT_EQ(db_.Find("k"), nullptr);
  SetString("k", "v");
  EXPECT_EQ(GetString("k"), "v");
  SetString("k", "w");
  EXPECT_EQ(GetString("k"), "w");
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_TRUE(db_.Contains("k"));
  EXPECT_TRUE(db_.Erase("k"));
  EXPECT_FALSE(db_.Erase("k"));
  EXPECT_FALSE(db_.Contains("k"));
  EXPECT_EQ(db_.size(), 0u);
}

TEST_F(DatabaseTest, ManyKeysGrowAndShrink) {
  for (int i = 0; i < 10'000; ++i) SetString("key:" + std::to_string(i), std::to_string(i));
  EXPECT_EQ(db_.size(), 10'000u);
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(GetString("key:" + std::to_string(i)), std::to_string(i));
  }
  for (int i = 0; i < 9'990; ++i) ASSERT_TRUE(db_.Erase("key:" + std::to_string(i)));
  EXPECT_EQ(db_.size(), 10u);
  for (int i = 9'990; i < 10'000; ++i) {
    EXPECT_EQ(GetString("key:" + std::to_string(i)), std::to_string(i));
  }
}

TEST_F(DatabaseTest, ValuePointersSurviveOtherInsertsAndErases) {
  SetString("stable", "v");
  Value* value = db_.Find("stable");
  for (int i = 0; i < 5'000; ++i) SetString(std::to_string(i), "x");
  for (int i = 0; i < 5'000; ++i) db_.Erase(std::to_string(i));
  EXPECT_EQ(db_.Find("stable"), value);
  EXPECT_EQ(value->str().view(), "v");
}

TEST_F(DatabaseTest, FindOrInsert) {
  auto [list, inserted] = db_.FindOrInsert("l", ValueType::kList);
  ASSERT_TRUE(inserted);
  EXPECT_TRUE(list->is(ValueType::kList));
  EXPECT_TRUE(list->as<ListValue>().empty());
  list->as<ListValue>().PushBack("a");

  auto [again, inserted_again] = db_.FindOrInsert("l", ValueType::kList);
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(again, list);
  EXPECT_EQ(again->as<ListValue>().size(), 1u);

  // The caller checks the type of an existing value.
  auto [existing, inserted_other] = db_.FindOrInsert("l", ValueType::kHash);
  EXPECT_FALSE(inserted_other);
  EXPECT_TRUE(existing->is(ValueType::kList));

  for (ValueType type : {ValueType::kString, ValueType::kSet, ValueType::kZSet, ValueType::kHash}) {
    const std::string key(TypeName(type));
    auto [value, created] = db_.FindOrInsert(key, type);
    EXPECT_TRUE(created);
    EXPECT_EQ(value->type(), type);
  }
  EXPECT_EQ(db_.size(), 5u);
}

TEST_F(DatabaseTest, TypeNames) {
  EXPECT_EQ(TypeName(ValueType::kString), "string");
  EXPECT_EQ(TypeName(ValueType::kList), "list");
  EXPECT_EQ(TypeName(ValueType::kSet), "set");
  EXPECT_EQ(TypeName(ValueType::kZSet), "zset");
  EXPECT_EQ(TypeName(ValueType::kHash), "hash");
}

TEST_F(DatabaseTest, SetClearsTtlUnlessKeepTtl) {
  SetString("k", "v");
  ASSERT_TRUE(db_.SetExpiry("k", now() + 1000));
  db_.Set("k", "w", StringPolicy::kTryInt, kKeepTtl);
  EXPECT_THAT(db_.GetExpiry("k"), Optional(now() + 1000));
  EXPECT_EQ(db_.expires_size(), 1u);
  db_.Set("k", "x");
  EXPECT_THAT(db_.GetExpiry("k"), Optional(kNoExpiry));
  EXPECT_EQ(db_.expires_size(), 0u);
  clock_.AdvanceMs(2000);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);
  EXPECT_EQ(GetString("k"), "x");
}

TEST_F(DatabaseTest, KeepTtlOnMissingKeyHasNoExpiry) {
  db_.Set("k", "v", StringPolicy::kTryInt, kKeepTtl);
  EXPECT_THAT(db_.GetExpiry("k"), Optional(kNoExpiry));
}

TEST_F(DatabaseTest, GetAndSetExpiry) {
  EXPECT_EQ(db_.GetExpiry("k"), std::nullopt);
  EXPECT_FALSE(db_.SetExpiry("k", now() + 10));
  SetString("k", "v");
  EXPECT_THAT(db_.GetExpiry("k"), Optional(kNoExpiry));
  EXPECT_TRUE(db_.SetExpiry("k", now() + 10));
  EXPECT_THAT(db_.GetExpiry("k"), Optional(now() + 10));
  EXPECT_TRUE(db_.SetExpiry("k", now() + 20));
  EXPECT_THAT(db_.GetExpiry("k"), Optional(now() + 20));
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_TRUE(db_.Persist("k"));
  EXPECT_FALSE(db_.Persist("k"));
  EXPECT_FALSE(db_.Persist("missing"));
  EXPECT_THAT(db_.GetExpiry("k"), Optional(kNoExpiry));
  EXPECT_EQ(db_.expires_size(), 0u);
  clock_.AdvanceMs(100);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);
  EXPECT_TRUE(db_.Contains("k"));
}

TEST_F(DatabaseTest, NegativeDeadlineDeletesEvenTheNoExpiryValue) {
  SetString("k", "v");
  EXPECT_TRUE(db_.SetExpiry("k", kNoExpiry));
  EXPECT_FALSE(db_.Contains("k"));
}

// SET with EXAT/PXAT in the past, as Redis 7.0: the key is stored, DBSIZE counts it, and expiry
// takes it (counted as expired), unlike EXPIRE with a past time, which deletes at once.
TEST_F(DatabaseTest, SetWithAPastDeadlineKeepsTheKeyUntilExpiry) {
  db_.Set("lazy", "v", StringPolicy::kTryInt, now() - 1000);
  db_.Set("active", "v", StringPolicy::kTryInt, now());
  EXPECT_EQ(db_.size(), 2u);
  EXPECT_EQ(db_.expired_count(), 0u);
  EXPECT_EQ(db_.Find("lazy"), nullptr);
  EXPECT_EQ(db_.expired_count(), 1u);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
  EXPECT_EQ(db_.expired_count(), 2u);
  EXPECT_EQ(db_.size(), 0u);
}

TEST_F(DatabaseTest, SetExpiryInThePastDeletes) {
  SetString("a", "v");
  SetString("b", "v");
  EXPECT_TRUE(db_.SetExpiry("a", now()));
  EXPECT_TRUE(db_.SetExpiry("b", now() - 1000));
  EXPECT_EQ(db_.Find("a"), nullptr);
  EXPECT_EQ(db_.Find("b"), nullptr);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  // An explicit deletion, not an expiry (Redis reports it as DEL too).
  EXPECT_EQ(db_.expired_count(), 0u);
}

TEST_F(DatabaseTest, LazyExpiryOnFind) {
  SetString("k", "v");
  db_.SetExpiry("k", now() + 100);
  clock_.AdvanceMs(99);
  EXPECT_EQ(GetString("k"), "v");
  clock_.AdvanceMs(1);
  // Stored until something looks at it.
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_FALSE(db_.Contains("k"));
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_EQ(db_.Find("k"), nullptr);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.expired_count(), 1u);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);  // its timer went with it
}

TEST_F(DatabaseTest, LazyExpiryOnEveryAccess) {
  auto expire_soon = [&](std::string_view key) {
    SetString(key, "old");
    db_.SetExpiry(key, now() + 10);
  };
  for (std::string_view key : {"a", "b", "c", "d", "e", "f", "g"}) expire_soon(key);
  clock_.AdvanceMs(10);

  auto [value, inserted] = db_.FindOrInsert("a", ValueType::kSet);
  EXPECT_TRUE(inserted);
  EXPECT_TRUE(value->is(ValueType::kSet));
  EXPECT_THAT(db_.GetExpiry("a"), Optional(kNoExpiry));

  EXPECT_EQ(db_.GetExpiry("b"), std::nullopt);
  EXPECT_FALSE(db_.SetExpiry("c", now() + 1000));
  EXPECT_FALSE(db_.Erase("d"));
  EXPECT_FALSE(db_.Rename("e", "z"));
  db_.Set("f", "new", StringPolicy::kTryInt, kKeepTtl);
  EXPECT_THAT(db_.GetExpiry("f"), Optional(kNoExpiry));
  EXPECT_EQ(GetString("f"), "new");

  EXPECT_EQ(db_.expired_count(), 6u);
  EXPECT_EQ(db_.size(), 3u);  // a, f, and g not yet reclaimed
  EXPECT_EQ(db_.expires_size(), 1u);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
  EXPECT_EQ(db_.size(), 2u);
  EXPECT_EQ(db_.expired_count(), 7u);
}

TEST_F(DatabaseTest, ActiveExpiryDeletesOnlyDueKeys) {
  SetString("early", "v");
  SetString("late", "v");
  SetString("forever", "v");
  db_.SetExpiry("early", now() + 100);
  db_.SetExpiry("late", now() + 200);
  clock_.AdvanceMs(99);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);
  clock_.AdvanceMs(51);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
  EXPECT_EQ(db_.size(), 2u);
  EXPECT_TRUE(db_.Contains("late"));
  // Moving a deadline moves its timer.
  db_.SetExpiry("late", now() + 1000);
  clock_.AdvanceMs(100);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);
  clock_.AdvanceMs(900);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_TRUE(db_.Contains("forever"));
  EXPECT_EQ(db_.expired_count(), 2u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(DatabaseTest, ActiveExpiryOfAMillionKeys) {
  constexpr int kVolatile = 1'000'000;
  constexpr int kPersistent = 1'000;
  for (int i = 0; i < kPersistent; ++i) SetString("p" + std::to_string(i), "v");
  // Deadlines spread over 10 s; half of them fall in the first 5 s.
  for (int i = 0; i < kVolatile; ++i) {
    const std::string key = "v" + std::to_string(i);
    SetString(key, "v");
    db_.SetExpiry(key, now() + 1 + i % 10'000);
  }
  EXPECT_EQ(db_.size(), size_t{kVolatile + kPersistent});
  EXPECT_EQ(db_.expires_size(), size_t{kVolatile});

  clock_.AdvanceMs(5'000);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), size_t{kVolatile / 2});
  EXPECT_EQ(db_.size(), size_t{kVolatile / 2 + kPersistent});

  clock_.AdvanceMs(5'000);
  size_t calls = 0;
  size_t deleted = 0;
  while (size_t n = db_.ExpireDue(1'000)) {
    ASSERT_LE(n, 1'000u);
    deleted += n;
    ++calls;
  }
  EXPECT_EQ(deleted, size_t{kVolatile / 2});
  EXPECT_EQ(calls, size_t{kVolatile / 2 / 1'000});
  EXPECT_EQ(db_.expired_count(), uint64_t{kVolatile});
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.size(), size_t{kPersistent});
  for (int i = 0; i < kPersistent; ++i) ASSERT_TRUE(db_.Contains("p" + std::to_string(i)));
}

TEST_F(DatabaseTest, ExpireDueAfterAYearIsQuick) {
  SetString("k", "v");
  db_.SetExpiry("k", now() + 365LL * 24 * 3600 * 1000);
  clock_.AdvanceMs(365LL * 24 * 3600 * 1000 - 1);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);
  clock_.AdvanceMs(1);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
}

TEST_F(DatabaseTest, RenameMovesValueAndTtl) {
  SetString("from", "v");
  db_.SetExpiry("from", now() + 100);
  SetString("to", "old");
  db_.SetExpiry("to", now() + 50);
  EXPECT_TRUE(db_.Rename("from", "to"));
  EXPECT_FALSE(db_.Contains("from"));
  EXPECT_EQ(GetString("to"), "v");
  EXPECT_THAT(db_.GetExpiry("to"), Optional(now() + 100));
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_EQ(db_.expires_size(), 1u);

  clock_.AdvanceMs(50);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);
  clock_.AdvanceMs(50);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
  EXPECT_FALSE(db_.Contains("to"));
}

TEST_F(DatabaseTest, MoveToTakesTheEntryAndItsTtlToTheOtherDatabase) {
  Database other(clock_, 1);
  auto [list, inserted] = db_.FindOrInsert("l", ValueType::kList);
  list->as<ListValue>().PushBack("a");
  const ListValue* container = &list->as<ListValue>();
  SetString("t", "v");
  db_.SetExpiry("t", now() + 100);
  other.Set("taken", "x");
  db_.Set("taken", "y");

  EXPECT_TRUE(db_.MoveTo("l", other));
  EXPECT_TRUE(db_.MoveTo("t", other));
  EXPECT_FALSE(db_.MoveTo("taken", other));
  EXPECT_FALSE(db_.MoveTo("missing", other));
  EXPECT_EQ(db_.size(), 1u);
  EXPECT_EQ(db_.expires_size(), 0u);
  ASSERT_NE(other.Find("l"), nullptr);
  EXPECT_EQ(&other.Find("l")->as<ListValue>(), container);  // moved, not copied
  EXPECT_THAT(other.GetExpiry("t"), Optional(now() + 100));
  EXPECT_EQ(other.expires_size(), 1u);
  clock_.AdvanceMs(100);
  EXPECT_EQ(other.ExpireDue(kUnlimited), 1u);
  EXPECT_FALSE(other.Contains("t"));
}

TEST_F(DatabaseTest, IdleTimeCountsFromTheLastReadOrWrite) {
  SetString("k", "v");
  EXPECT_THAT(db_.IdleMs("k"), Optional(0));
  clock_.AdvanceMs(5500);
  EXPECT_THAT(db_.IdleMs("k"), Optional(5000));  // whole seconds, as Redis's LRU clock
  ASSERT_NE(db_.Peek("k"), nullptr);              // TYPE, EXISTS, OBJECT: not an access
  EXPECT_THAT(db_.IdleMs("k"), Optional(5000));
  ASSERT_NE(db_.Find("k"), nullptr);
  EXPECT_THAT(db_.IdleMs("k"), Optional(0));
  clock_.AdvanceMs(3000);
  SetString("k", "w");
  EXPECT_THAT(db_.IdleMs("k"), Optional(0));
  EXPECT_EQ(db_.IdleMs("missing"), std::nullopt);
}

TEST_F(DatabaseTest, IdleTimeSurvivesOneWrapOfTheAccessClock) {
  const int64_t wrap_ms = (int64_t{1} << 24) * 1000;
  clock_.AdvanceMs(wrap_ms - 10'000 - clock_.NowMs() % wrap_ms);  // 10 s before a wrap
  SetString("k", "v");
  clock_.AdvanceMs(30'000);
  EXPECT_THAT(db_.IdleMs("k"), Optional(30'000));
}

TEST_F(DatabaseTest, RenameOfPersistentKeyOverVolatileKey) {
  SetString("from", "v");
  SetString("to", "old");
  db_.SetExpiry("to", now() + 50);
  EXPECT_TRUE(db_.Rename("from", "to"));
  EXPECT_THAT(db_.GetExpiry("to"), Optional(kNoExpiry));
  EXPECT_EQ(db_.expires_size(), 0u);
  clock_.AdvanceMs(100);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);
  EXPECT_EQ(GetString("to"), "v");
}

TEST_F(DatabaseTest, RenameFailures) {
  EXPECT_FALSE(db_.Rename("missing", "to"));
  SetString("k", "v");
  EXPECT_FALSE(db_.Rename("k", "k"));
  EXPECT_EQ(GetString("k"), "v");
}

TEST_F(DatabaseTest, ForEachSkipsExpiredWithoutDeleting) {
  SetString("a", "1");
  SetString("b", "2");
  db_.SetExpiry("b", now() + 10);
  clock_.AdvanceMs(10);
  std::vector<std::string> keys;
  db_.ForEach([&](std::string_view key, const Value&) { keys.emplace_back(key); });
  EXPECT_THAT(keys, UnorderedElementsAre("a"));
  EXPECT_EQ(db_.size(), 2u);
}

TEST_F(DatabaseTest, ScanReturnsEveryKeyOnce) {
  EXPECT_THAT(ScanAll(10), IsEmpty());
  std::vector<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    expected.push_back("key:" + std::to_string(i));
    SetString(expected.back(), "v");
  }
  for (size_t count : {1, 10, 100, 5000}) {
    SCOPED_TRACE(count);
    EXPECT_THAT(ScanAll(count), UnorderedElementsAreArray(expected));
  }
}

TEST_F(DatabaseTest, ScanReturnsAboutCountKeysPerCall) {
  for (int i = 0; i < 1000; ++i) SetString("key:" + std::to_string(i), "v");
  uint64_t cursor = 0;
  size_t calls = 0;
  size_t total = 0;
  do {
    size_t batch = 0;
    cursor = db_.Scan(cursor, 100, [&](std::string_view, const Value&) { ++batch; });
    ++calls;
    total += batch;
    // Whole buckets are returned, so a batch can run a few keys over.
    EXPECT_LE(batch, 110u);
    if (cursor != 0) {
      EXPECT_GE(batch, 100u);
    }
  } while (cursor != 0);
  EXPECT_EQ(total, 1000u);
  // Ten full batches can end just before the last buckets, which one more call (finding no
  // key there) walks to return cursor 0; how the keys fall into buckets varies with the
  // per-process hash seed.
  EXPECT_LE(calls, 11u);
}

TEST_F(DatabaseTest, ScanSkipsExpiredKeys) {
  SetString("a", "1");
  SetString("b", "2");
  db_.SetExpiry("b", now() + 10);
  clock_.AdvanceMs(10);
  EXPECT_THAT(ScanAll(10), UnorderedElementsAre("a"));
}

// Keys present throughout an iteration are all returned while others come and go in between
// calls in numbers that make the table grow and shrink several times over.
TEST_F(DatabaseTest, ScanGuaranteeWhileKeyspaceGrowsAndShrinks) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    db_.Clear();
    std::mt19937_64 rng(seed);
    std::set<std::string> stable;
    for (int i = 0; i < 300; ++i) {
      stable.insert("stable:" + std::to_string(i));
      SetString("stable:" + std::to_string(i), "v");
    }
    std::vector<std::string> churn;
    int next_churn = 0;
    auto add = [&](size_t n) {
      for (size_t i = 0; i < n; ++i) {
        churn.push_back("churn:" + std::to_string(next_churn++));
        SetString(churn.back(), "v");
      }
    };
    add(rng() % 3000);

    std::set<std::string> seen;
    uint64_t cursor = 0;
    size_t calls = 0;
    do {
      cursor = db_.Scan(cursor, 1 + rng() % 20,
                        [&](std::string_view key, const Value&) { seen.emplace(key); });
      ++calls;
      switch (rng() % 4) {
        case 0:  // grow a lot
          add(rng() % 5000);
          break;
        case 1:  // shrink to almost nothing
          while (churn.size() > rng() % 10) {
            db_.Erase(churn.back());
            churn.pop_back();
          }
          break;
        case 2:  // delete at random
          for (size_t n = rng() % 200; n > 0 && !churn.empty(); --n) {
            const size_t i = rng() % churn.size();
            db_.Erase(churn[i]);
            churn[i] = churn.back();
            churn.pop_back();
          }
          break;
        default:  // a little of both
          add(rng() % 50);
          if (!churn.empty()) {
            db_.Erase(churn.front());
            churn.erase(churn.begin());
          }
      }
    } while (cursor != 0);
    EXPECT_GT(calls, 10u);
    for (const std::string& key : stable) ASSERT_TRUE(seen.contains(key)) << key;
  }
}

TEST_F(DatabaseTest, RandomKey) {
  EXPECT_EQ(db_.RandomKey(), std::nullopt);
  std::set<std::string> keys;
  for (int i = 0; i < 10; ++i) {
    keys.insert("k" + std::to_string(i));
    SetString("k" + std::to_string(i), "v");
  }
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::optional<std::string> key = db_.RandomKey();
    ASSERT_TRUE(key.has_value());
    ASSERT_TRUE(keys.contains(*key));
    seen.insert(*key);
  }
  EXPECT_EQ(seen, keys);
}

TEST_F(DatabaseTest, RandomKeyAfterMassDeletion) {
  for (int i = 0; i < 100'000; ++i) SetString(std::to_string(i), "v");
  for (int i = 1; i < 100'000; ++i) db_.Erase(std::to_string(i));
  for (int i = 0; i < 100; ++i) EXPECT_THAT(db_.RandomKey(), Optional(std::string("0")));
}

TEST_F(DatabaseTest, RandomKeyReclaimsExpiredKeys) {
  for (int i = 0; i < 100; ++i) {
    SetString("v" + std::to_string(i), "v");
    db_.SetExpiry("v" + std::to_string(i), now() + 10);
  }
  clock_.AdvanceMs(10);
  EXPECT_EQ(db_.RandomKey(), std::nullopt);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expired_count(), 100u);

  SetString("live", "v");
  SetString("dead", "v");
  db_.SetExpiry("dead", now() + 10);
  clock_.AdvanceMs(10);
  EXPECT_THAT(db_.RandomKey(), Optional(std::string("live")));
}

TEST_F(DatabaseTest, Clear) {
  for (int i = 0; i < 1000; ++i) {
    SetString(std::to_string(i), "v");
    if (i % 2 == 0) db_.SetExpiry(std::to_string(i), now() + 100);
  }
  db_.Clear();
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_FALSE(db_.Contains("0"));
  clock_.AdvanceMs(100);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 0u);  // no timers left behind
  EXPECT_EQ(db_.expired_count(), 0u);
  SetString("after", "v");
  db_.SetExpiry("after", now() + 1);
  clock_.AdvanceMs(1);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
}

// Keys of lengths around the header's limits: 1-byte lengths below 127, an 8-byte one from 127.
const size_t kKeySizes[] = {0, 1, 14, 126, 127, 128, 300, 70'000};

TEST_F(DatabaseTest, StringEncodings) {
  struct Case {
    std::string value;
    StringPolicy policy;
    std::string_view encoding;
  };
  const Case cases[] = {
      {"123", StringPolicy::kTryInt, "int"},
      {"-9223372036854775808", StringPolicy::kTryInt, "int"},
      {"9223372036854775807", StringPolicy::kTryInt, "int"},
      {"0", StringPolicy::kTryInt, "int"},
      {"9223372036854775808", StringPolicy::kTryInt, "embstr"},
      {"0123", StringPolicy::kTryInt, "embstr"},
      {"-0", StringPolicy::kTryInt, "embstr"},
      {"+1", StringPolicy::kTryInt, "embstr"},
      {" 1", StringPolicy::kTryInt, "embstr"},
      {"", StringPolicy::kTryInt, "embstr"},
      {std::string(44, 'x'), StringPolicy::kTryInt, "embstr"},
      {std::string(45, 'x'), StringPolicy::kTryInt, "raw"},
      {std::string(44, '1'), StringPolicy::kTryInt, "embstr"},
      {"6", StringPolicy::kNoInt, "embstr"},
      {std::string(45, '1'), StringPolicy::kNoInt, "raw"},
      {"7", StringPolicy::kRaw, "raw"},
      {"", StringPolicy::kRaw, "raw"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    const Value* value = db_.Set("k", c.value, c.policy);
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(db_.Find("k"), value);
    EXPECT_TRUE(value->is(ValueType::kString));
    EXPECT_EQ(value->encoding(), c.encoding);
    EXPECT_EQ(value->str().view(), c.value);
    EXPECT_EQ(value->str_size(), c.value.size());
  }
  EXPECT_EQ(db_.size(), 1u);
}

// Every transition between encodings, in both directions, on a key with and without a TTL.
TEST_F(DatabaseTest, OverwritesMoveBetweenEncodingsKeepingTtl) {
  const std::string values[] = {"1", "embedded", std::string(44, 'e'), std::string(100, 'r'),
                                "-42", "", std::string(1000, 'R'), "x"};
  for (bool ttl : {false, true}) {
    SCOPED_TRACE(ttl);
    SetString("k", "start");
    if (ttl) db_.SetExpiry("k", now() + 1000);
    const int64_t deadline = ttl ? now() + 1000 : kNoExpiry;
    for (const std::string& from : values) {
      for (const std::string& to : values) {
        db_.Set("k", from, StringPolicy::kTryInt, kKeepTtl);
        db_.Set("k", to, StringPolicy::kTryInt, kKeepTtl);
        ASSERT_EQ(GetString("k"), to) << "after " << from;
        ASSERT_THAT(db_.GetExpiry("k"), Optional(deadline));
      }
    }
    EXPECT_EQ(db_.expires_size(), ttl ? 1u : 0u);
    EXPECT_EQ(db_.size(), 1u);
  }
  clock_.AdvanceMs(1000);
  EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
}

TEST_F(DatabaseTest, TtlAddAndRemoveOnShortAndLongKeys) {
  for (size_t size : kKeySizes) {
    SCOPED_TRACE(size);
    const std::string key(size, 'k');
    for (const std::string& value : {std::string("12"), std::string(16, 'v'), std::string(80, 'v')}) {
      SetString(key, value);
      EXPECT_TRUE(db_.SetExpiry(key, now() + 100));
      EXPECT_THAT(db_.GetExpiry(key), Optional(now() + 100));
      EXPECT_EQ(GetString(key), value);
      EXPECT_TRUE(db_.SetExpiry(key, now() + 200));
      EXPECT_THAT(db_.GetExpiry(key), Optional(now() + 200));
      EXPECT_EQ(db_.expires_size(), 1u);
      EXPECT_TRUE(db_.Persist(key));
      EXPECT_THAT(db_.GetExpiry(key), Optional(kNoExpiry));
      EXPECT_EQ(GetString(key), value);
      EXPECT_EQ(db_.expires_size(), 0u);
      EXPECT_THAT(ScanAll(10), UnorderedElementsAre(key));
    }
    db_.SetExpiry(key, now() + 10);
    clock_.AdvanceMs(10);
    EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
    EXPECT_EQ(db_.size(), 0u);
  }
}

TEST_F(DatabaseTest, RenameKeepsTtlAcrossKeyLengths) {
  for (size_t from_size : kKeySizes) {
    for (size_t to_size : {size_t{3}, size_t{200}}) {
      SCOPED_TRACE(testing::Message() << from_size << " -> " << to_size);
      const std::string from(from_size, 'f');
      const std::string to(to_size, 't');
      SetString(from, "value");
      db_.SetExpiry(from, now() + 100);
      EXPECT_TRUE(db_.Rename(from, to));
      EXPECT_FALSE(db_.Contains(from));
      EXPECT_EQ(GetString(to), "value");
      EXPECT_THAT(db_.GetExpiry(to), Optional(now() + 100));
      EXPECT_EQ(db_.expires_size(), 1u);
      clock_.AdvanceMs(100);
      EXPECT_EQ(db_.ExpireDue(kUnlimited), 1u);
      EXPECT_EQ(db_.size(), 0u);
    }
  }
}

TEST_F(DatabaseTest, RenameMovesContainerWithoutCopying) {
  auto [value, inserted] = db_.FindOrInsert("from", ValueType::kList);
  ListValue* list = &value->as<ListValue>();
  list->PushBack("a");
  db_.SetExpiry("from", now() + 100);
  ASSERT_TRUE(db_.Rename("from", "to"));
  EXPECT_EQ(&db_.Find("to")->as<ListValue>(), list);
  EXPECT_EQ(list->size(), 1u);
  EXPECT_THAT(db_.GetExpiry("to"), Optional(now() + 100));
}

TEST_F(DatabaseTest, FindOrInsertStringIsEmpty) {
  auto [value, inserted] = db_.FindOrInsert("s", ValueType::kString);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(value->encoding(), "embstr");
  EXPECT_EQ(value->str().view(), "");
}

TEST_F(DatabaseTest, ContainersKeepTheirPlaceWhenTheKeyGetsATtl) {
  auto [value, inserted] = db_.FindOrInsert("l", ValueType::kList);
  ListValue* list = &value->as<ListValue>();
  db_.SetExpiry("l", now() + 100);
  db_.Persist("l");
  EXPECT_EQ(&db_.Find("l")->as<ListValue>(), list);
}

TEST_F(DatabaseTest, CopyKeepsEncodingAndIsIndependent) {
  const EncodingConfig config;
  auto copy = [&](std::string_view from, std::string_view to) {
    Value* value = db_.Find(from);
    ASSERT_NE(value, nullptr);
    db_.Set(to, *value, now() + 50);
    EXPECT_EQ(db_.Find(to)->encoding(), value->encoding()) << from;
    EXPECT_THAT(db_.GetExpiry(to), Optional(now() + 50));
  };
  for (const std::string& s : {std::string("17"), std::string("small"), std::string(60, 'r')}) {
    SetString("s", s);
    copy("s", "s2");
    EXPECT_EQ(GetString("s2"), s);
  }

  auto [list, ignored1] = db_.FindOrInsert("l", ValueType::kList);
  list->as<ListValue>().PushBack("a");
  copy("l", "l2");
  list->as<ListValue>().PushBack("b");
  EXPECT_EQ(db_.Find("l2")->as<ListValue>().size(), 1u);

  auto [intset, ignored2] = db_.FindOrInsert("i", ValueType::kSet);
  for (int i = 0; i < 1000; ++i) intset->as<SetValue>().Add(std::to_string(i), config);
  EXPECT_EQ(intset->encoding(), "hashtable");  // past set-max-intset-entries
  copy("i", "i2");
  EXPECT_EQ(db_.Find("i2")->as<SetValue>().size(), 1000u);
  auto [small, ignored3] = db_.FindOrInsert("si", ValueType::kSet);
  small->as<SetValue>().Add("1", config);
  copy("si", "si2");
  EXPECT_EQ(db_.Find("si2")->encoding(), "intset");

  auto [zset, ignored4] = db_.FindOrInsert("z", ValueType::kZSet);
  zset->as<ZSetValue>().Add("m", 1.5, {}, config);
  copy("z", "z2");
  zset->as<ZSetValue>().Remove("m");
  EXPECT_THAT(db_.Find("z2")->as<ZSetValue>().Score("m"), Optional(1.5));

  auto [hash, ignored5] = db_.FindOrInsert("h", ValueType::kHash);
  hash->as<HashValue>().Set("f", "v", config);
  copy("h", "h2");
  hash->as<HashValue>().Set("f", "w", config);
  EXPECT_THAT(db_.Find("h2")->as<HashValue>().Get("f"), Optional(std::string("v")));
  EncodingConfig tiny;
  tiny.hash_max_listpack_entries = 1;
  hash->as<HashValue>().Set("g", "v", tiny);
  EXPECT_EQ(hash->encoding(), "hashtable");
  copy("h", "h3");
  EXPECT_EQ(db_.Find("h3")->as<HashValue>().size(), 2u);
}

TEST_F(DatabaseTest, ReplaceGivesAnEmptyValueWithoutTheOldDeadline) {
  db_.Set("k", "v", StringPolicy::kTryInt, now() + 1000);
  Value* value = db_.Replace("k", ValueType::kSet);
  ASSERT_NE(value, nullptr);
  EXPECT_TRUE(value->is(ValueType::kSet));
  EXPECT_TRUE(value->as<SetValue>().empty());
  EXPECT_EQ(db_.GetExpiry("k"), kNoExpiry);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_TRUE(db_.Replace("new", ValueType::kZSet)->is(ValueType::kZSet));
  EXPECT_EQ(db_.size(), 2u);
}

// Records what the database reports.
class EventLog : public KeyObserver {
 public:
  void OnKeyEvent(int db, std::string_view key, KeyEvent event) override {
    static constexpr std::string_view kNames[] = {"written", "deleted", "expired", "created"};
    events.push_back(std::string(kNames[static_cast<int>(event)]) + " " + std::string(key));
  }
  void OnFlush(int db) override { events.push_back("flush " + std::to_string(db)); }

  std::vector<std::string> Take() { return std::exchange(events, {}); }

  std::vector<std::string> events;
};

TEST_F(DatabaseTest, ReportsEveryChange) {
  using ::testing::ElementsAre;
  EventLog log;
  db_.set_observer(&log);

  SetString("a", "1");
  db_.Set("b", "2", StringPolicy::kTryInt, now() + 10);
  db_.Set("c", "3", StringPolicy::kTryInt, now());  // a deadline already past: kept until expiry
  EXPECT_THAT(log.Take(), ElementsAre("created a", "written a", "created b", "written b",
                                      "created c", "written c"));
  SetString("a", "overwritten");  // not created again
  EXPECT_THAT(log.Take(), ElementsAre("written a"));

  db_.SetExpiry("a", now() + 100);
  db_.Persist("a");
  db_.SetExpiry("a", now() - 1);
  EXPECT_THAT(log.Take(), ElementsAre("written a", "written a", "deleted a"));

  clock_.AdvanceMs(10);
  EXPECT_EQ(db_.Find("b"), nullptr);  // lazily
  SetString("d", "4");
  db_.SetExpiry("d", now() + 10);
  clock_.AdvanceMs(10);
  db_.ExpireDue(kUnlimited);  // actively
  EXPECT_THAT(log.Take(), ElementsAre("expired b", "created d", "written d", "written d",
                                      "expired c", "expired d"));

  SetString("e", "5");
  SetString("f", "6");
  SetString("g", "7");
  log.Take();
  db_.Rename("e", "f");  // f's old value goes without an event of its own, as before
  db_.Erase("f");
  db_.Unlink("g");
  EXPECT_FALSE(db_.Erase("missing"));
  // A renamed key is created anew, whether or not it replaced one (as Redis reports it).
  EXPECT_THAT(log.Take(),
              ElementsAre("deleted e", "created f", "written f", "deleted f", "deleted g"));

  SetString("h", "8");
  db_.Set("h2", *db_.Find("h"));
  db_.FindOrInsert("l", ValueType::kList);  // the caller reports the write
  db_.FindOrInsert("l", ValueType::kList);  // found
  db_.Replace("h", ValueType::kSet);        // overwritten, reported written at once
  db_.Replace("s", ValueType::kSet);
  db_.Clear();
  EXPECT_THAT(log.Take(),
              ElementsAre("created h", "written h", "created h2", "written h2", "created l",
                          "written h", "created s", "written s", "flush 0"));
  db_.set_observer(nullptr);
}

TEST(LazyFreeTest, LargeValuesAreFreedOffTheLoop) {
  ManualClock clock;
  Keyspace keyspace(clock, 1);
  Database& db = keyspace.db(0);
  LazyFreer& freer = keyspace.freer();
  auto big_list = [&](std::string_view key) {
    auto [value, inserted] = db.FindOrInsert(key, ValueType::kList);
    value->as<ListValue>().set_fill(1);  // a node per element
    for (int i = 0; i < 1000; ++i) value->as<ListValue>().PushBack("element");
  };
  auto small_list = [&](std::string_view key) {
    db.FindOrInsert(key, ValueType::kList).first->as<ListValue>().PushBack("element");
  };

  big_list("a");
  EXPECT_TRUE(db.Erase("a"));  // DEL frees at once, as Redis's default lazyfree-lazy-user-del no
  small_list("b");
  EXPECT_TRUE(db.Unlink("b"));  // too small to be worth handing over
  EXPECT_EQ(freer.handed_over(), 0u);

  big_list("c");
  EXPECT_TRUE(db.Unlink("c"));
  EXPECT_EQ(freer.handed_over(), 1u);
  big_list("d");
  db.Set("d", "overwritten");
  EXPECT_EQ(freer.handed_over(), 2u);
  big_list("e");
  db.SetExpiry("e", clock.NowMs() + 10);
  clock.AdvanceMs(10);
  EXPECT_EQ(keyspace.ExpireDue(kUnlimited), 1u);
  EXPECT_EQ(freer.handed_over(), 3u);

  for (int i = 0; i < 1000; ++i) db.Set(std::to_string(i), "v");
  db.Clear(/*async=*/false);
  EXPECT_EQ(freer.handed_over(), 3u);
  for (int i = 0; i < 1000; ++i) db.Set(std::to_string(i), "v");
  keyspace.FlushAll(/*async=*/true);
  EXPECT_EQ(freer.handed_over(), 4u);
  EXPECT_EQ(db.size(), 0u);
  db.Set("after", "v");
  EXPECT_EQ(db.Find("after")->str().view(), "v");

  freer.Drain();
  EXPECT_EQ(freer.pending(), 0u);
}

TEST(KeyspaceTest, DatabasesAreSeparate) {
  ManualClock clock;
  Keyspace keyspace(clock);
  EXPECT_EQ(keyspace.num_databases(), 16);
  EXPECT_EQ(&keyspace.clock(), &clock);
  keyspace.db(0).Set("k", "zero");
  keyspace.db(15).Set("k", "fifteen");
  EXPECT_EQ(keyspace.db(0).Find("k")->str().view(), "zero");
  EXPECT_EQ(keyspace.db(15).Find("k")->str().view(), "fifteen");
  EXPECT_FALSE(keyspace.db(1).Contains("k"));
}

TEST(KeyspaceTest, FlushAll) {
  ManualClock clock;
  Keyspace keyspace(clock, 4);
  for (int i = 0; i < 4; ++i) {
    keyspace.db(i).Set("k", "v");
    keyspace.db(i).SetExpiry("k", clock.NowMs() + 10);
    keyspace.db(i).Set("p", "v");
  }
  keyspace.FlushAll();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(keyspace.db(i).size(), 0u);
    EXPECT_EQ(keyspace.db(i).expires_size(), 0u);
  }
  clock.AdvanceMs(10);
  EXPECT_EQ(keyspace.ExpireDue(kUnlimited), 0u);
}

TEST(KeyspaceTest, ExpireDueSharesTheBudget) {
  ManualClock clock;
  Keyspace keyspace(clock);
  for (int db : {0, 7}) {
    for (int i = 0; i < 100; ++i) {
      keyspace.db(db).Set(std::to_string(i), "v");
      keyspace.db(db).SetExpiry(std::to_string(i), clock.NowMs() + 10);
    }
  }
  clock.AdvanceMs(10);
  EXPECT_EQ(keyspace.ExpireDue(32), 32u);
  // Each busy database gets at least its fair share of 32 / 16.
  EXPECT_LE(keyspace.db(0).size(), 98u);
  EXPECT_LE(keyspace.db(7).size(), 98u);
  EXPECT_EQ(keyspace.db(0).size() + keyspace.db(7).size(), 168u);
  size_t deleted = 32;
  while (size_t n = keyspace.ExpireDue(32)) deleted += n;
  EXPECT_EQ(deleted, 200u);
  EXPECT_EQ(keyspace.db(0).expired_count() + keyspace.db(7).expired_count(), 200u);
}

TEST(SystemClockTest, ReadsUnixTime) {
  SystemClock clock;
  const int64_t ms = clock.NowMs();
  const int64_t us = clock.NowUs();
  EXPECT_GT(ms, 1'600'000'000'000);  // after 2020
  EXPECT_GE(us / 1000, ms);
  EXPECT_LT(us / 1000 - ms, 60'000);
}

}  // namespace
}  // namespace understudy::store
