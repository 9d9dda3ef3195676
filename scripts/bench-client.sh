#!/usr/bin/env bash
# Builds and runs bench/client_bench: GET round trips through the client library to the engine
# in the process, to understudy-server and to redis-server over loopback, synchronous and
# auto-pipelined from 100 coroutines. Prints GETs per second (the median of the repetitions)
# side by side, with understudy's ratios to Redis.
# Usage: scripts/bench-client.sh [build-dir] [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
repetitions=${2:-3}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DUNDERSTUDY_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target client_bench understudy-server >/dev/null

out=$(mktemp)
log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
if ! "$build/bench/client_bench" --benchmark_repetitions="$repetitions" \
    --benchmark_report_aggregates_only=true --benchmark_out="$out" \
    --benchmark_out_format=json >/dev/null 2>"$log"; then
  cat "$log" >&2
  exit 1
fi
# A server that would not start, and how busy the machine was: both colour the numbers.
grep -E 'skipped|Load Average' "$log" || true

python3 - "$out" "$repetitions" <<'EOF'
import json, sys

rates = {}  # (mode, backend) -> GETs per second, median of the repetitions
per_write = {}  # backend -> GETs the pipelined connection carried per write
for run in json.load(open(sys.argv[1]))["benchmarks"]:
    if run.get("aggregate_name") != "median" or "items_per_second" not in run:
        continue
    mode, backend = run["run_name"].split("/")[:2]
    rates[(mode, backend)] = run["items_per_second"]
    if "gets_per_write" in run:
        per_write[backend] = run["gets_per_write"]

modes = [("BM_SyncGet", "sync Client, 1 GET in flight"),
         ("BM_PipelinedGet", "AsyncClient, 100 coroutines")]
backends = ["embedded", "understudy", "redis"]

def cell(value):
    return f"{value:>12,.0f}" if value else f"{'-':>12}"

def ratio(a, b):
    return f"{a / b:>9.2f}" if a and b else f"{'-':>9}"

print(f"GET round trips per second, median of {sys.argv[2]} runs each")
print(f"{'mode':<30} {'in-process':>12} {'understudy':>12} {'redis':>12} "
      f"{'understudy/redis':>16} {'in-process/redis':>16}")
for key, label in modes:
    embedded, understudy, redis = (rates.get((key, b)) for b in backends)
    print(f"{label:<30} {cell(embedded)} {cell(understudy)} {cell(redis)} "
          f"{ratio(understudy, redis):>16} {ratio(embedded, redis):>16}")
if per_write:
    print("automatic pipelining, GETs per write: " +
          ", ".join(f"{b} {per_write[b]:.1f}" for b in backends if b in per_write))
EOF
