// Command execution in process (parse-free): the cost of dispatch, the store and the reply.
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/engine/engine.h"
#include "store/clock.h"

namespace understudy::engine {
namespace {

struct Harness {
  store::ManualClock clock;
  ManualExecutor executor{clock};
  Engine engine{clock, Config{}, executor};
  Client& client = engine.Register(nullptr);

  // Takes the arguments by initializer list so the harness itself allocates nothing.
  void Run(std::initializer_list<std::string_view> args) {
    const std::span<const std::string_view> argv(args.begin(), args.size());
    client.output.clear();
    engine.Execute(client, argv);
  }
};

void BM_Set(benchmark::State& state) {
  Harness h;
  std::vector<std::string> keys;
  for (int i = 0; i < 10'000; ++i) keys.push_back("key:" + std::to_string(i));
  size_t i = 0;
  for (auto _ : state) {
    h.Run({"SET", keys[i++ % keys.size()], "value"});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Set);

void BM_Get(benchmark::State& state) {
  Harness h;
  std::vector<std::string> keys;
  for (int i = 0; i < 10'000; ++i) {
    keys.push_back("key:" + std::to_string(i));
    h.Run({"SET", keys.back(), "value"});
  }
  size_t i = 0;
  for (auto _ : state) {
    h.Run({"GET", keys[i++ % keys.size()]});
    benchmark::DoNotOptimize(h.client.output.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Get);

void BM_Incr(benchmark::State& state) {
  Harness h;
  for (auto _ : state) h.Run({"INCR", "counter"});
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Incr);

void BM_SetWithTtl(benchmark::State& state) {
  Harness h;
  std::vector<std::string> keys;
  for (int i = 0; i < 10'000; ++i) keys.push_back("key:" + std::to_string(i));
  size_t i = 0;
  for (auto _ : state) h.Run({"SET", keys[i++ % keys.size()], "value", "EX", "100"});
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SetWithTtl);

}  // namespace
}  // namespace understudy::engine
