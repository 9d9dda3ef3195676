// Client-side caching inside the engine: what the tracking table holds, when BCAST messages go
// out, the table's limit and a client's departure. The wire shapes are in
// tests/conformance/cases/tracking.txt.
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resp/reply.h"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "store/clock.h"
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TrackingTest : public ::testing::Test {
 protected:
  // Runs a request and returns everything the client's output holds after it, rendered.
  std::vector<std::string> Execute(Client& client, std::vector<std::string_view> args) {
    engine_.Execute(client, args);
    return TakeReplies(client);
  }

  store::ManualClock clock_;
  ManualExecutor executor_{clock_};
  Engine engine_{clock_, Config{}, executor_};
  CountingTransport tracker_transport_;
  Client& tracker_ = engine_.Register(&tracker_transport_);
  Client& writer_ = engine_.Register(nullptr);
};

TEST_F(TrackingTest, TheTableCountsKeysAndReadersUntilAWrite) {
  Client& second = engine_.Register(nullptr);
  for (Client* client : {&tracker_, &second}) {
    Execute(*client, {"HELLO", "3"});
    Execute(*client, {"CLIENT", "TRACKING", "on"});
    Execute(*client, {"MGET", "a", "b"});
  }
  EXPECT_EQ(engine_.tracking_clients(), 2u);
  EXPECT_EQ(engine_.tracking().keys(), 2u);
  EXPECT_EQ(engine_.tracking().items(), 4u);
  EXPECT_THAT(Execute(writer_, {"SET", "a", "1"}), ElementsAre("+OK"));
  EXPECT_THAT(TakeReplies(tracker_), ElementsAre(">[\"invalidate\", [\"a\"]]"));
  EXPECT_EQ(tracker_transport_.output_ready, 1);
  EXPECT_EQ(engine_.tracking().keys(), 1u);
  EXPECT_EQ(engine_.tracking().items(), 2u);
  const std::string info = Execute(writer_, {"INFO", "stats"})[0];
  EXPECT_THAT(info, HasSubstr("tracking_total_keys:1\\r\\n"));
  EXPECT_THAT(info, HasSubstr("tracking_total_items:2\\r\\n"));
  EXPECT_THAT(info, HasSubstr("tracking_total_prefixes:0\\r\\n"));
  engine_.Unregister(second);
  EXPECT_EQ(engine_.tracking_clients(), 1u);
}

TEST_F(TrackingTest, ClientListShowsTrackingFlagsAndRedirect) {
  Execute(tracker_, {"CLIENT", "TRACKING", "on", "BCAST"});
  const std::string info = engine_.ClientInfo(tracker_);
  EXPECT_THAT(info, HasSubstr(" flags=tB "));
  EXPECT_THAT(info, HasSubstr(" redir=0 "));
  Execute(tracker_, {"CLIENT", "TRACKING", "off"});
  EXPECT_THAT(engine_.ClientInfo(tracker_), HasSubstr(" redir=-1 "));
}

TEST_F(TrackingTest, BroadcastsWaitForTheRequestsAtHandAndComeOncePerPrefix) {
  Execute(tracker_, {"HELLO", "3"});
  Execute(tracker_, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a"});
  Execute(writer_, {"MSET", "b2", "x", "a1", "x", "b1", "x", "c", "x"});
  Execute(writer_, {"DEL", "b2"});
  EXPECT_TRUE(tracker_.output.empty());
  EXPECT_EQ(executor_.RunDue(), 1u);
  EXPECT_THAT(TakeReplies(tracker_), ElementsAre(">[\"invalidate\", [\"a1\"]]",
                                          ">[\"invalidate\", [\"b1\", \"b2\"]]"));
  EXPECT_EQ(executor_.RunDue(), 0u);
}

TEST_F(TrackingTest, ExpiryInvalidates) {
  Execute(writer_, {"SET", "k", "v", "PX", "100"});
  Execute(tracker_, {"HELLO", "3"});
  Execute(tracker_, {"CLIENT", "TRACKING", "on"});
  Execute(tracker_, {"GET", "k"});
  engine_.AdvanceClock(1000);
  EXPECT_THAT(TakeReplies(tracker_), ElementsAre(">[\"invalidate\", [\"k\"]]"));
}

TEST_F(TrackingTest, ATableOverItsLimitForgetsKeysAndTellsTheirReaders) {
  Execute(writer_, {"CONFIG", "SET", "tracking-table-max-keys", "2"});
  Execute(tracker_, {"HELLO", "3"});
  Execute(tracker_, {"CLIENT", "TRACKING", "on"});
  Execute(tracker_, {"MGET", "a", "b", "c", "d", "e"});
  EXPECT_EQ(engine_.tracking().keys(), 5u);
  clock_.AdvanceMs(1000);
  executor_.RunDue();
  EXPECT_EQ(engine_.tracking().keys(), 2u);
  EXPECT_EQ(TakeReplies(tracker_).size(), 3u);
}

TEST_F(TrackingTest, ADepartedBcastClientLeavesNoPrefixBehind) {
  Execute(tracker_, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p"});
  EXPECT_EQ(engine_.tracking().prefix_count(), 1u);
  engine_.Unregister(tracker_);
  EXPECT_EQ(engine_.tracking().prefix_count(), 0u);
  EXPECT_EQ(engine_.tracking_clients(), 0u);
}

}  // namespace
}  // namespace understudy::engine
