// GET round trips through the client library, beside each other: to the engine inside the
// process (no socket), to understudy-server and to a real redis-server over loopback; each with
// the synchronous Client (one GET in flight) and with 100 coroutines sharing one AsyncClient,
// whose connection pipelines their GETs automatically. The servers run on free loopback ports
// for the length of the run.
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "asio/co_spawn.hpp"
#include "asio/io_context.hpp"
#include "asio/use_awaitable.hpp"
#include "benchmark/benchmark.h"
#include "client/async_client.h"
#include "client/client.h"
#include "server/engine/config.h"
#include "server/runtime/engine_host.h"
#include "spdlog/spdlog.h"
#include "tests/support/server_process.h"

namespace understudy::client {
namespace {

enum class Backend { kEmbedded, kUnderstudy, kRedis };

constexpr int kCoroutines = 100;
constexpr int kGetsPerCoroutine = 10;
constexpr std::string_view kKey = "bench:key";
const std::string kValue(64, 'v');  // a small cached value

// What the benchmarks talk to; set up by main before they run and torn down after.
struct Backends {
  std::shared_ptr<runtime::EngineHost> engine;
  std::optional<testing::ServerProcess> understudy;
  std::optional<testing::ServerProcess> redis;
};
Backends* backends = nullptr;

// The options reaching a backend, or nullopt (and the benchmark skipped) when it is missing.
std::optional<Options> OptionsFor(Backend backend, benchmark::State& state) {
  Options options;
  switch (backend) {
    case Backend::kEmbedded:
      options.engine = backends->engine;
      return options;
    case Backend::kUnderstudy:
      if (!backends->understudy) break;
      options.port = backends->understudy->port();
      return options;
    case Backend::kRedis:
      if (!backends->redis) break;
      options.port = backends->redis->port();
      return options;
  }
  state.SkipWithError("server not running");
  return std::nullopt;
}

void BM_SyncGet(benchmark::State& state, Backend backend) {
  const std::optional<Options> options = OptionsFor(backend, state);
  if (!options) return;
  Client client(*options);
  try {
    client.set(kKey, kValue);
  } catch (const Error& error) {
    state.SkipWithError(error.what());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(client.get(kKey));
  }
  state.SetItemsProcessed(state.iterations());
}

// Each iteration: 100 coroutines each await 10 GETs one after another, so up to 100 are in
// flight at once on the one connection. The io_context runs on this thread until all are done.
void BM_PipelinedGet(benchmark::State& state, Backend backend) {
  const std::optional<Options> options = OptionsFor(backend, state);
  if (!options) return;
  asio::io_context io(1);
  AsyncClient client(io.get_executor(), *options);
  try {
    Client setup(*options);
    setup.set(kKey, kValue);
  } catch (const Error& error) {
    state.SkipWithError(error.what());
    return;
  }
  std::exception_ptr failure;
  bool connect_done = false;
  asio::co_spawn(
      io, [&client]() -> asio::awaitable<void> { co_await client.async_connect(asio::use_awaitable); },
      [&](std::exception_ptr error) {
        failure = error;
        connect_done = true;
      });
  while (!connect_done) io.run_one();
  const auto get_many = [&client]() -> asio::awaitable<void> {
    for (int i = 0; i < kGetsPerCoroutine; ++i) {
      const resp::Reply reply =
          co_await client.async_command(Command("GET", kKey), asio::use_awaitable);
      benchmark::DoNotOptimize(reply.str.data());
    }
  };
  if (!failure) {
    for (auto _ : state) {
      int running = kCoroutines;
      for (int c = 0; c < kCoroutines; ++c) {
        asio::co_spawn(io, get_many, [&](std::exception_ptr error) {
          if (error && !failure) failure = error;
          --running;
        });
      }
      while (running > 0) io.run_one();
      if (failure) break;
    }
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      state.SkipWithError(error.what());
    }
  }
  state.SetItemsProcessed(state.iterations() * kCoroutines * kGetsPerCoroutine);
  // How well the connection coalesced the coroutines' GETs: requests carried per write.
  const ConnectionStats stats = client.stats();
  if (stats.writes > 0) {
    state.counters["gets_per_write"] =
        static_cast<double>(stats.requests_written) / static_cast<double>(stats.writes);
  }
  client.close();
  // Lets the closed connection's handlers finish before the io_context goes.
  io.restart();
  io.poll();
}

BENCHMARK_CAPTURE(BM_SyncGet, embedded, Backend::kEmbedded)->UseRealTime();
BENCHMARK_CAPTURE(BM_SyncGet, understudy, Backend::kUnderstudy)->UseRealTime();
BENCHMARK_CAPTURE(BM_SyncGet, redis, Backend::kRedis)->UseRealTime();
BENCHMARK_CAPTURE(BM_PipelinedGet, embedded, Backend::kEmbedded)->UseRealTime();
BENCHMARK_CAPTURE(BM_PipelinedGet, understudy, Backend::kUnderstudy)->UseRealTime();
BENCHMARK_CAPTURE(BM_PipelinedGet, redis, Backend::kRedis)->UseRealTime();

}  // namespace
}  // namespace understudy::client

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  spdlog::set_level(spdlog::level::warn);

  understudy::client::Backends backends;
  backends.engine =
      std::make_shared<understudy::runtime::EngineHost>(understudy::engine::Config{});
  auto understudy = understudy::testing::StartUnderstudy();
  if (understudy.ok()) {
    backends.understudy.emplace(std::move(*understudy));
  } else {
    std::fprintf(stderr, "understudy-server benchmarks skipped: %s\n",
                 understudy.status().ToString().c_str());
  }
  auto redis = understudy::testing::StartRedis();
  if (redis.ok()) {
    backends.redis.emplace(std::move(*redis));
  } else {
    std::fprintf(stderr, "redis-server benchmarks skipped: %s\n",
                 redis.status().ToString().c_str());
  }
  understudy::client::backends = &backends;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  understudy::client::backends = nullptr;
  return 0;
}
