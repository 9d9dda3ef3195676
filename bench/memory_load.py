#!/usr/bin/env python3
"""Loads one memory benchmark scenario into a Redis-protocol server over pipelined RESP.

Usage: memory_load.py PORT SCENARIO

Scenarios (what bench/memory_compare.sh measures):
  strings      1,000,000 SETs of a 14-byte key ("key:0000000001") and a 16-byte value
  strings-ex   the same with EX 3600
  lists-small  1,000 lists of 10 elements
  lists-medium 100 lists of 1,000 elements
  list-huge    1 list of 1,000,000 elements
  hashes       10,000 hashes of 100 fields, 8-byte fields and values
  sets         10,000 sets of 100 string members of 8 bytes
  intsets      10,000 sets of the 100 integers 0, 7, 14, ... 693
  zset-huge    1 sorted set of 1,000,000 members of 15 bytes, member m scored m*1.5
List elements are 16 bytes and not integers, so no encoding stores them as numbers.
Prints "keys elements". Fails on any error reply.
"""

import socket
import sys

BATCH = 1000  # commands per round trip
CHUNK = 100  # elements per RPUSH


def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


def element(i):
    return b"element-%08d" % i


def strings(expire):
    suffix = (b"EX", b"3600") if expire else ()
    for i in range(1, 1_000_001):
        yield command(b"SET", b"key:%010d" % i, b"value-%010d" % i, *suffix)


def lists(count, length):
    for k in range(count):
        key = b"list:%07d" % k
        for start in range(0, length, CHUNK):
            end = min(start + CHUNK, length)
            yield command(b"RPUSH", key, *(element(i) for i in range(start, end)))


def hashes(count, fields):
    for k in range(count):
        pairs = []
        for f in range(fields):
            pairs += [b"field%03d" % f, b"value%03d" % f]
        yield command(b"HSET", b"hash:%06d" % k, *pairs)


def sets(count, members):
    for k in range(count):
        yield command(b"SADD", b"set:%07d" % k, *(members(i) for i in range(100)))


def zset_huge():
    for start in range(0, 1_000_000, CHUNK):
        args = []
        for m in range(start, start + CHUNK):
            args += [repr(m * 1.5).encode(), b"member:%08d" % m]
        yield command(b"ZADD", b"zset", *args)


SCENARIOS = {
    "strings": (lambda: strings(False), 1_000_000, 1_000_000),
    "strings-ex": (lambda: strings(True), 1_000_000, 1_000_000),
    "lists-small": (lambda: lists(1_000, 10), 1_000, 10_000),
    "lists-medium": (lambda: lists(100, 1_000), 100, 100_000),
    "list-huge": (lambda: lists(1, 1_000_000), 1, 1_000_000),
    "hashes": (lambda: hashes(10_000, 100), 10_000, 1_000_000),
    "sets": (lambda: sets(10_000, lambda i: b"memb%04d" % i), 10_000, 1_000_000),
    "intsets": (lambda: sets(10_000, lambda i: b"%d" % (7 * i)), 10_000, 1_000_000),
    "zset-huge": (zset_huge, 1, 1_000_000),
}


def run(sock, commands):
    """Sends commands in batches; every reply of these commands is one line."""
    batch = []
    for cmd in commands:
        batch.append(cmd)
        if len(batch) == BATCH:
            flush(sock, batch)
            batch = []
    if batch:
        flush(sock, batch)


def flush(sock, batch):
    sock.sendall(b"".join(batch))
    buf = bytearray()
    lines = 0
    while lines < len(batch):
        data = sock.recv(1 << 20)
        if not data:
            sys.exit("connection closed")
        lines += data.count(b"\r\n")
        buf += data
    if buf.startswith(b"-") or b"\r\n-" in buf:
        sys.exit("error reply: " + buf.decode(errors="replace").split("-", 1)[1].split("\r\n")[0])


def main():
    port, scenario = int(sys.argv[1]), sys.argv[2]
    generate, keys, elements = SCENARIOS[scenario]
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        run(sock, generate())
    print(keys, elements)


if __name__ == "__main__":
    main()
