// The in-process host driven from several threads through the client library, as an embedded
// application drives it. The stream's byte-level behaviour is engine_stream_test's; the client
// features against the engine are tests/client's (their Embedded variants).
#include "server/runtime/engine_host.h"

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "gtest/gtest.h"

namespace understudy::runtime {
namespace {

using std::chrono::seconds;

client::Options EmbeddedOptions(std::shared_ptr<EngineHost> host) {
  client::Options options;
  options.engine = std::move(host);
  return options;
}

// Waits (bounded) until the engine has a client parked in a blocking command.
bool WaitForBlockedClient(client::Client& observer) {
  const auto give_up = std::chrono::steady_clock::now() + seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    if (observer.info("clients").find("blocked_clients:1") != std::string::npos) return true;
    std::this_thread::yield();
  }
  return false;
}

TEST(EngineHostTest, ClientsOnManyThreadsShareOneKeyspace) {
  auto host = std::make_shared<EngineHost>(engine::Config{});
  constexpr int kThreads = 4;
  constexpr int kIncrements = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&host] {
      client::Client redis(EmbeddedOptions(host));
      client::Request increments;
      for (int i = 0; i < kIncrements; ++i) increments.Add("INCR", "counter");
      EXPECT_EQ(redis.execute(increments).size(), static_cast<size_t>(kIncrements));
    });
  }
  for (std::thread& thread : threads) thread.join();
  client::Client redis(EmbeddedOptions(host));
  EXPECT_EQ(redis.get("counter"), "2000");
}

TEST(EngineHostTest, AdvanceClockExpiresKeysAndEndsWaits) {
  auto host = std::make_shared<EngineHost>(engine::Config{});
  client::Client redis(EmbeddedOptions(host));
  EXPECT_TRUE(redis.set("session", "token", std::chrono::hours(1)));
  std::future<std::optional<client::KeyValue>> popped = std::async(std::launch::async, [&host] {
    client::Client waiter(EmbeddedOptions(host));
    return waiter.blpop({"jobs"}, std::chrono::minutes(1));
  });
  ASSERT_TRUE(WaitForBlockedClient(redis));
  host->AdvanceClock(std::chrono::minutes(59));
  EXPECT_EQ(redis.ttl("session"), 60);
  ASSERT_EQ(popped.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(popped.get(), std::nullopt);
  host->AdvanceClock(std::chrono::minutes(1));
  EXPECT_FALSE(redis.exists("session"));
}

TEST(EngineHostTest, BlockedPopIsWokenByAnotherThread) {
  auto host = std::make_shared<EngineHost>(engine::Config{});
  std::future<std::optional<client::KeyValue>> popped = std::async(std::launch::async, [&host] {
    client::Client waiter(EmbeddedOptions(host));
    return waiter.blpop({"queue"}, std::chrono::milliseconds(0));
  });
  client::Client pusher(EmbeddedOptions(host));
  // Push only once the waiter is parked, so the test covers waking, not an immediate pop.
  ASSERT_TRUE(WaitForBlockedClient(pusher));
  EXPECT_EQ(pusher.rpush("queue", "job"), 1);
  ASSERT_EQ(popped.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(popped.get(), (client::KeyValue{"queue", "job"}));
}

TEST(EngineHostTest, RunSeesTheEngineOnItsThread) {
  auto host = std::make_shared<EngineHost>(engine::Config{});
  client::Client redis(EmbeddedOptions(host));
  redis.set("k", "v");
  std::thread::id engine_thread;
  size_t clients = 0;
  host->Run([&](engine::Engine& engine) {
    engine_thread = std::this_thread::get_id();
    clients = engine.connected_clients();
  });
  EXPECT_NE(engine_thread, std::this_thread::get_id());
  EXPECT_EQ(clients, 1u);
}

}  // namespace
}  // namespace understudy::runtime
