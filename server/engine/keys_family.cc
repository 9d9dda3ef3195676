// Generic key commands: existence, deletion, types, iteration, renaming, expiry, OBJECT.
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "server/engine/arg_parser.h"
#include "server/engine/client.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"
#include "store/database.h"

namespace understudy::engine {
namespace {

using store::Database;

// Counts the keys among args[1..] that fn accepts (DEL, EXISTS, TOUCH).
template <typename Fn>
void CountKeys(CommandContext& ctx, Fn fn) {
  Database& db = ctx.db();
  int64_t count = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) count += fn(db, ctx.args[i]) ? 1 : 0;
  ctx.reply.Integer(count);
}

// DEL key [key ...]
void CmdDel(CommandContext& ctx) {
  CountKeys(ctx, [](Database& db, std::string_view key) { return db.Erase(key); });
}

// UNLINK key [key ...]: DEL, with large values freed off the loop.
void CmdUnlink(CommandContext& ctx) {
  CountKeys(ctx, [](Database& db, std::string_view key) { return db.Unlink(key); });
}

// EXISTS key [key ...] (a key named twice counts twice), TOUCH key [key ...]
void CmdExists(CommandContext& ctx) {
  CountKeys(ctx, [](Database& db, std::string_view key) { return db.Find(key) != nullptr; });
}

// TYPE key
void CmdType(CommandContext& ctx) {
  const store::Value* value = ctx.db().Find(ctx.args[1]);
  ctx.reply.SimpleString(value == nullptr ? "none" : store::TypeName(value->type()));
}

// KEYS pattern
void CmdKeys(CommandContext& ctx) {
  const std::string_view pattern = ctx.args[1];
  const bool all = pattern == "*";
  std::vector<std::string_view> keys;
  ctx.db().ForEach([&](std::string_view key, const store::Value&) {
    if (all || GlobMatch(pattern, key)) keys.push_back(key);
  });
  ctx.reply.BulkArray(keys);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void CmdScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseCursor(ctx.args[1], &cursor)) return ctx.reply.Error(errors::kInvalidCursor);
  std::optional<std::string_view> pattern;  // "" is a pattern too: it matches the empty key
  std::string_view type;
  int64_t count = 10;
  ArgParser parser(ctx.args, 2);
  while (parser.HasNext()) {
    if (parser.remaining() >= 2 && parser.Check("count")) {
      count = parser.NextInt64();
      if (parser.ok() && count < 1) parser.Fail(errors::kSyntax);
    } else if (parser.remaining() >= 2 && parser.Check("match")) {
      pattern = parser.Next();
    } else if (parser.remaining() >= 2 && parser.Check("type")) {
      type = parser.Next();
    } else {
      parser.Fail(errors::kSyntax);
    }
  }
  if (!parser.ok()) return ctx.reply.Error(parser.error());
  if (pattern == "*") pattern.reset();

  std::vector<std::string_view> keys;
  const uint64_t next = ctx.db().Scan(
      cursor, static_cast<size_t>(count), [&](std::string_view key, const store::Value& value) {
        if (pattern && !GlobMatch(*pattern, key)) return;
        if (!type.empty() && !EqualsIgnoreCase(type, store::TypeName(value.type()))) return;
        keys.push_back(key);
      });
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.BulkArray(keys);
}

// RANDOMKEY
void CmdRandomKey(CommandContext& ctx) {
  auto key = ctx.db().RandomKey();
  if (key) {
    ctx.reply.Bulk(*key);
  } else {
    ctx.reply.Null();
  }
}

// RENAME key newkey, RENAMENX key newkey
void Rename(CommandContext& ctx, bool only_if_new) {
  Database& db = ctx.db();
  const std::string_view from = ctx.args[1], to = ctx.args[2];
  if (db.Find(from) == nullptr) return ctx.reply.Error(errors::kNoSuchKey);
  if (from == to) return only_if_new ? ctx.reply.Integer(0) : ctx.reply.Ok();
  if (only_if_new && db.Find(to) != nullptr) return ctx.reply.Integer(0);
  db.Rename(from, to);
  only_if_new ? ctx.reply.Integer(1) : ctx.reply.Ok();
}
void CmdRename(CommandContext& ctx) { Rename(ctx, false); }
void CmdRenameNx(CommandContext& ctx) { Rename(ctx, true); }

// COPY source destination [DB destination-db] [REPLACE]
void CmdCopy(CommandContext& ctx) {
  const int source_db = ctx.client.db;
  int target_db = source_db;
  bool replace = false;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(ctx.args[i], "db") && i + 1 < ctx.args.size()) {
      if (!ParseInt32Arg(ctx.reply, ctx.args[++i], &target_db)) return;
      if (target_db < 0 || target_db >= ctx.engine.keyspace().num_databases()) {
        return ctx.reply.Error(errors::kDbIndexOutOfRange);
      }
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  const std::string_view from = ctx.args[1], to = ctx.args[2];
  if (target_db == source_db && from == to) return ctx.reply.Error(errors::kSameObject);

  Database& source = ctx.db();
  Database& target = ctx.engine.keyspace().db(target_db);
  const store::Value* value = source.Find(from);
  if (value == nullptr) return ctx.reply.Integer(0);
  if (!replace && target.Find(to) != nullptr) return ctx.reply.Integer(0);
  target.Set(to, *value, *source.GetExpiry(from));
  ctx.reply.Integer(1);
}

// EXPIRE key seconds [NX|XX|GT|LT] and its PEXPIRE, EXPIREAT, PEXPIREAT variants.
void Expire(CommandContext& ctx, bool seconds, bool relative) {
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    const std::string_view option = ctx.args[i];
    if (EqualsIgnoreCase(option, "nx")) {
      nx = true;
    } else if (EqualsIgnoreCase(option, "xx")) {
      xx = true;
    } else if (EqualsIgnoreCase(option, "gt")) {
      gt = true;
    } else if (EqualsIgnoreCase(option, "lt")) {
      lt = true;
    } else {
      return ctx.reply.Error(errors::UnsupportedOption(option));
    }
  }
  if (nx && (xx || gt || lt)) return ctx.reply.Error(errors::kExpireNxWithOthers);
  if (gt && lt) return ctx.reply.Error(errors::kExpireGtAndLt);

  int64_t when;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &when)) return;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (when > kMax / 1000 || when < kMin / 1000) {
      return ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
    }
    when *= 1000;
  }
  const int64_t base = relative ? ctx.now_ms() : 0;
  if (when > kMax - base) return ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
  when += base;

  Database& db = ctx.db();
  const std::optional<int64_t> current = db.GetExpiry(ctx.args[1]);
  if (!current) return ctx.reply.Integer(0);
  const bool has_ttl = *current != store::kNoExpiry;
  // A key without a TTL counts as never expiring: GT can never beat it, LT always does.
  if ((nx && has_ttl) || (xx && !has_ttl) || (gt && (!has_ttl || when <= *current)) ||
      (lt && has_ttl && when >= *current)) {
    return ctx.reply.Integer(0);
  }
  // A deadline already past deletes the key (SetExpiry does so).
  db.SetExpiry(ctx.args[1], when);
  ctx.reply.Integer(1);
}
void CmdExpire(CommandContext& ctx) { Expire(ctx, true, true); }
void CmdPExpire(CommandContext& ctx) { Expire(ctx, false, true); }
void CmdExpireAt(CommandContext& ctx) { Expire(ctx, true, false); }
void CmdPExpireAt(CommandContext& ctx) { Expire(ctx, false, false); }

// TTL key, PTTL key: -2 for a missing key, -1 for a key without expiry.
void ReplyTtl(CommandContext& ctx, bool seconds) {
  const std::optional<int64_t> deadline = ctx.db().GetExpiry(ctx.args[1]);
  if (!deadline) return ctx.reply.Integer(-2);
  if (*deadline == store::kNoExpiry) return ctx.reply.Integer(-1);
  const int64_t left = std::max<int64_t>(*deadline - ctx.now_ms(), 0);
  ctx.reply.Integer(seconds ? (left + 500) / 1000 : left);
}
void CmdTtl(CommandContext& ctx) { ReplyTtl(ctx, true); }
void CmdPTtl(CommandContext& ctx) { ReplyTtl(ctx, false); }

// EXPIRETIME key (rounded to the nearest second), PEXPIRETIME key: the absolute deadline.
void ReplyExpireTime(CommandContext& ctx, bool seconds) {
  const std::optional<int64_t> deadline = ctx.db().GetExpiry(ctx.args[1]);
  if (!deadline) return ctx.reply.Integer(-2);
  if (*deadline == store::kNoExpiry) return ctx.reply.Integer(-1);
  // Rounded without computing deadline + 500, which overflows near INT64_MAX.
  ctx.reply.Integer(seconds ? *deadline / 1000 + (*deadline % 1000 >= 500 ? 1 : 0) : *deadline);
}
void CmdExpireTime(CommandContext& ctx) { ReplyExpireTime(ctx, true); }
void CmdPExpireTime(CommandContext& ctx) { ReplyExpireTime(ctx, false); }

// PERSIST key
void CmdPersist(CommandContext& ctx) { ctx.reply.Integer(ctx.db().Persist(ctx.args[1]) ? 1 : 0); }

// OBJECT ENCODING key
void CmdObjectEncoding(CommandContext& ctx) {
  const store::Value* value = ctx.db().Find(ctx.args[2]);
  if (value == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(value->encoding());
}

// OBJECT HELP: Redis's text, which lists the subcommands not implemented here yet too.
void CmdObjectHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr std::string_view kMultiShardSum = "request_policy:multi_shard response_policy:agg_sum";

const CommandSpec kObjectSubcommands[] = {
    {.name = "encoding",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclKeyspace,
     .keys = {2, 2, 1, "RO"},
     .handler = CmdObjectEncoding,
     .doc = {"Inspect the internal encoding of a Redis object", "2.2.3", "O(1)"},
     .tips = "nondeterministic_output"},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclKeyspace,
     .keys = kNoKeys,
     .handler = CmdObjectHelp,
     .doc = {"Show helpful text about the different subcommands", "6.2.0", "O(1)"}},
};

const CommandSpec kCommands[] = {
    {.name = "del",
     .arity = -2,
     .flags = kWrite,
     .acl = kAclKeyspace,
     .keys = {1, -1, 1, "RM delete"},
     .handler = CmdDel,
     .doc = {"Delete a key", "1.0.0", "O(N) where N is the number of keys that will be removed."},
     .tips = kMultiShardSum},
    {.name = "unlink",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, -1, 1, "RM delete"},
     .handler = CmdUnlink,
     .doc = {"Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
             "blocking.",
             "4.0.0", "O(1) for each key removed regardless of its size."},
     .tips = kMultiShardSum},
    {.name = "exists",
     .arity = -2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, -1, 1, "RO"},
     .handler = CmdExists,
     .doc = {"Determine if a key exists", "1.0.0", "O(N) where N is the number of keys to check."},
     .tips = kMultiShardSum},
    {.name = "touch",
     .arity = -2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, -1, 1, "RO"},
     .handler = CmdExists,
     .doc = {"Alters the last access time of a key(s). Returns the number of existing keys "
             "specified.",
             "3.2.1", "O(N) where N is the number of keys that will be touched."},
     .tips = kMultiShardSum},
    {.name = "type",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO"},
     .handler = CmdType,
     .doc = {"Determine the type stored at key", "1.0.0", "O(1)"}},
    {.name = "keys",
     .arity = 2,
     .flags = kReadOnly,
     .acl = kAclKeyspace | kAclDangerous,
     .keys = kNoKeys,
     .handler = CmdKeys,
     .doc = {"Find all keys matching the given pattern", "1.0.0",
             "O(N) with N being the number of keys in the database"},
     .tips = "request_policy:all_shards nondeterministic_output_order"},
    {.name = "scan",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclKeyspace,
     .keys = kNoKeys,
     .handler = CmdScan,
     .doc = {"Incrementally iterate the keys space", "2.8.0",
             "O(1) for every call. O(N) for a complete iteration."},
     .tips = "nondeterministic_output request_policy:special"},
    {.name = "randomkey",
     .arity = 1,
     .flags = kReadOnly,
     .acl = kAclKeyspace,
     .keys = kNoKeys,
     .handler = CmdRandomKey,
     .doc = {"Return a random key from the keyspace", "1.0.0", "O(1)"},
     .tips = "request_policy:all_shards nondeterministic_output"},
    {.name = "rename",
     .arity = 3,
     .flags = kWrite,
     .acl = kAclKeyspace,
     .keys = {1, 2, 1, "RW access delete|OW update"},
     .handler = CmdRename,
     .doc = {"Rename a key", "1.0.0", "O(1)"}},
    {.name = "renamenx",
     .arity = 3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 2, 1, "RW access delete|OW insert"},
     .handler = CmdRenameNx,
     .doc = {"Rename a key, only if the new key does not exist", "1.0.0", "O(1)"}},
    {.name = "copy",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclKeyspace,
     .keys = {1, 2, 1, "RO access|OW update"},
     .handler = CmdCopy,
     .doc = {"Copy a key", "6.2.0",
             "O(N) worst case for collections, where N is the number of nested items. O(1) for "
             "string values."}},
    {.name = "expire",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdExpire,
     .doc = {"Set a key's time to live in seconds", "1.0.0", "O(1)"}},
    {.name = "pexpire",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdPExpire,
     .doc = {"Set a key's time to live in milliseconds", "2.6.0", "O(1)"}},
    {.name = "expireat",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdExpireAt,
     .doc = {"Set the expiration for a key as a UNIX timestamp", "1.2.0", "O(1)"}},
    {.name = "pexpireat",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdPExpireAt,
     .doc = {"Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
             "O(1)"}},
    {.name = "ttl",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdTtl,
     .doc = {"Get the time to live for a key in seconds", "1.0.0", "O(1)"},
     .tips = "nondeterministic_output"},
    {.name = "pttl",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdPTtl,
     .doc = {"Get the time to live for a key in milliseconds", "2.6.0", "O(1)"},
     .tips = "nondeterministic_output"},
    {.name = "expiretime",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdExpireTime,
     .doc = {"Get the expiration Unix timestamp for a key", "7.0.0", "O(1)"}},
    {.name = "pexpiretime",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdPExpireTime,
     .doc = {"Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "O(1)"}},
    {.name = "persist",
     .arity = 2,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdPersist,
     .doc = {"Remove the expiration from a key", "2.2.0", "O(1)"}},
    {.name = "object",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for object introspection commands", "2.2.3", "Depends on subcommand."},
     .tips = "",
     .subcommands = kObjectSubcommands},
};

}  // namespace

CommandFamily KeysFamily() { return {"generic", kCommands}; }

}  // namespace understudy::engine
