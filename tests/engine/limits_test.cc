// Client limits enforced by the engine itself, for socket and in-process clients alike: idle
// timeout, output buffer limits, CONFIG SET taking effect, and a failing command answering an
// error. Runs on the manual clock; the socket side is covered by tests/e2e/limits_test.cc.
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resp/reply.h"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "store/clock.h"

namespace understudy::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Records what the engine asks of a transport; holds `pending` bytes the socket has not taken.
struct FakeTransport final : ClientTransport {
  void OutputReady() override { ++output_ready; }
  void Resumed() override { ++resumed; }
  void RequestClose() override { ++close_requests; }
  BufferFigures buffers() const override { return {.output_in_flight = pending}; }

  int output_ready = 0;
  int resumed = 0;
  int close_requests = 0;
  size_t pending = 0;
};

class LimitsTest : public ::testing::Test {
 protected:
  // Runs one command for `client` and returns its reply (the client's output is cleared first).
  std::string Run(Client& client, std::vector<std::string_view> args) {
    client.output.clear();
    engine_.Execute(client, args);
    resp::ReplyParser parser;
    if (parser.Parse(client.output) != resp::ReplyParser::Status::kReply) return "(no reply)";
    return resp::ToString(parser.reply());
  }

  store::ManualClock clock_;
  ManualExecutor executor_{clock_};
  Engine engine_{clock_, Config{}, executor_};
  FakeTransport transport_;
  Client& client_ = engine_.Register(&transport_);
};

TEST_F(LimitsTest, IdleClientsAreClosedByTheCron) {
  FakeTransport other_transport;
  Client& other = engine_.Register(&other_transport);
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "timeout", "2"}), "+OK");
  clock_.AdvanceMs(1500);
  ASSERT_EQ(Run(other, {"PING"}), "+PONG");  // a request resets the idle time
  clock_.AdvanceMs(1000);
  executor_.RunDue();
  EXPECT_TRUE(client_.closing);
  EXPECT_EQ(transport_.close_requests, 1);
  EXPECT_FALSE(other.closing);
  clock_.AdvanceMs(1100);
  executor_.RunDue();
  EXPECT_TRUE(other.closing);
}

TEST_F(LimitsTest, InProcessClientsTimeOutToo) {
  Client& local = engine_.Register(nullptr);
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "timeout", "1"}), "+OK");
  clock_.AdvanceMs(1500);
  executor_.RunDue();
  EXPECT_TRUE(local.closing);
}

TEST_F(LimitsTest, WaitingClientsAreNotIdle) {
  FakeTransport paused_transport;
  Client& paused = engine_.Register(&paused_transport);
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "timeout", "1"}), "+OK");
  engine_.Pause(clock_.NowMs() + 10'000, /*writes_only=*/false);
  Run(paused, {"PING"});  // postponed: waits for the pause to end
  ASSERT_TRUE(paused.is_blocked());
  clock_.AdvanceMs(5000);
  executor_.RunDue();
  EXPECT_FALSE(paused.closing);
  EXPECT_TRUE(client_.closing);
}

TEST_F(LimitsTest, OutputOverTheHardLimitClosesAtOnceAndDropsIt) {
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}), "+OK");
  const std::string value(600 * 1024, 'v');
  ASSERT_EQ(Run(client_, {"SET", "big", value}), "+OK");
  ASSERT_EQ(Run(client_, {"GET", "big"}).size(), value.size() + 2);
  EXPECT_FALSE(client_.closing);
  transport_.pending = 600 * 1024;  // the socket has not taken the first reply
  engine_.Execute(client_, std::vector<std::string_view>{"GET", "big"});
  EXPECT_TRUE(client_.closing);
  EXPECT_EQ(transport_.close_requests, 1);
  EXPECT_TRUE(client_.output.empty());
}

TEST_F(LimitsTest, SmallRepliesDoNotCountAgainstTinyLimits) {
  // As Redis, whose limits leave out its 16 KB per-client reply buffer.
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "client-output-buffer-limit", "normal 1 1 0"}), "+OK");
  EXPECT_EQ(Run(client_, {"PING"}), "+PONG");
  EXPECT_FALSE(client_.closing);
}

TEST_F(LimitsTest, OutputOverTheSoftLimitClosesOnlyAfterItsSeconds) {
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "client-output-buffer-limit", "normal 0 1mb 2"}), "+OK");
  transport_.pending = 2 << 20;
  executor_.RunDue();  // over the limit from now
  clock_.AdvanceMs(1500);
  executor_.RunDue();
  EXPECT_FALSE(client_.closing);
  transport_.pending = 0;  // drained in time: the clock starts again
  executor_.RunDue();
  transport_.pending = 2 << 20;
  clock_.AdvanceMs(1500);
  executor_.RunDue();
  EXPECT_FALSE(client_.closing);
  clock_.AdvanceMs(2100);
  executor_.RunDue();
  EXPECT_TRUE(client_.closing);
}

TEST_F(LimitsTest, OutputAddedForAnotherClientIsChecked) {
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}), "+OK");
  const std::vector<std::string_view> args = {"BLPOP", "q", "0"};
  engine_.Block(client_, args, std::vector<std::string_view>{"q"}, store::ValueType::kList, 0,
                TimeoutReply::kNullArray);
  client_.output.assign(2 << 20, 'x');  // replies the client never read
  ASSERT_TRUE(engine_.Unblock(client_, "ERR woken"));
  EXPECT_TRUE(client_.closing);
  EXPECT_EQ(transport_.output_ready, 0);
  EXPECT_EQ(transport_.resumed, 0);
}

TEST_F(LimitsTest, ASlowSubscriberIsClosedByThePubSubLimit) {
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"}), "+OK");
  FakeTransport subscriber_transport;
  Client& subscriber = engine_.Register(&subscriber_transport);
  ASSERT_EQ(Run(subscriber, {"SUBSCRIBE", "c"}), "[\"subscribe\", \"c\", :1]");
  subscriber.output.clear();
  const std::string message(100 * 1024, 'm');
  // The socket takes nothing: each message adds to what is unsent, till the hard limit.
  int delivered = 0;
  while (!subscriber.closing && delivered < 20) {
    ASSERT_EQ(Run(client_, {"PUBLISH", "c", message}), ":1");
    ++delivered;
  }
  EXPECT_TRUE(subscriber.closing);
  EXPECT_EQ(delivered, 11);  // 16 KB are not counted, as in Redis
  EXPECT_EQ(subscriber_transport.close_requests, 1);
  EXPECT_EQ(subscriber_transport.output_ready, delivered - 1);
  EXPECT_TRUE(subscriber.output.empty());
  // The normal class's limit (none by default) does not save it, nor apply to the publisher.
  EXPECT_FALSE(client_.closing);
  // Until its transport unregisters it, a closing subscriber still counts, as in Redis.
  EXPECT_EQ(Run(client_, {"PUBLISH", "c", "late"}), ":1");
  engine_.Unregister(subscriber);
  EXPECT_EQ(Run(client_, {"PUBLISH", "c", "late"}), ":0");
}

TEST_F(LimitsTest, ASlowSubscriberIsClosedAfterThePubSubSoftLimitSeconds) {
  // The default pubsub class: 32mb hard, 8mb soft for 60 s.
  FakeTransport subscriber_transport;
  Client& subscriber = engine_.Register(&subscriber_transport);
  ASSERT_EQ(Run(subscriber, {"PSUBSCRIBE", "*"}), "[\"psubscribe\", \"*\", :1]");
  subscriber_transport.pending = 9 << 20;
  ASSERT_EQ(Run(client_, {"PUBLISH", "x", "m"}), ":1");
  clock_.AdvanceMs(59'000);
  executor_.RunDue();
  EXPECT_FALSE(subscriber.closing);
  clock_.AdvanceMs(2'000);
  executor_.RunDue();
  EXPECT_TRUE(subscriber.closing);
}

TEST_F(LimitsTest, ConfigSetHandsEncodingThresholdsToTheKeyspace) {
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "hash-max-ziplist-entries", "100",
                          "zset-max-listpack-value", "1kb", "list-max-ziplist-size", "-3"}),
            "+OK");
  const store::EncodingConfig& encoding = engine_.keyspace().encoding();
  EXPECT_EQ(encoding.hash_max_listpack_entries, 100u);
  EXPECT_EQ(encoding.zset_max_listpack_value, 1024u);
  EXPECT_EQ(encoding.list_max_listpack_size, -3);
  EXPECT_EQ(encoding.set_max_intset_entries, 512u);
}

TEST_F(LimitsTest, AFailingCommandAnswersAnErrorAndTheEngineGoesOn) {
  // With no limit on string sizes, SETRANGE far out asks for more memory than can exist: the
  // allocation throws inside the command.
  ASSERT_EQ(Run(client_, {"CONFIG", "SET", "proto-max-bulk-len", "8000000000000000000"}), "+OK");
  EXPECT_THAT(Run(client_, {"SETRANGE", "k", "7999999999999999990", "x"}),
              StartsWith("-ERR internal error in 'setrange': "));
  EXPECT_EQ(Run(client_, {"SET", "k", "v"}), "+OK");
  EXPECT_EQ(Run(client_, {"GET", "k"}), "\"v\"");
}

TEST(ConfigLimitsTest, ReadsLimitDirectives) {
  Config config;
  ASSERT_TRUE(ApplyConfigText("timeout 5\n"
                              "protected-mode no\n"
                              "client-query-buffer-limit 2mb\n"
                              "client-output-buffer-limit normal 1mb 512kb 10\n"
                              "client-output-buffer-limit pubsub 1 2 3\n"
                              "client-output-pause-threshold 256kb\n"
                              "hash-max-ziplist-entries 64\n"
                              "maxclients 100\n",
                              config)
                  .ok());
  EXPECT_EQ(config.timeout, 5);
  EXPECT_FALSE(config.protected_mode);
  EXPECT_EQ(config.client_query_buffer_limit, 2 << 20);
  EXPECT_EQ(config.Get("client-output-buffer-limit"),
            "normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 1 2 3");
  EXPECT_EQ(config.client_output_pause_threshold, 256 << 10);
  EXPECT_EQ(config.encoding.hash_max_listpack_entries, 64u);
  EXPECT_EQ(config.maxclients, 100);
  EXPECT_TRUE(config.ignored_directives.empty());
}

TEST(ConfigLimitsTest, DirectivesWithoutEffectAreReported) {
  Config config;
  ASSERT_TRUE(ApplyConfigText("daemonize no\n"
                              "save \"\"\n"
                              "appendonly no\n"
                              "save 900 1\n"
                              "appendonly yes\n",
                              config)
                  .ok());
  // save "" and appendonly no describe what understudy does: nothing to report for them.
  EXPECT_THAT(config.ignored_directives, ElementsAre("daemonize", "save", "appendonly"));
  absl::Status bad = ApplyConfigText("save 900\n", config);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("Invalid save parameters"));
}

TEST(ConfigLimitsTest, ConfigSetIsAllOrNothing) {
  Config config;
  const std::vector<std::string_view> args = {"timeout", "5", "hz", "abc"};
  absl::Status status = config.Set(args);
  EXPECT_EQ(status.message(),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
            "parsed into an integer");
  EXPECT_EQ(config.timeout, 0);
  const std::vector<std::string_view> good = {"timeout", "5", "hz", "20"};
  ASSERT_TRUE(config.Set(good).ok());
  EXPECT_EQ(config.timeout, 5);
  EXPECT_EQ(config.hz, 20);
}

}  // namespace
}  // namespace understudy::engine
