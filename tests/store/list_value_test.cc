#include "store/list_value.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace understudy::store {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Prefix and number; built by appending, as GCC 12 warns falsely (-Wrestrict) on
// "literal" + std::to_string(...).
std::string Key(std::string_view prefix, int64_t i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

std::vector<std::string> Contents(const ListValue& list) {
  std::vector<std::string> out;
  list.Walk(false, [&](size_t index, std::string_view v) {
    EXPECT_EQ(index, out.size());
    out.emplace_back(v);
    return true;
  });
  return out;
}

std::vector<std::string> ContentsReversed(const ListValue& list) {
  std::vector<std::string> out;
  size_t expected_index = list.size();
  list.Walk(true, [&](size_t index, std::string_view v) {
    EXPECT_EQ(index, --expected_index);
    out.emplace_back(v);
    return true;
  });
  return {out.rbegin(), out.rend()};
}

std::vector<size_t> NodeSizes(const ListValue& list) {
  std::vector<size_t> sizes;
  list.ForEachNode([&](size_t entries, size_t) { sizes.push_back(entries); });
  return sizes;
}

size_t ByteLimit(int fill) { return fill < 0 ? size_t{4096} << (-fill - 1) : 8192; }

// Node counts add up, no node is empty, and each is within the fill limit unless it holds a
// single element.
void ExpectWellFormed(const ListValue& list) {
  size_t total = 0;
  size_t nodes = 0;
  const int fill = list.fill();
  list.ForEachNode([&](size_t entries, size_t bytes) {
    ++nodes;
    total += entries;
    EXPECT_GT(entries, 0u);
    if (entries > 1) {
      EXPECT_LE(bytes, ByteLimit(fill));
      if (fill >= 0) {
        EXPECT_LE(entries, static_cast<size_t>(fill));
      }
    }
  });
  EXPECT_EQ(total, list.size());
  EXPECT_EQ(nodes, list.node_count());
  EXPECT_EQ(list.empty(), list.size() == 0);
}

void ExpectContents(const ListValue& list, const std::vector<std::string>& want) {
  EXPECT_EQ(list.size(), want.size());
  EXPECT_THAT(Contents(list), ElementsAreArray(want));
  EXPECT_THAT(ContentsReversed(list), ElementsAreArray(want));
  ExpectWellFormed(list);
}

std::vector<std::string> Numbered(size_t n, std::string_view prefix = "e") {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(Key(prefix, static_cast<int64_t>(i)));
  return out;
}

ListValue Make(const std::vector<std::string>& values, int fill) {
  ListValue list(fill);
  for (const std::string& v : values) list.PushBack(v);
  return list;
}

TEST(ListValueTest, EmptyList) {
  ListValue list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.node_count(), 0u);
  EXPECT_EQ(list.fill(), -2);
  EXPECT_EQ(list.PopFront(), std::nullopt);
  EXPECT_EQ(list.PopBack(), std::nullopt);
  EXPECT_EQ(list.Index(0), std::nullopt);
  EXPECT_EQ(list.Index(-1), std::nullopt);
  EXPECT_FALSE(list.Set(0, "x"));
  EXPECT_FALSE(list.Insert("p", "x", true));
  EXPECT_EQ(list.Remove("x", 0), 0u);
  list.Trim(0, 10);
  list.ForRange(0, 0, [](std::string_view) { ADD_FAILURE(); });
  EXPECT_EQ(list.bytes(), sizeof(ListValue));
  ExpectContents(list, {});
}

TEST(ListValueTest, PushAndPopBothEnds) {
  ListValue list;
  list.PushBack("b");
  list.PushFront("a");
  list.PushBack("3");
  list.PushFront("-0");
  ExpectContents(list, {"-0", "a", "b", "3"});
  EXPECT_EQ(list.PopFront(), "-0");
  EXPECT_EQ(list.PopBack(), "3");
  EXPECT_EQ(list.PopBack(), "b");
  EXPECT_EQ(list.PopBack(), "a");
  EXPECT_EQ(list.PopBack(), std::nullopt);
  EXPECT_EQ(list.node_count(), 0u);
}

TEST(ListValueTest, IndexFromBothEnds) {
  ListValue list = Make(Numbered(100), 7);
  for (int64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(list.Index(i), Key("e", i));
    EXPECT_EQ(list.Index(i - 100), Key("e", i));
  }
  EXPECT_EQ(list.Index(100), std::nullopt);
  EXPECT_EQ(list.Index(-101), std::nullopt);
  EXPECT_EQ(list.Index(INT64_MIN), std::nullopt);
  EXPECT_EQ(list.Index(INT64_MAX), std::nullopt);
}

TEST(ListValueTest, SetInPlaceAndWhenTheNodeOverflows) {
  ListValue list = Make({"a", "b", "c", "d"}, -1);
  EXPECT_TRUE(list.Set(1, "B"));
  EXPECT_TRUE(list.Set(-1, "42"));
  EXPECT_FALSE(list.Set(4, "x"));
  EXPECT_FALSE(list.Set(-5, "x"));
  ExpectContents(list, {"a", "B", "c", "42"});
  // Larger than a 4 KB node: the element gets a node of its own in the middle.
  const std::string big(5000, 'x');
  EXPECT_TRUE(list.Set(2, big));
  ExpectContents(list, {"a", "B", big, "42"});
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{2, 1, 1}));
  // Small again: replaced in its own node.
  EXPECT_TRUE(list.Set(2, "c"));
  ExpectContents(list, {"a", "B", "c", "42"});
}

TEST(ListValueTest, SetThatOverflowsAFullNodeSplitsIt) {
  ListValue list(-1);
  std::vector<std::string> want;
  for (int i = 0; i < 40; ++i) want.push_back(std::string(100, static_cast<char>('a' + i % 26)));
  for (const std::string& v : want) list.PushBack(v);
  ASSERT_EQ(list.node_count(), 2u);  // 4 KB holds 39 of these
  want[20] = std::string(2000, 'Z');
  EXPECT_TRUE(list.Set(20, want[20]));
  ExpectContents(list, want);
  EXPECT_EQ(list.node_count(), 2u);
}

TEST(ListValueTest, InsertAroundPivot) {
  ListValue list = Make({"a", "7", "c", "7"}, -2);
  EXPECT_TRUE(list.Insert("7", "before", false));
  EXPECT_TRUE(list.Insert("7", "after", true));
  EXPECT_TRUE(list.Insert("c", "end", true));
  EXPECT_FALSE(list.Insert("07", "x", true));
  EXPECT_FALSE(list.Insert("missing", "x", false));
  ExpectContents(list, {"a", "before", "7", "after", "c", "end", "7"});
  EXPECT_TRUE(list.Insert("7", "tail", true));
  EXPECT_TRUE(list.Insert("a", "head", false));
  ExpectContents(list, {"head", "a", "before", "7", "tail", "after", "c", "end", "7"});
}

TEST(ListValueTest, InsertSplitsAFullNodeOrSpillsIntoANeighbour) {
  ListValue list = Make({"a", "b", "c", "d", "e", "f", "g", "h"}, 4);
  ASSERT_EQ(NodeSizes(list), (std::vector<size_t>{4, 4}));
  // Middle of a full node: split.
  EXPECT_TRUE(list.Insert("b", "b2", true));
  ExpectContents(list, {"a", "b", "b2", "c", "d", "e", "f", "g", "h"});
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{3, 2, 4}));
  EXPECT_TRUE(list.Insert("b2", "b3", true));
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{4, 2, 4}));
  // After the last element of a full node whose next node has room.
  EXPECT_TRUE(list.Insert("b3", "b4", true));
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{4, 3, 4}));
  // Before the first element of a full node whose previous node has room.
  EXPECT_TRUE(list.Insert("e", "d2", false));
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{4, 4, 4}));
  // Edges with no room anywhere: a new node between.
  EXPECT_TRUE(list.Insert("d2", "d3", true));
  ExpectContents(list, {"a", "b", "b2", "b3", "b4", "c", "d", "d2", "d3", "e", "f", "g", "h"});
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{4, 4, 1, 4}));
}

TEST(ListValueTest, InsertingALargeElementInTheMiddle) {
  ListValue list = Make(Numbered(200), -1);
  const size_t nodes = list.node_count();
  std::vector<std::string> want = Numbered(200);
  const std::string big(10000, 'B');
  EXPECT_TRUE(list.Insert("e50", big, true));
  want.insert(want.begin() + 51, big);
  ExpectContents(list, want);
  EXPECT_EQ(list.node_count(), nodes + 2);
  EXPECT_EQ(list.Remove(big, 0), 1u);
  want.erase(want.begin() + 51);
  ExpectContents(list, want);
  EXPECT_EQ(list.node_count(), nodes);  // the halves merged again
}

TEST(ListValueTest, RemoveFromHeadTailOrAll) {
  const std::vector<std::string> base = {"x", "a", "x", "x", "b", "x", "1", "x"};
  for (int fill : {1, 2, 3, -1}) {
    ListValue list = Make(base, fill);
    EXPECT_EQ(list.Remove("x", 2), 2u);
    ExpectContents(list, {"a", "x", "b", "x", "1", "x"});
    EXPECT_EQ(list.Remove("x", -2), 2u);
    ExpectContents(list, {"a", "x", "b", "1"});
    EXPECT_EQ(list.Remove("01", 0), 0u);
    EXPECT_EQ(list.Remove("1", 0), 1u);
    EXPECT_EQ(list.Remove("x", INT64_MIN), 1u);
    ExpectContents(list, {"a", "b"});
    EXPECT_EQ(list.Remove("a", 0), 1u);
    EXPECT_EQ(list.Remove("b", -1), 1u);
    ExpectContents(list, {});
    EXPECT_EQ(list.node_count(), 0u);
  }
}

TEST(ListValueTest, RemoveMergesThinnedNodes) {
  for (int fill : {8, -1}) {
    std::vector<std::string> values;
    for (int i = 0; i < 8000; ++i) values.push_back(i % 8 == 0 ? Key("k", i) : "drop");
    ListValue list = Make(values, fill);
    const size_t nodes_before = list.node_count();
    EXPECT_EQ(list.Remove("drop", 0), 7000u);
    std::vector<std::string> want;
    for (int i = 0; i < 8000; i += 8) want.push_back(Key("k", i));
    ExpectContents(list, want);
    // Nodes are at least half full again.
    EXPECT_LE(list.node_count(), nodes_before / 8 * 2 + 1) << fill;
    // And from the tail.
    ListValue again = Make(values, fill);
    EXPECT_EQ(again.Remove("drop", -7000), 7000u);
    ExpectContents(again, want);
    EXPECT_LE(again.node_count(), nodes_before / 8 * 2 + 1) << fill;
  }
}

TEST(ListValueTest, Trim) {
  const std::vector<std::string> all = Numbered(50);
  for (int fill : {1, 4, -1}) {
    for (size_t start : {0, 1, 3, 4, 10, 49, 50}) {
      for (size_t stop : {0, 2, 3, 7, 30, 48, 49, 100}) {
        ListValue list = Make(all, fill);
        list.Trim(start, stop);
        std::vector<std::string> want;
        for (size_t i = start; i <= std::min<size_t>(stop, 49); ++i) want.push_back(all[i]);
        ExpectContents(list, want);
      }
    }
  }
}

TEST(ListValueTest, TrimMergesTheEnds) {
  ListValue list = Make(Numbered(12), 4);
  ASSERT_EQ(NodeSizes(list), (std::vector<size_t>{4, 4, 4}));
  list.Trim(2, 5);  // keeps 2 + 2
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{4}));
  ExpectContents(list, {"e2", "e3", "e4", "e5"});
}

TEST(ListValueTest, ForRangeSkipsWholeNodes) {
  const std::vector<std::string> all = Numbered(1000);
  ListValue list = Make(all, 10);
  for (size_t start : {0, 1, 9, 10, 11, 499, 500, 990, 999}) {
    for (size_t stop : {start, start + 1, start + 15, size_t{999}}) {
      if (stop > 999) continue;
      std::vector<std::string> got;
      list.ForRange(start, stop, [&](std::string_view v) { got.emplace_back(v); });
      EXPECT_THAT(got, ElementsAreArray(all.begin() + start, all.begin() + stop + 1));
    }
  }
}

TEST(ListValueTest, WalkStopsEarly) {
  ListValue list = Make({"a", "b", "c", "b"}, 1);
  std::vector<size_t> seen;
  list.Walk(false, [&](size_t index, std::string_view v) {
    seen.push_back(index);
    return v != "b";
  });
  EXPECT_THAT(seen, ElementsAre(0, 1));
  seen.clear();
  list.Walk(true, [&](size_t index, std::string_view v) {
    seen.push_back(index);
    return v != "c";
  });
  EXPECT_THAT(seen, ElementsAre(3, 2));
}

TEST(ListValueTest, PositiveFillCapsEntries) {
  for (int fill : {1, 2, 5, 128}) {
    ListValue list = Make(Numbered(300), fill);
    const size_t per_node = static_cast<size_t>(fill);
    EXPECT_EQ(list.node_count(), (300 + per_node - 1) / per_node);
    ExpectContents(list, Numbered(300));
  }
  // Positive fill still keeps a node under 8 KB.
  ListValue list = Make(std::vector<std::string>(100, std::string(1000, 'x')), 100);
  EXPECT_GE(list.node_count(), 13u);
  ExpectWellFormed(list);
}

TEST(ListValueTest, NegativeFillCapsBytes) {
  for (int fill = -1; fill >= -5; --fill) {
    ListValue list(fill);
    std::deque<std::string> want;
    for (int i = 0; i < 20000; ++i) {
      std::string v = Key("element:", i);
      if (i % 2 == 0) {
        list.PushBack(v);
        want.push_back(v);
      } else {
        list.PushFront(v);
        want.push_front(v);
      }
    }
    ExpectContents(list, {want.begin(), want.end()});
    // Every node but the two ends is full to within one entry.
    size_t index = 0;
    list.ForEachNode([&](size_t, size_t bytes) {
      if (index != 0 && index + 1 != list.node_count()) {
        EXPECT_GT(bytes, ByteLimit(fill) - 20);
      }
      ++index;
    });
  }
}

TEST(ListValueTest, LargeElementsGetNodesOfTheirOwn) {
  ListValue list(-1);
  const std::vector<size_t> lengths = {10, 64, 4095, 4096, 10, 65535, 65536, 10, 70000, 10};
  std::vector<std::string> want;
  for (size_t i = 0; i < lengths.size(); ++i) {
    want.push_back(std::string(lengths[i], static_cast<char>('a' + i)));
    list.PushBack(want.back());
  }
  ExpectContents(list, want);
  EXPECT_EQ(list.node_count(), 9u);  // only "a"*10 and "b"*64 share a node
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(list.Index(static_cast<int64_t>(i)), want[i]);
  EXPECT_EQ(list.PopBack(), want.back());
  want.pop_back();
  EXPECT_EQ(list.PopFront(), want.front());
  want.erase(want.begin());
  ExpectContents(list, want);
}

TEST(ListValueTest, SetFillAppliesToNewNodes) {
  ListValue list = Make(Numbered(4), 2);
  list.set_fill(4);
  list.PushBack("x");
  list.PushBack("y");
  list.PushBack("z");
  EXPECT_EQ(NodeSizes(list), (std::vector<size_t>{2, 4, 1}));
  list.set_fill(-100);
  EXPECT_EQ(list.fill(), -5);
  list.set_fill(1 << 20);
  EXPECT_EQ(list.fill(), 32767);
}

TEST(ListValueTest, CopyAndMove) {
  ListValue list = Make(Numbered(100), 8);
  ListValue copy = list;
  copy.PushBack("extra");
  ExpectContents(list, Numbered(100));
  EXPECT_EQ(copy.size(), 101u);
  EXPECT_EQ(copy.fill(), 8);
  ListValue moved = std::move(copy);
  EXPECT_EQ(moved.size(), 101u);
  EXPECT_EQ(moved.Index(-1), "extra");
  list = moved;
  EXPECT_EQ(list.size(), 101u);
  list = ListValue();
  ExpectContents(list, {});
  list.PushBack("again");
  ExpectContents(list, {"again"});
}

TEST(ListValueTest, MemoryPerElement) {
  ListValue list;
  constexpr size_t kElements = 1000000;
  for (size_t i = 0; i < kElements; ++i) list.PushBack(Key("element:", i));
  const double per_element = static_cast<double>(list.bytes()) / kElements;
  std::printf("1M \"element:N\" strings: %zu bytes, %.2f bytes per element, %zu nodes\n",
              list.bytes(), per_element, list.node_count());
  // 16 bytes an entry ("element:123456": tag, 14 bytes, back length) plus node overhead.
  EXPECT_LT(per_element, 17.0);
  EXPECT_EQ(list.Index(123456), "element:123456");
}

// Values across encodings and sizes: integers, short strings and ones that fill a node quickly.
std::string RandomValue(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
      return std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
    case 1:
      return std::string(rng() % 3000, static_cast<char>('a' + rng() % 26));
    case 2:
      return rng() % 2 ? "-0" : "007";
    default:
      return Key("v", static_cast<int64_t>(rng() % 20));
  }
}

void RunRandomOperations(int fill, uint64_t seed, int steps) {
  SCOPED_TRACE(::testing::Message() << "fill " << fill);
  std::mt19937_64 rng(seed);
  ListValue list(fill);
  std::deque<std::string> model;
  for (int step = 0; step < steps; ++step) {
    const size_t n = model.size();
    const auto random_index = [&] {
      const int64_t i = static_cast<int64_t>(rng() % (n + 2));
      return rng() % 2 ? i : i - static_cast<int64_t>(n) - 1;  // sometimes out of range
    };
    const auto normalized = [&](int64_t i) { return i < 0 ? i + static_cast<int64_t>(n) : i; };
    const auto in_range = [&](int64_t i) {
      return normalized(i) >= 0 && normalized(i) < static_cast<int64_t>(n);
    };
    // Grow while short, so the list spans many nodes.
    const int op = static_cast<int>(rng() % (n < 50 ? 6 : 16));
    switch (op) {
      case 0:
      case 1:
      case 2: {
        const std::string v = RandomValue(rng);
        list.PushBack(v);
        model.push_back(v);
        break;
      }
      case 3:
      case 4:
      case 5: {
        const std::string v = RandomValue(rng);
        list.PushFront(v);
        model.push_front(v);
        break;
      }
      case 6:
        if (n == 0) {
          ASSERT_EQ(list.PopFront(), std::nullopt);
        } else {
          ASSERT_EQ(list.PopFront(), model.front());
          model.pop_front();
        }
        break;
      case 7:
        if (n == 0) {
          ASSERT_EQ(list.PopBack(), std::nullopt);
        } else {
          ASSERT_EQ(list.PopBack(), model.back());
          model.pop_back();
        }
        break;
      case 8: {
        const int64_t i = random_index();
        const auto got = list.Index(i);
        if (in_range(i)) {
          ASSERT_EQ(got, model[normalized(i)]);
        } else {
          ASSERT_EQ(got, std::nullopt);
        }
        break;
      }
      case 9: {
        const int64_t i = random_index();
        const std::string v = RandomValue(rng);
        ASSERT_EQ(list.Set(i, v), in_range(i));
        if (in_range(i)) model[normalized(i)] = v;
        break;
      }
      case 10:
      case 11: {
        const std::string pivot = n > 0 && rng() % 4 ? model[rng() % n] : RandomValue(rng);
        const std::string v = RandomValue(rng);
        const bool after = rng() % 2;
        auto it = std::find(model.begin(), model.end(), pivot);
        ASSERT_EQ(list.Insert(pivot, v, after), it != model.end());
        if (it != model.end()) model.insert(after ? it + 1 : it, v);
        break;
      }
      case 12: {
        const std::string v = n > 0 && rng() % 2 ? model[rng() % n] : RandomValue(rng);
        const int64_t count = static_cast<int64_t>(rng() % 5) - 2;
        size_t removed = 0;
        const size_t limit = count == 0 ? SIZE_MAX : static_cast<size_t>(std::abs(count));
        if (count >= 0) {
          for (auto it = model.begin(); it != model.end() && removed < limit;) {
            if (*it == v) {
              it = model.erase(it);
              ++removed;
            } else {
              ++it;
            }
          }
        } else {
          for (size_t i = model.size(); i-- > 0 && removed < limit;) {
            if (model[i] == v) {
              model.erase(model.begin() + static_cast<ptrdiff_t>(i));
              ++removed;
            }
          }
        }
        ASSERT_EQ(list.Remove(v, count), removed);
        break;
      }
      case 13: {
        // Mostly mild trims so the list keeps its length.
        const size_t start = rng() % 3;
        const size_t stop = n + 1 - rng() % 4;
        list.Trim(start, stop);
        if (start > stop || start >= n) {
          model.clear();
        } else {
          model.erase(model.begin() + static_cast<ptrdiff_t>(std::min(stop + 1, n)), model.end());
          model.erase(model.begin(), model.begin() + static_cast<ptrdiff_t>(start));
        }
        break;
      }
      case 14: {
        if (n == 0) break;
        const size_t start = rng() % n;
        const size_t stop = start + rng() % (n - start);
        std::vector<std::string> got;
        list.ForRange(start, stop, [&](std::string_view v) { got.emplace_back(v); });
        ASSERT_THAT(got, ElementsAreArray(model.begin() + static_cast<ptrdiff_t>(start),
                                          model.begin() + static_cast<ptrdiff_t>(stop) + 1));
        break;
      }
      default: {
        // LPOS-like: the first match from either end.
        const std::string v = n > 0 ? model[rng() % n] : "none";
        const bool reverse = rng() % 2;
        size_t found = SIZE_MAX;
        list.Walk(reverse, [&](size_t index, std::string_view value) {
          if (value != v) return true;
          found = index;
          return false;
        });
        size_t want = SIZE_MAX;
        for (size_t i = 0; i < n; ++i) {
          const size_t j = reverse ? n - 1 - i : i;
          if (model[j] == v) {
            want = j;
            break;
          }
        }
        ASSERT_EQ(found, want);
        break;
      }
    }
    ASSERT_EQ(list.size(), model.size()) << "step " << step << " op " << op;
    std::vector<std::string> got = Contents(list);
    ASSERT_TRUE(std::equal(got.begin(), got.end(), model.begin(), model.end()))
        << "step " << step << " op " << op;
    ASSERT_NO_FATAL_FAILURE(ExpectWellFormed(list));
    if (::testing::Test::HasFailure()) FAIL() << "step " << step << " op " << op;
  }
  ExpectContents(list, {model.begin(), model.end()});
}

TEST(ListValueTest, RandomOperationsMatchADeque) {
  uint64_t seed = 1;
  for (int fill : {1, 2, 3, 5, 16, -1, -2, -5}) RunRandomOperations(fill, seed++, 3000);
}

}  // namespace
}  // namespace understudy::store
