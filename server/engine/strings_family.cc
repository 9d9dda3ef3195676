// String commands: GET, SET and its variants, counters, ranges.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "store/database.h"
#include "store/numbers.h"
#include "store/strings.h"

namespace understudy::engine {
namespace {

using store::OpStatus;

// Expiry options shared by SET and GETEX.
enum class ExpireUnit : uint8_t { kNone, kEx, kPx, kExAt, kPxAt };

struct ExpireOptions {
  ExpireUnit unit = ExpireUnit::kNone;
  std::string_view value;
  bool keep_ttl = false;
  bool persist = false;

  bool has_expire() const { return unit != ExpireUnit::kNone; }
};

// Reads EX/PX/EXAT/PXAT <n>, KEEPTTL (SET) or PERSIST (GETEX) if the parser is at one of them.
// Each excludes the others but may repeat itself (the last one wins), as in Redis.
bool ParseExpireOption(ArgParser& parser, ExpireOptions& options, bool is_set) {
  static constexpr std::pair<std::string_view, ExpireUnit> kUnits[] = {{"ex", ExpireUnit::kEx},
                                                                       {"px", ExpireUnit::kPx},
                                                                       {"exat", ExpireUnit::kExAt},
                                                                       {"pxat", ExpireUnit::kPxAt}};
  for (const auto& [name, unit] : kUnits) {
    if (!parser.Check(name)) continue;
    const bool other_unit = options.has_expire() && options.unit != unit;
    if (other_unit || options.keep_ttl || options.persist || parser.remaining() == 0) {
      parser.Fail(errors::kSyntax);
      return true;
    }
    options.unit = unit;
    options.value = parser.Next();
    return true;
  }
  if (is_set && parser.Check("keepttl")) {
    if (options.has_expire()) parser.Fail(errors::kSyntax);
    options.keep_ttl = true;
    return true;
  }
  if (!is_set && parser.Check("persist")) {
    if (options.has_expire()) parser.Fail(errors::kSyntax);
    options.persist = true;
    return true;
  }
  return false;
}

// The absolute deadline in ms for an expire option, or an error reply and nullopt. Rejects
// non-positive times and anything that overflows, with the command's name in the error.
std::optional<int64_t> ExpireDeadline(CommandContext& ctx, ExpireUnit unit, std::string_view text) {
  int64_t value;
  if (!ParseIntArg(ctx.reply, text, &value)) return std::nullopt;
  const bool seconds = unit == ExpireUnit::kEx || unit == ExpireUnit::kExAt;
  const bool relative = unit == ExpireUnit::kEx || unit == ExpireUnit::kPx;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  bool valid = value > 0 && !(seconds && value > kMax / 1000);
  if (valid && seconds) value *= 1000;
  if (valid && relative) {
    const int64_t now = ctx.now_ms();
    valid = value <= kMax - now;
    if (valid) value += now;
  }
  if (!valid) {
    ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
    return std::nullopt;
  }
  return value;
}

void ReplyOptionalBulk(resp::ReplyWriter& reply, const std::optional<std::string>& value) {
  if (value) {
    reply.Bulk(*value);
  } else {
    reply.Null();
  }
}

// The events of a SET: "set", then "expire" if it gave the key a deadline.
void NotifySet(CommandContext& ctx, bool expires) {
  ctx.Notify(kNotifyString, "set", ctx.args[1]);
  if (expires) ctx.Notify(kNotifyGeneric, "expire", ctx.args[1]);
}

// store::GetString for a read: a missing key is a keymiss.
auto ReadString(CommandContext& ctx, std::string_view key) {
  auto result = store::GetString(ctx.db(), key);
  if (result.status() == OpStatus::kKeyNotFound) ctx.NotifyKeyMiss(key);
  return result;
}

// GET key
void CmdGet(CommandContext& ctx) {
  auto result = ReadString(ctx, ctx.args[1]);
  if (result.ok()) return ctx.reply.Bulk(result.value().view());
  if (result.status() == OpStatus::kKeyNotFound) return ctx.reply.Null();
  ReplyError(ctx.reply, result.status());
}

// SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]
void CmdSet(CommandContext& ctx) {
  using Condition = store::SetParams::Condition;
  store::SetParams params;
  ExpireOptions expire;
  ArgParser parser(ctx.args, 3);
  while (parser.HasNext()) {
    if (parser.Check("nx")) {
      if (params.condition == Condition::kIfExists) parser.Fail(errors::kSyntax);
      params.condition = Condition::kIfMissing;
    } else if (parser.Check("xx")) {
      if (params.condition == Condition::kIfMissing) parser.Fail(errors::kSyntax);
      params.condition = Condition::kIfExists;
    } else if (parser.Check("get")) {
      params.get_old = true;
    } else if (!ParseExpireOption(parser, expire, /*is_set=*/true)) {
      parser.Fail(errors::kSyntax);
    }
  }
  if (!parser.ok()) return ctx.reply.Error(parser.error());
  if (expire.has_expire()) {
    auto deadline = ExpireDeadline(ctx, expire.unit, expire.value);
    if (!deadline) return;
    params.deadline = *deadline;
  }
  params.keep_ttl = expire.keep_ttl;

  if (params.get_old) ctx.CheckKeyMiss(ctx.args[1]);
  auto result = store::Set(ctx.db(), ctx.args[1], ctx.args[2], params);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  // With GET the old value is the reply whether or not NX/XX let the write happen; Redis
  // writes it before the notifications, and OK after them.
  if (params.get_old) ReplyOptionalBulk(ctx.reply, result.value().old);
  if (result.value().written) NotifySet(ctx, expire.has_expire());
  if (params.get_old) return;
  if (!result.value().written) return ctx.reply.Null();
  ctx.reply.Ok();
}

// SETNX key value
void CmdSetNx(CommandContext& ctx) {
  store::SetParams params;
  params.condition = store::SetParams::Condition::kIfMissing;
  auto result = store::Set(ctx.db(), ctx.args[1], ctx.args[2], params);
  if (result.value().written) NotifySet(ctx, /*expires=*/false);
  ctx.reply.Integer(result.value().written ? 1 : 0);
}

// SETEX key seconds value, PSETEX key milliseconds value
void SetWithExpire(CommandContext& ctx, ExpireUnit unit) {
  auto deadline = ExpireDeadline(ctx, unit, ctx.args[2]);
  if (!deadline) return;
  store::SetParams params;
  params.deadline = *deadline;
  store::Set(ctx.db(), ctx.args[1], ctx.args[3], params);
  NotifySet(ctx, /*expires=*/true);
  ctx.reply.Ok();
}
void CmdSetEx(CommandContext& ctx) { SetWithExpire(ctx, ExpireUnit::kEx); }
void CmdPSetEx(CommandContext& ctx) { SetWithExpire(ctx, ExpireUnit::kPx); }

// GETSET key value
void CmdGetSet(CommandContext& ctx) {
  store::SetParams params;
  params.get_old = true;
  ctx.CheckKeyMiss(ctx.args[1]);
  auto result = store::Set(ctx.db(), ctx.args[1], ctx.args[2], params);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ReplyOptionalBulk(ctx.reply, result.value().old);
  NotifySet(ctx, /*expires=*/false);
}

// GETDEL key
void CmdGetDel(CommandContext& ctx) {
  auto result = ReadString(ctx, ctx.args[1]);
  if (result.status() == OpStatus::kKeyNotFound) return ctx.reply.Null();
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.reply.Bulk(result.value().view());
  ctx.db().Erase(ctx.args[1]);
  ctx.Notify(kNotifyGeneric, "del", ctx.args[1]);
}

// GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]
void CmdGetEx(CommandContext& ctx) {
  ExpireOptions expire;
  ArgParser parser(ctx.args, 2);
  while (parser.HasNext()) {
    if (!ParseExpireOption(parser, expire, /*is_set=*/false)) parser.Fail(errors::kSyntax);
  }
  if (!parser.ok()) return ctx.reply.Error(parser.error());
  store::Database& db = ctx.db();
  auto result = ReadString(ctx, ctx.args[1]);
  if (result.status() == OpStatus::kKeyNotFound) return ctx.reply.Null();
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  std::optional<int64_t> deadline;
  if (expire.has_expire()) {
    deadline = ExpireDeadline(ctx, expire.unit, expire.value);
    if (!deadline) return;
  }
  ctx.reply.Bulk(result.value().view());
  if (deadline) {
    // A deadline already past deletes the key, which Redis reports as a DEL.
    db.SetExpiry(ctx.args[1], *deadline);
    const bool deleted = *deadline <= ctx.now_ms();
    ctx.Notify(kNotifyGeneric, deleted ? "del" : "expire", ctx.args[1]);
  } else if (expire.persist && db.Persist(ctx.args[1])) {
    ctx.Notify(kNotifyGeneric, "persist", ctx.args[1]);
  }
}

// MGET key [key ...]
void CmdMGet(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.args.size() - 1);
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    auto result = ReadString(ctx, ctx.args[i]);
    if (result.ok()) {
      ctx.reply.Bulk(result.value().view());
    } else {
      ctx.reply.Null();
    }
  }
}

// MSET key value [key value ...], MSETNX key value [key value ...]
// Both reply the arity error for an unpaired key, and write all pairs or none.
bool HasKeyValuePairs(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 1) return true;
  ctx.reply.Error(errors::WrongArity(ctx.spec.name));
  return false;
}
void SetPairs(CommandContext& ctx) {
  store::Database& db = ctx.db();
  for (size_t i = 1; i < ctx.args.size(); i += 2) {
    db.Set(ctx.args[i], ctx.args[i + 1]);
    ctx.Notify(kNotifyString, "set", ctx.args[i]);
  }
}
void CmdMSet(CommandContext& ctx) {
  if (!HasKeyValuePairs(ctx)) return;
  SetPairs(ctx);
  ctx.reply.Ok();
}
void CmdMSetNx(CommandContext& ctx) {
  if (!HasKeyValuePairs(ctx)) return;
  store::Database& db = ctx.db();
  for (size_t i = 1; i < ctx.args.size(); i += 2) {
    if (db.Find(ctx.args[i]) != nullptr) return ctx.reply.Integer(0);
  }
  SetPairs(ctx);
  ctx.reply.Integer(1);
}

// APPEND key value
void CmdAppend(CommandContext& ctx) {
  auto result =
      store::Append(ctx.db(), ctx.args[1], ctx.args[2], ctx.engine.config().proto_max_bulk_len);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.Notify(kNotifyString, "append", ctx.args[1]);
  ctx.reply.Integer(result.value());
}

// STRLEN key
void CmdStrLen(CommandContext& ctx) {
  auto result = ReadString(ctx, ctx.args[1]);
  if (result.status() == OpStatus::kKeyNotFound) return ctx.reply.Integer(0);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.reply.Integer(static_cast<int64_t>(result.value().size()));
}

// GETRANGE key start end
void CmdGetRange(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &start) || !ParseIntArg(ctx.reply, ctx.args[3], &end)) {
    return;
  }
  auto result = ReadString(ctx, ctx.args[1]);
  if (result.status() == OpStatus::kKeyNotFound) return ctx.reply.Bulk("");
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.reply.Bulk(store::Substring(result.value().view(), start, end));
}

// SETRANGE key offset value
void CmdSetRange(CommandContext& ctx) {
  int64_t offset;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &offset)) return;
  auto result = store::SetRange(ctx.db(), ctx.args[1], offset, ctx.args[3],
                                ctx.engine.config().proto_max_bulk_len);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  // An empty value writes nothing (and creates no key).
  if (!ctx.args[3].empty()) ctx.Notify(kNotifyString, "setrange", ctx.args[1]);
  ctx.reply.Integer(result.value());
}

void IncrementBy(CommandContext& ctx, int64_t delta) {
  auto result = store::IncrBy(ctx.db(), ctx.args[1], delta);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.Notify(kNotifyString, "incrby", ctx.args[1]);
  ctx.reply.Integer(result.value());
}

// INCR key, DECR key, INCRBY key increment, DECRBY key decrement
void CmdIncr(CommandContext& ctx) { IncrementBy(ctx, 1); }
void CmdDecr(CommandContext& ctx) { IncrementBy(ctx, -1); }
void CmdIncrBy(CommandContext& ctx) {
  int64_t delta;
  if (ParseIntArg(ctx.reply, ctx.args[2], &delta)) IncrementBy(ctx, delta);
}
void CmdDecrBy(CommandContext& ctx) {
  int64_t delta;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &delta)) return;
  if (delta == std::numeric_limits<int64_t>::min()) {
    return ctx.reply.Error(errors::kDecrementOverflow);
  }
  IncrementBy(ctx, -delta);
}

// INCRBYFLOAT key increment
void CmdIncrByFloat(CommandContext& ctx) {
  auto result = store::IncrByFloat(ctx.db(), ctx.args[1], ctx.args[2]);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  ctx.Notify(kNotifyString, "incrbyfloat", ctx.args[1]);
  ctx.reply.Bulk(result.value());
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
void CmdLcs(CommandContext& ctx) {
  store::Database& db = ctx.db();
  const store::Value* values[2] = {db.Find(ctx.args[1]), db.Find(ctx.args[2])};
  for (int i = 0; i < 2; ++i) {
    if (values[i] == nullptr) ctx.NotifyKeyMiss(ctx.args[1 + i]);
  }
  for (const store::Value* value : values) {
    if (value != nullptr && !value->is(store::ValueType::kString)) {
      return ctx.reply.Error(errors::kLcsNotStrings);
    }
  }
  bool want_length = false, want_matches = false, with_match_length = false;
  int64_t min_match_length = 0;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    const std::string_view option = ctx.args[i];
    if (EqualsIgnoreCase(option, "idx")) {
      want_matches = true;
    } else if (EqualsIgnoreCase(option, "len")) {
      want_length = true;
    } else if (EqualsIgnoreCase(option, "withmatchlen")) {
      with_match_length = true;
    } else if (EqualsIgnoreCase(option, "minmatchlen") && i + 1 < ctx.args.size()) {
      if (!ParseIntArg(ctx.reply, ctx.args[++i], &min_match_length)) return;
      min_match_length = std::max<int64_t>(min_match_length, 0);
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  if (want_matches && want_length) return ctx.reply.Error(errors::kLcsLenAndIdx);
  // The strings are copied: an int-encoded value has no bytes to view for long.
  const std::string a(values[0] != nullptr ? values[0]->str().view() : "");
  const std::string b(values[1] != nullptr ? values[1]->str().view() : "");
  auto result = store::LongestCommonSubsequence(a, b, !want_length, want_matches,
                                                min_match_length,
                                                ctx.engine.config().proto_max_bulk_len);
  if (result.status() == OpStatus::kTooLarge) return ctx.reply.Error(errors::kLcsTooLarge);
  if (result.status() == OpStatus::kOutOfMemory) return ctx.reply.Error(errors::kLcsNoMemory);
  if (!result.ok()) return ReplyError(ctx.reply, result.status());
  const store::LcsResult& lcs = result.value();
  if (want_length) return ctx.reply.Integer(lcs.length);
  if (!want_matches) return ctx.reply.Bulk(lcs.subsequence);
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("matches");
  ctx.reply.ArrayHeader(lcs.matches.size());
  for (const store::LcsMatch& match : lcs.matches) {
    ctx.reply.ArrayHeader(with_match_length ? 3 : 2);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(match.a_start);
    ctx.reply.Integer(match.a_end);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(match.b_start);
    ctx.reply.Integer(match.b_end);
    if (with_match_length) ctx.reply.Integer(match.length());
  }
  ctx.reply.Bulk("len");
  ctx.reply.Integer(lcs.length);
}

constexpr uint32_t kReadFast = kReadOnly | kFast;
constexpr uint32_t kWriteFast = kWrite | kDenyOom | kFast;

const CommandSpec kCommands[] = {
    {.name = "get",
     .arity = 2,
     .flags = kReadFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdGet,
     .doc = {"Get the value of a key", "1.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "set",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update variable_flags",
              "RW and ACCESS due to the optional `GET` argument"},
     .handler = CmdSet,
     .doc = {"Set the string value of a key", "1.0.0", "O(1)"},
     .args = "key:key value [condition:(NX | XX)@2.6.12] [GET@6.2.0] "
             "[expiration:(EX seconds:integer@2.6.12 | PX milliseconds:integer@2.6.12 | "
             "EXAT unix-time-seconds:unix-time@6.2.0 | "
             "PXAT unix-time-milliseconds:unix-time@6.2.0 | KEEPTTL@6.0.0)]",
     .history = {{"2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."},
                 {"6.0.0", "Added the `KEEPTTL` option."},
                 {"6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."},
                 {"7.0.0", "Allowed the `NX` and `GET` options to be used together."}}},
    {.name = "setnx",
     .arity = 3,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "OW insert"},
     .handler = CmdSetNx,
     .doc = {"Set the value of a key, only if the key does not exist", "1.0.0", "O(1)"},
     .args = "key:key value"},
    {.name = "setex",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .acl = kAclString,
     .keys = {1, 1, 1, "OW update"},
     .handler = CmdSetEx,
     .doc = {"Set the value and expiration of a key", "2.0.0", "O(1)"},
     .args = "key:key seconds:integer value"},
    {.name = "psetex",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .acl = kAclString,
     .keys = {1, 1, 1, "OW update"},
     .handler = CmdPSetEx,
     .doc = {"Set the value and expiration in milliseconds of a key", "2.6.0", "O(1)"},
     .args = "key:key milliseconds:integer value"},
    {.name = "getset",
     .arity = 3,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdGetSet,
     .doc = {"Set the string value of a key and return its old value", "1.0.0", "O(1)"},
     .args = "key:key value",
     .deprecated = {"6.2.0", "`SET` with the `!GET` argument"}},
    {.name = "getdel",
     .arity = 2,
     .flags = kWrite | kFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access delete"},
     .handler = CmdGetDel,
     .doc = {"Get the value of a key and delete the key", "6.2.0", "O(1)"},
     .args = "key:key"},
    {.name = "getex",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update", "RW and UPDATE because it changes the TTL"},
     .handler = CmdGetEx,
     .doc = {"Get the value of a key and optionally set its expiration", "6.2.0", "O(1)"},
     .args = "key:key [expiration:(EX seconds:integer | PX milliseconds:integer | "
             "EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | "
             "PERSIST)]"},
    {.name = "mget",
     .arity = -2,
     .flags = kReadFast,
     .acl = kAclString,
     .keys = {1, -1, 1, "RO access"},
     .handler = CmdMGet,
     .doc = {"Get the values of all the given keys", "1.0.0",
             "O(N) where N is the number of keys to retrieve."},
     .args = "key:key...",
     .tips = "request_policy:multi_shard"},
    {.name = "mset",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclString,
     .keys = {1, -1, 2, "OW update"},
     .handler = CmdMSet,
     .doc = {"Set multiple keys to multiple values", "1.0.1",
             "O(N) where N is the number of keys to set."},
     .args = "key_value:{key:key value}...",
     .tips = "request_policy:multi_shard response_policy:all_succeeded"},
    {.name = "msetnx",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclString,
     .keys = {1, -1, 2, "OW insert"},
     .handler = CmdMSetNx,
     .doc = {"Set multiple keys to multiple values, only if none of the keys exist", "1.0.1",
             "O(N) where N is the number of keys to set."},
     .args = "key_value:{key:key value}...",
     .tips = "request_policy:multi_shard response_policy:agg_min"},
    {.name = "append",
     .arity = 3,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW insert"},
     .handler = CmdAppend,
     .doc = {"Append a value to a key", "2.0.0",
             "O(1). The amortized time complexity is O(1) assuming the appended value is small and "
             "the already present value is of any size, since the dynamic string library used by "
             "Redis will double the free space available on every reallocation."},
     .args = "key:key value"},
    {.name = "strlen",
     .arity = 2,
     .flags = kReadFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RO"},
     .handler = CmdStrLen,
     .doc = {"Get the length of the value stored in a key", "2.2.0", "O(1)"},
     .args = "key:key"},
    {.name = "getrange",
     .arity = 4,
     .flags = kReadOnly,
     .acl = kAclString,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdGetRange,
     .doc = {"Get a substring of the string stored at a key", "2.4.0",
             "O(N) where N is the length of the returned string. The complexity is ultimately "
             "determined by the returned length, but because creating a substring from an existing "
             "string is very cheap, it can be considered O(1) for small strings."},
     .args = "key:key start:integer end:integer"},
    {.name = "lcs",
     .arity = -3,
     .flags = kReadOnly,
     .acl = kAclString,
     .keys = {1, 2, 1, "RO access"},
     .handler = CmdLcs,
     .doc = {"Find longest common substring", "7.0.0",
             "O(N*M) where N and M are the lengths of s1 and s2, respectively"},
     .args = "key1:key key2:key#0 [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]"},
    {.name = "setrange",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdSetRange,
     .doc = {"Overwrite part of a string at key starting at the specified offset", "2.2.0",
             "O(1), not counting the time taken to copy the new string in place. Usually, this "
             "string is very small so the amortized complexity is O(1). Otherwise, complexity is "
             "O(M) with M being the length of the value argument."},
     .args = "key:key offset:integer value"},
    {.name = "incr",
     .arity = 2,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdIncr,
     .doc = {"Increment the integer value of a key by one", "1.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "decr",
     .arity = 2,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdDecr,
     .doc = {"Decrement the integer value of a key by one", "1.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "incrby",
     .arity = 3,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdIncrBy,
     .doc = {"Increment the integer value of a key by the given amount", "1.0.0", "O(1)"},
     .args = "key:key increment:integer"},
    {.name = "decrby",
     .arity = 3,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdDecrBy,
     .doc = {"Decrement the integer value of a key by the given number", "1.0.0", "O(1)"},
     .args = "key:key decrement:integer"},
    {.name = "incrbyfloat",
     .arity = 3,
     .flags = kWriteFast,
     .acl = kAclString,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdIncrByFloat,
     .doc = {"Increment the float value of a key by the given amount", "2.6.0", "O(1)"},
     .args = "key:key increment:double"},
};

}  // namespace

CommandFamily StringFamily() { return {"string", kCommands}; }

}  // namespace understudy::engine
