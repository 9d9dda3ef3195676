#!/usr/bin/env bash
# How the cost of the sorted set, set and hash lookups grows with the container's size, for
# understudy-server beside a real redis-server. For each size N (1,000, 100,000 and 1,000,000)
# a fresh server of each kind gets a sorted set, a set and a hash of N members m:<12 digits>
# (scores 0..N-1), then redis-benchmark runs each command with random members (-r N; 4
# clients, pipelines of 32) and reports thousands of requests per second. An O(log N) command
# loses a little from N=1,000 to N=1,000,000, an O(1) one nothing; an O(N) one would lose a
# factor near 1,000. ZREM runs last, as it empties the set as it goes. ZRANGE by rank is
# measured in process by bench/engine_bench.cc (BM_ZRangeByRank), as redis-benchmark cannot
# make a stop index follow a random start.
# Usage: bench/complexity_compare.sh [build-dir] [requests per command, default 200000]
set -euo pipefail
build=${1:-build}
requests=${2:-200000}
server="$build/server/understudy-server"
[ -x "$server" ] || { echo "no $server: build first" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "redis-benchmark is not installed" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/servers.sh
. "$here/servers.sh"

load() {  # port n: ZADD z, SADD s, HSET h with n members, pipelined
  python3 - "$1" "$2" <<'PYTHON'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
def command(*args):
    return b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args])
def member(i):
    return b"m:%012d" % i
sock = socket.create_connection(("127.0.0.1", port))
batch, pending = [], 0
def flush():
    global batch, pending
    sock.sendall(b"".join(batch))
    got = 0
    while got < pending:
        data = sock.recv(1 << 20)
        if not data or b"-" == data[:1]:
            sys.exit("load failed")
        got += data.count(b"\r\n")
    batch, pending = [], 0
for start in range(0, n, 500):
    ids = range(start, min(start + 500, n))
    zadd = [b"ZADD", b"z"]
    for i in ids:
        zadd += [b"%d" % i, member(i)]
    batch.append(command(*zadd))
    batch.append(command(b"SADD", b"s", *(member(i) for i in ids)))
    hset = [b"HSET", b"h"]
    for i in ids:
        hset += [member(i), b"v"]
    batch.append(command(*hset))
    pending += 3
    if pending >= 30:
        flush()
if pending:
    flush()
PYTHON
}

commands=(
  "ZSCORE z m:__rand_int__"
  "ZRANK z m:__rand_int__"
  "ZADD z __rand_int__ m:__rand_int__"
  "ZRANGE z __rand_int__ +inf BYSCORE LIMIT 0 10"
  "SISMEMBER s m:__rand_int__"
  "HGET h m:__rand_int__"
  "ZREM z m:__rand_int__"
)

declare -A krps
for n in 1000 100000 1000000; do
  for kind in understudy redis; do
    port=$(free_port)
    start "$kind" "$port"
    load "$port" "$n"
    for c in "${commands[@]}"; do
      # shellcheck disable=SC2086
      rps=$(redis-benchmark -h 127.0.0.1 -p "$port" -n "$requests" -P 32 -c 4 -r "$n" --csv $c \
              2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"')
      krps["$kind|$n|$c"]=$(awk -v r="$rps" 'BEGIN {printf "%.0f", r / 1000}')
    done
    stop
  done
done

printf "%-46s %22s %22s %22s\n" "thousand requests/s: understudy / redis" "N=1,000" "N=100,000" \
  "N=1,000,000"
for c in "${commands[@]}"; do
  printf "%-46s" "$c"
  for n in 1000 100000 1000000; do
    printf " %22s" "${krps["understudy|$n|$c"]} / ${krps["redis|$n|$c"]}"
  done
  printf "\n"
done
