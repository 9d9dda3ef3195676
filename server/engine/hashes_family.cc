// Hash commands: fields and values of a hash, counters, random fields and scans.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"
#include "store/database.h"
#include "store/hash_value.h"
#include "store/numbers.h"
#include "store/op_result.h"

namespace understudy::engine {
namespace {

using store::Database;
using store::HashValue;
using store::LpValue;
using store::OpResult;
using store::OpStatus;
using store::ValueType;

// The hash under key: null if there is none, kWrongType if the key holds another type.
OpResult<HashValue*> FindHash(Database& db, std::string_view key) {
  store::Value* value = db.Find(key);
  if (value == nullptr) return static_cast<HashValue*>(nullptr);
  if (!value->is(ValueType::kHash)) return OpStatus::kWrongType;
  return &value->as<HashValue>();
}

// FindHash for a read: a missing key is a keymiss.
OpResult<HashValue*> ReadHash(CommandContext& ctx, std::string_view key) {
  auto found = FindHash(ctx.db(), key);
  if (found.ok() && *found == nullptr) ctx.NotifyKeyMiss(key);
  return found;
}

// The hash under key, created empty if there is none. The caller fills a new hash at once: an
// empty hash must not stay in the keyspace.
OpResult<HashValue*> FindOrCreateHash(Database& db, std::string_view key) {
  store::Value* value = db.FindOrInsert(key, ValueType::kHash).first;
  if (!value->is(ValueType::kHash)) return OpStatus::kWrongType;
  return &value->as<HashValue>();
}

const store::EncodingConfig& Encoding(CommandContext& ctx) {
  return ctx.engine.keyspace().encoding();
}

void ReplyOptionalValue(resp::ReplyWriter& reply, const std::optional<LpValue>& value) {
  if (value) {
    reply.Bulk(value->view());
  } else {
    reply.Null();
  }
}

// HSET key field value [field value ...], HMSET key field value [field value ...]
void SetFields(CommandContext& ctx, bool reply_ok) {
  if (ctx.args.size() % 2 != 0) return ctx.reply.Error(errors::WrongArity(ctx.spec.name));
  Database& db = ctx.db();
  auto found = FindOrCreateHash(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  HashValue& hash = **found;
  int64_t added = 0;
  for (size_t i = 2; i < ctx.args.size(); i += 2) {
    added += hash.Set(ctx.args[i], ctx.args[i + 1], Encoding(ctx)) ? 1 : 0;
  }
  db.Written(ctx.args[1]);
  reply_ok ? ctx.reply.Ok() : ctx.reply.Integer(added);
  ctx.Notify(kNotifyHash, "hset", ctx.args[1]);
}
void CmdHSet(CommandContext& ctx) { SetFields(ctx, false); }
void CmdHMSet(CommandContext& ctx) { SetFields(ctx, true); }

// HSETNX key field value
void CmdHSetNx(CommandContext& ctx) {
  Database& db = ctx.db();
  auto found = FindOrCreateHash(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const bool added = (*found)->SetIfMissing(ctx.args[2], ctx.args[3], Encoding(ctx));
  if (added) db.Written(ctx.args[1]);
  ctx.reply.Integer(added ? 1 : 0);
  if (added) ctx.Notify(kNotifyHash, "hset", ctx.args[1]);
}

// HGET key field
void CmdHGet(CommandContext& ctx) {
  auto found = ReadHash(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  if (*found == nullptr) return ctx.reply.Null();
  ReplyOptionalValue(ctx.reply, (*found)->GetView(ctx.args[2]));
}

// HMGET key field [field ...]
void CmdHMGet(CommandContext& ctx) {
  auto found = ReadHash(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const HashValue* hash = *found;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (hash == nullptr) {
      ctx.reply.Null();
    } else {
      ReplyOptionalValue(ctx.reply, hash->GetView(ctx.args[i]));
    }
  }
}

// HDEL key field [field ...]: a hash left empty is deleted.
void CmdHDel(CommandContext& ctx) {
  Database& db = ctx.db();
  const std::string_view key = ctx.args[1];
  auto found = FindHash(db, key);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  HashValue* hash = *found;
  int64_t deleted = 0;
  if (hash != nullptr) {
    for (size_t i = 2; i < ctx.args.size(); ++i) deleted += hash->Erase(ctx.args[i]) ? 1 : 0;
    if (deleted > 0) ctx.Notify(kNotifyHash, "hdel", key);
    if (hash->empty()) {
      db.Erase(key);
      ctx.Notify(kNotifyGeneric, "del", key);
    } else if (deleted > 0) {
      db.Written(key);
    }
  }
  ctx.reply.Integer(deleted);
}

// HLEN key, HEXISTS key field, HSTRLEN key field: an integer about the hash, 0 without one.
template <typename Fn>
void ReplyHashInteger(CommandContext& ctx, Fn fn) {
  auto found = ReadHash(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ctx.reply.Integer(*found == nullptr ? 0 : static_cast<int64_t>(fn(**found)));
}
void CmdHLen(CommandContext& ctx) {
  ReplyHashInteger(ctx, [](const HashValue& hash) { return hash.size(); });
}
void CmdHExists(CommandContext& ctx) {
  ReplyHashInteger(ctx, [&](const HashValue& hash) { return hash.Contains(ctx.args[2]); });
}
void CmdHStrLen(CommandContext& ctx) {
  ReplyHashInteger(ctx, [&](const HashValue& hash) { return hash.StrLen(ctx.args[2]); });
}

// HGETALL key (a map in RESP3), HKEYS key, HVALS key
enum class Parts : uint8_t { kFieldsAndValues, kFields, kValues };
void ReplyAll(CommandContext& ctx, Parts parts) {
  auto found = ReadHash(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const HashValue* hash = *found;
  const size_t size = hash == nullptr ? 0 : hash->size();
  if (parts == Parts::kFieldsAndValues) {
    ctx.reply.MapHeader(size);
  } else {
    ctx.reply.ArrayHeader(size);
  }
  if (hash == nullptr) return;
  hash->ForEach([&](std::string_view field, std::string_view value) {
    if (parts != Parts::kValues) ctx.reply.Bulk(field);
    if (parts != Parts::kFields) ctx.reply.Bulk(value);
  });
}
void CmdHGetAll(CommandContext& ctx) { ReplyAll(ctx, Parts::kFieldsAndValues); }
void CmdHKeys(CommandContext& ctx) { ReplyAll(ctx, Parts::kFields); }
void CmdHVals(CommandContext& ctx) { ReplyAll(ctx, Parts::kValues); }

// HINCRBY key field increment
void CmdHIncrBy(CommandContext& ctx) {
  int64_t delta;
  if (!ParseIntArg(ctx.reply, ctx.args[3], &delta)) return;
  Database& db = ctx.db();
  auto found = FindOrCreateHash(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  HashValue& hash = **found;
  // A new hash gets no error below: its field is missing, and 0 + delta cannot overflow.
  int64_t current = 0;
  if (const std::optional<LpValue> value = hash.GetView(ctx.args[2])) {
    if (value->is_int()) {
      current = value->integer();
    } else if (!store::ParseInt64(value->view(), &current)) {
      return ctx.reply.Error(errors::kHashValueNotInteger);
    }
  }
  if ((delta < 0 && current < std::numeric_limits<int64_t>::min() - delta) ||
      (delta > 0 && current > std::numeric_limits<int64_t>::max() - delta)) {
    return ctx.reply.Error(errors::kOverflow);
  }
  const int64_t result = current + delta;
  char digits[20];
  const char* end = std::to_chars(digits, digits + sizeof(digits), result).ptr;
  hash.Set(ctx.args[2], std::string_view(digits, end - digits), Encoding(ctx));
  db.Written(ctx.args[1]);
  ctx.reply.Integer(result);
  ctx.Notify(kNotifyHash, "hincrby", ctx.args[1]);
}

// HINCRBYFLOAT key field increment: long double arithmetic, stored and answered in
// INCRBYFLOAT's form.
void CmdHIncrByFloat(CommandContext& ctx) {
  long double delta;
  if (!store::ParseLongDouble(ctx.args[3], &delta)) return ctx.reply.Error(errors::kNotFloat);
  if (std::isinf(delta)) return ctx.reply.Error(errors::kIncrementNanOrInfinity);
  Database& db = ctx.db();
  auto found = FindOrCreateHash(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  HashValue& hash = **found;
  // As in HINCRBY, a new hash cannot fail below.
  long double current = 0;
  if (const std::optional<LpValue> value = hash.GetView(ctx.args[2])) {
    if (value->is_int()) {
      current = static_cast<long double>(value->integer());
    } else if (!store::ParseLongDouble(value->view(), &current)) {
      return ctx.reply.Error(errors::kHashValueNotFloat);
    }
  }
  const long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) return ctx.reply.Error(errors::kNanOrInfinity);
  const std::string text = store::FormatLongDouble(result);
  hash.Set(ctx.args[2], text, Encoding(ctx));
  db.Written(ctx.args[1]);
  ctx.reply.Bulk(text);
  ctx.Notify(kNotifyHash, "hincrbyfloat", ctx.args[1]);
}

// HRANDFIELD key [count [WITHVALUES]]
void CmdHRandField(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    auto found = ReadHash(ctx, ctx.args[1]);
    if (!found.ok()) return ReplyError(ctx.reply, found.status());
    if (*found == nullptr) return ctx.reply.Null();
    return (*found)->RandomFieldsWithRepeats(
        1, [&](std::string_view field, std::string_view) { ctx.reply.Bulk(field); });
  }
  constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
  int64_t count;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &count)) return;
  if (count < -kLongMax) return ctx.reply.Error(errors::kRandomCountOutOfRange);
  const bool with_values = ctx.args.size() == 4;
  if (ctx.args.size() > 4 || (with_values && !EqualsIgnoreCase(ctx.args[3], "withvalues"))) {
    return ctx.reply.Error(errors::kSyntax);
  }
  // Redis doubles the count for the RESP2 reply, so it keeps it from overflowing.
  if (with_values && (count < -kLongMax / 2 || count > kLongMax / 2)) {
    return ctx.reply.Error(errors::kOutOfRange);
  }
  auto found = ReadHash(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const HashValue* hash = *found;
  if (hash == nullptr || count == 0) return ctx.reply.ArrayHeader(0);
  // Redis would try to answer any negative count and run out of memory on a huge one; a reply
  // of more than 2^32 fields (at least 24 GB) is refused instead.
  constexpr uint64_t kMaxRepeatedFields = uint64_t{1} << 32;
  const bool repeats = count < 0;
  const uint64_t n =
      repeats ? -static_cast<uint64_t>(count)
              : std::min(static_cast<uint64_t>(count), static_cast<uint64_t>(hash->size()));
  if (n > kMaxRepeatedFields) return ctx.reply.Error(errors::kOutOfRange);
  // WITHVALUES: RESP2 has a flat array of fields and values, RESP3 an array of pairs.
  const bool pairs = with_values && ctx.reply.resp3();
  ctx.reply.ArrayHeader(with_values && !pairs ? 2 * n : n);
  const auto reply = [&](std::string_view field, std::string_view value) {
    if (pairs) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(field);
    if (with_values) ctx.reply.Bulk(value);
  };
  if (repeats) {
    hash->RandomFieldsWithRepeats(n, reply);
  } else {
    hash->RandomFields(n, reply);
  }
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void CmdHScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseCursor(ctx.args[2], &cursor)) return ctx.reply.Error(errors::kInvalidCursor);
  auto found = ReadHash(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const HashValue* hash = *found;
  // Redis answers a missing key before it reads the options.
  if (hash == nullptr) {
    return ReplyEmptyScan(ctx.reply);
  }
  const std::optional<ScanOptions> options =
      ParseScanOptions(ctx.reply, ctx.args, 3, /*with_type=*/false);
  if (!options) return;
  const std::optional<std::string_view>& pattern = options->pattern;
  const int64_t count = options->count;

  // The number of matches is known only at the end: the pairs go to a side buffer first.
  std::string items;
  resp::ReplyWriter item_writer(&items, ctx.reply.protocol());
  size_t item_count = 0;
  const uint64_t next = hash->Scan(cursor, static_cast<size_t>(count),
                                   [&](std::string_view field, std::string_view value) {
                                     if (pattern && !GlobMatch(*pattern, field)) return;
                                     item_writer.Bulk(field);
                                     item_writer.Bulk(value);
                                     item_count += 2;
                                   });
  char digits[20];
  const char* end = std::to_chars(digits, digits + sizeof(digits), next).ptr;
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::string_view(digits, end - digits));
  ctx.reply.ArrayHeader(item_count);
  ctx.reply.buffer()->append(items);
}

constexpr uint32_t kReadFast = kReadOnly | kFast;
constexpr uint32_t kWriteFast = kWrite | kDenyOom | kFast;
constexpr KeyPositions kReadKey = {.first = 1, .last = 1, .step = 1, .flags = "RO"};
constexpr KeyPositions kReadAccessKey = {.first = 1, .last = 1, .step = 1, .flags = "RO access"};
constexpr KeyPositions kUpdateKey = {.first = 1, .last = 1, .step = 1, .flags = "RW update"};
constexpr KeyPositions kIncrementKey = {
    .first = 1, .last = 1, .step = 1, .flags = "RW access update"};

const CommandSpec kCommands[] = {
    {.name = "hset",
     .arity = -4,
     .flags = kWriteFast,
     .acl = kAclHash,
     .keys = kUpdateKey,
     .handler = CmdHSet,
     .doc = {"Set the string value of a hash field", "2.0.0",
             "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "
             "command is called with multiple field/value pairs."},
     .args = "key:key field_value:{field value}...",
     .history = {{"4.0.0", "Accepts multiple `field` and `value` arguments."}}},
    {.name = "hsetnx",
     .arity = 4,
     .flags = kWriteFast,
     .acl = kAclHash,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RW insert"},
     .handler = CmdHSetNx,
     .doc = {"Set the value of a hash field, only if the field does not exist", "2.0.0", "O(1)"},
     .args = "key:key field value"},
    {.name = "hget",
     .arity = 3,
     .flags = kReadFast,
     .acl = kAclHash,
     .keys = kReadAccessKey,
     .handler = CmdHGet,
     .doc = {"Get the value of a hash field", "2.0.0", "O(1)"},
     .args = "key:key field"},
    {.name = "hmget",
     .arity = -3,
     .flags = kReadFast,
     .acl = kAclHash,
     .keys = kReadAccessKey,
     .handler = CmdHMGet,
     .doc = {"Get the values of all the given hash fields", "2.0.0",
             "O(N) where N is the number of fields being requested."},
     .args = "key:key field..."},
    {.name = "hmset",
     .arity = -4,
     .flags = kWriteFast,
     .acl = kAclHash,
     .keys = kUpdateKey,
     .handler = CmdHMSet,
     .doc = {"Set multiple hash fields to multiple values", "2.0.0",
             "O(N) where N is the number of fields being set."},
     .args = "key:key field_value:{field value}...",
     .deprecated = {"4.0.0", "`HSET` with multiple field-value pairs"}},
    {.name = "hgetall",
     .arity = 2,
     .flags = kReadOnly,
     .acl = kAclHash,
     .keys = kReadAccessKey,
     .handler = CmdHGetAll,
     .doc = {"Get all the fields and values in a hash", "2.0.0",
             "O(N) where N is the size of the hash."},
     .args = "key:key",
     .tips = "nondeterministic_output_order"},
    {.name = "hdel",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclHash,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RW delete"},
     .handler = CmdHDel,
     .doc = {"Delete one or more hash fields", "2.0.0",
             "O(N) where N is the number of fields to be removed."},
     .args = "key:key field...",
     .history = {{"2.4.0", "Accepts multiple `field` arguments."}}},
    {.name = "hexists",
     .arity = 3,
     .flags = kReadFast,
     .acl = kAclHash,
     .keys = kReadKey,
     .handler = CmdHExists,
     .doc = {"Determine if a hash field exists", "2.0.0", "O(1)"},
     .args = "key:key field"},
    {.name = "hlen",
     .arity = 2,
     .flags = kReadFast,
     .acl = kAclHash,
     .keys = kReadKey,
     .handler = CmdHLen,
     .doc = {"Get the number of fields in a hash", "2.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "hkeys",
     .arity = 2,
     .flags = kReadOnly,
     .acl = kAclHash,
     .keys = kReadAccessKey,
     .handler = CmdHKeys,
     .doc = {"Get all the fields in a hash", "2.0.0", "O(N) where N is the size of the hash."},
     .args = "key:key",
     .tips = "nondeterministic_output_order"},
    {.name = "hvals",
     .arity = 2,
     .flags = kReadOnly,
     .acl = kAclHash,
     .keys = kReadAccessKey,
     .handler = CmdHVals,
     .doc = {"Get all the values in a hash", "2.0.0", "O(N) where N is the size of the hash."},
     .args = "key:key",
     .tips = "nondeterministic_output_order"},
    {.name = "hincrby",
     .arity = 4,
     .flags = kWriteFast,
     .acl = kAclHash,
     .keys = kIncrementKey,
     .handler = CmdHIncrBy,
     .doc = {"Increment the integer value of a hash field by the given number", "2.0.0", "O(1)"},
     .args = "key:key field increment:integer"},
    {.name = "hincrbyfloat",
     .arity = 4,
     .flags = kWriteFast,
     .acl = kAclHash,
     .keys = kIncrementKey,
     .handler = CmdHIncrByFloat,
     .doc = {"Increment the float value of a hash field by the given amount", "2.6.0", "O(1)"},
     .args = "key:key field increment:double"},
    {.name = "hstrlen",
     .arity = 3,
     .flags = kReadFast,
     .acl = kAclHash,
     .keys = kReadKey,
     .handler = CmdHStrLen,
     .doc = {"Get the length of the value of a hash field", "3.2.0", "O(1)"},
     .args = "key:key field"},
    {.name = "hrandfield",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclHash,
     .keys = kReadAccessKey,
     .handler = CmdHRandField,
     .doc = {"Get one or multiple random fields from a hash", "6.2.0",
             "O(N) where N is the number of fields returned"},
     .args = "key:key [options:{count:integer [WITHVALUES]}]",
     .tips = "nondeterministic_output"},
    {.name = "hscan",
     .arity = -3,
     .flags = kReadOnly,
     .acl = kAclHash,
     .keys = kReadAccessKey,
     .handler = CmdHScan,
     .doc =
         {"Incrementally iterate hash fields and associated values", "2.8.0",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
          "the cursor to return back to 0. N is the number of elements inside the collection.."},
     .args = "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
     .tips = "nondeterministic_output"},
};

}  // namespace

CommandFamily HashesFamily() { return {"hash", kCommands}; }

}  // namespace understudy::engine
