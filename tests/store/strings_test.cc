#include "store/strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

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
  const std::string_view stored = db_.Find("k")->str().view();
  EXPECT_EQ(stored.data(), Bulk().bytes.data());
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
