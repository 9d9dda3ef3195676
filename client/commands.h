#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "client/command.h"
#include "client/error.h"
#include "client/options.h"
#include "client/reply_cast.h"
#include "client/request.h"
#include "client/script.h"
#include "resp/reply.h"

namespace understudy::client {

// SET's options, every one Redis 7 has.
struct SetOptions {
  enum class Condition : uint8_t { kAlways, kIfAbsent /* NX */, kIfPresent /* XX */ };
  std::optional<std::chrono::milliseconds> ttl;  // PX (EX when a whole number of seconds)
  std::optional<std::chrono::system_clock::time_point> expire_at;  // PXAT (EXAT on a second)
  bool keep_ttl = false;                                          // KEEPTTL
  Condition condition = Condition::kAlways;
};

// EXPIRE's condition (Redis 7).
enum class ExpireCondition : uint8_t { kAlways, kNX, kXX, kGT, kLT };

struct ZAddOptions {
  enum class Condition : uint8_t { kAlways, kNX, kXX };
  enum class Compare : uint8_t { kAny, kGT, kLT };
  Condition condition = Condition::kAlways;
  Compare compare = Compare::kAny;
  bool changed = false;  // CH: count changed members, not only added ones
};

struct ScanOptions {
  std::string match;        // empty: every key
  int64_t count = 0;        // 0: the server's default
  std::string type;         // SCAN only: keys of this type
};

// A key popped by BLPOP and friends, with its value.
struct KeyValue {
  std::string key;
  std::string value;
  bool operator==(const KeyValue&) const = default;
};

template <typename Derived>
class ScanRange;

// The typed commands, written once for every synchronous client. Derived provides
//   resp::Reply RunCommand(const Command&, std::optional<std::chrono::milliseconds> timeout)
//   const Options& options()
//   std::vector<resp::Reply> execute(const Request&)
// Each method converts the reply explicitly (reply_cast) and throws Error: kServer with the
// server's exact text for an error reply, a connection kind when the reply never came.
template <typename Derived>
class Commands {
 public:
  // Any command; an error reply throws Error(kServer).
  resp::Reply command(const Command& command) { return reply_cast::Checked(Run(command)); }
  template <typename First, typename... Rest>
    requires(sizeof...(Rest) > 0 || !std::is_same_v<std::decay_t<First>, Command>)
  resp::Reply command(First&& first, Rest&&... rest) {
    return command(Command(std::forward<First>(first), std::forward<Rest>(rest)...));
  }

  // ---- strings
  std::optional<std::string> get(std::string_view key) {
    return reply_cast::OptionalString(Run(Command("GET", key)));
  }
  // True when the value was set (false when NX/XX refused it).
  bool set(std::string_view key, std::string_view value, const SetOptions& options = {}) {
    return reply_cast::Boolean(Run(SetCommand(key, value, options)));
  }
  // SET ... GET: the old value (null when there was none).
  std::optional<std::string> set_get(std::string_view key, std::string_view value,
                                     const SetOptions& options = {}) {
    return reply_cast::OptionalString(Run(SetCommand(key, value, options).arg("GET")));
  }
  bool set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
    SetOptions options;
    options.ttl = ttl;
    return set(key, value, options);
  }
  std::optional<std::string> getdel(std::string_view key) {
    return reply_cast::OptionalString(Run(Command("GETDEL", key)));
  }
  std::optional<std::string> getex(std::string_view key, std::chrono::milliseconds ttl) {
    return reply_cast::OptionalString(Run(Command("GETEX", key, "PX", ttl.count())));
  }
  std::vector<std::optional<std::string>> mget(const std::vector<std::string>& keys) {
    return reply_cast::OptionalStrings(Run(Command("MGET").args(keys)));
  }
  void mset(const std::vector<std::pair<std::string, std::string>>& pairs) {
    Command command("MSET");
    for (const auto& [key, value] : pairs) command.arg(key).arg(value);
    reply_cast::Checked(Run(command));
  }
  int64_t incr(std::string_view key, int64_t by = 1) {
    return reply_cast::Integer(Run(Command("INCRBY", key, by)));
  }
  int64_t decr(std::string_view key, int64_t by = 1) {
    return reply_cast::Integer(Run(Command("DECRBY", key, by)));
  }
  double incrbyfloat(std::string_view key, double by) {
    return reply_cast::Double(Run(Command("INCRBYFLOAT", key, by)));
  }
  int64_t append(std::string_view key, std::string_view value) {
    return reply_cast::Integer(Run(Command("APPEND", key, value)));
  }
  int64_t strlen(std::string_view key) { return reply_cast::Integer(Run(Command("STRLEN", key))); }
  std::string getrange(std::string_view key, int64_t start, int64_t end) {
    return reply_cast::String(Run(Command("GETRANGE", key, start, end)));
  }
  int64_t setrange(std::string_view key, int64_t offset, std::string_view value) {
    return reply_cast::Integer(Run(Command("SETRANGE", key, offset, value)));
  }

  // ---- keys and expiry
  int64_t del(const std::vector<std::string>& keys) {
    return reply_cast::Integer(Run(Command("DEL").args(keys)));
  }
  int64_t del(std::string_view key) { return reply_cast::Integer(Run(Command("DEL", key))); }
  int64_t unlink(const std::vector<std::string>& keys) {
    return reply_cast::Integer(Run(Command("UNLINK").args(keys)));
  }
  int64_t exists(const std::vector<std::string>& keys) {
    return reply_cast::Integer(Run(Command("EXISTS").args(keys)));
  }
  bool exists(std::string_view key) { return reply_cast::Integer(Run(Command("EXISTS", key))) > 0; }
  // True when the timeout was set. Whole seconds go as EXPIRE, anything finer as PEXPIRE.
  bool expire(std::string_view key, std::chrono::milliseconds ttl,
              ExpireCondition condition = ExpireCondition::kAlways) {
    Command command = ttl.count() % 1000 == 0 ? Command("EXPIRE", key, ttl.count() / 1000)
                                              : Command("PEXPIRE", key, ttl.count());
    return reply_cast::Boolean(Run(WithCondition(command, condition)));
  }
  bool expireat(std::string_view key, std::chrono::system_clock::time_point when,
                ExpireCondition condition = ExpireCondition::kAlways) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch());
    Command command("PEXPIREAT", key, ms.count());
    return reply_cast::Boolean(Run(WithCondition(command, condition)));
  }
  bool persist(std::string_view key) { return reply_cast::Boolean(Run(Command("PERSIST", key))); }
  // Seconds left; -1: no expiry; -2: no such key (Redis's answers).
  int64_t ttl(std::string_view key) { return reply_cast::Integer(Run(Command("TTL", key))); }
  int64_t pttl(std::string_view key) { return reply_cast::Integer(Run(Command("PTTL", key))); }
  std::string type(std::string_view key) { return reply_cast::String(Run(Command("TYPE", key))); }
  void rename(std::string_view key, std::string_view new_key) {
    reply_cast::Checked(Run(Command("RENAME", key, new_key)));
  }
  bool renamenx(std::string_view key, std::string_view new_key) {
    return reply_cast::Boolean(Run(Command("RENAMENX", key, new_key)));
  }
  std::vector<std::string> keys(std::string_view pattern) {
    return reply_cast::Strings(Run(Command("KEYS", pattern)));
  }
  int64_t touch(const std::vector<std::string>& keys) {
    return reply_cast::Integer(Run(Command("TOUCH").args(keys)));
  }
  // Iterates every key SCAN returns (a key may come twice, as SCAN allows).
  ScanRange<Derived> scan(ScanOptions options = {}) {
    return ScanRange<Derived>(self(), Command("SCAN"), std::move(options));
  }

  // ---- hashes
  int64_t hset(std::string_view key, std::string_view field, std::string_view value) {
    return reply_cast::Integer(Run(Command("HSET", key, field, value)));
  }
  int64_t hset(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields) {
    Command command("HSET", key);
    for (const auto& [field, value] : fields) command.arg(field).arg(value);
    return reply_cast::Integer(Run(command));
  }
  bool hsetnx(std::string_view key, std::string_view field, std::string_view value) {
    return reply_cast::Boolean(Run(Command("HSETNX", key, field, value)));
  }
  std::optional<std::string> hget(std::string_view key, std::string_view field) {
    return reply_cast::OptionalString(Run(Command("HGET", key, field)));
  }
  std::vector<std::optional<std::string>> hmget(std::string_view key,
                                                const std::vector<std::string>& fields) {
    return reply_cast::OptionalStrings(Run(Command("HMGET", key).args(fields)));
  }
  std::unordered_map<std::string, std::string> hgetall(std::string_view key) {
    return reply_cast::Map(Run(Command("HGETALL", key)));
  }
  int64_t hdel(std::string_view key, const std::vector<std::string>& fields) {
    return reply_cast::Integer(Run(Command("HDEL", key).args(fields)));
  }
  bool hexists(std::string_view key, std::string_view field) {
    return reply_cast::Boolean(Run(Command("HEXISTS", key, field)));
  }
  int64_t hincrby(std::string_view key, std::string_view field, int64_t by) {
    return reply_cast::Integer(Run(Command("HINCRBY", key, field, by)));
  }
  double hincrbyfloat(std::string_view key, std::string_view field, double by) {
    return reply_cast::Double(Run(Command("HINCRBYFLOAT", key, field, by)));
  }
  std::vector<std::string> hkeys(std::string_view key) {
    return reply_cast::Strings(Run(Command("HKEYS", key)));
  }
  std::vector<std::string> hvals(std::string_view key) {
    return reply_cast::Strings(Run(Command("HVALS", key)));
  }
  int64_t hlen(std::string_view key) { return reply_cast::Integer(Run(Command("HLEN", key))); }
  // Iterates field, value pairs.
  ScanRange<Derived> hscan(std::string_view key, ScanOptions options = {}) {
    return ScanRange<Derived>(self(), Command("HSCAN", key), std::move(options));
  }

  // ---- lists
  int64_t lpush(std::string_view key, const std::vector<std::string>& values) {
    return reply_cast::Integer(Run(Command("LPUSH", key).args(values)));
  }
  int64_t rpush(std::string_view key, const std::vector<std::string>& values) {
    return reply_cast::Integer(Run(Command("RPUSH", key).args(values)));
  }
  int64_t lpush(std::string_view key, std::string_view value) {
    return reply_cast::Integer(Run(Command("LPUSH", key, value)));
  }
  int64_t rpush(std::string_view key, std::string_view value) {
    return reply_cast::Integer(Run(Command("RPUSH", key, value)));
  }
  std::optional<std::string> lpop(std::string_view key) {
    return reply_cast::OptionalString(Run(Command("LPOP", key)));
  }
  std::optional<std::string> rpop(std::string_view key) {
    return reply_cast::OptionalString(Run(Command("RPOP", key)));
  }
  std::vector<std::string> lpop(std::string_view key, int64_t count) {
    return reply_cast::Strings(Run(Command("LPOP", key, count)));
  }
  std::vector<std::string> rpop(std::string_view key, int64_t count) {
    return reply_cast::Strings(Run(Command("RPOP", key, count)));
  }
  std::vector<std::string> lrange(std::string_view key, int64_t start, int64_t stop) {
    return reply_cast::Strings(Run(Command("LRANGE", key, start, stop)));
  }
  int64_t llen(std::string_view key) { return reply_cast::Integer(Run(Command("LLEN", key))); }
  void ltrim(std::string_view key, int64_t start, int64_t stop) {
    reply_cast::Checked(Run(Command("LTRIM", key, start, stop)));
  }
  std::optional<std::string> lindex(std::string_view key, int64_t index) {
    return reply_cast::OptionalString(Run(Command("LINDEX", key, index)));
  }
  int64_t lrem(std::string_view key, int64_t count, std::string_view value) {
    return reply_cast::Integer(Run(Command("LREM", key, count, value)));
  }
  void lset(std::string_view key, int64_t index, std::string_view value) {
    reply_cast::Checked(Run(Command("LSET", key, index, value)));
  }
  // Blocking pops wait up to `timeout` (0: for ever); nullopt when it passed. The command
  // timeout is stretched by the block's own.
  std::optional<KeyValue> blpop(const std::vector<std::string>& keys,
                                std::chrono::milliseconds timeout) {
    return BlockingPop("BLPOP", keys, timeout);
  }
  std::optional<KeyValue> brpop(const std::vector<std::string>& keys,
                                std::chrono::milliseconds timeout) {
    return BlockingPop("BRPOP", keys, timeout);
  }
  std::optional<std::string> lmove(std::string_view source, std::string_view destination,
                                   std::string_view from, std::string_view to) {
    return reply_cast::OptionalString(Run(Command("LMOVE", source, destination, from, to)));
  }

  // ---- sets
  int64_t sadd(std::string_view key, const std::vector<std::string>& members) {
    return reply_cast::Integer(Run(Command("SADD", key).args(members)));
  }
  int64_t srem(std::string_view key, const std::vector<std::string>& members) {
    return reply_cast::Integer(Run(Command("SREM", key).args(members)));
  }
  std::vector<std::string> smembers(std::string_view key) {
    return reply_cast::Strings(Run(Command("SMEMBERS", key)));
  }
  bool sismember(std::string_view key, std::string_view member) {
    return reply_cast::Boolean(Run(Command("SISMEMBER", key, member)));
  }
  int64_t scard(std::string_view key) { return reply_cast::Integer(Run(Command("SCARD", key))); }
  std::optional<std::string> spop(std::string_view key) {
    return reply_cast::OptionalString(Run(Command("SPOP", key)));
  }
  std::vector<std::string> srandmember(std::string_view key, int64_t count) {
    return reply_cast::Strings(Run(Command("SRANDMEMBER", key, count)));
  }
  std::vector<std::string> sinter(const std::vector<std::string>& keys) {
    return reply_cast::Strings(Run(Command("SINTER").args(keys)));
  }
  std::vector<std::string> sunion(const std::vector<std::string>& keys) {
    return reply_cast::Strings(Run(Command("SUNION").args(keys)));
  }
  std::vector<std::string> sdiff(const std::vector<std::string>& keys) {
    return reply_cast::Strings(Run(Command("SDIFF").args(keys)));
  }
  ScanRange<Derived> sscan(std::string_view key, ScanOptions options = {}) {
    return ScanRange<Derived>(self(), Command("SSCAN", key), std::move(options));
  }

  // ---- sorted sets
  int64_t zadd(std::string_view key, const std::vector<ScoredMember>& members,
               const ZAddOptions& options = {}) {
    Command command("ZADD", key);
    if (options.condition == ZAddOptions::Condition::kNX) command.arg("NX");
    if (options.condition == ZAddOptions::Condition::kXX) command.arg("XX");
    if (options.compare == ZAddOptions::Compare::kGT) command.arg("GT");
    if (options.compare == ZAddOptions::Compare::kLT) command.arg("LT");
    if (options.changed) command.arg("CH");
    for (const ScoredMember& entry : members) command.arg(entry.score).arg(entry.member);
    return reply_cast::Integer(Run(command));
  }
  int64_t zadd(std::string_view key, std::string_view member, double score) {
    return reply_cast::Integer(Run(Command("ZADD", key, score, member)));
  }
  double zincrby(std::string_view key, double by, std::string_view member) {
    return reply_cast::Double(Run(Command("ZINCRBY", key, by, member)));
  }
  std::optional<double> zscore(std::string_view key, std::string_view member) {
    return reply_cast::OptionalDouble(Run(Command("ZSCORE", key, member)));
  }
  std::optional<int64_t> zrank(std::string_view key, std::string_view member) {
    return reply_cast::OptionalInteger(Run(Command("ZRANK", key, member)));
  }
  std::optional<int64_t> zrevrank(std::string_view key, std::string_view member) {
    return reply_cast::OptionalInteger(Run(Command("ZREVRANK", key, member)));
  }
  int64_t zrem(std::string_view key, const std::vector<std::string>& members) {
    return reply_cast::Integer(Run(Command("ZREM", key).args(members)));
  }
  int64_t zcard(std::string_view key) { return reply_cast::Integer(Run(Command("ZCARD", key))); }
  int64_t zcount(std::string_view key, std::string_view min, std::string_view max) {
    return reply_cast::Integer(Run(Command("ZCOUNT", key, min, max)));
  }
  // By rank; `reverse` for highest first.
  std::vector<std::string> zrange(std::string_view key, int64_t start, int64_t stop,
                                  bool reverse = false) {
    Command command("ZRANGE", key, start, stop);
    if (reverse) command.arg("REV");
    return reply_cast::Strings(Run(command));
  }
  std::vector<ScoredMember> zrange_withscores(std::string_view key, int64_t start, int64_t stop,
                                              bool reverse = false) {
    Command command("ZRANGE", key, start, stop);
    if (reverse) command.arg("REV");
    return reply_cast::Scored(Run(command.arg("WITHSCORES")));
  }
  // By score: min and max as Redis takes them ("1", "(1", "-inf", "+inf").
  std::vector<ScoredMember> zrangebyscore(std::string_view key, std::string_view min,
                                          std::string_view max) {
    return reply_cast::Scored(Run(Command("ZRANGE", key, min, max, "BYSCORE", "WITHSCORES")));
  }
  int64_t zremrangebyscore(std::string_view key, std::string_view min, std::string_view max) {
    return reply_cast::Integer(Run(Command("ZREMRANGEBYSCORE", key, min, max)));
  }
  std::vector<ScoredMember> zpopmin(std::string_view key, int64_t count = 1) {
    return reply_cast::Scored(Run(Command("ZPOPMIN", key, count)));
  }
  std::vector<ScoredMember> zpopmax(std::string_view key, int64_t count = 1) {
    return reply_cast::Scored(Run(Command("ZPOPMAX", key, count)));
  }
  ScanRange<Derived> zscan(std::string_view key, ScanOptions options = {}) {
    return ScanRange<Derived>(self(), Command("ZSCAN", key), std::move(options));
  }

  // ---- Pub/Sub (subscribing is Subscriber's)
  int64_t publish(std::string_view channel, std::string_view message) {
    return reply_cast::Integer(Run(Command("PUBLISH", channel, message)));
  }

  // ---- scripts and functions
  // EVALSHA with the script's cached digest, falling back to EVAL when the server does not know
  // it (NOSCRIPT: a restarted or flushed server), which also loads it for next time.
  resp::Reply eval(const Script& script, const std::vector<std::string>& keys = {},
                   const std::vector<std::string>& args = {}) {
    resp::Reply reply = Run(script.EvalSha(keys, args));
    if (Script::IsNoScript(reply)) reply = Run(script.Eval(keys, args));
    return reply_cast::Checked(reply);
  }
  resp::Reply fcall(std::string_view function, const std::vector<std::string>& keys = {},
                    const std::vector<std::string>& args = {}) {
    return reply_cast::Checked(Run(ScriptInvocation("FCALL", function, keys, args)));
  }
  std::string script_load(std::string_view source) {
    return reply_cast::String(Run(Command("SCRIPT", "LOAD", source)));
  }

  // ---- server
  std::string ping() { return reply_cast::String(Run(Command("PING"))); }
  int64_t dbsize() { return reply_cast::Integer(Run(Command("DBSIZE"))); }
  void flushdb() { reply_cast::Checked(Run(Command("FLUSHDB"))); }
  std::string info(std::string_view section = "default") {
    return reply_cast::String(Run(Command("INFO", section)));
  }

  // ---- transactions
  // MULTI, the commands, EXEC in one round trip: each command's reply or error reply, in
  // order. Throws Error(kServer) when the server refuses the whole transaction (EXECABORT).
  std::vector<resp::Reply> transaction(const Request& commands) {
    std::vector<resp::Reply> replies = self().execute(Transactional(commands));
    resp::Reply& exec = replies.back();
    reply_cast::Checked(exec);
    if (exec.is_null()) {
      throw Error(ErrorKind::kServer, "EXEC aborted: a watched key changed");
    }
    return std::move(exec.elements);
  }
  // The optimistic-lock pattern: WATCH the keys, let `body` read them and return the writes,
  // apply them with MULTI/EXEC, and start over while a watched key changed under it (at most
  // `attempts` times). Returns the writes' replies.
  template <typename Body>
  std::vector<resp::Reply> optimistic(const std::vector<std::string>& watched, Body&& body,
                                      int attempts = 16) {
    for (int attempt = 0; attempt < attempts; ++attempt) {
      reply_cast::Checked(Run(Command("WATCH").args(watched)));
      Request writes = body(self());
      std::vector<resp::Reply> replies = self().execute(Transactional(writes));
      resp::Reply& exec = replies.back();
      reply_cast::Checked(exec);
      if (!exec.is_null()) return std::move(exec.elements);
    }
    throw Error(ErrorKind::kServer, "optimistic transaction: the watched keys kept changing (" +
                                        std::to_string(attempts) + " attempts)");
  }

 protected:
  resp::Reply Run(const Command& command,
                  std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    return self().RunCommand(command, timeout);
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }

  static Command SetCommand(std::string_view key, std::string_view value,
                            const SetOptions& options) {
    Command command("SET", key, value);
    if (options.ttl) {
      const int64_t ms = options.ttl->count();
      if (ms % 1000 == 0) {
        command.arg("EX").arg(ms / 1000);
      } else {
        command.arg("PX").arg(ms);
      }
    } else if (options.expire_at) {
      const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             options.expire_at->time_since_epoch())
                             .count();
      if (ms % 1000 == 0) {
        command.arg("EXAT").arg(ms / 1000);
      } else {
        command.arg("PXAT").arg(ms);
      }
    } else if (options.keep_ttl) {
      command.arg("KEEPTTL");
    }
    if (options.condition == SetOptions::Condition::kIfAbsent) command.arg("NX");
    if (options.condition == SetOptions::Condition::kIfPresent) command.arg("XX");
    return command;
  }
  static Command& WithCondition(Command& command, ExpireCondition condition) {
    switch (condition) {
      case ExpireCondition::kAlways: break;
      case ExpireCondition::kNX: command.arg("NX"); break;
      case ExpireCondition::kXX: command.arg("XX"); break;
      case ExpireCondition::kGT: command.arg("GT"); break;
      case ExpireCondition::kLT: command.arg("LT"); break;
    }
    return command;
  }
  static Request Transactional(const Request& commands) {
    Request request;
    request.Add("MULTI");
    request.AppendRequest(commands);
    request.Add("EXEC");
    return request;
  }
  std::optional<KeyValue> BlockingPop(std::string_view verb, const std::vector<std::string>& keys,
                                      std::chrono::milliseconds timeout) {
    Command command(verb);
    command.args(keys);
    command.arg(static_cast<double>(timeout.count()) / 1000.0);
    std::optional<std::chrono::milliseconds> wait;
    if (timeout.count() == 0) {
      wait = std::chrono::milliseconds(0);
    } else if (self().options().command_timeout.count() > 0) {
      wait = self().options().command_timeout + timeout;
    }
    const resp::Reply reply = Run(command, wait);
    if (reply_cast::Checked(reply).is_null()) return std::nullopt;
    std::vector<std::string> pair = reply_cast::Strings(reply);
    if (pair.size() != 2) {
      throw Error(ErrorKind::kTypeMismatch, "expected a key and a value but the server answered " +
                                                ToString(reply));
    }
    return KeyValue{std::move(pair[0]), std::move(pair[1])};
  }
};

// Iterates a SCAN family command lazily: each step asks the server for the next batch.
template <typename Client>
class ScanRange {
 public:
  ScanRange(Client& client, Command base, ScanOptions options)
      : client_(&client), base_(std::move(base)), options_(std::move(options)) {}

  // Yields keys or members; for HSCAN and ZSCAN, field (member) and value (score) alternate.
  class iterator {
   public:
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(ScanRange* range) : range_(range) { Advance(); }
    const std::string& operator*() const { return range_->batch_[index_]; }
    const std::string* operator->() const { return &range_->batch_[index_]; }
    iterator& operator++() {
      ++index_;
      Advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const iterator& other) const { return range_ == other.range_; }

   private:
    void Advance() {
      while (index_ >= range_->batch_.size()) {
        if (range_->done_) {
          range_ = nullptr;
          return;
        }
        range_->Fetch();
        index_ = 0;
      }
    }
    ScanRange* range_ = nullptr;
    size_t index_ = 0;
  };

  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  std::vector<std::string> collect() {
    std::vector<std::string> out;
    for (const std::string& item : *this) out.push_back(item);
    return out;
  }

 private:
  void Fetch() {
    Command command = base_;
    command.arg(cursor_);
    if (!options_.match.empty()) command.arg("MATCH").arg(options_.match);
    if (options_.count > 0) command.arg("COUNT").arg(options_.count);
    if (!options_.type.empty()) command.arg("TYPE").arg(options_.type);
    const resp::Reply reply = client_->command(command);
    if (reply.elements.size() != 2) {
      throw Error(ErrorKind::kTypeMismatch,
                  "expected a cursor and a batch but the server answered " + ToString(reply));
    }
    cursor_ = reply_cast::String(reply.elements[0]);
    batch_ = reply_cast::Strings(reply.elements[1]);
    done_ = cursor_ == "0";
  }

  Client* client_;
  Command base_;
  ScanOptions options_;
  std::string cursor_ = "0";
  std::vector<std::string> batch_;
  bool done_ = false;
};

}  // namespace understudy::client
