#!/usr/bin/env bash
# Runs the same redis-benchmark load against understudy-server and a real redis-server, one
# after the other on free loopback ports, and prints requests per second and the ratio.
# Usage: bench/compare_redis.sh [build-dir] [requests]
set -euo pipefail
build=${1:-build}
requests=${2:-200000}
server="$build/server/understudy-server"
[ -x "$server" ] || { echo "no $server: build first" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

run() {  # port -> "test rps" lines
  redis-benchmark -h 127.0.0.1 -p "$1" -t set,get,incr,mset -n "$requests" -P 16 -q 2>/dev/null |
    tr '\r' '\n' | awk -F': ' '/requests per second/ {split($2, a, " "); name = $1; gsub(/[ ()]/, "", name); print name, a[1]}'
}

us_port=$(free_port)
"$server" --port "$us_port" --loglevel warning >/dev/null &
us_pid=$!
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >/dev/null &
redis_pid=$!
trap 'kill $us_pid $redis_pid 2>/dev/null || true' EXIT
wait_ready "$us_port"
wait_ready "$redis_port"

join <(run "$us_port" | sort) <(run "$redis_port" | sort) |
  awk 'BEGIN {printf "%-16s %14s %14s %8s\n", "test", "understudy", "redis", "ratio"}
       {printf "%-16s %14.0f %14.0f %8.2f\n", $1, $2, $3, $2 / $3}'
