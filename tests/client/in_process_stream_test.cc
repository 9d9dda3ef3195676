// The in-process stream behaves as a socket towards the io_context running it.
#include <memory>
#include <optional>
#include <string>

#include "asio/co_spawn.hpp"
#include "asio/io_context.hpp"
#include "asio/use_awaitable.hpp"
#include "client/async_client.h"
#include "gtest/gtest.h"
#include "server/engine/config.h"
#include "server/runtime/engine_host.h"

namespace understudy::client {
namespace {

// A read waiting for the engine's bytes counts as work, as a socket's pending read does. Were it
// not counted, the io_context would stop as soon as a connected client sat idle (its work count
// at zero), and a command issued after that would never run: run_one() would return 0 at once.
TEST(InProcessStreamTest, IdleConnectionKeepsTheIoContextRunning) {
  auto engine = std::make_shared<runtime::EngineHost>(engine::Config{});
  asio::io_context io;
  Options options;
  options.engine = engine;
  AsyncClient client(io.get_executor(), options);
  std::exception_ptr failure;
  bool connected = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { co_await client.async_connect(asio::use_awaitable); },
      [&](std::exception_ptr error) {
        failure = error;
        connected = true;
      });
  while (!connected) io.run_one();
  ASSERT_FALSE(failure);

  std::optional<resp::Reply> reply;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        reply = co_await client.async_command(Command("PING"), asio::use_awaitable);
      },
      [&](std::exception_ptr error) { failure = error; });
  // A few handlers complete the PING; a stopped io_context runs none and returns at once.
  constexpr int kEnoughHandlers = 1000;
  for (int i = 0; i < kEnoughHandlers && !reply && !failure; ++i) io.run_one();
  EXPECT_FALSE(io.stopped());
  EXPECT_FALSE(failure);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->str, "PONG");
  client.close();
  io.run();
}

}  // namespace
}  // namespace understudy::client
