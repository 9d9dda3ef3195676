#include "store/hash_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/store/encoding_test_util.h"

namespace understudy::store {
namespace {

using encoding_test::ExpectUniform;
using encoding_test::Name;

using ::testing::UnorderedElementsAreArray;

using Table = HashTable<KeyNode, KeyNodeTraits>;

std::string Key(int i) { return Name("key:", i); }

void Insert(Table& table, std::string_view key) {
  ASSERT_EQ(table.Find(key), nullptr) << key;
  table.Insert(KeyNode::Create(key));
}

std::vector<std::string> Keys(const Table& table) {
  std::vector<std::string> keys;
  table.ForEach([&](const KeyNode& node) { keys.emplace_back(node.key()); });
  return keys;
}

TEST(HashTableTest, InsertFindUnlinkErase) {
  Table table;
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.Find("a"), nullptr);
  EXPECT_EQ(table.Unlink("a"), nullptr);
  Insert(table, "a");
  Insert(table, "b");
  Insert(table, "");
  EXPECT_EQ(table.size(), 3u);
  ASSERT_NE(table.Find("a"), nullptr);
  EXPECT_EQ(table.Find("a")->key(), "a");
  ASSERT_NE(table.Find(""), nullptr);
  KeyNode* b = table.Unlink("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->key(), "b");
  KeyNode::Free(b);
  EXPECT_EQ(table.Find("b"), nullptr);
  EXPECT_TRUE(table.Erase("a"));
  EXPECT_FALSE(table.Erase("a"));
  EXPECT_EQ(table.size(), 1u);
  table.Clear();
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.bucket_count(), 0u);
  Insert(table, "again");
  EXPECT_EQ(table.size(), 1u);
}

TEST(HashTableTest, LongKeysUseWideLengthPrefix) {
  Table table;
  const std::string long_key(300, 'x');
  const std::string edge(254, 'y');
  const std::string edge2(255, 'z');
  Insert(table, long_key);
  Insert(table, edge);
  Insert(table, edge2);
  EXPECT_EQ(table.Find(long_key)->key(), long_key);
  EXPECT_EQ(table.Find(edge)->key(), edge);
  EXPECT_EQ(table.Find(edge2)->key(), edge2);
}

TEST(HashTableTest, KeyValueNodeHoldsBothAndReplaces) {
  HashTable<KeyValueNode, KeyValueNodeTraits> table;
  table.Insert(KeyValueNode::Create("f", "v1"));
  table.Insert(KeyValueNode::Create("g", std::string(1000, 'w')));
  KeyValueNode* f = table.Find("f");
  EXPECT_EQ(f->key(), "f");
  EXPECT_EQ(f->value(), "v1");
  f->OverwriteValue("v2");
  EXPECT_EQ(table.Find("f")->value(), "v2");
  KeyValueNode* fresh = KeyValueNode::Create("f", "a longer value");
  table.Replace(f, fresh);
  KeyValueNode::Free(f);
  EXPECT_EQ(table.Find("f")->value(), "a longer value");
  EXPECT_EQ(table.Find("g")->value(), std::string(1000, 'w'));
  EXPECT_EQ(table.size(), 2u);
}

// Growing is spread over later operations, and every operation keeps working meanwhile.
TEST(HashTableTest, IncrementalRehashInterleavedWithOperations) {
  Table table;
  std::set<std::string> model;
  int next = 0;
  while (!table.rehashing() || table.size() < 1000) {
    Insert(table, Key(next));
    model.insert(Key(next++));
  }
  // A grow just started: the old array is still there, and one more insert moves a bounded
  // number of buckets rather than all of them.
  const size_t buckets_while_rehashing = table.bucket_count();
  Insert(table, Key(next));
  model.insert(Key(next++));
  EXPECT_TRUE(table.rehashing());
  EXPECT_EQ(table.bucket_count(), buckets_while_rehashing);

  std::mt19937_64 rng(7);
  int operations = 0;
  while (table.rehashing()) {
    ++operations;
    const int r = static_cast<int>(rng() % 3);
    if (r == 0) {
      Insert(table, Key(next));
      model.insert(Key(next++));
    } else if (r == 1 && !model.empty()) {
      const std::string victim = *model.begin();
      ASSERT_TRUE(table.Erase(victim));
      model.erase(victim);
    }
    // Lookups see every element wherever it is, old array or new.
    for (int probe = 0; probe < 5; ++probe) {
      const std::string key = Key(static_cast<int>(rng() % next));
      ASSERT_EQ(table.Find(key) != nullptr, model.count(key) == 1) << key;
    }
    ASSERT_EQ(table.size(), model.size());
  }
  EXPECT_GT(operations, 50);  // spread out, not done in one go
  EXPECT_THAT(Keys(table), UnorderedElementsAreArray(model.begin(), model.end()));
}

TEST(HashTableTest, ShrinksBelowOneEighthLoad) {
  Table table;
  for (int i = 0; i < 4096; ++i) Insert(table, Key(i));
  while (table.rehashing()) table.RehashStep(100);
  const size_t grown = table.bucket_count();
  EXPECT_GE(grown, 4096u);
  for (int i = 0; i < 4000; ++i) ASSERT_TRUE(table.Erase(Key(i)));
  while (table.rehashing()) table.RehashStep(100);
  // Shrunk when fewer than 4096 / 8 were left, to the power of two that holds them.
  EXPECT_EQ(table.bucket_count(), 512u);
  EXPECT_EQ(table.size(), 96u);
  for (int i = 4000; i < 4096; ++i) ASSERT_NE(table.Find(Key(i)), nullptr);
  for (int i = 4000; i < 4096; ++i) ASSERT_TRUE(table.Erase(Key(i)));
  while (table.rehashing()) table.RehashStep(100);
  EXPECT_EQ(table.bucket_count(), Table::kMinBuckets);
}

// Inserts during a shrink land in the small new array; once the rehash ends the table grows
// again instead of keeping long chains.
TEST(HashTableTest, FinishedRehashResizesAgainWhenNeeded) {
  Table table;
  for (int i = 0; i < 4096; ++i) Insert(table, Key(i));
  while (table.rehashing()) table.RehashStep(100);
  int i = 0;
  while (!table.rehashing()) ASSERT_TRUE(table.Erase(Key(i++)));  // the shrink starts
  const size_t shrinking_to = table.bucket_count() - 4096;
  EXPECT_LT(shrinking_to, 1024u);
  for (int j = 0; j < 3000; ++j) Insert(table, Name("new", j));
  while (table.rehashing()) table.RehashStep(100);
  EXPECT_GE(table.bucket_count(), table.size());
  EXPECT_EQ(table.size(), 4096u - i + 3000);
}

TEST(HashTableTest, ReservePresizes) {
  Table table;
  table.Reserve(1000);
  EXPECT_EQ(table.bucket_count(), 1024u);
  for (int i = 0; i < 1000; ++i) Insert(table, Key(i));
  EXPECT_FALSE(table.rehashing());
  EXPECT_EQ(table.bucket_count(), 1024u);
  table.Reserve(5000);  // not empty: nothing happens
  EXPECT_EQ(table.bucket_count(), 1024u);
}

// SCAN's promise: every element present for the whole iteration comes back at least once, while
// the table grows, shrinks and rehashes between calls.
TEST(HashTableTest, ScanReturnsStableElementsAcrossGrowAndShrink) {
  for (const size_t count : {1, 3, 10}) {
    Table table;
    std::set<std::string> stable;
    for (int i = 0; i < 200; ++i) {
      Insert(table, Key(i));
      stable.insert(Key(i));
    }
    std::set<std::string> seen;
    int transient = 0;
    int calls = 0;
    uint64_t cursor = 0;
    bool saw_rehash = false;
    bool grew = false;
    bool shrank_after_growing = false;
    do {
      cursor = table.Scan(cursor, count, [&](const KeyNode& node) { seen.emplace(node.key()); });
      ++calls;
      // Grow a lot, then shrink back to the stable elements, then grow again.
      if (calls < 20) {
        for (int i = 0; i < 300; ++i) Insert(table, Name("t", transient++));
      } else if (calls < 60) {
        for (int i = 0; i < 400 && transient > 0; ++i) {
          table.Erase(Name("t", --transient));
        }
        // Once they are gone, operations that change nothing still drive the rehash.
        for (int i = 0; i < 50 && transient == 0; ++i) {
          Insert(table, "x");
          table.Erase("x");
        }
      } else if (calls < 80) {
        for (int i = 0; i < 50; ++i) Insert(table, Name("t", transient++));
      }
      saw_rehash |= table.rehashing();
      grew |= table.bucket_count() >= 4096;
      shrank_after_growing |= grew && !table.rehashing() && table.bucket_count() <= 1024;
    } while (cursor != 0);
    EXPECT_TRUE(saw_rehash);
    EXPECT_TRUE(shrank_after_growing) << "count=" << count;
    for (const std::string& key : stable) EXPECT_EQ(seen.count(key), 1u) << key;
  }
}

TEST(HashTableTest, ScanOfEmptyTableEndsAtOnce) {
  Table table;
  int calls = 0;
  EXPECT_EQ(table.Scan(0, 10, [&](const KeyNode&) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0);
}

TEST(HashTableTest, ScanWithoutChangesVisitsEachElementOnce) {
  Table table;
  for (int i = 0; i < 1000; ++i) Insert(table, Key(i));
  // Also mid-rehash: the elements are split over both arrays.
  ASSERT_TRUE(table.rehashing() || table.bucket_count() >= 1000);
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = table.Scan(cursor, 7, [&](const KeyNode& node) { seen.emplace(node.key()); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1000u);
}

// Every element is equally likely, also while the elements are split over two arrays.
TEST(HashTableTest, RandomIsUniform) {
  std::mt19937_64 rng(1);
  for (const bool mid_rehash : {false, true}) {
    Table table;
    int n = 0;
    if (mid_rehash) {
      while (!table.rehashing() || n < 300) Insert(table, Key(n++));
      for (int i = 0; i < 20; ++i) Insert(table, Key(n++));
      ASSERT_TRUE(table.rehashing());
    } else {
      for (; n < 300; ++n) Insert(table, Key(n));
      while (table.rehashing()) table.RehashStep(100);
    }
    std::map<std::string, int> hits;
    for (int i = 0; i < n * 400; ++i) ++hits[std::string(table.Random(rng)->key())];
    ExpectUniform(hits, n);
  }
}

TEST(HashTableTest, RandomOfEmptyTableIsNull) {
  Table table;
  EXPECT_EQ(table.Random(ContainerRng()), nullptr);
}

// The keyspace's shape: nodes owned by the caller, a hash cached in the node.
struct OwnedEntry {
  std::string key;
  uint64_t hash;
  OwnedEntry* next = nullptr;
};
struct OwnedTraits {
  static std::string_view Key(const OwnedEntry& e) { return e.key; }
  static uint64_t Hash(std::string_view key) { return base::StringHash{}(key); }
  static uint64_t NodeHash(const OwnedEntry& e) { return e.hash; }
  static OwnedEntry*& Next(OwnedEntry& e) { return e.next; }
  static void Destroy(OwnedEntry*) {}
};

TEST(HashTableTest, CallerOwnedNodesWithCachedHash) {
  std::vector<std::unique_ptr<OwnedEntry>> entries;
  {
    HashTable<OwnedEntry, OwnedTraits> table;
    for (int i = 0; i < 100; ++i) {
      const std::string key = Key(i);
      entries.push_back(std::make_unique<OwnedEntry>(OwnedEntry{key, OwnedTraits::Hash(key)}));
      table.Insert(entries.back().get());
    }
    EXPECT_EQ(table.Find(Key(42)), entries[42].get());
    EXPECT_EQ(table.Unlink(Key(42)), entries[42].get());
    EXPECT_TRUE(table.Erase(Key(43)));  // Destroy does nothing: the entry is still ours
    EXPECT_EQ(table.size(), 98u);
  }  // the table's destructor leaves the entries alone
  EXPECT_EQ(entries[43]->key, Key(43));
}

// Hashes chosen by the test make the rehash's progress deterministic: an emptied table can be
// mid-rehash, and Reserve then starts it afresh.
TEST(HashTableTest, ReserveOnAnEmptiedTableMidRehash) {
  std::vector<std::unique_ptr<OwnedEntry>> entries;
  HashTable<OwnedEntry, OwnedTraits> table;
  for (int i = 0; i < 4096; ++i) {
    entries.push_back(std::make_unique<OwnedEntry>(OwnedEntry{Key(i), static_cast<uint64_t>(i)}));
    table.Insert(entries.back().get());
  }
  while (table.rehashing()) table.RehashStep(100);
  // Down to 511 the shrink starts; the rest go before it could walk the 4096 old buckets.
  for (int i = 0; i < 4096; ++i) ASSERT_NE(table.Unlink(Key(i), i), nullptr);
  ASSERT_TRUE(table.empty());
  ASSERT_TRUE(table.rehashing());
  table.Reserve(300);
  EXPECT_FALSE(table.rehashing());
  EXPECT_EQ(table.bucket_count(), 512u);
  for (int i = 0; i < 300; ++i) table.Insert(entries[i].get());
  EXPECT_EQ(table.bucket_count(), 512u);
  for (int i = 0; i < 300; ++i) ASSERT_EQ(table.Find(Key(i), i), entries[i].get());
}

TEST(DistinctIndexesTest, DistinctAndCoveringBothStrategies) {
  std::mt19937_64 rng(3);
  for (const size_t count : {3, 40}) {  // few: draws; most: partial shuffle
    std::map<size_t, int> hits;
    for (int round = 0; round < 4000; ++round) {
      const std::vector<size_t> picked = DistinctIndexes(50, count, rng);
      ASSERT_EQ(picked.size(), count);
      ASSERT_EQ(std::set<size_t>(picked.begin(), picked.end()).size(), count);
      for (size_t i : picked) {
        ASSERT_LT(i, 50u);
        ++hits[i];
      }
    }
    ExpectUniform(hits, 50);
  }
  EXPECT_EQ(DistinctIndexes(5, 5, rng).size(), 5u);
}

}  // namespace
}  // namespace understudy::store
