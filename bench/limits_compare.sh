#!/usr/bin/env bash
# Hostile clients against understudy-server and a real redis-server, side by side: each
# scenario starts a fresh server of each kind on a free loopback port, one after the other, and
# prints what the server's memory (VmRSS, VmHWM from /proc) and the other clients' latency did.
#   1. 50 clients each pipeline 2,000 GETs of a 100 KB value and never read: RSS, with the
#      limits at their defaults and at a tighter setting.
#   2. One client sends a 512 MB bulk (SET): peak RSS, and the longest PING stall another
#      client sees meanwhile.
#   3. One client runs a 1,000,000-command pipeline (reading its replies): PING latency of 5
#      other clients meanwhile.
# Scenarios 2 and 3 print the median of 3 runs, as the machine may be shared.
# Usage: bench/limits_compare.sh [build-dir] [rss-cap-mb] [scenarios, e.g. 23; default 123]
# A server whose RSS passes rss-cap-mb (default 2048) in scenario 1 is killed there, so the
# machine is not driven out of memory; its figure then reads ">= cap".
set -euo pipefail
build=${1:-build}
cap_mb=${2:-2048}
scenarios=${3:-123}
server="$build/server/understudy-server"
[ -x "$server" ] || { echo "no $server: build first" >&2; exit 1; }
server=$(realpath "$server")
command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }

exec python3 - "$server" "$(command -v redis-server)" "$cap_mb" "$scenarios" <<'PYTHON'
import multiprocessing
import os
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

UNDERSTUDY, REDIS, CAP_MB, SCENARIOS = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
MB = 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_reply(sock, buf=b""):
    """Reads one reply (enough for +, -, :, $ replies); returns (reply, rest)."""
    while b"\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    line, rest = buf.split(b"\r\n", 1)
    if line[:1] == b"$" and int(line[1:]) >= 0:
        n = int(line[1:])
        while len(rest) < n + 2:
            chunk = sock.recv(max(65536, n + 2 - len(rest)))
            if not chunk:
                raise ConnectionError("closed")
            rest += chunk
        return rest[:n], rest[n + 2:]
    return line, rest


def call(sock, *args):
    sock.sendall(command(*args))
    return read_reply(sock)[0]


class Server:
    def __init__(self, kind, extra=()):
        self.kind, self.port = kind, free_port()
        self.dir = tempfile.mkdtemp(prefix="limits-bench-")
        if kind == "understudy":
            argv = [UNDERSTUDY, "--port", str(self.port), "--bind", "127.0.0.1",
                    "--loglevel", "warning"]
        else:
            argv = [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--loglevel", "warning", "--dir", self.dir]
        self.proc = subprocess.Popen(argv + list(extra), cwd=self.dir,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port)).close()
                break
            except OSError:
                time.sleep(0.02)
        else:
            raise RuntimeError(f"{kind} did not start")

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def memory(self):
        """(VmRSS, VmHWM) in bytes."""
        fields = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    fields[name] = int(value.split()[0]) * 1024
        return fields["VmRSS"], fields["VmHWM"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def mb(n):
    return f"{n / MB:8.1f} MB"


def closed(sock):
    """Whether the peer closed (or reset) the connection, without reading its data."""
    p = select.poll()
    p.register(sock, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    return bool(p.poll(0))


# 1. Non-reading pipeliners.
def pipeliners(kind, config, clients=50, gets=2000, seconds=8):
    server = Server(kind)
    try:
        control = server.connect()
        if config:
            assert call(control, "CONFIG", "SET", *config) == b"+OK", config
        call(control, "SET", "v", b"x" * (100 * 1024))
        base, _ = server.memory()
        # Watches memory from its own thread: a server busy for seconds must still be stopped
        # at the cap.
        state = dict(peak=0, capped=False, done=False)

        def watch():
            while not state["done"]:
                rss, _ = server.memory()
                state["peak"] = max(state["peak"], rss)
                if rss > CAP_MB * MB:
                    state["capped"] = True
                    server.proc.kill()
                    return
                time.sleep(0.01)

        watcher = threading.Thread(target=watch)
        watcher.start()
        pipeline = command("GET", "v") * gets
        socks, offsets = [], []
        for _ in range(clients):
            s = server.connect()
            s.setblocking(False)
            socks.append(s)
            offsets.append(0)
        control.settimeout(seconds)
        start, ping_max = time.time(), 0.0
        try:
            while time.time() - start < seconds and not state["capped"]:
                for i, s in enumerate(socks):
                    if offsets[i] < len(pipeline):
                        try:
                            offsets[i] += s.send(pipeline[offsets[i]:])
                        except (BlockingIOError, ConnectionError):
                            pass
                t = time.perf_counter()
                call(control, "PING")
                ping_max = max(ping_max, time.perf_counter() - t)
                time.sleep(0.05)
        except (OSError, ConnectionError):
            ping_max = None  # stopped at the cap while the PING waited
        state["done"] = True
        watcher.join()
        end = base if state["capped"] else server.memory()[0]
        dropped = 0 if state["capped"] else sum(closed(s) for s in socks)
        for s in socks:
            s.close()
        return dict(base=base, peak=state["peak"], end=end, capped=state["capped"],
                    dropped=dropped, ping_max=ping_max)
    finally:
        server.stop()


# 2. One 512 MB bulk.
def send_bulk(port, size):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n" % size)
    chunk = b"x" * MB
    for _ in range(size // MB):
        s.sendall(chunk)
    s.sendall(b"\r\n")
    reply, _ = read_reply(s)
    assert reply == b"+OK", reply


def big_bulk(kind, size=512 * MB):
    server = Server(kind)
    try:
        base, _ = server.memory()
        pinger = server.connect()
        sender = multiprocessing.Process(target=send_bulk, args=(server.port, size))
        start = time.perf_counter()
        sender.start()
        stalls = []
        while sender.is_alive():
            t = time.perf_counter()
            assert call(pinger, "PING") == b"+PONG"
            stalls.append(time.perf_counter() - t)
        sender.join()
        elapsed = time.perf_counter() - start
        time.sleep(1)  # memory given back off the loop (a helper thread unmaps) has gone by now
        rss, hwm = server.memory()
        return dict(base=base, peak=hwm, end=rss, stall=max(stalls), elapsed=elapsed)
    finally:
        server.stop()


# 3. A million-command pipeline beside other clients.
def run_pipeline(port, n, started):
    s = socket.create_connection(("127.0.0.1", port))
    request = command("PING")
    reply = b"+PONG\r\n"
    batch = 10000

    def sender():
        for _ in range(n // batch):
            s.sendall(request * batch)

    t = threading.Thread(target=sender)
    t.start()
    started.set()
    want, got = n * len(reply), 0
    while got < want:
        chunk = s.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed")
        got += len(chunk)
    t.join()


def ping_latencies(socks, seconds=None, until=None):
    lat = []
    start = time.perf_counter()
    while (until is not None and until.is_alive()) or \
            (seconds is not None and time.perf_counter() - start < seconds):
        for s in socks:
            t = time.perf_counter()
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            read_reply(s)
            lat.append(time.perf_counter() - t)
        time.sleep(0.001)
    return lat


def pipeline_fairness(kind, n=1_000_000, others=5):
    server = Server(kind)
    try:
        socks = [server.connect() for _ in range(others)]
        idle = ping_latencies(socks, seconds=1)
        started = multiprocessing.Event()
        loader = multiprocessing.Process(target=run_pipeline, args=(server.port, n, started))
        t = time.perf_counter()
        loader.start()
        started.wait()
        busy = ping_latencies(socks, until=loader)
        loader.join()
        elapsed = time.perf_counter() - t
        q = lambda v, p: sorted(v)[min(len(v) - 1, int(p * len(v)))] * 1000
        return dict(idle_p50=q(idle, 0.5), p50=q(busy, 0.5), p99=q(busy, 0.99),
                    worst=max(busy) * 1000, samples=len(busy), elapsed=elapsed)
    finally:
        server.stop()


def median_of(runs, scenario, *args):
    """Each figure's median over `runs` runs: the machine may be shared."""
    results = [scenario(*args) for _ in range(runs)]
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def main():
    kinds = ["understudy", "redis"]
    if "1" in SCENARIOS:
        pipeliners_scenario(kinds)
    if "2" in SCENARIOS:
        big_bulk_scenario(kinds)
    if "3" in SCENARIOS:
        pipeline_fairness_scenario(kinds)


def pipeliners_scenario(kinds):
    print("1. 50 clients pipeline 2,000 GETs of a 100 KB value each and never read (8 s)")
    tight_limit = ["client-output-buffer-limit", "normal 32mb 16mb 10"]
    settings = [
        ("defaults", {"understudy": [], "redis": []}),
        ("tight", {"understudy": tight_limit + ["client-output-pause-threshold", "256kb"],
                   "redis": tight_limit}),
    ]
    print(f"   {'setting':9} {'server':11} {'base RSS':>11} {'peak RSS':>11} {'end RSS':>11} "
          f"{'closed':>7} {'max PING':>9}")
    for name, config in settings:
        for kind in kinds:
            r = pipeliners(kind, config[kind])
            if r["capped"]:
                print(f"   {name:9} {kind:11} {mb(r['base'])}  >= {CAP_MB} MB: stopped at the cap")
                continue
            ping = "-" if r["ping_max"] is None else f"{r['ping_max'] * 1000:.1f} ms"
            print(f"   {name:9} {kind:11} {mb(r['base'])} {mb(r['peak'])} {mb(r['end'])} "
                  f"{r['dropped']:7d} {ping:>9}")
    print("   tight: client-output-buffer-limit 'normal 32mb 16mb 10' on both, and "
          "client-output-pause-threshold 256kb on understudy")


def big_bulk_scenario(kinds):
    print("2. One client SETs a 512 MB value while another PINGs back to back (median of 3)")
    print(f"   {'server':11} {'base RSS':>11} {'peak RSS':>11} {'end RSS':>11} "
          f"{'longest PING':>13} {'upload':>8}")
    for kind in kinds:
        r = median_of(3, big_bulk, kind)
        print(f"   {kind:11} {mb(r['base'])} {mb(r['peak'])} {mb(r['end'])} "
              f"{r['stall'] * 1000:10.1f} ms {r['elapsed']:6.2f} s")


def pipeline_fairness_scenario(kinds):
    print("3. PING latency of 5 clients while one client runs a 1,000,000-PING pipeline "
          "(median of 3)")
    print(f"   {'server':11} {'idle p50':>9} {'busy p50':>9} {'busy p99':>9} {'worst':>9} "
          f"{'pipeline':>9}")
    for kind in kinds:
        r = median_of(3, pipeline_fairness, kind)
        print(f"   {kind:11} {r['idle_p50']:6.3f} ms {r['p50']:6.3f} ms {r['p99']:6.3f} ms "
              f"{r['worst']:6.1f} ms {r['elapsed']:7.2f} s")


if __name__ == "__main__":
    main()
PYTHON
