#include "store/listpack.h"

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace understudy::store {
namespace {

using ::testing::ElementsAreArray;

constexpr size_t kEnd = Listpack::kEnd;

// Prefix and number; built by appending, as GCC 12 warns falsely (-Wrestrict) on
// "literal" + std::to_string(...).
std::string Key(std::string_view prefix, int64_t i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

std::vector<std::string> Forward(const Listpack& lp) {
  std::vector<std::string> out;
  for (size_t pos = lp.Front(); pos != kEnd; pos = lp.Next(pos)) out.push_back(lp.Get(pos).str());
  return out;
}

std::vector<std::string> Backward(const Listpack& lp) {
  std::vector<std::string> out;
  for (size_t pos = lp.Back(); pos != kEnd; pos = lp.Prev(pos)) out.push_back(lp.Get(pos).str());
  return {out.rbegin(), out.rend()};
}

// Checks both walking directions, the count and the byte total against the expected entries.
void ExpectContents(const Listpack& lp, const std::vector<std::string>& want) {
  EXPECT_EQ(lp.size(), want.size());
  EXPECT_EQ(lp.empty(), want.empty());
  EXPECT_THAT(Forward(lp), ElementsAreArray(want));
  EXPECT_THAT(Backward(lp), ElementsAreArray(want));
  size_t bytes = want.empty() ? 0 : 8;
  for (const std::string& s : want) bytes += Listpack::EncodedSize(s);
  EXPECT_EQ(lp.bytes(), bytes);
  EXPECT_GE(lp.capacity(), lp.bytes());
}

Listpack Make(const std::vector<std::string>& values) {
  Listpack lp;
  for (const std::string& v : values) lp.PushBack(v);
  return lp;
}

TEST(LpValueTest, RendersIntegersAndStrings) {
  const LpValue i = LpValue::Int(INT64_MIN);
  EXPECT_TRUE(i.is_int());
  EXPECT_EQ(i.integer(), INT64_MIN);
  EXPECT_EQ(i.view(), "-9223372036854775808");
  EXPECT_EQ(i.str(), "-9223372036854775808");
  const LpValue s = LpValue::String("abc");
  EXPECT_FALSE(s.is_int());
  EXPECT_EQ(s.view(), "abc");
}

TEST(ListpackTest, EmptyOwnsNothing) {
  Listpack lp;
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_EQ(lp.bytes(), 0u);
  EXPECT_EQ(lp.capacity(), 0u);
  EXPECT_EQ(lp.Front(), kEnd);
  EXPECT_EQ(lp.Back(), kEnd);
  EXPECT_EQ(lp.Prev(kEnd), kEnd);
  EXPECT_EQ(lp.Next(kEnd), kEnd);
  EXPECT_EQ(lp.Seek(0), kEnd);
  EXPECT_EQ(lp.Seek(-1), kEnd);
  EXPECT_EQ(lp.Find("a", lp.Front()), kEnd);
  lp.EraseRange(0, 5);
  lp.Clear();
  EXPECT_TRUE(lp.empty());
}

TEST(ListpackTest, PushBothEndsAndWalk) {
  Listpack lp;
  lp.PushBack("b");
  lp.PushBack("c");
  lp.PushFront("a");
  lp.PushBack("42");
  lp.PushFront("-7");
  ExpectContents(lp, {"-7", "a", "b", "c", "42"});
  EXPECT_EQ(lp.Prev(lp.Front()), kEnd);
  EXPECT_EQ(lp.Next(lp.Back()), kEnd);
  EXPECT_EQ(lp.Prev(kEnd), lp.Back());
  EXPECT_TRUE(lp.Get(lp.Front()).is_int());
  EXPECT_EQ(lp.Get(lp.Front()).integer(), -7);
  EXPECT_FALSE(lp.Get(lp.Next(lp.Front())).is_int());
}

TEST(ListpackTest, CanonicalIntegersOnlyAreStoredAsIntegers) {
  const std::vector<std::string> ints = {"0",
                                         "1",
                                         "-1",
                                         "127",
                                         "128",
                                         "-4096",
                                         "-4097",
                                         "4095",
                                         "4096",
                                         "32767",
                                         "32768",
                                         "-32768",
                                         "-32769",
                                         "8388607",
                                         "8388608",
                                         "-8388608",
                                         "-8388609",
                                         "2147483647",
                                         "2147483648",
                                         "-2147483648",
                                         "-2147483649",
                                         "9223372036854775807",
                                         "-9223372036854775808"};
  const std::vector<std::string> strings = {"",
                                            "-0",
                                            "007",
                                            "00",
                                            " 1",
                                            "1 ",
                                            "+1",
                                            "-",
                                            "1.0",
                                            "0x10",
                                            "1e3",
                                            "--1",
                                            "-01",
                                            "9223372036854775808",
                                            "-9223372036854775809",
                                            "18446744073709551616",
                                            "123456789012345678901"};
  Listpack lp;
  for (const std::string& s : ints) lp.PushBack(s);
  for (const std::string& s : strings) lp.PushBack(s);
  std::vector<std::string> all = ints;
  all.insert(all.end(), strings.begin(), strings.end());
  ExpectContents(lp, all);
  size_t pos = lp.Front();
  for (const std::string& s : ints) {
    const LpValue v = lp.Get(pos);
    EXPECT_TRUE(v.is_int()) << s;
    EXPECT_EQ(v.integer(), std::stoll(s));
    pos = lp.Next(pos);
  }
  for (const std::string& s : strings) {
    EXPECT_FALSE(lp.Get(pos).is_int()) << s;
    EXPECT_EQ(lp.Get(pos).view(), s);
    pos = lp.Next(pos);
  }
  EXPECT_EQ(pos, kEnd);
}

TEST(ListpackTest, IntegersTakeTheSmallestWidth) {
  // Entry sizes: tag and payload, plus a one-byte back length.
  EXPECT_EQ(Listpack::EncodedSize("0"), 2u);
  EXPECT_EQ(Listpack::EncodedSize("127"), 2u);
  EXPECT_EQ(Listpack::EncodedSize("128"), 3u);
  EXPECT_EQ(Listpack::EncodedSize("-1"), 3u);
  EXPECT_EQ(Listpack::EncodedSize("4095"), 3u);
  EXPECT_EQ(Listpack::EncodedSize("-4096"), 3u);
  EXPECT_EQ(Listpack::EncodedSize("4096"), 4u);
  EXPECT_EQ(Listpack::EncodedSize("-32768"), 4u);
  EXPECT_EQ(Listpack::EncodedSize("32768"), 5u);
  EXPECT_EQ(Listpack::EncodedSize("-8388608"), 5u);
  EXPECT_EQ(Listpack::EncodedSize("8388608"), 6u);
  EXPECT_EQ(Listpack::EncodedSize("-2147483648"), 6u);
  EXPECT_EQ(Listpack::EncodedSize("2147483648"), 10u);
  EXPECT_EQ(Listpack::EncodedSize("-9223372036854775808"), 10u);
  EXPECT_EQ(Listpack::EncodedSize("9223372036854775808"), 21u);  // a 19-byte string
  EXPECT_EQ(Listpack::EncodedSize("abc"), 5u);
  EXPECT_EQ(Listpack::EncodedSize(""), 2u);
}

TEST(ListpackTest, InsertIntMatchesTheTextForm) {
  Listpack lp;
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{5000}, INT64_MAX, INT64_MIN}) {
    lp.InsertInt(kEnd, v);
  }
  ExpectContents(lp, {"0", "-1", "5000", "9223372036854775807", "-9223372036854775808"});
  EXPECT_EQ(lp.InsertInt(lp.Front(), 3), lp.Front());
  EXPECT_EQ(lp.Get(lp.Front()).integer(), 3);
  EXPECT_TRUE(lp.Equals(lp.Front(), "3"));
}

TEST(ListpackTest, BigEntriesUseEveryLengthWidth) {
  // Around the string length prefixes (63, 4095, 65535) and the back length widths (entry
  // lengths 127, 16383, 2^21 - 1).
  const std::vector<size_t> lengths = {0,     1,     62,    63,    64,    65,      125,
                                       126,   127,   4094,  4095,  4096,  16379,   16380,
                                       16381, 65534, 65535, 65536, 70000, 2097148, 2097152};
  Listpack lp;
  std::vector<std::string> want;
  for (size_t i = 0; i < lengths.size(); ++i) {
    std::string s(lengths[i], static_cast<char>('a' + i % 26));
    if (!s.empty()) s.back() = 'Z';
    // Alternate ends so both PushFront and PushBack see every width.
    if (i % 2 == 0) {
      lp.PushBack(s);
      want.push_back(s);
    } else {
      lp.PushFront(s);
      want.insert(want.begin(), s);
    }
  }
  ExpectContents(lp, want);
  for (size_t i = 0; i < want.size(); ++i) {
    const size_t pos = lp.Seek(static_cast<int64_t>(i));
    EXPECT_EQ(lp.EntrySize(pos), Listpack::EncodedSize(want[i]));
    EXPECT_TRUE(lp.Equals(pos, want[i]));
    EXPECT_EQ(lp.Find(want[i], lp.Front()), pos);
  }
  // Replace every entry with a neighbour's length so each one changes width.
  for (size_t i = 0; i < want.size(); ++i) {
    want[i] = want[(i + 1) % want.size()];
    lp.Replace(lp.Seek(static_cast<int64_t>(i)), want[i]);
  }
  ExpectContents(lp, want);
}

TEST(ListpackTest, SeekFromBothEnds) {
  Listpack lp = Make({"a", "b", "c", "d", "e"});
  EXPECT_EQ(lp.Get(lp.Seek(0)).str(), "a");
  EXPECT_EQ(lp.Get(lp.Seek(4)).str(), "e");
  EXPECT_EQ(lp.Get(lp.Seek(3)).str(), "d");
  EXPECT_EQ(lp.Get(lp.Seek(-1)).str(), "e");
  EXPECT_EQ(lp.Get(lp.Seek(-5)).str(), "a");
  EXPECT_EQ(lp.Seek(5), kEnd);
  EXPECT_EQ(lp.Seek(-6), kEnd);
  EXPECT_EQ(lp.Seek(0), lp.Front());
  EXPECT_EQ(lp.Seek(-1), lp.Back());
}

TEST(ListpackTest, EqualsComparesIntegersByValue) {
  Listpack lp = Make({"12", "-0", "abc", "9223372036854775807"});
  const size_t twelve = lp.Front();
  EXPECT_TRUE(lp.Equals(twelve, "12"));
  EXPECT_FALSE(lp.Equals(twelve, "012"));
  EXPECT_FALSE(lp.Equals(twelve, "12 "));
  EXPECT_FALSE(lp.Equals(twelve, "13"));
  EXPECT_FALSE(lp.Equals(twelve, ""));
  const size_t minus_zero = lp.Next(twelve);
  EXPECT_TRUE(lp.Equals(minus_zero, "-0"));
  EXPECT_FALSE(lp.Equals(minus_zero, "0"));
  const size_t abc = lp.Next(minus_zero);
  EXPECT_TRUE(lp.Equals(abc, "abc"));
  EXPECT_FALSE(lp.Equals(abc, "ab"));
  EXPECT_FALSE(lp.Equals(abc, "abcd"));
  EXPECT_TRUE(lp.Equals(lp.Back(), "9223372036854775807"));
  EXPECT_FALSE(lp.Equals(lp.Back(), "9223372036854775808"));
}

TEST(ListpackTest, FindWithStride) {
  // Field/value pairs: "b" is a value and then a field; stride 2 from the front sees fields only.
  Listpack lp = Make({"a", "b", "b", "1", "c", "5", "5", "x"});
  const size_t front = lp.Front();
  EXPECT_EQ(lp.Find("b", front), lp.Seek(1));
  EXPECT_EQ(lp.Find("b", front, 2), lp.Seek(2));
  EXPECT_EQ(lp.Find("5", front, 2), lp.Seek(6));
  EXPECT_EQ(lp.Find("5", front, 1), lp.Seek(5));
  EXPECT_EQ(lp.Find("1", front, 2), kEnd);
  EXPECT_EQ(lp.Find("x", front, 2), kEnd);
  EXPECT_EQ(lp.Find("x", lp.Next(front), 2), lp.Seek(7));
  EXPECT_EQ(lp.Find("05", front), kEnd);
  EXPECT_EQ(lp.Find("a", lp.Next(front)), kEnd);
  EXPECT_EQ(lp.Find("a", kEnd), kEnd);
}

TEST(ListpackTest, InsertBeforePositions) {
  Listpack lp;
  const size_t m = lp.Insert(kEnd, "m");
  EXPECT_EQ(m, lp.Front());
  const size_t front = lp.Insert(lp.Front(), "a");
  EXPECT_EQ(front, lp.Front());
  const size_t z = lp.Insert(kEnd, "z");
  EXPECT_EQ(z, lp.Back());
  const size_t mid = lp.Insert(lp.Seek(2), "100");
  EXPECT_EQ(mid, lp.Seek(2));
  EXPECT_EQ(lp.Get(mid).integer(), 100);
  ExpectContents(lp, {"a", "m", "100", "z"});
}

TEST(ListpackTest, ReplaceKeepsNeighbours) {
  Listpack lp = Make({"first", "x", "last"});
  size_t pos = lp.Seek(1);
  pos = lp.Replace(pos, std::string(300, 'y'));  // grows
  ExpectContents(lp, {"first", std::string(300, 'y'), "last"});
  pos = lp.Replace(pos, "7");  // shrinks, becomes an integer
  EXPECT_TRUE(lp.Get(pos).is_int());
  ExpectContents(lp, {"first", "7", "last"});
  pos = lp.Replace(pos, "8");  // same size
  ExpectContents(lp, {"first", "8", "last"});
  lp.Replace(lp.Back(), "-123456789012");
  lp.Replace(lp.Front(), "");
  ExpectContents(lp, {"", "8", "-123456789012"});
}

TEST(ListpackTest, EraseReturnsTheFollowingEntry) {
  Listpack lp = Make({"a", "b", "c"});
  size_t pos = lp.Erase(lp.Seek(1));
  EXPECT_EQ(lp.Get(pos).str(), "c");
  EXPECT_EQ(lp.Erase(pos), kEnd);
  ExpectContents(lp, {"a"});
  EXPECT_EQ(lp.Erase(lp.Front()), kEnd);
  ExpectContents(lp, {});
  EXPECT_EQ(lp.capacity(), 0u);
}

TEST(ListpackTest, EraseRange) {
  const std::vector<std::string> all = {"0", "1", "2", "3", "4", "5"};
  for (size_t first = 0; first <= all.size(); ++first) {
    for (size_t count = 0; count <= all.size() + 1; ++count) {
      Listpack lp = Make(all);
      lp.EraseRange(first, count);
      std::vector<std::string> want = all;
      const size_t last = std::min(all.size(), first + count);
      want.erase(want.begin() + first, want.begin() + last);
      ExpectContents(lp, want);
    }
  }
  Listpack lp = Make(all);
  lp.EraseRange(10, 1);
  ExpectContents(lp, all);
}

TEST(ListpackTest, ClearCopyAndMove) {
  Listpack lp = Make({"a", "2", std::string(100, 'c')});
  Listpack copy = lp;
  ExpectContents(copy, {"a", "2", std::string(100, 'c')});
  copy.PushBack("d");
  ExpectContents(lp, {"a", "2", std::string(100, 'c')});
  Listpack moved = std::move(copy);
  ExpectContents(moved, {"a", "2", std::string(100, 'c'), "d"});
  lp = moved;
  ExpectContents(lp, {"a", "2", std::string(100, 'c'), "d"});
  lp = Listpack();
  ExpectContents(lp, {});
  moved.Clear();
  ExpectContents(moved, {});
  moved.PushBack("again");
  ExpectContents(moved, {"again"});
}

TEST(ListpackTest, AppendAndSplit) {
  Listpack a = Make({"a", "1", "b"});
  Listpack b = Make({"c", "200000"});
  a.Append(std::move(b));
  EXPECT_TRUE(b.empty());
  ExpectContents(a, {"a", "1", "b", "c", "200000"});
  Listpack tail = a.SplitAt(a.Seek(2));
  ExpectContents(a, {"a", "1"});
  ExpectContents(tail, {"b", "c", "200000"});
  Listpack none = a.SplitAt(kEnd);
  ExpectContents(none, {});
  Listpack whole = a.SplitAt(a.Front());
  ExpectContents(a, {});
  ExpectContents(whole, {"a", "1"});
  a.Append(std::move(whole));
  ExpectContents(a, {"a", "1"});
  a.Append(Listpack());
  ExpectContents(a, {"a", "1"});
}

TEST(ListpackTest, MemoryGrowsByNeedAndIsGivenBack) {
  Listpack lp;
  for (int i = 0; i < 1000; ++i) lp.PushBack(Key("value:", i));
  EXPECT_LE(lp.capacity(), lp.bytes() + lp.bytes() / 8 + 32);
  lp.ShrinkToFit();
  EXPECT_LT(lp.capacity(), lp.bytes() + 32);
  lp.EraseRange(10, 990);
  EXPECT_LT(lp.capacity(), lp.bytes() + 64);
  EXPECT_EQ(lp.size(), 10u);
  Listpack one = Make({"x"});
  EXPECT_EQ(one.bytes(), 8u + 3u);
  EXPECT_LT(one.capacity(), 32u);
}

// Values that hit every encoding, including the integer edge cases.
std::string RandomValue(std::mt19937_64& rng) {
  static const std::vector<std::string> kSpecial = {"",
                                                    "-0",
                                                    "007",
                                                    " 1",
                                                    "+1",
                                                    "0",
                                                    "-1",
                                                    "9223372036854775807",
                                                    "-9223372036854775808",
                                                    "9223372036854775808",
                                                    "-9223372036854775809",
                                                    "127",
                                                    "128",
                                                    "-4096",
                                                    "-4097"};
  switch (rng() % 6) {
    case 0:
      return kSpecial[rng() % kSpecial.size()];
    case 1:
      return std::to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
    case 2:
      return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
    case 3:
      return std::string(rng() % 5000, static_cast<char>('a' + rng() % 26));
    default:
      return Key("v", static_cast<int64_t>(rng() % 50));
  }
}

TEST(ListpackTest, RandomOperationsMatchADeque) {
  std::mt19937_64 rng(12345);
  Listpack lp;
  std::deque<std::string> model;
  for (int step = 0; step < 5000; ++step) {
    const size_t n = model.size();
    const int op = static_cast<int>(rng() % 9);
    if (op <= 2 || n == 0) {
      const std::string v = RandomValue(rng);
      const size_t index = rng() % (n + 1);
      const size_t pos = lp.Insert(index == n ? kEnd : lp.Seek(static_cast<int64_t>(index)), v);
      ASSERT_EQ(pos, lp.Seek(static_cast<int64_t>(index)));
      model.insert(model.begin() + index, v);
    } else if (op == 3) {
      const size_t index = rng() % n;
      const std::string v = RandomValue(rng);
      const size_t pos = lp.Replace(lp.Seek(static_cast<int64_t>(index)), v);
      ASSERT_TRUE(lp.Equals(pos, v));
      model[index] = v;
    } else if (op == 4) {
      const size_t index = rng() % n;
      const size_t next = lp.Erase(lp.Seek(-static_cast<int64_t>(n - index)));
      model.erase(model.begin() + index);
      ASSERT_EQ(next, index == model.size() ? kEnd : lp.Seek(static_cast<int64_t>(index)));
    } else if (op == 5) {
      const size_t first = rng() % n;
      const size_t count = rng() % 4;
      lp.EraseRange(first, count);
      model.erase(model.begin() + first, model.begin() + std::min(n, first + count));
    } else if (op == 6) {
      const std::string v = RandomValue(rng);
      size_t want = kEnd;
      for (size_t i = 0; i < n; ++i) {
        if (model[i] == v) {
          want = lp.Seek(static_cast<int64_t>(i));
          break;
        }
      }
      ASSERT_EQ(lp.Find(v, lp.Front()), want) << v;
    } else if (op == 7) {
      const size_t index = rng() % n;
      const LpValue got = lp.Get(lp.Seek(static_cast<int64_t>(index)));
      ASSERT_EQ(got.view(), model[index]);
    } else if (rng() % 2) {
      lp.PushFront(model.emplace_front(RandomValue(rng)));
    } else {
      lp.PushBack(model.emplace_back(RandomValue(rng)));
    }
    if (step % 1000 == 999) {
      // Keep the list short enough that every step stays cheap.
      lp.EraseRange(0, lp.size() / 2);
      model.erase(model.begin(), model.begin() + model.size() / 2);
    }
    ASSERT_NO_FATAL_FAILURE(ExpectContents(lp, {model.begin(), model.end()})) << "step " << step;
    if (::testing::Test::HasFailure()) FAIL() << "step " << step;
  }
}

}  // namespace
}  // namespace understudy::store
