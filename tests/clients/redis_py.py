"""The seed application's features written with redis-py, one JSON line per result.

Run against real Redis and against understudy-server, the two transcripts must be identical.
Usage: python3 redis_py.py PORT
"""

import json
import sys
import threading

import redis

PORT = int(sys.argv[1])


def show(step, value):
    print(json.dumps([step, value]), flush=True)


def show_error(step, call):
    try:
        show(step, {"unexpected": call()})
    except redis.ResponseError as error:
        show(step, {"error": str(error)})


def connect(**options):
    return redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=5, **options)


r = connect(decode_responses=True, client_name="seed-app")
r.flushall()
show("ping", r.ping())
show("client getname", r.client_getname())
show("info server fields", sorted(k for k in ("redis_version", "tcp_port") if k in r.info("server")))

# Strings with TTLs, as the seed's cache and sessions use them.
show("set ex", r.set("cache:user:123", json.dumps({"id": 123}), ex=300))
show("get", json.loads(r.get("cache:user:123")))
show("ttl", r.ttl("cache:user:123"))
show("set nx", r.set("cache:user:123", "x", nx=True))
show("set keepttl", r.set("cache:user:123", "y", keepttl=True))
show("ttl kept", r.ttl("cache:user:123"))
show("getex persist", r.getex("cache:user:123", persist=True))
show("expire gt", r.expire("cache:user:123", 100, gt=True))
show("incrbyfloat", r.incrbyfloat("float", "2.5"))
show("setrange", r.setrange("s", 3, "abc"))
show("get padded", r.get("s"))
show("append", r.append("s", "!"))
show("strlen", r.strlen("s"))

# Hashes, lists, sets and sorted sets.
show("hset mapping", r.hset("profile", mapping={"name": "John", "visits": 1}))
show("hincrby", r.hincrby("profile", "visits", 2))
show("hgetall", r.hgetall("profile"))
show("hexists", r.hexists("profile", "email"))
show("rpush", r.rpush("history", *[f"m{i}" for i in range(5)]))
show("ltrim", r.ltrim("history", -3, -1))
show("lrange", r.lrange("history", 0, -1))
show("lmove", r.lmove("history", "archive", "LEFT", "RIGHT"))
show("sadd", r.sadd("tags", "a", "b", "c"))
show("smismember", r.smismember("tags", ["a", "z"]))
show("sunion", sorted(r.sunion("tags", "more-tags")))
show("zadd", r.zadd("scores", {"alice": 3, "bob": 1.5, "carol": 2}))
show("zrange withscores", r.zrange("scores", 0, -1, withscores=True))
show("zrevrank", r.zrevrank("scores", "bob"))
show("zpopmax", r.zpopmax("scores"))
show("zrangebyscore", r.zrangebyscore("scores", "-inf", "(3", withscores=True))

# Pipelines: transactional (MULTI/EXEC) and plain.
with r.pipeline(transaction=True) as pipe:
    show("multi pipeline", pipe.incr("rate:ip").expire("rate:ip", 3600).ttl("rate:ip").execute())
with r.pipeline(transaction=False) as pipe:
    show("plain pipeline", pipe.set("p", 1).get("p").delete("p").exists("p").execute())


# The optimistic-lock helper: WATCH, read, MULTI, write, retried on a conflict.
def double_balance(pipe):
    balance = int(pipe.get("balance") or 0)
    pipe.multi()
    pipe.set("balance", balance * 2)


r.set("balance", 21)
show("transaction helper", r.transaction(double_balance, "balance"))
show("balance", r.get("balance"))

with r.pipeline() as pipe:
    pipe.watch("balance")
    connect().set("balance", 1)
    pipe.multi()
    pipe.set("balance", 99)
    try:
        pipe.execute()
        show("watch conflict", "executed")
    except redis.WatchError:
        show("watch conflict", "WatchError")

# Pub/Sub: a subscriber on its own connection receives what another publishes.
pubsub = connect(decode_responses=True).pubsub()
pubsub.subscribe("alerts")
pubsub.psubscribe("room:*")
confirmations = [pubsub.get_message(timeout=5) for _ in range(2)]
show("confirmations", [(m["type"], m["channel"], m["data"]) for m in confirmations])
show("publish", r.publish("alerts", "disk full"))
show("publish pattern", r.publish("room:9", "hi"))
messages = [pubsub.get_message(timeout=5) for _ in range(2)]
show("messages", [(m["type"], m["pattern"], m["channel"], m["data"]) for m in messages])
show("numpat", r.pubsub_numpat())
pubsub.close()

# A blocking pop served by a push from another thread's connection.
pusher = threading.Timer(0.05, lambda: connect().rpush("jobs", "job-1"))
pusher.start()
show("blpop", r.blpop("jobs", timeout=5))
pusher.join()
show("blpop timeout", r.blpop("nothing", timeout=0.05))

# Scanning, bytes and errors.
show("scan_iter", sorted(r.scan_iter(match="*o*", count=2)))
raw = connect()
raw.set("bytes", b"\x00\xff\r\n")
show("bytes", list(raw.get("bytes")))
show("type", r.type("scores"))
show("object encoding", r.object("encoding", "tags"))
show("dbsize", r.dbsize())
show_error("wrong type", lambda: r.lpush("profile", "x"))
show_error("hincrby not integer", lambda: r.hincrby("profile", "name", 1))
show_error("unknown command", lambda: r.execute_command("NOSUCH"))
r.close()
