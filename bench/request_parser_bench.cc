// Request parsing throughput: pipelined SETs as redis-benchmark -P 16 sends them.
#include <string>

#include "benchmark/benchmark.h"
#include "resp/request_parser.h"

namespace understudy::resp {
namespace {

std::string PipelinedSets(int count, size_t value_size) {
  const std::string value(value_size, 'x');
  std::string out;
  for (int i = 0; i < count; ++i) {
    const std::string key = "key:" + std::to_string(i);
    out += "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$" +
           std::to_string(value.size()) + "\r\n" + value + "\r\n";
  }
  return out;
}

void BM_ParsePipelinedSets(benchmark::State& state) {
  const std::string input = PipelinedSets(16, static_cast<size_t>(state.range(0)));
  RequestParser parser;
  for (auto _ : state) {
    std::string_view rest = input;
    while (!rest.empty()) {
      if (parser.Parse(rest) != RequestParser::Status::kCommand) std::abort();
      benchmark::DoNotOptimize(parser.args().data());
      rest.remove_prefix(parser.consumed());
    }
  }
  state.SetItemsProcessed(state.iterations() * 16);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}
BENCHMARK(BM_ParsePipelinedSets)->Arg(3)->Arg(100)->Arg(16 * 1024);

void BM_ParseInline(benchmark::State& state) {
  const std::string input = "SET key:123 \"some value\"\r\n";
  RequestParser parser;
  for (auto _ : state) {
    if (parser.Parse(input) != RequestParser::Status::kCommand) std::abort();
    benchmark::DoNotOptimize(parser.args().data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseInline);

}  // namespace
}  // namespace understudy::resp
