// List commands in process, where the conformance cases cannot go: exact deadlines of blocking
// commands on a manual clock, clients that go away while blocked, and node sizes.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "server/engine/engine.h"
#include "store/list_value.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

class ListsTest : public EngineTest {
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

  Client& other_ = engine_.Register(nullptr);
};

TEST_F(ListsTest, FractionalTimeoutRoundsUpToWholeMilliseconds) {
  EXPECT_EQ(Send(client_, {"BLPOP", "q", "0.0015"}), "");
  EXPECT_EQ(engine_.blocked_clients(), 1u);
  AdvanceMs(1);
  EXPECT_TRUE(client_.is_blocked());
  AdvanceMs(1);
  EXPECT_FALSE(client_.is_blocked());
  EXPECT_EQ(client_.output, "*-1\r\n");
  EXPECT_EQ(engine_.blocked_clients(), 0u);
}

TEST_F(ListsTest, ZeroTimeoutWaitsForEver) {
  EXPECT_EQ(Send(client_, {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}), "");
  AdvanceMs(365LL * 24 * 3600 * 1000);
  EXPECT_TRUE(client_.is_blocked());
  EXPECT_EQ(Send(other_, {"RPUSH", "src", "x"}), ":1\r\n");
  EXPECT_FALSE(client_.is_blocked());
  EXPECT_EQ(client_.output, "$1\r\nx\r\n");
}

TEST_F(ListsTest, BlmoveTimesOutWithANullArray) {
  Send(client_, {"BRPOPLPUSH", "src", "dst", "2"});
  AdvanceMs(2000);
  EXPECT_EQ(client_.output, "*-1\r\n");
}

TEST_F(ListsTest, ServedClientStopsItsTimer) {
  Send(client_, {"BLPOP", "q", "1"});
  Send(other_, {"RPUSH", "q", "a", "b"});
  EXPECT_EQ(client_.output, "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
  client_.output.clear();
  AdvanceMs(5000);
  EXPECT_EQ(client_.output, "");
  EXPECT_EQ(Run({"LLEN", "q"}), ":1");
}

TEST_F(ListsTest, ClientThatGoesAwayStopsWaiting) {
  Client& gone = engine_.Register(nullptr);
  std::vector<std::string_view> blpop = {"BLPOP", "q", "10"};
  engine_.Execute(gone, blpop);
  Send(client_, {"BLPOP", "q", "0"});
  EXPECT_EQ(engine_.blocked_clients(), 2u);
  engine_.Unregister(gone);
  EXPECT_EQ(engine_.blocked_clients(), 1u);
  EXPECT_EQ(Send(other_, {"RPUSH", "q", "x", "y"}), ":2\r\n");
  EXPECT_EQ(client_.output, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
  AdvanceMs(20000);  // the gone client's deadline passes harmlessly
  EXPECT_EQ(Run({"LRANGE", "q", "0", "-1"}), "[\"y\"]");
}

TEST_F(ListsTest, NewListsFollowListMaxListpackSize) {
  engine_.keyspace().encoding().list_max_listpack_size = 2;
  EXPECT_EQ(Run({"RPUSH", "k", "a", "b", "c", "d", "e"}), ":5");
  Run({"RPUSH", "src", "x"});
  Run({"LMOVE", "src", "moved", "LEFT", "RIGHT"});
  store::Database& db = engine_.keyspace().db(0);
  EXPECT_EQ(db.Find("k")->as<store::ListValue>().node_count(), 3u);
  EXPECT_EQ(db.Find("moved")->as<store::ListValue>().fill(), 2);
}

}  // namespace
}  // namespace understudy::engine
