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

// A sorted set of state.range(0) members m:<i> scored i, as large sorted sets are (skiplist).
std::vector<std::string> FillSortedSet(Harness& h, int64_t n) {
  std::vector<std::string> members;
  members.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    members.push_back("m:" + std::to_string(i));
    const std::string score = std::to_string(i);
    h.Run({"ZADD", "z", score, members.back()});
  }
  return members;
}

// ZRANGE by rank, 10 members from a random start: O(log N + 10).
void BM_ZRangeByRank(benchmark::State& state) {
  Harness h;
  const int64_t n = state.range(0);
  FillSortedSet(h, n);
  std::vector<std::string> starts;
  for (int64_t i = 0; i < 4096; ++i) starts.push_back(std::to_string((i * 7919) % (n - 10)));
  std::vector<std::string> stops;
  for (const std::string& start : starts) stops.push_back(std::to_string(std::stoll(start) + 9));
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ % starts.size();
    h.Run({"ZRANGE", "z", starts[k], stops[k]});
    benchmark::DoNotOptimize(h.client.output.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ZRangeByRank)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

// ZRANK of a random member: O(log N).
void BM_ZRank(benchmark::State& state) {
  Harness h;
  const std::vector<std::string> members = FillSortedSet(h, state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    h.Run({"ZRANK", "z", members[(i++ * 7919) % members.size()]});
    benchmark::DoNotOptimize(h.client.output.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ZRank)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

}  // namespace
}  // namespace understudy::engine
