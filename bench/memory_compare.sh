#!/usr/bin/env bash
# Memory per key of understudy-server beside a real redis-server, and the worst SET latency while
# each grows to 4,000,000 keys.
#
# Every scenario (see bench/memory_load.py) loads into a fresh understudy-server and a fresh
# redis-server on free loopback ports, and the growth of each process's RSS (VmRSS) is divided by
# the keys, and for lists, hashes, sets and sorted sets also by the elements (fields, members)
# loaded. The latency run is redis-benchmark SET with 4,000,000 requests on random 16-byte keys
# from a range of 2*10^9 (so about 3,996,000 distinct keys), 16-byte values, 8 clients and no
# pipelining; its max is the worst single SET.
# On a busy machine the max includes scheduling noise: compare it with the p99.
#
# Usage: bench/memory_compare.sh [build-dir] [--no-latency]
set -euo pipefail
build=${1:-build}
latency=1
[ "${2:-}" = "--no-latency" ] && latency=0
server="$build/server/understudy-server"
[ -x "$server" ] || { echo "no $server: build first" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

# shellcheck source=bench/servers.sh
. "$here/servers.sh"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

measure() {  # name scenario -> "bytes_per_key bytes_per_element", or "n/a n/a" if it failed
  local port before after counts
  port=$(free_port)
  start "$1" "$port"
  before=$(rss_kb "$pid")
  if ! counts=$(python3 "$here/memory_load.py" "$port" "$2"); then
    stop
    echo "n/a n/a"
    return
  fi
  sleep 1  # let the allocator settle (jemalloc purges in the background)
  after=$(rss_kb "$pid")
  stop
  read -r keys elements <<<"$counts"
  awk -v b="$before" -v a="$after" -v k="$keys" -v e="$elements" \
    'BEGIN {printf "%.1f %.1f\n", (a - b) * 1024 / k, (a - b) * 1024 / e}'
}

printf "%-36s %14s %14s\n" "RSS growth (bytes)" "understudy" "redis 7.0"
row() {  # label scenario per(key|element)
  local us redis field=1
  [ "$3" = element ] && field=2
  us=$(measure understudy "$2" | cut -d' ' -f$field)
  redis=$(measure redis "$2" | cut -d' ' -f$field)
  printf "%-36s %14s %14s\n" "$1" "$us" "$redis"
}
row "1M strings, per key" strings key
row "1M strings EX 3600, per key" strings-ex key
row "1,000 lists x 10, per key" lists-small key
row "1,000 lists x 10, per element" lists-small element
row "100 lists x 1,000, per element" lists-medium element
row "1 list x 1,000,000, per element" list-huge element
row "10,000 hashes x 100, per field" hashes element
row "10,000 sets x 100 strings, per member" sets element
row "10,000 sets x 100 ints, per member" intsets element
row "1 zset x 1,000,000, per member" zset-huge element

[ "$latency" = 1 ] || exit 0
worst_set() {  # name -> "p99_ms max_ms keys"
  local port summary keys
  port=$(free_port)
  start "$1" "$port"
  summary=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set -n 4000000 -r 2000000000 -d 16 -c 8 \
              -P 1 2>/dev/null | tr '\r' '\n' |
            awk '/latency summary/ {getline; getline; print $5, $6; exit}')
  keys=$(redis-cli -p "$port" dbsize)
  stop
  echo "$summary $keys"
}
echo
printf "%-36s %14s %14s\n" "SET latency growing to 4M keys" "understudy" "redis 7.0"
read -r us_p99 us_max us_keys <<<"$(worst_set understudy)"
read -r redis_p99 redis_max redis_keys <<<"$(worst_set redis)"
printf "%-36s %14s %14s\n" "p99 (ms)" "$us_p99" "$redis_p99"
printf "%-36s %14s %14s\n" "max (ms)" "$us_max" "$redis_max"
printf "%-36s %14s %14s\n" "keys at the end" "$us_keys" "$redis_keys"
