// Sorted set commands in process, where the conformance cases cannot go yet or at all: plain
// sets as inputs of the algebra (built here in the store directly), exact deadlines of the
// blocking pops on a manual clock, and large sorted sets.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "server/engine/engine.h"
#include "store/set_value.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

class ZSetsTest : public EngineTest {
 protected:
  // Runs a command on `client` and returns the raw bytes it was sent (none if it blocked).
  std::string Send(Client& client, std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> argv(args);
    client.output.clear();
    engine_.Execute(client, argv);
    return client.output;
  }
  void AdvanceMs(int64_t ms) {
    clock_.AdvanceMs(ms);
    executor_.RunDue();
  }
  // A plain set under key, straight into the store.
  void AddSet(std::string_view key, std::initializer_list<std::string_view> members) {
    store::Database& db = engine_.keyspace().db(0);
    auto& set = db.FindOrInsert(key, store::ValueType::kSet).first->as<store::SetValue>();
    for (std::string_view member : members) set.Add(member, engine_.keyspace().encoding());
  }

  Client& other_ = engine_.Register(nullptr);
};

TEST_F(ZSetsTest, PlainSetsScoreOne) {
  Run({"ZADD", "z", "5", "a", "2", "b"});
  AddSet("s", {"a", "c", "10"});
  AddSet("ints", {"1", "2", "3"});
  EXPECT_EQ(Run({"ZUNION", "2", "z", "s", "WITHSCORES"}),
            R"(["10", "1", "c", "1", "b", "2", "a", "6"])");
  EXPECT_EQ(Run({"ZINTER", "2", "s", "z", "WEIGHTS", "3", "2", "WITHSCORES"}), R"(["a", "13"])");
  EXPECT_EQ(Run({"ZDIFF", "2", "s", "z", "WITHSCORES"}), R"(["10", "1", "c", "1"])");
  EXPECT_EQ(Run({"ZDIFF", "2", "z", "s"}), R"(["b"])");
  EXPECT_EQ(Run({"ZUNIONSTORE", "dst", "2", "s", "ints"}), ":6");
  EXPECT_EQ(Run({"ZRANGE", "dst", "0", "-1"}), R"(["1", "10", "2", "3", "a", "c"])");
  EXPECT_EQ(Run({"ZINTERCARD", "2", "ints", "dst"}), ":3");
  EXPECT_EQ(Run({"TYPE", "s"}), "+set");
}

TEST_F(ZSetsTest, BzpopminTimesOutAtItsDeadline) {
  EXPECT_EQ(Send(client_, {"BZPOPMIN", "z", "0.0015"}), "");
  AdvanceMs(1);
  EXPECT_TRUE(client_.is_blocked());
  AdvanceMs(1);
  EXPECT_FALSE(client_.is_blocked());
  EXPECT_EQ(client_.output, "*-1\r\n");
  EXPECT_EQ(engine_.blocked_clients(), 0u);
}

TEST_F(ZSetsTest, ServedBzmpopStopsItsTimer) {
  Send(client_, {"BZMPOP", "1", "1", "z", "MAX", "COUNT", "2"});
  EXPECT_EQ(Send(other_, {"ZADD", "z", "1", "a", "2", "b", "3", "c"}), ":3\r\n");
  EXPECT_EQ(client_.output,
            "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  client_.output.clear();
  AdvanceMs(5000);
  EXPECT_EQ(client_.output, "");
  EXPECT_EQ(Run({"ZRANGE", "z", "0", "-1"}), R"(["a"])");
}

TEST_F(ZSetsTest, LargeSortedSet) {
  constexpr int kMembers = 100000;
  std::vector<std::string> args = {"ZADD", "z"};
  for (int i = 0; i < kMembers; ++i) {
    args.push_back(std::to_string(i));
    args.push_back("m" + std::to_string(i));
  }
  std::vector<std::string_view> argv(args.begin(), args.end());
  engine_.Execute(client_, argv);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), R"("skiplist")");
  EXPECT_EQ(Run({"ZRANK", "z", "m77777"}), ":77777");
  EXPECT_EQ(Run({"ZRANGE", "z", "50000", "50001", "WITHSCORES"}),
            R"(["m50000", "50000", "m50001", "50001"])");
  EXPECT_EQ(Run({"ZRANGEBYSCORE", "z", "(99997", "+inf"}), R"(["m99998", "m99999"])");
  EXPECT_EQ(Run({"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "1"}), R"(["m99998"])");
  EXPECT_EQ(Run({"ZCOUNT", "z", "100", "(200"}), ":100");
  EXPECT_EQ(Run({"ZREMRANGEBYRANK", "z", "0", "49999"}), ":50000");
  EXPECT_EQ(Run({"ZRANK", "z", "m77777"}), ":27777");
  EXPECT_EQ(Run({"ZUNIONSTORE", "u", "2", "z", "z"}), ":50000");
  EXPECT_EQ(Run({"ZSCORE", "u", "m60000"}), R"("120000")");
  EXPECT_EQ(Run({"ZPOPMAX", "z"}), R"(["m99999", "99999"])");
  EXPECT_EQ(Run({"ZCARD", "z"}), ":49999");
}

}  // namespace
}  // namespace understudy::engine
