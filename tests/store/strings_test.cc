#include "store/strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "resp/base/mapped.h"
#include "store/clock.h"
#include "store/database.h"

namespace understudy::store {
namespace {

using ::testing::Optional;

// Each string command leaves the encoding Redis 7.0 leaves (checked against redis-server by
// tests/conformance/cases/object.txt).
class StringsTest : public ::testing::Test {
 protected:
  std::string Encoding(std::string_view key) {
    const Value* value = db_.Find(key);
    return value == nullptr ? "<missing>" : std::string(value->encoding());
  }
  std::string Get(std::string_view key) {
    auto result = GetString(db_, key);
    return result.ok() ? std::string(result.value().view()) : "<missing>";
  }
  void PlainSet(std::string_view key, std::string_view value) {
    ASSERT_TRUE(Set(db_, key, value, {}).ok());
  }

  ManualClock clock_;
  Database db_{clock_};
};

TEST_F(StringsTest, SetChoosesIntEmbstrOrRaw) {
  PlainSet("k", "123");
  EXPECT_EQ(Encoding("k"), "int");
  PlainSet("k", "0123");
  EXPECT_EQ(Encoding("k"), "embstr");
  PlainSet("k", std::string(44, 'x'));
  EXPECT_EQ(Encoding("k"), "embstr");
  PlainSet("k", std::string(45, 'x'));
  EXPECT_EQ(Encoding("k"), "raw");
  SetParams params;
  params.get_old = true;
  auto old = Set(db_, "k", "7", params);
  ASSERT_TRUE(old.ok());
  EXPECT_THAT(old.value().old, Optional(std::string(45, 'x')));
  EXPECT_EQ(Encoding("k"), "int");
  EXPECT_EQ(Get("k"), "7");
}

TEST_F(StringsTest, AppendMakesRaw) {
  ASSERT_EQ(Append(db_, "k", "12").value(), 2);
  EXPECT_EQ(Encoding("k"), "int");  // created as SET would
  ASSERT_EQ(Append(db_, "k", "3").value(), 3);
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_EQ(Get("k"), "123");
  PlainSet("e", "abc");
  ASSERT_EQ(Append(db_, "e", "").value(), 3);
  EXPECT_EQ(Encoding("e"), "raw");
  ASSERT_EQ(Append(db_, "long", std::string(50, 'x')).value(), 50);
  EXPECT_EQ(Encoding("long"), "raw");

  // Appending to a raw string grows it in place.
  std::string expected = "123";
  for (int i = 0; i < 10'000; ++i) {
    const std::string piece = std::to_string(i);
    expected += piece;
    ASSERT_EQ(Append(db_, "k", piece).value(), static_cast<int64_t>(expected.size()));
  }
  EXPECT_EQ(Get("k"), expected);
  EXPECT_EQ(Append(db_, "k", "x", /*max_length=*/10).status(), OpStatus::kTooLarge);
}

TEST_F(StringsTest, SetRangeMakesRawUnlessItWritesNothing) {
  PlainSet("k", "5");
  ASSERT_EQ(SetRange(db_, "k", 0, "").value(), 1);
  EXPECT_EQ(Encoding("k"), "int");
  ASSERT_EQ(SetRange(db_, "k", 0, "6").value(), 1);
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_EQ(Get("k"), "6");
  ASSERT_EQ(SetRange(db_, "k", 3, "xy").value(), 5);
  EXPECT_EQ(Get("k"), std::string("6\0\0xy", 5));

  ASSERT_EQ(SetRange(db_, "missing", 0, "").value(), 0);
  EXPECT_EQ(Encoding("missing"), "<missing>");
  ASSERT_EQ(SetRange(db_, "new", 2, "x").value(), 3);
  EXPECT_EQ(Encoding("new"), "raw");
  EXPECT_EQ(Get("new"), std::string("\0\0x", 3));
}

TEST_F(StringsTest, CountersAreInts) {
  PlainSet("k", "5");
  ASSERT_EQ(IncrByFloat(db_, "k", "1").value(), "6");
  EXPECT_EQ(Encoding("k"), "embstr");
  ASSERT_EQ(IncrBy(db_, "k", 1).value(), 7);
  EXPECT_EQ(Encoding("k"), "int");
  ASSERT_EQ(IncrBy(db_, "k", 1).value(), 8);
  EXPECT_EQ(Get("k"), "8");
  ASSERT_EQ(Append(db_, "k", "0").value(), 2);
  ASSERT_EQ(IncrBy(db_, "k", -1).value(), 79);
  EXPECT_EQ(Encoding("k"), "int");
  ASSERT_EQ(IncrBy(db_, "fresh", 3).value(), 3);
  EXPECT_EQ(Encoding("fresh"), "int");
  ASSERT_TRUE(IncrByFloat(db_, "big", "1e300").ok());
  EXPECT_EQ(Encoding("big"), "raw");
  PlainSet("word", "abc");
  EXPECT_EQ(IncrBy(db_, "word", 1).status(), OpStatus::kNotAnInteger);
  PlainSet("max", "9223372036854775807");
  EXPECT_EQ(IncrBy(db_, "max", 1).status(), OpStatus::kOverflow);
}

// Rewrites that change the encoding keep the key's TTL.
TEST_F(StringsTest, EncodingChangesKeepTheTtl) {
  const int64_t deadline = clock_.NowMs() + 1000;
  SetParams params;
  params.deadline = deadline;
  ASSERT_TRUE(Set(db_, "k", "abc", params).ok());
  ASSERT_TRUE(Append(db_, "k", "d").ok());
  EXPECT_THAT(db_.GetExpiry("k"), Optional(deadline));
  ASSERT_TRUE(Set(db_, "n", "1.5", params).ok());
  ASSERT_TRUE(IncrByFloat(db_, "n", "0.5").ok());
  ASSERT_TRUE(IncrBy(db_, "n", 1).ok());
  EXPECT_EQ(Encoding("n"), "int");
  ASSERT_TRUE(SetRange(db_, "n", 0, "4").ok());
  EXPECT_EQ(Get("n"), "4");
  EXPECT_THAT(db_.GetExpiry("n"), Optional(deadline));
  params.deadline = kNoExpiry;
  params.keep_ttl = true;
  ASSERT_TRUE(Set(db_, "n", std::string(100, 'z'), params).ok());
  EXPECT_THAT(db_.GetExpiry("n"), Optional(deadline));
  EXPECT_EQ(db_.expires_size(), 2u);
}

// Bit i of s, most significant bit of byte 0 first: the reference the fast scans must agree with.
int NaiveBit(std::string_view s, uint64_t i) { return (s[i / 8] >> (7 - i % 8)) & 1; }

TEST(BitScanTest, CountBitsAndFindBitAgreeWithABitByBitScan) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string s(1 + rng() % 40, '\0');
    const int fill = round % 3;  // random bytes, mostly zeros, mostly ones
    for (char& c : s) {
      const unsigned r = rng();
      c = static_cast<char>(fill == 0   ? r
                            : fill == 1 ? (r % 9 == 0 ? 1u << (r % 8) : 0u)
                                        : (r % 9 == 0 ? ~(1u << (r % 8)) : 0xffu));
    }
    const uint64_t bits = s.size() * 8;
    const uint64_t first = rng() % bits;
    const uint64_t last = first + rng() % (bits - first);
    uint64_t count = 0;
    int64_t first_one = -1, first_zero = -1;
    for (uint64_t i = first; i <= last; ++i) {
      count += NaiveBit(s, i);
      if (first_one < 0 && NaiveBit(s, i) == 1) first_one = static_cast<int64_t>(i);
      if (first_zero < 0 && NaiveBit(s, i) == 0) first_zero = static_cast<int64_t>(i);
    }
    SCOPED_TRACE(testing::Message() << "size " << s.size() << " bits " << first << ".." << last);
    EXPECT_EQ(CountBits(s, first, last), count);
    EXPECT_EQ(FindBit(s, true, first, last), first_one);
    EXPECT_EQ(FindBit(s, false, first, last), first_zero);
  }
}

TEST_F(StringsTest, SetBitGrowsARawStringAndReturnsTheOldBit) {
  EXPECT_EQ(GetBit(db_, "k", 100).value(), 0);
  EXPECT_EQ(SetBit(db_, "k", 7, true).value(), 0);
  EXPECT_EQ(Get("k"), std::string("\x01", 1));
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_EQ(SetBit(db_, "k", 7, true).value(), 1);
  EXPECT_EQ(SetBit(db_, "k", 23, false).value(), 0);
  EXPECT_EQ(Get("k"), std::string("\x01\0\0", 3));
  EXPECT_EQ(GetBit(db_, "k", 7).value(), 1);

  // An int's digits are its bits; writing makes it raw.
  PlainSet("n", "1");  // '1' is 0x31
  EXPECT_EQ(GetBit(db_, "n", 2).value(), 1);
  EXPECT_EQ(GetBit(db_, "n", 1).value(), 0);
  EXPECT_EQ(Encoding("n"), "int");
  EXPECT_EQ(SetBit(db_, "n", 6, true).value(), 0);
  EXPECT_EQ(Get("n"), "3");
  EXPECT_EQ(Encoding("n"), "raw");

  ASSERT_TRUE(db_.FindOrInsert("list", ValueType::kList).second);
  EXPECT_EQ(SetBit(db_, "list", 0, true).status(), OpStatus::kWrongType);
  EXPECT_EQ(GetBit(db_, "list", 0).status(), OpStatus::kWrongType);
}

TEST_F(StringsTest, SetBitWritesALargeStringInPlace) {
  ASSERT_EQ(SetBit(db_, "k", 8 * 1'000'000 - 1, true).value(), 0);
  const StringBytes before = db_.Find("k")->str();
  for (uint64_t offset = 0; offset < 8 * 1'000'000; offset += 8 * 997) {
    ASSERT_EQ(SetBit(db_, "k", offset, true).value(), 0);
  }
  EXPECT_EQ(db_.Find("k")->str().view().data(), before.view().data());
  EXPECT_EQ(GetBit(db_, "k", 8 * 997).value(), 1);
}

TEST_F(StringsTest, BitOpPadsShorterSourcesWithZeros) {
  PlainSet("a", std::string("\xff\x0f\xf0\xff\xff\xff\xff\xff\xff\x01", 10));
  PlainSet("b", std::string("\x81\x01", 2));
  const std::string_view ab[] = {"a", "b", "missing"};
  ASSERT_EQ(BitOp(db_, BitOperation::kOr, "d", std::span(ab, 2)).value(), 10);
  EXPECT_EQ(Get("d"), std::string("\xff\x0f\xf0\xff\xff\xff\xff\xff\xff\x01", 10));
  EXPECT_EQ(Encoding("d"), "raw");
  ASSERT_EQ(BitOp(db_, BitOperation::kXor, "d", std::span(ab, 2)).value(), 10);
  EXPECT_EQ(Get("d"), std::string("\x7e\x0e\xf0\xff\xff\xff\xff\xff\xff\x01", 10));
  ASSERT_EQ(BitOp(db_, BitOperation::kAnd, "d", std::span(ab, 2)).value(), 10);
  EXPECT_EQ(Get("d"), std::string("\x81\x01\0\0\0\0\0\0\0\0", 10));
  ASSERT_EQ(BitOp(db_, BitOperation::kAnd, "d", std::span(ab, 3)).value(), 10);
  EXPECT_EQ(Get("d"), std::string(10, '\0'));
  ASSERT_EQ(BitOp(db_, BitOperation::kNot, "d", std::span(ab, 1)).value(), 10);
  EXPECT_EQ(Get("d"), std::string("\x00\xf0\x0f\0\0\0\0\0\0\xfe", 10));
  // The destination may be a source.
  const std::string_view self[] = {"d"};
  ASSERT_EQ(BitOp(db_, BitOperation::kNot, "d", self).value(), 10);
  EXPECT_EQ(Get("d"), Get("a"));
  // An empty result deletes the destination.
  ASSERT_EQ(BitOp(db_, BitOperation::kOr, "d", std::span(ab + 2, 1)).value(), 0);
  EXPECT_EQ(Encoding("d"), "<missing>");
}

// Results longer than BITOP's chunk, with sources ending mid-chunk and the destination a source.
TEST_F(StringsTest, BitOpOfLongStringsMatchesAByteByByteResult) {
  std::mt19937 rng(11);
  auto random_bytes = [&](size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng());
    return out;
  };
  const std::string a = random_bytes(40'000), b = random_bytes(20'001), d = random_bytes(33'333);
  PlainSet("a", a);
  PlainSet("b", b);
  PlainSet("d", d);
  std::string expected(40'000, '\0');
  for (size_t i = 0; i < expected.size(); ++i) {
    const char from_b = i < b.size() ? b[i] : 0;
    const char from_d = i < d.size() ? d[i] : 0;
    expected[i] = static_cast<char>(a[i] ^ from_b ^ from_d);
  }
  const std::string_view sources[] = {"b", "d", "a"};
  ASSERT_EQ(BitOp(db_, BitOperation::kXor, "d", sources).value(), 40'000);
  EXPECT_EQ(Get("d"), expected);
  for (size_t i = 0; i < expected.size(); ++i) {
    expected[i] = static_cast<char>(i < b.size() ? a[i] & b[i] : 0);
  }
  const std::string_view a_and_b[] = {"a", "b"};
  ASSERT_EQ(BitOp(db_, BitOperation::kAnd, "d", a_and_b).value(), 40'000);
  EXPECT_EQ(Get("d"), expected);
}

TEST_F(StringsTest, BitFieldReadsAndWritesFieldsAcrossBytes) {
  using Kind = BitFieldOp::Kind;
  auto op = [](Kind kind, bool is_signed, uint8_t bits, uint64_t offset, int64_t value = 0,
               BitFieldOverflow overflow = BitFieldOverflow::kWrap) {
    return BitFieldOp{kind, is_signed, bits, overflow, offset, value};
  };
  auto run = [&](std::initializer_list<BitFieldOp> ops) {
    auto result = BitField(db_, "k", std::vector<BitFieldOp>(ops));
    EXPECT_TRUE(result.ok());
    return result.value();
  };
  using R = std::vector<std::optional<int64_t>>;
  // Reads of a missing key are zeros and create nothing.
  EXPECT_EQ(run({op(Kind::kGet, true, 64, 1000)}), R{0});
  EXPECT_EQ(Encoding("k"), "<missing>");
  // A 64-bit field 3 bits into the string touches 9 bytes.
  EXPECT_EQ(run({op(Kind::kSet, true, 64, 3, -2), op(Kind::kGet, false, 63, 3),
                 op(Kind::kGet, true, 64, 3)}),
            (R{0, INT64_MAX, -2}));
  EXPECT_EQ(Get("k"), std::string("\x1f\xff\xff\xff\xff\xff\xff\xff\xc0", 9));
  EXPECT_EQ(Encoding("k"), "raw");
  // Overflow rules, on an unsigned 8-bit field.
  EXPECT_EQ(run({op(Kind::kSet, false, 8, 80, 250), op(Kind::kIncrBy, false, 8, 80, 10),
                 op(Kind::kIncrBy, false, 8, 80, 300, BitFieldOverflow::kSat),
                 op(Kind::kIncrBy, false, 8, 80, -1000, BitFieldOverflow::kSat),
                 op(Kind::kIncrBy, false, 8, 80, -1, BitFieldOverflow::kFail),
                 op(Kind::kSet, false, 8, 80, -1, BitFieldOverflow::kSat)}),
            (R{0, 4, 255, 0, std::nullopt, 0}));
  EXPECT_EQ(run({op(Kind::kGet, false, 8, 80)}), R{255});
  // Signed: wrap keeps the low bits, sat clamps; a SET within max of INT64_MIN saturates to the
  // maximum, as in Redis.
  EXPECT_EQ(
      run({op(Kind::kSet, true, 4, 96, 9), op(Kind::kGet, true, 4, 96),
           op(Kind::kSet, true, 4, 96, -9, BitFieldOverflow::kSat), op(Kind::kGet, true, 4, 96),
           op(Kind::kSet, true, 4, 96, INT64_MIN, BitFieldOverflow::kSat),
           op(Kind::kIncrBy, true, 4, 96, 1, BitFieldOverflow::kFail)}),
      (R{0, -7, -7, -8, -8, std::nullopt}));
  EXPECT_EQ(run({op(Kind::kGet, true, 4, 96)}), R{7});
  // Every write, even a refused one, first grows the string to the last bit written.
  EXPECT_EQ(run({op(Kind::kIncrBy, false, 2, 198, 9, BitFieldOverflow::kFail)}), R{std::nullopt});
  EXPECT_EQ(Get("k").size(), 25u);
  ASSERT_TRUE(db_.FindOrInsert("list", ValueType::kList).second);
  EXPECT_EQ(BitField(db_, "list", {}).status(), OpStatus::kWrongType);
}

// A large bulk as the server reads it: in a mapped block, with room for the string's records
// before it.
class MappedBulkTest : public StringsTest {
 protected:
  static constexpr size_t kBlock = 2 << 20;
  static constexpr size_t kBulkAt = 64;

  MappedBulkTest() : block_(base::MapBlock(kBlock)) {
    std::memset(block_, 'b', kBlock);
    std::memcpy(block_ + kBulkAt, "head", 4);
  }
  MappedBulk Bulk() const { return {block_, kBlock, {block_ + kBulkAt, kBlock - kBulkAt - 8}}; }

  char* block_;
};

TEST_F(MappedBulkTest, TheScopesBulkIsAdoptedNotCopied) {
  {
    BulkAdoptionScope scope(Bulk());
    PlainSet("k", Bulk().bytes);
    EXPECT_TRUE(scope.adopted());
  }
  const StringBytes stored = db_.Find("k")->str();
  EXPECT_EQ(stored.view().data(), Bulk().bytes.data());
  EXPECT_EQ(stored.size(), Bulk().bytes.size());
  EXPECT_EQ(Encoding("k"), "raw");
  EXPECT_TRUE(db_.Erase("k"));  // unmaps the block
}

TEST_F(MappedBulkTest, OnlyTheExactBulkIsAdopted) {
  BulkAdoptionScope scope(Bulk());
  PlainSet("a", Bulk().bytes.substr(0, 100));
  PlainSet("b", Bulk().bytes.substr(1));
  EXPECT_FALSE(scope.adopted());
  EXPECT_EQ(Get("a"), std::string(Bulk().bytes.substr(0, 100)));
  base::UnmapBlock(block_, kBlock);
}

TEST_F(MappedBulkTest, AValueFreedWithinItsCommandGoesBackToTheScope) {
  BulkAdoptionScope scope(Bulk());
  PlainSet("k", Bulk().bytes);
  ASSERT_TRUE(scope.adopted());
  PlainSet("k", "small");  // MSET k <bulk> k small
  EXPECT_FALSE(scope.adopted());
  EXPECT_EQ(std::string_view(block_ + kBulkAt, 4), "head");  // still the scope owner's, mapped
  base::UnmapBlock(block_, kBlock);
}

TEST_F(MappedBulkTest, GrowingMovesTheValueToTheHeap) {
  {
    BulkAdoptionScope scope(Bulk());
    PlainSet("k", Bulk().bytes);
  }
  const size_t size = Bulk().bytes.size();
  ASSERT_TRUE(SetRange(db_, "k", 0, "HEAD", 1 << 30).ok());  // in place, in the block
  EXPECT_EQ(db_.Find("k")->str().view().data(), Bulk().bytes.data());
  ASSERT_TRUE(Append(db_, "k", "+").ok());
  const std::string stored(db_.Find("k")->str().view());
  EXPECT_EQ(stored.size(), size + 1);
  EXPECT_EQ(stored.substr(0, 5), "HEADb");
  EXPECT_EQ(stored.substr(size - 1), "b+");
}

}  // namespace
}  // namespace understudy::store
