#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "client/error.h"
#include "client/reply_cast.h"
#include "client/subscriber.h"
#include "gtest/gtest.h"
#include "tests/client/client_fixture.h"

namespace understudy::client {
namespace {

using testing::ClientTest;

// Messages a subscriber's handlers received, readable from the test's thread.
class Inbox {
 public:
  Subscriber::Handler handler() {
    return [this](const Message& message) {
      std::lock_guard lock(mutex_);
      std::string text = message.channel + "=" + message.payload;
      if (message.kind == MessageKind::kPattern) text = message.pattern + ":" + text;
      if (message.kind == MessageKind::kShard) text = "shard:" + text;
      received_.push_back(std::move(text));
    };
  }
  std::vector<std::string> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Waits (bounded) until `text` arrived.
  bool WaitFor(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex_);
        if (std::find(received_.begin(), received_.end(), text) != received_.end()) return true;
      }
      std::this_thread::yield();
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> received_;
};

class PubSubTest : public ClientTest {
 protected:
  template <typename Body>
  void ForEachProtocol(Body body) {
    for (const ProtocolChoice protocol : {ProtocolChoice::kResp2, ProtocolChoice::kAuto}) {
      SCOPED_TRACE(protocol == ProtocolChoice::kResp2 ? "RESP2" : "RESP3");
      Options chosen = options();
      chosen.protocol = protocol;
      body(chosen);
    }
  }
};

TEST_P(PubSubTest, ChannelPatternAndShardSubscriptionsReceive) {
  ForEachProtocol([&](const Options& chosen) {
    Inbox inbox;
    Subscriber subscriber(chosen);
    Client publisher(options());
    subscriber.subscribe({"news", "sport"}, inbox.handler());
    subscriber.psubscribe({"alerts.*"}, inbox.handler());
    subscriber.ssubscribe({"orders"}, inbox.handler());
    EXPECT_EQ(subscriber.protocol(), chosen.protocol == ProtocolChoice::kResp2
                                         ? resp::Protocol::kResp2
                                         : resp::Protocol::kResp3);
    EXPECT_EQ(publisher.publish("news", "n1"), 1);
    EXPECT_EQ(publisher.publish("sport", "s1"), 1);
    EXPECT_EQ(publisher.publish("alerts.fire", "a1"), 1);
    EXPECT_EQ(reply_cast::Integer(publisher.command("SPUBLISH", "orders", "o1")), 1);
    const std::string binary("b\0\r\n", 4);
    publisher.publish("news", binary);
    ASSERT_TRUE(inbox.WaitFor("news=" + binary));
    EXPECT_EQ(inbox.received(),
              (std::vector<std::string>{"news=n1", "sport=s1", "alerts.*:alerts.fire=a1",
                                        "shard:orders=o1", "news=" + binary}));
  });
}

// A handler may subscribe further: the call returns at once on the subscriber's own thread
// (waiting there would stall the thread that reads the confirmation).
TEST_P(PubSubTest, HandlerSubscribesToAnotherChannel) {
  ForEachProtocol([&](const Options& chosen) {
    Inbox inbox;
    Subscriber subscriber(chosen);
    subscriber.subscribe({"start"}, [&](const Message&) {
      subscriber.subscribe({"next"}, inbox.handler());
    });
    Client publisher(options());
    publisher.publish("start", "go");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (publisher.publish("next", "hello") == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    EXPECT_TRUE(inbox.WaitFor("next=hello"));
  });
}

TEST_P(PubSubTest, UnsubscribeStopsMessages) {
  ForEachProtocol([&](const Options& chosen) {
    Inbox inbox;
    Subscriber subscriber(chosen);
    Client publisher(options());
    subscriber.subscribe({"a", "b"}, inbox.handler());
    subscriber.psubscribe({"p.*"}, inbox.handler());
    subscriber.ssubscribe({"s"}, inbox.handler());
    subscriber.unsubscribe({"a"});
    EXPECT_EQ(publisher.publish("a", "unheard"), 0);
    EXPECT_EQ(publisher.publish("b", "heard"), 1);
    subscriber.punsubscribe();
    EXPECT_EQ(publisher.publish("p.x", "unheard"), 0);
    subscriber.sunsubscribe({"s"});
    EXPECT_EQ(reply_cast::Integer(publisher.command("SPUBLISH", "s", "unheard")), 0);
    subscriber.unsubscribe();  // from every channel
    EXPECT_EQ(publisher.publish("b", "unheard"), 0);
    // Subscribing again after leaving everything works.
    subscriber.subscribe({"a"}, inbox.handler());
    EXPECT_EQ(publisher.publish("a", "again"), 1);
    ASSERT_TRUE(inbox.WaitFor("a=again"));
    EXPECT_EQ(inbox.received(), (std::vector<std::string>{"b=heard", "a=again"}));
  });
}

TEST_P(PubSubTest, ThrowingHandlerIsLoggedAndTheThreadGoesOn) {
  Inbox inbox;
  Subscriber subscriber(options());
  Client publisher(options());
  subscriber.subscribe({"bad"}, [](const Message&) { throw std::runtime_error("handler bug"); });
  subscriber.subscribe({"odd"}, [](const Message&) { throw 42; });  // not a std::exception
  subscriber.subscribe({"good"}, inbox.handler());
  EXPECT_EQ(publisher.publish("odd", "boom"), 1);
  EXPECT_EQ(publisher.publish("bad", "boom"), 1);
  EXPECT_EQ(publisher.publish("good", "fine"), 1);
  ASSERT_TRUE(inbox.WaitFor("good=fine"));
  EXPECT_TRUE(subscriber.connected());
  EXPECT_EQ(publisher.publish("bad", "boom again"), 1);
  EXPECT_EQ(publisher.publish("good", "still fine"), 1);
  ASSERT_TRUE(inbox.WaitFor("good=still fine"));
}

TEST_P(PubSubTest, RefusedSubscriptionThrowsTheServersError) {
  {
    Client admin(options());
    admin.command("ACL", "SETUSER", "reader", "on", ">pw", "~*", "+@all", "resetchannels",
                  "&allowed");
  }
  Options reader = options();
  reader.username = "reader";
  reader.password = "pw";
  Subscriber subscriber(reader);
  Inbox inbox;
  subscriber.subscribe({"allowed"}, inbox.handler());
  try {
    subscriber.subscribe({"forbidden"}, inbox.handler());
    FAIL() << "the ACL forbids the channel";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kServer);
    EXPECT_EQ(error.server_code(), "NOPERM");
  }
  Client publisher(options());
  EXPECT_EQ(publisher.publish("allowed", "ok"), 1);
  ASSERT_TRUE(inbox.WaitFor("allowed=ok"));
}

TEST_P(PubSubTest, ManySubscribersEachReceiveEveryMessage) {
  constexpr int kSubscribers = 5;
  constexpr int kMessages = 50;
  std::vector<std::unique_ptr<Inbox>> inboxes;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < kSubscribers; ++i) {
    inboxes.push_back(std::make_unique<Inbox>());
    subscribers.push_back(std::make_unique<Subscriber>(options()));
    subscribers.back()->subscribe({"fanout"}, inboxes.back()->handler());
  }
  Client publisher(options());
  std::vector<std::string> expected;
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ(publisher.publish("fanout", std::to_string(i)), kSubscribers);
    expected.push_back("fanout=" + std::to_string(i));
  }
  for (auto& inbox : inboxes) {
    ASSERT_TRUE(inbox->WaitFor(expected.back()));
    EXPECT_EQ(inbox->received(), expected);
  }
}

UNDERSTUDY_CLIENT_BACKENDS(PubSubTest);

}  // namespace
}  // namespace understudy::client
