#!/usr/bin/env python3
"""Active expiry beside real Redis: how long 1,000,000 keys that fall due at once take to
disappear without being touched, and how much of their memory each server gives back.

Usage: bench/expiry_compare.py [build-dir] [keys]

Starts understudy-server and redis-server on free loopback ports and loads the keys into each over
pipelined RESP, all with one deadline (PXAT) 30 s after the load began, so none expires while
loading. Then polls DBSIZE every 50 ms until it is 0 (giving up 60 s after the deadline). Prints,
per server: RSS before loading, after loading, and 2 s after the last key expired, the time from
the deadline to an empty keyspace, and the longest PING another client waited meanwhile.
"""

import os
import socket
import subprocess
import sys
import threading
import time

BATCH = 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


class Connection:
    def __init__(self, port):
        deadline = time.monotonic() + 10
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port))
                break
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""

    def send(self, *commands):
        out = []
        for args in commands:
            out.append(b"*%d\r\n" % len(args))
            for a in args:
                out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def simple_reply(self):
        line = self.line()
        if line[:1] == b"-":
            raise RuntimeError(line.decode())
        return line[1:]

    def call(self, *args):
        self.send(args)
        return self.simple_reply()


def measure(name, argv, port, keys):
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = Connection(port)
        before = rss_kb(proc.pid)
        due_in = 30.0
        deadline = time.monotonic() + due_in
        deadline_ms = b"%d" % int((time.time() + due_in) * 1000)
        for start in range(0, keys, BATCH):
            end = min(start + BATCH, keys)
            conn.send(*((b"SET", b"key:%010d" % i, b"value-%010d" % i, b"PXAT", deadline_ms)
                        for i in range(start, end)))
            for _ in range(end - start):
                conn.simple_reply()
        loaded = rss_kb(proc.pid)
        if time.monotonic() >= deadline:
            print(f"{name}: the load took longer than {due_in} s; the figure is meaningless")
        while time.monotonic() < deadline:
            time.sleep(0.01)
        # Another client PINGs throughout the expiry: the longest wait is the worst stall.
        done = threading.Event()
        stalls = []

        def ping():
            pinger = Connection(port)
            while not done.is_set():
                sent = time.monotonic()
                pinger.call(b"PING")
                stalls.append(time.monotonic() - sent)
                time.sleep(0.001)

        pinger = threading.Thread(target=ping)
        pinger.start()
        while int(conn.call(b"DBSIZE")) > 0 and time.monotonic() - deadline < 60:
            time.sleep(0.05)
        emptied = time.monotonic() - deadline
        time.sleep(2)
        done.set()
        pinger.join()
        after = rss_kb(proc.pid)
        print(f"{name:11} rss before {before / 1024:8.1f} MB  loaded {loaded / 1024:8.1f} MB  "
              f"after expiry {after / 1024:8.1f} MB  empty {emptied:5.2f} s after the deadline  "
              f"longest PING meanwhile {max(stalls) * 1000:6.1f} ms")
    finally:
        proc.terminate()
        proc.wait()


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    keys = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    server = os.path.join(build, "server", "understudy-server")
    port = free_port()
    measure("understudy", [server, "--port", str(port), "--loglevel", "warning"], port, keys)
    port = free_port()
    measure("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no"], port, keys)


if __name__ == "__main__":
    main()
