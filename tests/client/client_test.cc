#include "client/client.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/error.h"
#include "client/reply_cast.h"
#include "client/script.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/client_fixture.h"

namespace understudy::client {
namespace {

using testing::ClientTest;

class SyncClientTest : public ClientTest {};

TEST_P(SyncClientTest, SetGetWithTtl) {
  Client client(options());
  EXPECT_TRUE(client.set("greeting", "hello", std::chrono::seconds(100)));
  EXPECT_EQ(client.get("greeting"), "hello");
  EXPECT_GT(client.ttl("greeting"), 90);
  EXPECT_EQ(client.get("missing"), std::nullopt);
  EXPECT_FALSE(client.set("greeting", "again", SetOptions{.condition = SetOptions::Condition::kIfAbsent}));
  EXPECT_EQ(client.set_get("greeting", "new"), "hello");
}

TEST_P(SyncClientTest, ValuesAreBytes) {
  Client client(options());
  const std::string binary("a\0b\r\n\xff", 6);
  client.set(binary, binary);
  EXPECT_EQ(client.get(binary), binary);
}

TEST_P(SyncClientTest, ServerErrorCarriesTheExactText) {
  Client client(options());
  client.lpush("list", "x");
  try {
    client.get("list");
    FAIL() << "GET on a list must fail";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kServer);
    EXPECT_EQ(error.server_code(), "WRONGTYPE");
    EXPECT_EQ(error.server_message(),
              "WRONGTYPE Operation against a key holding the wrong kind of value");
    EXPECT_FALSE(error.retry_safe());
  }
}

TEST_P(SyncClientTest, PipelineAnswersEachCommandInOrder) {
  Client client(options());
  Request pipeline;
  pipeline.Add("SET", "k", "v").Add("LPUSH", "k", "x").Add("GET", "k").Add("INCR", "n");
  const std::vector<resp::Reply> replies = client.execute(pipeline);
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0], resp::Reply::Simple("OK"));
  EXPECT_EQ(replies[1],
            resp::Reply::Error("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(replies[2], resp::Reply::Bulk("v"));
  EXPECT_EQ(replies[3], resp::Reply::Int(1));
}

// ---- every typed family under both protocols

// Runs `body` with a fresh client speaking RESP2, then one speaking RESP3 (HELLO 3), on an
// emptied database each time: the typed methods must answer the same under both.
template <typename Body>
void ForEachProtocol(const Options& base, Body&& body) {
  for (const ProtocolChoice protocol : {ProtocolChoice::kResp2, ProtocolChoice::kAuto}) {
    Options options = base;
    options.protocol = protocol;
    Client client(options);
    client.flushdb();
    const bool resp3 = protocol == ProtocolChoice::kAuto;
    SCOPED_TRACE(resp3 ? "RESP3" : "RESP2");
    ASSERT_EQ(client.protocol(), resp3 ? resp::Protocol::kResp3 : resp::Protocol::kResp2);
    body(client, resp3);
  }
}

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_P(SyncClientTest, SetOptions) {
  ForEachProtocol(options(), [](Client& client, bool) {
    // EX: a whole number of seconds.
    EXPECT_TRUE(client.set("ex", "v", SetOptions{.ttl = seconds(100)}));
    EXPECT_GT(client.ttl("ex"), 90);
    EXPECT_LE(client.ttl("ex"), 100);
    // PX: anything finer.
    EXPECT_TRUE(client.set("px", "v", SetOptions{.ttl = milliseconds(100500)}));
    EXPECT_GT(client.pttl("px"), 90000);
    EXPECT_LE(client.pttl("px"), 100500);
    // EXAT and PXAT: an absolute time, whole seconds or not.
    const auto now = std::chrono::system_clock::now();
    const auto whole_second = std::chrono::time_point_cast<seconds>(now) + seconds(200);
    EXPECT_TRUE(client.set("exat", "v", SetOptions{.expire_at = whole_second}));
    EXPECT_GT(client.ttl("exat"), 190);
    EXPECT_LE(client.ttl("exat"), 200);
    EXPECT_TRUE(client.set("pxat", "v",
                           SetOptions{.expire_at = std::chrono::time_point_cast<milliseconds>(now) +
                                                   milliseconds(300123)}));
    EXPECT_GT(client.pttl("pxat"), 290000);
    EXPECT_LE(client.pttl("pxat"), 300123);
    // KEEPTTL keeps the TTL; a plain SET drops it.
    EXPECT_TRUE(client.set("ex", "w", SetOptions{.keep_ttl = true}));
    EXPECT_GT(client.ttl("ex"), 90);
    EXPECT_EQ(client.get("ex"), "w");
    EXPECT_TRUE(client.set("ex", "x"));
    EXPECT_EQ(client.ttl("ex"), -1);
    // NX and XX.
    const SetOptions if_absent{.condition = SetOptions::Condition::kIfAbsent};
    const SetOptions if_present{.condition = SetOptions::Condition::kIfPresent};
    EXPECT_FALSE(client.set("ex", "y", if_absent));
    EXPECT_TRUE(client.set("fresh", "1", if_absent));
    EXPECT_FALSE(client.set("absent", "1", if_present));
    EXPECT_EQ(client.get("absent"), std::nullopt);
    EXPECT_TRUE(client.set("fresh", "2", if_present));
    EXPECT_EQ(client.get("fresh"), "2");
    // GET: the old value, alone and with NX/XX (Redis 7).
    EXPECT_EQ(client.set_get("fresh", "3"), "2");
    EXPECT_EQ(client.set_get("none", "1"), std::nullopt);
    EXPECT_EQ(client.set_get("fresh", "4", if_absent), "3");
    EXPECT_EQ(client.get("fresh"), "3");
    EXPECT_EQ(client.set_get("other", "1", if_present), std::nullopt);
    EXPECT_FALSE(client.exists("other"));
    EXPECT_EQ(client.set_get("fresh", "5", SetOptions{.ttl = seconds(50)}), "3");
    EXPECT_GT(client.ttl("fresh"), 40);
  });
}

TEST_P(SyncClientTest, StringCommands) {
  ForEachProtocol(options(), [](Client& client, bool) {
    EXPECT_EQ(client.incr("n"), 1);
    EXPECT_EQ(client.incr("n", 10), 11);
    EXPECT_EQ(client.decr("n", 3), 8);
    EXPECT_DOUBLE_EQ(client.incrbyfloat("f", 1.5), 1.5);
    EXPECT_EQ(client.append("s", "abc"), 3);
    EXPECT_EQ(client.append("s", "def"), 6);
    EXPECT_EQ(client.strlen("s"), 6);
    EXPECT_EQ(client.getrange("s", 1, 3), "bcd");
    EXPECT_EQ(client.setrange("s", 6, "g"), 7);
    client.mset({{"a", "1"}, {"b", "2"}});
    EXPECT_EQ(client.mget({"a", "missing", "b"}),
              (std::vector<std::optional<std::string>>{"1", std::nullopt, "2"}));
    EXPECT_EQ(client.getex("a", seconds(30)), "1");
    EXPECT_GT(client.pttl("a"), 20000);
    EXPECT_EQ(client.getdel("a"), "1");
    EXPECT_FALSE(client.exists("a"));
    try {
      client.incr("s");
      ADD_FAILURE() << "INCR of a non-number must fail";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kServer);
      EXPECT_EQ(error.server_message(), "ERR value is not an integer or out of range");
    }
  });
}

TEST_P(SyncClientTest, KeysAndExpiryConditions) {
  ForEachProtocol(options(), [](Client& client, bool) {
    client.set("k", "v");
    EXPECT_FALSE(client.expire("k", seconds(100), ExpireCondition::kXX));  // no TTL yet
    EXPECT_TRUE(client.expire("k", seconds(100), ExpireCondition::kNX));
    EXPECT_FALSE(client.expire("k", seconds(200), ExpireCondition::kNX));
    EXPECT_TRUE(client.expire("k", seconds(200), ExpireCondition::kXX));
    EXPECT_FALSE(client.expire("k", seconds(150), ExpireCondition::kGT));
    EXPECT_TRUE(client.expire("k", seconds(300), ExpireCondition::kGT));
    EXPECT_FALSE(client.expire("k", seconds(400), ExpireCondition::kLT));
    EXPECT_TRUE(client.expire("k", milliseconds(250500), ExpireCondition::kLT));  // PEXPIRE
    EXPECT_GT(client.pttl("k"), 240000);
    EXPECT_LE(client.pttl("k"), 250500);
    EXPECT_TRUE(client.expireat("k", std::chrono::system_clock::now() + seconds(500)));
    EXPECT_GT(client.ttl("k"), 490);
    EXPECT_TRUE(client.persist("k"));
    EXPECT_EQ(client.ttl("k"), -1);
    EXPECT_EQ(client.ttl("missing"), -2);
    EXPECT_FALSE(client.expire("missing", seconds(10)));

    EXPECT_EQ(client.type("k"), "string");
    client.rpush("list", "x");
    EXPECT_EQ(client.type("list"), "list");
    EXPECT_EQ(client.type("missing"), "none");
    client.rename("k", "k2");
    EXPECT_FALSE(client.exists("k"));
    EXPECT_FALSE(client.renamenx("k2", "list"));
    EXPECT_TRUE(client.renamenx("k2", "k3"));
    EXPECT_EQ(client.exists(std::vector<std::string>{"k3", "list", "missing", "k3"}), 3);
    EXPECT_EQ(client.touch({"k3", "missing"}), 1);
    std::vector<std::string> keys = client.keys("*");
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keys, (std::vector<std::string>{"k3", "list"}));
    EXPECT_EQ(client.dbsize(), 2);
    EXPECT_EQ(client.del(std::vector<std::string>{"k3", "missing"}), 1);
    EXPECT_EQ(client.unlink({"list"}), 1);
    EXPECT_EQ(client.del("list"), 0);
    EXPECT_EQ(client.dbsize(), 0);
  });
}

TEST_P(SyncClientTest, Hashes) {
  ForEachProtocol(options(), [](Client& client, bool) {
    EXPECT_EQ(client.hset("h", {{"a", "1"}, {"b", "2"}}), 2);
    EXPECT_EQ(client.hset("h", "a", "10"), 0);
    EXPECT_FALSE(client.hsetnx("h", "a", "x"));
    EXPECT_TRUE(client.hsetnx("h", "c", "3"));
    EXPECT_EQ(client.hget("h", "a"), "10");
    EXPECT_EQ(client.hget("h", "missing"), std::nullopt);
    EXPECT_EQ(client.hmget("h", {"b", "missing"}),
              (std::vector<std::optional<std::string>>{"2", std::nullopt}));
    const std::unordered_map<std::string, std::string> all = client.hgetall("h");
    EXPECT_EQ(all, (std::unordered_map<std::string, std::string>{
                       {"a", "10"}, {"b", "2"}, {"c", "3"}}));
    EXPECT_TRUE(client.hgetall("missing").empty());
    EXPECT_TRUE(client.hexists("h", "c"));
    EXPECT_EQ(client.hincrby("h", "a", 5), 15);
    EXPECT_DOUBLE_EQ(client.hincrbyfloat("h", "f", 2.25), 2.25);
    EXPECT_EQ(client.hlen("h"), 4);
    std::vector<std::string> fields = client.hkeys("h");
    std::sort(fields.begin(), fields.end());
    EXPECT_EQ(fields, (std::vector<std::string>{"a", "b", "c", "f"}));
    EXPECT_EQ(client.hvals("h").size(), 4u);
    EXPECT_EQ(client.hdel("h", {"a", "missing"}), 1);
    EXPECT_FALSE(client.hexists("h", "a"));
  });
}

TEST_P(SyncClientTest, Lists) {
  ForEachProtocol(options(), [](Client& client, bool) {
    EXPECT_EQ(client.rpush("l", std::vector<std::string>{"a", "b", "c"}), 3);
    EXPECT_EQ(client.lpush("l", "z"), 4);
    EXPECT_EQ(client.lpush("l", std::vector<std::string>{"y"}), 5);
    EXPECT_EQ(client.lrange("l", 0, -1), (std::vector<std::string>{"y", "z", "a", "b", "c"}));
    EXPECT_EQ(client.llen("l"), 5);
    EXPECT_EQ(client.lindex("l", 1), "z");
    EXPECT_EQ(client.lindex("l", 99), std::nullopt);
    client.lset("l", 1, "Z");
    EXPECT_EQ(client.lpop("l"), "y");
    EXPECT_EQ(client.rpop("l"), "c");
    EXPECT_EQ(client.rpush("l", std::vector<std::string>{"a", "a"}), 5);
    EXPECT_EQ(client.lrem("l", 0, "a"), 3);
    EXPECT_EQ(client.lrange("l", 0, -1), (std::vector<std::string>{"Z", "b"}));
    EXPECT_EQ(client.lmove("l", "other", "LEFT", "RIGHT"), "Z");
    EXPECT_EQ(client.lrange("other", 0, -1), (std::vector<std::string>{"Z"}));
    client.rpush("l", std::vector<std::string>{"c", "d", "e", "f"});
    client.ltrim("l", 0, 3);
    EXPECT_EQ(client.lpop("l", 2), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(client.rpop("l", 5), (std::vector<std::string>{"e", "d"}));
    EXPECT_EQ(client.lpop("l"), std::nullopt);
    EXPECT_TRUE(client.lpop("l", 3).empty());
    // A blocking pop with data there answers at once; with none, the timeout gives nullopt.
    client.rpush("ready", "1");
    EXPECT_EQ(client.blpop({"empty", "ready"}, seconds(5)), (KeyValue{"ready", "1"}));
    EXPECT_EQ(client.brpop({"empty"}, milliseconds(50)), std::nullopt);
    EXPECT_EQ(client.blpop({"empty"}, milliseconds(50)), std::nullopt);
  });
}

// Polls INFO clients until `count` clients are blocked, within a bounded time.
bool WaitForBlockedClients(Client& client, int count) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  const std::string wanted = "blocked_clients:" + std::to_string(count);
  while (std::chrono::steady_clock::now() < deadline) {
    if (client.info("clients").find(wanted) != std::string::npos) return true;
    std::this_thread::yield();
  }
  return false;
}

TEST_P(SyncClientTest, BlockingPopIsServedByAnotherClient) {
  Client waiter(options());
  Client pusher(options());
  waiter.ping();
  std::thread push([&] {
    ASSERT_TRUE(WaitForBlockedClients(pusher, 1));
    pusher.rpush("jobs", "job-1");
  });
  const std::optional<KeyValue> popped = waiter.blpop({"jobs"}, seconds(30));
  push.join();
  EXPECT_EQ(popped, (KeyValue{"jobs", "job-1"}));
  EXPECT_EQ(waiter.llen("jobs"), 0);
}

TEST_P(SyncClientTest, BlockingPopOutlivesTheCommandTimeout) {
  Options stretched = options();
  stretched.command_timeout = milliseconds(100);
  Client client(stretched);
  // The block's own timeout (300 ms) is longer than the command timeout: blpop stretches it.
  EXPECT_EQ(client.blpop({"empty"}, milliseconds(300)), std::nullopt);
  EXPECT_EQ(client.ping(), "PONG");
}

TEST_P(SyncClientTest, Sets) {
  ForEachProtocol(options(), [](Client& client, bool) {
    EXPECT_EQ(client.sadd("s", {"a", "b", "c", "a"}), 3);
    EXPECT_EQ(client.sadd("t", {"b", "c", "d"}), 3);
    EXPECT_TRUE(client.sismember("s", "a"));
    EXPECT_FALSE(client.sismember("s", "z"));
    EXPECT_EQ(client.scard("s"), 3);
    const auto sorted = [](std::vector<std::string> values) {
      std::sort(values.begin(), values.end());
      return values;
    };
    EXPECT_EQ(sorted(client.smembers("s")), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(sorted(client.sinter({"s", "t"})), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(sorted(client.sunion({"s", "t"})), (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(client.sdiff({"s", "t"}), (std::vector<std::string>{"a"}));
    EXPECT_EQ(client.srandmember("s", 2).size(), 2u);
    EXPECT_EQ(client.srem("s", {"a", "z"}), 1);
    const std::optional<std::string> popped = client.spop("s");
    ASSERT_TRUE(popped.has_value());
    EXPECT_TRUE(*popped == "b" || *popped == "c");
    EXPECT_EQ(client.scard("s"), 1);
    EXPECT_EQ(client.spop("missing"), std::nullopt);
    EXPECT_TRUE(client.smembers("missing").empty());
  });
}

TEST_P(SyncClientTest, SortedSets) {
  ForEachProtocol(options(), [](Client& client, bool) {
    EXPECT_EQ(client.zadd("z", {{"a", 1}, {"b", 2.5}, {"c", 3}}), 3);
    EXPECT_EQ(client.zadd("z", "d", -1), 1);
    EXPECT_EQ(client.zadd("z", {{"a", 5}}, ZAddOptions{.condition = ZAddOptions::Condition::kNX}),
              0);
    EXPECT_EQ(client.zscore("z", "a"), 1.0);
    EXPECT_EQ(client.zadd("z", {{"a", 0.5}, {"e", 9}},
                          ZAddOptions{.compare = ZAddOptions::Compare::kGT, .changed = true}),
              1);  // e added; a not lowered
    EXPECT_EQ(client.zadd("z", {{"a", 0.5}, {"x", 1}},
                          ZAddOptions{.condition = ZAddOptions::Condition::kXX,
                                      .compare = ZAddOptions::Compare::kLT,
                                      .changed = true}),
              1);  // a lowered; x not added
    EXPECT_EQ(client.zscore("z", "a"), 0.5);
    EXPECT_EQ(client.zscore("z", "missing"), std::nullopt);
    EXPECT_DOUBLE_EQ(client.zincrby("z", 0.25, "a"), 0.75);
    EXPECT_EQ(client.zrank("z", "d"), 0);
    EXPECT_EQ(client.zrevrank("z", "d"), 4);
    EXPECT_EQ(client.zrank("z", "missing"), std::nullopt);
    EXPECT_EQ(client.zcard("z"), 5);
    EXPECT_EQ(client.zcount("z", "0", "(3"), 2);
    EXPECT_EQ(client.zrange("z", 0, 1), (std::vector<std::string>{"d", "a"}));
    EXPECT_EQ(client.zrange("z", 0, 1, true), (std::vector<std::string>{"e", "c"}));
    EXPECT_EQ(client.zrange_withscores("z", 0, -1),
              (std::vector<ScoredMember>{{"d", -1}, {"a", 0.75}, {"b", 2.5}, {"c", 3}, {"e", 9}}));
    EXPECT_EQ(client.zrange_withscores("z", 0, 0, true), (std::vector<ScoredMember>{{"e", 9}}));
    EXPECT_EQ(client.zrangebyscore("z", "(0.75", "+inf"),
              (std::vector<ScoredMember>{{"b", 2.5}, {"c", 3}, {"e", 9}}));
    EXPECT_EQ(client.zpopmin("z"), (std::vector<ScoredMember>{{"d", -1}}));
    EXPECT_EQ(client.zpopmax("z", 2), (std::vector<ScoredMember>{{"e", 9}, {"c", 3}}));
    EXPECT_EQ(client.zremrangebyscore("z", "-inf", "1"), 1);
    EXPECT_EQ(client.zrem("z", {"b", "missing"}), 1);
    EXPECT_EQ(client.zcard("z"), 0);
    EXPECT_TRUE(client.zpopmin("z").empty());
    client.zadd("inf", "top", std::numeric_limits<double>::infinity());
    EXPECT_EQ(client.zscore("inf", "top"), std::numeric_limits<double>::infinity());
  });
}

TEST_P(SyncClientTest, ScanIteratorsVisitEveryKeyAndMember) {
  constexpr int kCount = 600;
  ForEachProtocol(options(), [](Client& client, bool) {
    Request fill;
    std::vector<ScoredMember> scored;
    std::vector<std::string> members;
    std::vector<std::pair<std::string, std::string>> fields;
    for (int i = 0; i < kCount; ++i) {
      const std::string name = "key:" + std::to_string(i);
      fill.Add("SET", name, i);
      members.push_back("m" + std::to_string(i));
      fields.emplace_back("f" + std::to_string(i), std::to_string(i));
      scored.push_back({"z" + std::to_string(i), static_cast<double>(i)});
    }
    client.execute(fill);
    client.sadd("set", members);
    client.hset("hash", fields);
    client.zadd("zset", scored);

    std::set<std::string> keys;
    for (const std::string& key : client.scan({.match = "key:*", .count = 50})) keys.insert(key);
    EXPECT_EQ(keys.size(), static_cast<size_t>(kCount));
    EXPECT_TRUE(keys.contains("key:0") && keys.contains("key:599"));
    std::set<std::string> typed;
    for (const std::string& key : client.scan({.type = "set"})) typed.insert(key);
    EXPECT_EQ(typed, (std::set<std::string>{"set"}));

    const std::vector<std::string> set_items = client.sscan("set", {.count = 40}).collect();
    EXPECT_EQ(std::set<std::string>(set_items.begin(), set_items.end()).size(),
              static_cast<size_t>(kCount));

    // HSCAN and ZSCAN alternate field (member) and value (score).
    std::map<std::string, std::string> hash;
    const std::vector<std::string> hash_items = client.hscan("hash", {.count = 40}).collect();
    ASSERT_EQ(hash_items.size() % 2, 0u);
    for (size_t i = 0; i < hash_items.size(); i += 2) hash[hash_items[i]] = hash_items[i + 1];
    EXPECT_EQ(hash.size(), static_cast<size_t>(kCount));
    EXPECT_EQ(hash["f42"], "42");
    std::map<std::string, std::string> zset;
    const std::vector<std::string> zset_items = client.zscan("zset", {.count = 40}).collect();
    ASSERT_EQ(zset_items.size() % 2, 0u);
    for (size_t i = 0; i < zset_items.size(); i += 2) zset[zset_items[i]] = zset_items[i + 1];
    EXPECT_EQ(zset.size(), static_cast<size_t>(kCount));
    EXPECT_EQ(zset["z7"], "7");
    EXPECT_TRUE(client.sscan("missing").collect().empty());
  });
}

TEST_P(SyncClientTest, GenericCommandCoversEveryReplyType) {
  ForEachProtocol(options(), [](Client& client, bool resp3) {
    client.set("k", "v");
    client.sadd("s", {"a"});
    client.zadd("z", "m", 1.5);
    EXPECT_EQ(client.command("PING").type, resp::ReplyType::kSimpleString);
    EXPECT_EQ(client.command("GET", "k"), resp::Reply::Bulk("v"));
    EXPECT_EQ(client.command("STRLEN", "k"), resp::Reply::Int(1));
    EXPECT_TRUE(client.command("GET", "missing").is_null());
    EXPECT_EQ(client.command("GET", "missing").resp3_null, resp3);

    const resp::Reply config = client.command("CONFIG", "GET", "databases");
    EXPECT_EQ(config.type, resp3 ? resp::ReplyType::kMap : resp::ReplyType::kArray);
    EXPECT_EQ(reply_cast::Map(config)["databases"], "16");
    client.hset("h", "f", "v");
    const resp::Reply hash = client.command("HGETALL", "h");
    EXPECT_EQ(hash.type, resp3 ? resp::ReplyType::kMap : resp::ReplyType::kArray);
    EXPECT_EQ(reply_cast::Map(hash)["f"], "v");

    const resp::Reply members = client.command("SMEMBERS", "s");
    EXPECT_EQ(members.type, resp3 ? resp::ReplyType::kSet : resp::ReplyType::kArray);
    EXPECT_EQ(reply_cast::Strings(members), (std::vector<std::string>{"a"}));

    const resp::Reply score = client.command("ZSCORE", "z", "m");
    EXPECT_EQ(score.type, resp3 ? resp::ReplyType::kDouble : resp::ReplyType::kBulkString);
    EXPECT_EQ(reply_cast::Double(score), 1.5);

    // A script speaking RESP3 returns a boolean, which a RESP2 client receives as 1.
    const resp::Reply truth = client.command("EVAL", "redis.setresp(3) return true", 0);
    EXPECT_EQ(truth.type, resp3 ? resp::ReplyType::kBoolean : resp::ReplyType::kInteger);
    EXPECT_TRUE(reply_cast::Boolean(truth));

    const resp::Reply info = client.command("CLIENT", "INFO");
    EXPECT_EQ(info.type, resp3 ? resp::ReplyType::kVerbatim : resp::ReplyType::kBulkString);
    EXPECT_NE(reply_cast::String(info).find("id="), std::string::npos);

    const resp::Reply nested = client.command("EVAL", "return {1, 'two', {3}}", 0);
    ASSERT_EQ(nested.type, resp::ReplyType::kArray);
    ASSERT_EQ(nested.elements.size(), 3u);
    EXPECT_EQ(nested.elements[2], resp::Reply::Array({resp::Reply::Int(3)}));

    // HELLO answers a map under RESP3 (and a flat array under RESP2) naming the protocol.
    const resp::Reply hello = client.command("HELLO", resp3 ? 3 : 2);
    EXPECT_EQ(hello.type, resp3 ? resp::ReplyType::kMap : resp::ReplyType::kArray);
    bool found_proto = false;
    for (size_t i = 0; i + 1 < hello.elements.size(); i += 2) {
      if (hello.elements[i].str == "proto") {
        found_proto = true;
        EXPECT_EQ(hello.elements[i + 1], resp::Reply::Int(resp3 ? 3 : 2));
      }
    }
    EXPECT_TRUE(found_proto);

    // An error reply throws with its text; a type the method does not convert is kTypeMismatch.
    try {
      client.command("NOSUCHCOMMAND");
      ADD_FAILURE() << "an unknown command must throw";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kServer);
      EXPECT_EQ(error.server_code(), "ERR");
      EXPECT_TRUE(error.server_message().starts_with("ERR unknown command 'NOSUCHCOMMAND'"))
          << error.server_message();
    }
    try {
      reply_cast::Integer(client.command("SMEMBERS", "s"));
      ADD_FAILURE() << "a set is not an integer";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kTypeMismatch);
    }
  });
}

TEST_P(SyncClientTest, PublishCountsReceivers) {
  Client client(options());
  EXPECT_EQ(client.publish("nobody-listens", "hello"), 0);
}

// ---- connection setup: AUTH, SELECT, CLIENT SETNAME

TEST_P(SyncClientTest, PasswordAuthSucceedsAndAWrongOneFailsWithKindAuth) {
  {
    Client admin(options());
    admin.command("CONFIG", "SET", "requirepass", "s3cret");
  }
  for (const ProtocolChoice protocol : {ProtocolChoice::kResp2, ProtocolChoice::kAuto}) {
    SCOPED_TRACE(protocol == ProtocolChoice::kResp2 ? "RESP2" : "RESP3");
    Options good = options();
    good.protocol = protocol;
    good.password = "s3cret";
    Client client(good);
    EXPECT_EQ(client.ping(), "PONG");

    Options wrong = good;
    wrong.password = "nope";
    Client refused(wrong);
    try {
      refused.ping();
      ADD_FAILURE() << "a wrong password must fail";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kAuth) << error.what();
      EXPECT_NE(std::string_view(error.what()).find("WRONGPASS"), std::string_view::npos)
          << error.what();
    }

    Options none = good;
    none.password.clear();
    Client anonymous(none);
    try {
      anonymous.ping();
      ADD_FAILURE() << "no password must fail";
    } catch (const Error& error) {
      // RESP3 connects (HELLO without AUTH is refused as NOAUTH); RESP2 sends nothing at setup
      // and PING is refused.
      EXPECT_TRUE(error.kind() == ErrorKind::kAuth || error.server_code() == "NOAUTH")
          << error.what();
    }
  }
}

TEST_P(SyncClientTest, UsernameAndPasswordAuth) {
  {
    Client admin(options());
    admin.command("ACL", "SETUSER", "alice", "on", ">wonderland", "~*", "&*", "+@all");
  }
  for (const ProtocolChoice protocol : {ProtocolChoice::kResp2, ProtocolChoice::kAuto}) {
    SCOPED_TRACE(protocol == ProtocolChoice::kResp2 ? "RESP2" : "RESP3");
    Options alice = options();
    alice.protocol = protocol;
    alice.username = "alice";
    alice.password = "wonderland";
    Client client(alice);
    EXPECT_EQ(reply_cast::String(client.command("ACL", "WHOAMI")), "alice");

    alice.password = "looking-glass";
    Client refused(alice);
    try {
      refused.connect();
      ADD_FAILURE() << "a wrong password must fail";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kAuth) << error.what();
      EXPECT_NE(std::string_view(error.what())
                    .find("WRONGPASS invalid username-password pair or user is disabled."),
                std::string_view::npos)
          << error.what();
      EXPECT_FALSE(error.retry_safe());
    }
  }
}

TEST_P(SyncClientTest, SelectsTheConfiguredDatabaseAndNamesTheConnection) {
  for (const ProtocolChoice protocol : {ProtocolChoice::kResp2, ProtocolChoice::kAuto}) {
    SCOPED_TRACE(protocol == ProtocolChoice::kResp2 ? "RESP2" : "RESP3");
    Options in_three = options();
    in_three.protocol = protocol;
    in_three.db = 3;
    in_three.client_name = "worker-7";
    Client client(in_three);
    client.set("where", "three");
    EXPECT_EQ(reply_cast::String(client.command("CLIENT", "GETNAME")), "worker-7");
    EXPECT_NE(reply_cast::String(client.command("CLIENT", "INFO")).find(" db=3 "),
              std::string::npos);

    Client in_zero(options());
    EXPECT_EQ(in_zero.get("where"), std::nullopt);
    in_zero.command("SELECT", 3);
    EXPECT_EQ(in_zero.get("where"), "three");
    in_zero.del("where");
  }
}

// ---- pipelines, transactions, scripts

TEST_P(SyncClientTest, EmptyPipelineAnswersNothing) {
  Client client(options());
  EXPECT_TRUE(client.execute(Request()).empty());
}

TEST_P(SyncClientTest, LongPipelineKeepsOrder) {
  Client client(options());
  Request pipeline;
  constexpr int kCommands = 2000;
  for (int i = 0; i < kCommands; ++i) pipeline.Add("SET", "k" + std::to_string(i), i);
  for (int i = 0; i < kCommands; ++i) pipeline.Add("GET", "k" + std::to_string(i));
  const std::vector<resp::Reply> replies = client.execute(pipeline);
  ASSERT_EQ(replies.size(), 2u * kCommands);
  for (int i = 0; i < kCommands; ++i) {
    ASSERT_EQ(replies[kCommands + i], resp::Reply::Bulk(std::to_string(i)));
  }
}

TEST_P(SyncClientTest, TransactionReturnsEachCommandsReplyOrError) {
  ForEachProtocol(options(), [](Client& client, bool) {
    client.set("text", "abc");
    Request body;
    body.Add("INCR", "counter").Add("INCR", "text").Add("INCR", "counter").Add("GET", "counter");
    const std::vector<resp::Reply> replies = client.transaction(body);
    ASSERT_EQ(replies.size(), 4u);
    EXPECT_EQ(replies[0], resp::Reply::Int(1));
    EXPECT_EQ(replies[1], resp::Reply::Error("ERR value is not an integer or out of range"));
    EXPECT_EQ(replies[2], resp::Reply::Int(2));
    EXPECT_EQ(replies[3], resp::Reply::Bulk("2"));
  });
}

TEST_P(SyncClientTest, TransactionRefusedAsAWholeThrowsExecAbort) {
  Client client(options());
  Request body;
  body.Add("SET", "a", "1").Add("NOSUCHCOMMAND").Add("SET", "b", "2");
  try {
    client.transaction(body);
    FAIL() << "a transaction with an unknown command must be refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kServer);
    EXPECT_EQ(error.server_code(), "EXECABORT");
  }
  EXPECT_FALSE(client.exists("a"));
  // The connection is usable after it: not in a MULTI any more.
  EXPECT_EQ(client.ping(), "PONG");
}

TEST_P(SyncClientTest, OptimisticTransactionRetriesWhenTheWatchedKeyChanges) {
  Client client(options());
  Client intruder(options());
  client.set("balance", "100");
  int attempts = 0;
  const std::vector<resp::Reply> replies =
      client.optimistic({"balance"}, [&](Client& self) {
        ++attempts;
        const int64_t balance = std::stoll(self.get("balance").value());
        // Another client changes the key once, between WATCH and EXEC.
        if (attempts == 1) intruder.incr("balance", 50);
        Request writes;
        writes.Add("SET", "balance", balance - 30);
        return writes;
      });
  EXPECT_EQ(attempts, 2);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], resp::Reply::Simple("OK"));
  EXPECT_EQ(client.get("balance"), "120");
}

TEST_P(SyncClientTest, OptimisticTransactionGivesUpAfterItsAttempts) {
  Client client(options());
  Client intruder(options());
  client.set("k", "0");
  try {
    client.optimistic(
        {"k"},
        [&](Client&) {
          intruder.incr("k");
          Request writes;
          writes.Add("SET", "k", "mine");
          return writes;
        },
        3);
    FAIL() << "every attempt was spoiled";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kServer);
  }
  EXPECT_EQ(client.get("k"), "3");
}

TEST_P(SyncClientTest, ScriptFallsBackFromNoScriptToEval) {
  ForEachProtocol(options(), [](Client& client, bool) {
    client.command("SCRIPT", "FLUSH");
    const Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    EXPECT_EQ(client.eval(script, {"n"}, {"5"}), resp::Reply::Int(5));  // EVALSHA misses
    EXPECT_EQ(client.command("SCRIPT", "EXISTS", script.sha()),
              resp::Reply::Array({resp::Reply::Int(1)}));
    EXPECT_EQ(client.eval(script, {"n"}, {"5"}), resp::Reply::Int(10));  // EVALSHA hits
    client.command("SCRIPT", "FLUSH");
    EXPECT_EQ(client.eval(script, {"n"}, {"1"}), resp::Reply::Int(11));
    EXPECT_EQ(client.script_load(script.source()), script.sha());
    try {
      client.eval(Script("return redis.call('NOSUCHCOMMAND')"));
      ADD_FAILURE() << "a failing script must throw";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kServer);
    }
  });
}

TEST_P(SyncClientTest, FcallAfterFunctionLoad) {
  ForEachProtocol(options(), [](Client& client, bool) {
    client.command("FUNCTION", "FLUSH");
    client.command("FUNCTION", "LOAD",
                   "#!lua name=clientlib\n"
                   "redis.register_function('getset_len', function(keys, args)\n"
                   "  redis.call('SET', keys[1], args[1])\n"
                   "  return redis.call('STRLEN', keys[1])\n"
                   "end)");
    EXPECT_EQ(client.fcall("getset_len", {"k"}, {"hello"}), resp::Reply::Int(5));
    EXPECT_EQ(client.get("k"), "hello");
    try {
      client.fcall("missing_function");
      ADD_FAILURE() << "an unknown function must throw";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kServer);
    }
  });
}

TEST_P(SyncClientTest, PushHandlerReceivesTrackingInvalidationsDuringCalls) {
  Client client(options());
  std::vector<std::string> invalidated;
  client.set_push_handler([&](const resp::Reply& push) {
    if (push.elements.size() == 2 && push.elements[0].str == "invalidate") {
      for (const resp::Reply& key : push.elements[1].elements) invalidated.push_back(key.str);
    }
  });
  Client writer(options());
  writer.set("cached", "1");
  ASSERT_EQ(client.protocol(), resp::Protocol::kResp2);  // not connected yet
  client.command("CLIENT", "TRACKING", "on");
  ASSERT_EQ(client.protocol(), resp::Protocol::kResp3);
  EXPECT_EQ(client.get("cached"), "1");
  writer.set("cached", "2");
  // The invalidation was sent before the writer's reply: the next call reads it first.
  EXPECT_EQ(client.ping(), "PONG");
  EXPECT_EQ(invalidated, (std::vector<std::string>{"cached"}));
}

UNDERSTUDY_CLIENT_BACKENDS(SyncClientTest);

}  // namespace
}  // namespace understudy::client
