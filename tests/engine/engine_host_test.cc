// The in-process host driven from several threads, as the client library's embedded mode will.
#include "server/runtime/engine_host.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "resp/reply.h"

namespace understudy::runtime {
namespace {

using std::chrono::seconds;

// Waits for a reply that must come; a bounded wait so a bug fails the test instead of hanging.
resp::Reply Await(std::future<resp::Reply> future) {
  if (future.wait_for(seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "no reply within 10 s";
    return resp::Reply::Error("timed out");
  }
  return future.get();
}

std::string Text(std::future<resp::Reply> future) {
  return resp::ToString(Await(std::move(future)));
}

TEST(EngineHostTest, SessionsOnManyThreadsShareOneKeyspace) {
  EngineHost host(engine::Config{});
  constexpr int kThreads = 4;
  constexpr int kIncrements = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&host] {
      auto session = host.Connect();
      for (int i = 0; i < kIncrements; ++i)
        session->Execute({"INCR", "counter"}, [](resp::Reply) {});
      EXPECT_EQ(Await(session->Execute({"PING"})).str, "PONG");
      session->Close();
    });
  }
  for (std::thread& thread : threads) thread.join();
  auto session = host.Connect();
  EXPECT_EQ(Text(session->Execute({"GET", "counter"})), "\"2000\"");
}

TEST(EngineHostTest, RepliesComeInRequestOrder) {
  EngineHost host(engine::Config{});
  auto session = host.Connect();
  std::vector<std::future<resp::Reply>> replies;
  for (int i = 0; i < 100; ++i) replies.push_back(session->Execute({"ECHO", std::to_string(i)}));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Await(std::move(replies[i])).str, std::to_string(i));
}

TEST(EngineHostTest, AdvanceClockExpiresKeysAndEndsWaits) {
  EngineHost host(engine::Config{});
  auto session = host.Connect();
  auto waiter = host.Connect();
  EXPECT_EQ(Text(session->Execute({"SET", "session", "token", "EX", "3600"})), "+OK");
  std::future<resp::Reply> popped = waiter->Execute({"BLPOP", "jobs", "60"});
  host.AdvanceClock(std::chrono::minutes(59));
  EXPECT_EQ(Text(session->Execute({"TTL", "session"})), ":60");
  EXPECT_EQ(Text(std::move(popped)), "(nil-array)");
  host.AdvanceClock(std::chrono::minutes(1));
  EXPECT_EQ(Text(session->Execute({"EXISTS", "session"})), ":0");
}

TEST(EngineHostTest, BlockedPopIsWokenByAnotherSessionOnAnotherThread) {
  EngineHost host(engine::Config{});
  auto waiter = host.Connect();
  std::future<resp::Reply> popped = waiter->Execute({"BLPOP", "queue", "0"});
  // A request after a blocked one waits for it, as on a connection.
  std::future<resp::Reply> after = waiter->Execute({"PING"});
  std::thread pusher([&host] {
    auto session = host.Connect();
    // Push only once the waiter is parked, so the test covers waking, not an immediate pop.
    const auto give_up = std::chrono::steady_clock::now() + seconds(10);
    while (Text(session->Execute({"INFO", "clients"})).find("blocked_clients:1") ==
               std::string::npos &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    EXPECT_EQ(Text(session->Execute({"RPUSH", "queue", "job"})), ":1");
  });
  EXPECT_EQ(Text(std::move(popped)), "[\"queue\", \"job\"]");
  EXPECT_EQ(Text(std::move(after)), "+PONG");
  pusher.join();
}

// A busy script serves the other sessions from inside its run; its own session's requests wait
// for it.
TEST(EngineHostTest, BusyScriptAnswersOthersBusyUntilKilled) {
  engine::Config config;
  config.busy_reply_threshold_ms = 10;
  EngineHost host(config);
  auto runner = host.Connect();
  auto other = host.Connect();
  std::future<resp::Reply> script = runner->Execute({"EVAL", "while true do end", "0"});
  EXPECT_EQ(Text(other->Execute({"PING"})),
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "
            "NOSAVE.");
  std::future<resp::Reply> after = runner->Execute({"PING"});
  EXPECT_EQ(Text(other->Execute({"SCRIPT", "KILL"})), "+OK");
  EXPECT_EQ(Text(std::move(script)),
            "-ERR Script killed by user with SCRIPT KILL... script: "
            "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.");
  EXPECT_EQ(Text(std::move(after)), "+PONG");
}

TEST(EngineHostTest, ClientKillClosesTheSessionAndTellsIt) {
  EngineHost host(engine::Config{});
  std::promise<void> closed;
  auto victim = host.Connect({}, [&closed] { closed.set_value(); });
  const std::string id = Text(victim->Execute({"CLIENT", "ID"})).substr(1);
  auto killer = host.Connect();
  EXPECT_EQ(Text(killer->Execute({"CLIENT", "KILL", "ID", id})), ":1");
  ASSERT_EQ(closed.get_future().wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(Text(victim->Execute({"PING"})), "-ERR connection closed");
}

TEST(EngineHostTest, ShutdownClosesOpenSessions) {
  std::atomic<int> closed{0};
  {
    EngineHost host(engine::Config{});
    auto a = host.Connect({}, [&closed] { ++closed; });
    auto b = host.Connect({}, [&closed] { ++closed; });
    EXPECT_EQ(Text(a->Execute({"SET", "k", "v"})), "+OK");
  }
  EXPECT_EQ(closed.load(), 2);
}

// Collects the pushes of a session; they arrive on the engine's thread.
class PushLog {
 public:
  EngineSession::PushCallback callback() {
    return [this](resp::Reply reply) {
      std::lock_guard lock(mutex_);
      texts_.push_back(resp::ToString(reply));
    };
  }
  std::vector<std::string> texts() {
    std::lock_guard lock(mutex_);
    return texts_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> texts_;
};

TEST(EngineHostTest, Resp2SubscriberGetsMessagesAsPushes) {
  EngineHost host(engine::Config{});
  PushLog log;
  auto subscriber = host.Connect(log.callback());
  EXPECT_EQ(Text(subscriber->Execute({"SUBSCRIBE", "a", "b"})), "[\"subscribe\", \"b\", :2]");
  EXPECT_EQ(Text(subscriber->Execute({"PSUBSCRIBE", "c*"})), "[\"psubscribe\", \"c*\", :3]");
  auto publisher = host.Connect();
  EXPECT_EQ(Text(publisher->Execute({"PUBLISH", "a", "one"})), ":1");
  EXPECT_EQ(Text(publisher->Execute({"PUBLISH", "cx", "two"})), ":1");
  // The subscriber's next reply comes after the messages delivered before it.
  EXPECT_EQ(Text(subscriber->Execute({"PING"})), "[\"pong\", \"\"]");
  EXPECT_EQ(log.texts(), (std::vector<std::string>{"[\"message\", \"a\", \"one\"]",
                                                   "[\"pmessage\", \"c*\", \"cx\", \"two\"]"}));
  EXPECT_EQ(Text(subscriber->Execute({"UNSUBSCRIBE", "a", "b"})), "[\"unsubscribe\", \"b\", :1]");
  EXPECT_EQ(Text(subscriber->Execute({"PUNSUBSCRIBE"})), "[\"punsubscribe\", \"c*\", :0]");
  EXPECT_EQ(Text(subscriber->Execute({"PING"})), "+PONG");
}

TEST(EngineHostTest, Resp3SubscriberGetsPushesAndMaySendAnyCommand) {
  EngineHost host(engine::Config{});
  PushLog log;
  auto subscriber = host.Connect(log.callback());
  Await(subscriber->Execute({"HELLO", "3"}));
  EXPECT_EQ(Text(subscriber->Execute({"SSUBSCRIBE", "s"})), ">[\"ssubscribe\", \"s\", :1]");
  auto publisher = host.Connect();
  EXPECT_EQ(Text(publisher->Execute({"SPUBLISH", "s", "m"})), ":1");
  EXPECT_EQ(Text(subscriber->Execute({"SET", "k", "v"})), "+OK");
  EXPECT_EQ(log.texts(), std::vector<std::string>{">[\"smessage\", \"s\", \"m\"]"});
  subscriber->Close();
  const auto give_up = std::chrono::steady_clock::now() + seconds(10);
  while (Text(publisher->Execute({"SPUBLISH", "s", "m"})) != ":0" &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  EXPECT_EQ(Text(publisher->Execute({"PUBSUB", "SHARDNUMSUB", "s"})), "[\"s\", :0]");
}

TEST(EngineHostTest, APausedSubscribeIsAnsweredWhenItRuns) {
  EngineHost host(engine::Config{});
  auto admin = host.Connect();
  EXPECT_EQ(Text(admin->Execute({"CLIENT", "PAUSE", "200"})), "+OK");
  PushLog log;
  auto subscriber = host.Connect(log.callback());
  std::future<resp::Reply> subscribed = subscriber->Execute({"SUBSCRIBE", "a", "b"});
  std::future<resp::Reply> pong = subscriber->Execute({"PING"});
  EXPECT_EQ(Text(std::move(subscribed)), "[\"subscribe\", \"b\", :2]");
  EXPECT_EQ(Text(std::move(pong)), "[\"pong\", \"\"]");
  EXPECT_TRUE(log.texts().empty());
}

}  // namespace
}  // namespace understudy::runtime
