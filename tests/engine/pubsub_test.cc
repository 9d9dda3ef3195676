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
#include "tests/engine/engine_fixture.h"

namespace understudy::engine {
namespace {

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
  TakeReplies(subscriber_);
  EXPECT_EQ(engine_.Publish("events", "hello"), 2u);
  EXPECT_EQ(transport_.output_ready, 2);
  EXPECT_EQ(TakeReplies(subscriber_),
            (std::vector<std::string>{"[\"message\", \"events\", \"hello\"]",
                                      "[\"pmessage\", \"ev*\", \"events\", \"hello\"]"}));
  EXPECT_EQ(engine_.Publish("other", "x"), 0u);
  EXPECT_EQ(engine_.PublishShard("events", "x"), 0u);
}

TEST_F(PubSubTest, AClientsOwnMessageGoesOutWithItsReply) {
  Execute(subscriber_, {"HELLO", "3"});
  Execute(subscriber_, {"SUBSCRIBE", "c"});
  TakeReplies(subscriber_);
  Execute(subscriber_, {"PUBLISH", "c", "self"});
  EXPECT_EQ(transport_.output_ready, 0);  // the transport sends it after the request anyway
  EXPECT_EQ(TakeReplies(subscriber_), (std::vector<std::string>{">[\"message\", \"c\", \"self\"]", ":1"}));
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
