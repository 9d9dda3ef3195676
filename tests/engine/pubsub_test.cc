// Pub/Sub inside the engine: messages the engine publishes itself (as keyspace notifications
// will) reach subscribers through their transports; the wire shapes are in
// tests/conformance/cases/pubsub.txt.
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "resp/reply.h"
#include "server/engine/config.h"
#include "server/engine/engine.h"
#include "store/clock.h"

namespace understudy::engine {
namespace {

struct CountingTransport final : ClientTransport {
  void OutputReady() override { ++output_ready; }
  void Resumed() override {}
  void RequestClose() override {}
  int output_ready = 0;
};

// Every reply and push in a client's output, rendered; the output is cleared.
std::vector<std::string> Take(Client& client) {
  std::vector<std::string> replies;
  std::string_view rest = client.output;
  resp::ReplyParser parser;
  while (!rest.empty() && parser.Parse(rest) == resp::ReplyParser::Status::kReply) {
    replies.push_back(resp::ToString(parser.reply()));
    rest.remove_prefix(parser.consumed());
    parser.Reset();
  }
  client.output.clear();
  return replies;
}

class PubSubTest : public ::testing::Test {
 protected:
  void Execute(Client& client, std::vector<std::string_view> args) {
    engine_.Execute(client, args);
  }

  store::ManualClock clock_;
  ManualExecutor executor_{clock_};
  Engine engine_{clock_, Config{}, executor_};
  CountingTransport transport_;
  Client& subscriber_ = engine_.Register(&transport_);
};

TEST_F(PubSubTest, TheEnginePublishesOutsideAnyCommand) {
  Execute(subscriber_, {"SUBSCRIBE", "events"});
  Execute(subscriber_, {"PSUBSCRIBE", "ev*"});
  Take(subscriber_);
  EXPECT_EQ(engine_.Publish("events", "hello"), 2u);
  EXPECT_EQ(transport_.output_ready, 2);
  EXPECT_EQ(Take(subscriber_),
            (std::vector<std::string>{"[\"message\", \"events\", \"hello\"]",
                                      "[\"pmessage\", \"ev*\", \"events\", \"hello\"]"}));
  EXPECT_EQ(engine_.Publish("other", "x"), 0u);
  EXPECT_EQ(engine_.PublishShard("events", "x"), 0u);
}

TEST_F(PubSubTest, AClientsOwnMessageGoesOutWithItsReply) {
  Execute(subscriber_, {"HELLO", "3"});
  Execute(subscriber_, {"SUBSCRIBE", "c"});
  Take(subscriber_);
  Execute(subscriber_, {"PUBLISH", "c", "self"});
  EXPECT_EQ(transport_.output_ready, 0);  // the transport sends it after the request anyway
  EXPECT_EQ(Take(subscriber_), (std::vector<std::string>{">[\"message\", \"c\", \"self\"]", ":1"}));
}

TEST_F(PubSubTest, UnregisteringForgetsEverySubscription) {
  Execute(subscriber_, {"SUBSCRIBE", "a", "b"});
  Execute(subscriber_, {"PSUBSCRIBE", "*"});
  Execute(subscriber_, {"SSUBSCRIBE", "s"});
  engine_.Unregister(subscriber_);
  for (PubSubKind kind : {PubSubKind::kChannel, PubSubKind::kPattern, PubSubKind::kShardChannel}) {
    EXPECT_TRUE(engine_.pubsub().names(kind).empty());
  }
  EXPECT_EQ(engine_.Publish("a", "x"), 0u);
}

}  // namespace
}  // namespace understudy::engine
