#include "client/async_client.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "asio/co_spawn.hpp"
#include "asio/io_context.hpp"
#include "asio/use_awaitable.hpp"
#include "asio/use_future.hpp"
#include "client/client.h"
#include "client/error.h"
#include "client/reply_cast.h"
#include "gtest/gtest.h"
#include "tests/client/async_test_util.h"
#include "tests/client/client_fixture.h"

namespace understudy::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ClientTest;
using testing::RunUntil;

// Spawns a coroutine and records how it ended.
struct Spawned {
  bool finished = false;
  std::exception_ptr failure;
};
void Spawn(asio::io_context& io, asio::awaitable<void> body, Spawned& outcome) {
  asio::co_spawn(io, std::move(body), [&outcome](std::exception_ptr error) {
    outcome.failure = error;
    outcome.finished = true;
  });
}

class AsyncClientTest : public ClientTest {};

TEST_P(AsyncClientTest, Callbacks) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  std::vector<std::string> steps;
  bool done = false;
  client.async_connect([&](std::exception_ptr error) {
    ASSERT_FALSE(error);
    steps.push_back("connected");
    client.async_command(Command("SET", "k", "v"), [&](std::exception_ptr error, resp::Reply reply) {
      ASSERT_FALSE(error);
      steps.push_back(ToString(reply));
      client.async_command(Command("GET", "k"), [&](std::exception_ptr error, resp::Reply reply) {
        ASSERT_FALSE(error);
        steps.push_back(reply.str);
        done = true;
      });
    });
  });
  ASSERT_TRUE(RunUntil(io, [&] { return done; }));
  EXPECT_EQ(steps, (std::vector<std::string>{"connected", "+OK", "v"}));
}

TEST_P(AsyncClientTest, ErrorReplyIsAnErrorAndExecuteKeepsThemAsValues) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  std::exception_ptr command_error;
  std::vector<resp::Reply> pipeline_replies;
  bool done = false;
  client.async_connect([&](std::exception_ptr) {
    client.async_command(Command("LPUSH", "l", "x"), [&](std::exception_ptr, resp::Reply) {
      client.async_command(Command("GET", "l"), [&](std::exception_ptr error, resp::Reply) {
        command_error = error;
        Request pipeline;
        pipeline.Add("GET", "l").Add("LLEN", "l");
        client.async_execute(std::move(pipeline),
                             [&](std::exception_ptr, std::vector<resp::Reply> replies) {
                               pipeline_replies = std::move(replies);
                               done = true;
                             });
      });
    });
  });
  ASSERT_TRUE(RunUntil(io, [&] { return done; }));
  ASSERT_TRUE(command_error);
  try {
    std::rethrow_exception(command_error);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kServer);
    EXPECT_EQ(error.server_code(), "WRONGTYPE");
  }
  ASSERT_EQ(pipeline_replies.size(), 2u);
  EXPECT_TRUE(pipeline_replies[0].is_error());
  EXPECT_EQ(pipeline_replies[1], resp::Reply::Int(1));
}

TEST_P(AsyncClientTest, FuturesFromAnotherThread) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  {
    AsyncClient client(io.get_executor(), options());
    client.async_connect(asio::use_future).get();
    EXPECT_EQ(client.async_command(Command("SET", "k", "v"), asio::use_future).get(),
              resp::Reply::Simple("OK"));
    EXPECT_EQ(client.async_command(Command("GET", "k"), asio::use_future).get(),
              resp::Reply::Bulk("v"));
    auto failing = client.async_command(Command("INCR", "k"), asio::use_future);
    try {
      failing.get();
      ADD_FAILURE() << "INCR of text must fail";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kServer);
    }
    // Many threads at once: each gets its own reply.
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          const std::string value = std::to_string(t) + ":" + std::to_string(i);
          const resp::Reply echoed =
              client.async_command(Command("ECHO", value), asio::use_future).get();
          if (echoed.str != value) ++mismatches;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(mismatches.load(), 0);
  }
  work.reset();
  runner.join();
}

TEST_P(AsyncClientTest, Coroutines) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  Spawned outcome;
  // Coroutine lambdas take what they use as parameters: a capture would dangle once the
  // temporary lambda is gone, before the coroutine first runs.
  Spawn(io, [](AsyncClient& client) -> asio::awaitable<void> {
    co_await client.async_connect(asio::use_awaitable);
    co_await client.async_command(Command("SET", "k", "1"), asio::use_awaitable);
    const resp::Reply incremented =
        co_await client.async_command(Command("INCR", "k"), asio::use_awaitable);
    EXPECT_EQ(incremented, resp::Reply::Int(2));
    Request pipeline;
    pipeline.Add("INCR", "k").Add("GET", "k");
    const std::vector<resp::Reply> replies =
        co_await client.async_execute(std::move(pipeline), asio::use_awaitable);
    EXPECT_EQ(replies, (std::vector<resp::Reply>{resp::Reply::Int(3), resp::Reply::Bulk("3")}));
    try {
      co_await client.async_command(Command("LPUSH", "k", "x"), asio::use_awaitable);
      ADD_FAILURE() << "LPUSH on a string must fail";
    } catch (const Error& error) {
      EXPECT_EQ(error.server_code(), "WRONGTYPE");
    }
  }(client), outcome);
  ASSERT_TRUE(RunUntil(io, [&] { return outcome.finished; }));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
}

// A script runs by its digest; after SCRIPT FLUSH (a restarted server) NOSCRIPT falls back to
// EVAL, which loads it again.
TEST_P(AsyncClientTest, ScriptFallsBackFromNoScriptToEval) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  const Script release(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
      "return 0");
  const Script failing("return redis.call('NOSUCH')");
  Spawned outcome;
  Spawn(io, [](AsyncClient& client, const Script& release, const Script& failing)
                -> asio::awaitable<void> {
    // No braced lists in here: GCC 12 rejects an initializer_list inside a coroutine ("array
    // used as initializer").
    const std::vector<std::string> keys(1, "lock");
    const std::vector<std::string> stranger(1, "other");
    const std::vector<std::string> owner(1, "token");
    const std::vector<std::string> none;
    co_await client.async_connect(asio::use_awaitable);
    co_await client.async_command(Command("SET", "lock", "token"), asio::use_awaitable);
    co_await client.async_command(Command("SCRIPT", "FLUSH"), asio::use_awaitable);
    EXPECT_EQ(co_await client.async_eval(release, keys, stranger, asio::use_awaitable),
              resp::Reply::Int(0));
    const resp::Reply exists =
        co_await client.async_command(Command("SCRIPT", "EXISTS", release.sha()),
                                      asio::use_awaitable);
    EXPECT_EQ(resp::ToString(exists), "[:1]");  // EVAL loaded it again
    EXPECT_EQ(co_await client.async_eval(release, keys, owner, asio::use_awaitable),
              resp::Reply::Int(1));
    try {
      co_await client.async_eval(failing, none, none, asio::use_awaitable);
      ADD_FAILURE() << "a failing script must throw";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kServer);
    }
  }(client, release, failing), outcome);
  ASSERT_TRUE(RunUntil(io, [&] { return outcome.finished; }));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
}

// 100 coroutines issue commands at the same time on one client: each gets its own replies, and
// the connection coalesces them into fewer writes than requests.
TEST_P(AsyncClientTest, AutomaticPipeliningFromManyCoroutines) {
  constexpr int kCoroutines = 100;
  constexpr int kRounds = 10;
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  bool connected = false;
  client.async_connect([&](std::exception_ptr error) {
    ASSERT_FALSE(error);
    connected = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return connected; }));
  const ConnectionStats before = client.stats();

  std::vector<Spawned> outcomes(kCoroutines);
  std::atomic<int> wrong{0};
  for (int i = 0; i < kCoroutines; ++i) {
    Spawn(io, [](AsyncClient& client, int i, std::atomic<int>& wrong) -> asio::awaitable<void> {
      const std::string key = "counter:" + std::to_string(i);
      const std::string value = "value-of-" + std::to_string(i);
      co_await client.async_command(Command("SET", "text:" + std::to_string(i), value),
                                    asio::use_awaitable);
      for (int round = 1; round <= kRounds; ++round) {
        const resp::Reply count =
            co_await client.async_command(Command("INCRBY", key, i), asio::use_awaitable);
        if (count != resp::Reply::Int(int64_t{round} * i)) ++wrong;
        const resp::Reply mine = co_await client.async_command(
            Command("GET", "text:" + std::to_string(i)), asio::use_awaitable);
        if (mine.str != value) ++wrong;
      }
    }(client, i, wrong), outcomes[i]);
  }
  ASSERT_TRUE(RunUntil(io, [&] {
    for (const Spawned& outcome : outcomes) {
      if (!outcome.finished) return false;
    }
    return true;
  }));
  for (const Spawned& outcome : outcomes) {
    if (outcome.failure) std::rethrow_exception(outcome.failure);
  }
  EXPECT_EQ(wrong.load(), 0);
  const ConnectionStats after = client.stats();
  const uint64_t requests = after.requests_written - before.requests_written;
  const uint64_t writes = after.writes - before.writes;
  EXPECT_EQ(requests, static_cast<uint64_t>(kCoroutines * (1 + 2 * kRounds)));
  // Coalesced: far fewer writes than requests (each round of 100 goes out in a few writes).
  EXPECT_LT(writes * 10, requests) << writes << " writes for " << requests << " requests";
}

// Under RESP3 a subscription shares the connection with ordinary commands: the confirmation
// answers SUBSCRIBE, messages go to the push handler, and GET still gets its own reply.
TEST_P(AsyncClientTest, Resp3PushesOnASharedConnection) {
  asio::io_context io;
  std::mutex mutex;
  std::vector<resp::Reply> pushes;
  AsyncClient client(io.get_executor(), options());
  client.set_push_handler([&](const resp::Reply& push) {
    std::lock_guard lock(mutex);
    pushes.push_back(push);
  });
  Client publisher(options());
  publisher.set("k", "v");
  Spawned outcome;
  Spawn(io, [](AsyncClient& client, Client& publisher) -> asio::awaitable<void> {
    co_await client.async_connect(asio::use_awaitable);
    EXPECT_EQ(client.protocol(), resp::Protocol::kResp3);
    const resp::Reply confirmation =
        co_await client.async_command(Command("SUBSCRIBE", "news"), asio::use_awaitable);
    EXPECT_EQ(confirmation.type, resp::ReplyType::kPush);
    EXPECT_EQ(confirmation.elements.at(0).str, "subscribe");
    EXPECT_EQ(publisher.publish("news", "first"), 1);
    EXPECT_EQ(co_await client.async_command(Command("GET", "k"), asio::use_awaitable),
              resp::Reply::Bulk("v"));
    EXPECT_EQ(publisher.publish("news", "second"), 1);
    EXPECT_EQ(co_await client.async_command(Command("PING"), asio::use_awaitable),
              resp::Reply::Simple("PONG"));
    co_await client.async_command(Command("UNSUBSCRIBE", "news"), asio::use_awaitable);
    EXPECT_EQ(publisher.publish("news", "unheard"), 0);
  }(client, publisher), outcome);
  ASSERT_TRUE(RunUntil(io, [&] { return outcome.finished; }));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  std::vector<std::string> messages;
  for (const resp::Reply& push : pushes) {
    if (push.elements.size() == 3 && push.elements[0].str == "message") {
      EXPECT_EQ(push.elements[1].str, "news");
      messages.push_back(push.elements[2].str);
    }
  }
  EXPECT_EQ(messages, (std::vector<std::string>{"first", "second"}));
}

TEST_P(AsyncClientTest, ClientTrackingInvalidationsArePushes) {
  asio::io_context io;
  std::mutex mutex;
  std::vector<std::string> invalidated;
  AsyncClient client(io.get_executor(), options());
  client.set_push_handler([&](const resp::Reply& push) {
    if (push.elements.size() != 2 || push.elements[0].str != "invalidate") return;
    std::lock_guard lock(mutex);
    for (const resp::Reply& key : push.elements[1].elements) invalidated.push_back(key.str);
  });
  Client writer(options());
  writer.set("cached", "1");
  Spawned outcome;
  Spawn(io, [](AsyncClient& client, Client& writer) -> asio::awaitable<void> {
    co_await client.async_connect(asio::use_awaitable);
    co_await client.async_command(Command("CLIENT", "TRACKING", "on"), asio::use_awaitable);
    EXPECT_EQ(co_await client.async_command(Command("GET", "cached"), asio::use_awaitable),
              resp::Reply::Bulk("1"));
    writer.set("cached", "2");
    // The invalidation is sent before the writer's reply, so it precedes the PING's reply.
    co_await client.async_command(Command("PING"), asio::use_awaitable);
  }(client, writer), outcome);
  ASSERT_TRUE(RunUntil(io, [&] {
    std::lock_guard lock(mutex);
    return outcome.finished && !invalidated.empty();
  }));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  EXPECT_EQ(invalidated, (std::vector<std::string>{"cached"}));
}

TEST_P(AsyncClientTest, CommandsBeforeConnectFailAsNotSent) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  const testing::CommandOutcome ping = testing::RunCommand(io, client, Command("PING"));
  ASSERT_TRUE(ping.finished);
  ASSERT_TRUE(ping.error);
  try {
    std::rethrow_exception(ping.error);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotConnected);
    EXPECT_TRUE(error.retry_safe());
  }
}

TEST_P(AsyncClientTest, ClosedClientRefusesCommands) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  Spawned outcome;
  Spawn(io, [](AsyncClient& client) -> asio::awaitable<void> {
    co_await client.async_connect(asio::use_awaitable);
    client.close();
    try {
      co_await client.async_command(Command("PING"), asio::use_awaitable);
      ADD_FAILURE() << "a closed client must refuse";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kClosed);
    }
  }(client), outcome);
  ASSERT_TRUE(RunUntil(io, [&] { return outcome.finished; }));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
}

// A completion handler that throws propagates out of io_context::run, as Asio's handlers do;
// the connection must not be left half-way through its replies by it.
TEST_P(AsyncClientTest, ThrowingCompletionHandlerLeavesTheConnectionWorking) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  bool connected = false;
  client.async_connect([&](std::exception_ptr error) {
    ASSERT_FALSE(error);
    connected = true;
  });
  ASSERT_TRUE(RunUntil(io, [&] { return connected; }));
  int answered = 0;
  // Two pipelined commands: the first handler throws while the second reply may already be
  // read.
  client.async_command(Command("PING"), [&](std::exception_ptr, resp::Reply) {
    ++answered;
    throw std::runtime_error("handler bug");
  });
  client.async_command(Command("ECHO", "second"), [&](std::exception_ptr error, resp::Reply reply) {
    EXPECT_FALSE(error);
    EXPECT_EQ(reply, resp::Reply::Bulk("second"));
    ++answered;
  });
  bool thrown = false;
  try {
    RunUntil(io, [&] { return answered == 2; });
  } catch (const std::runtime_error& error) {
    thrown = true;
    EXPECT_STREQ(error.what(), "handler bug");
  }
  EXPECT_TRUE(thrown);
  ASSERT_TRUE(RunUntil(io, [&] { return answered == 2; }));
  const testing::CommandOutcome echoed = testing::RunCommand(io, client, Command("ECHO", "third"));
  ASSERT_TRUE(echoed.finished);
  EXPECT_FALSE(echoed.error);
  EXPECT_EQ(echoed.reply, resp::Reply::Bulk("third"));
}

// A push handler that throws is logged; the connection goes on reading.
TEST_P(AsyncClientTest, ThrowingPushHandlerIsLoggedAndTheConnectionGoesOn) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  int pushes = 0;
  client.set_push_handler([&](const resp::Reply&) {
    ++pushes;
    throw std::runtime_error("push handler bug");
  });
  Client publisher(options());
  Spawned outcome;
  Spawn(io, [](AsyncClient& client, Client& publisher) -> asio::awaitable<void> {
    co_await client.async_connect(asio::use_awaitable);
    co_await client.async_command(Command("SUBSCRIBE", "ch"), asio::use_awaitable);
    EXPECT_EQ(publisher.publish("ch", "m"), 1);
    EXPECT_EQ(co_await client.async_command(Command("ECHO", "after"), asio::use_awaitable),
              resp::Reply::Bulk("after"));
  }(client, publisher), outcome);
  ASSERT_TRUE(RunUntil(io, [&] { return outcome.finished; }));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  EXPECT_EQ(pushes, 2);  // the confirmation and the message
}

// A pipeline mixing a subscription of several channels with ordinary commands: the
// subscription is answered once every channel is confirmed, the others in order after it.
TEST_P(AsyncClientTest, PipelineMixingSubscribeAndCommandsUnderResp3) {
  asio::io_context io;
  AsyncClient client(io.get_executor(), options());
  Client writer(options());
  writer.set("k", "v");
  Spawned outcome;
  Spawn(io, [](AsyncClient& client) -> asio::awaitable<void> {
    co_await client.async_connect(asio::use_awaitable);
    Request mixed;
    mixed.Add("SUBSCRIBE", "a", "b", "c").Add("PING").Add("GET", "k").Add("UNSUBSCRIBE");
    mixed.Add("ECHO", "last");
    const std::vector<resp::Reply> replies =
        co_await client.async_execute(std::move(mixed), asio::use_awaitable);
    EXPECT_EQ(replies.size(), 5u);
    EXPECT_EQ(replies.at(0).elements.at(0).str, "subscribe");
    EXPECT_EQ(replies.at(0).elements.at(2), resp::Reply::Int(3));  // the last confirmation
    EXPECT_EQ(replies.at(1), resp::Reply::Simple("PONG"));
    EXPECT_EQ(replies.at(2), resp::Reply::Bulk("v"));
    EXPECT_EQ(replies.at(3).elements.at(0).str, "unsubscribe");
    EXPECT_EQ(replies.at(3).elements.at(2), resp::Reply::Int(0));
    EXPECT_EQ(replies.at(4), resp::Reply::Bulk("last"));
  }(client), outcome);
  ASSERT_TRUE(RunUntil(io, [&] { return outcome.finished; }));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
}

UNDERSTUDY_CLIENT_BACKENDS(AsyncClientTest);

}  // namespace
}  // namespace understudy::client
