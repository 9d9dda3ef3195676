// Generic key commands: existence, deletion, types, iteration, renaming, moving, expiry,
// sorting, OBJECT.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/engine/arg_parser.h"
#include "server/engine/client.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"
#include "store/database.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/zset_value.h"

namespace understudy::engine {
namespace {

using store::Database;
using store::ValueType;

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
  CountKeys(ctx, [&](Database& db, std::string_view key) {
    if (!db.Erase(key)) return false;
    ctx.Notify(kNotifyGeneric, "del", key);
    return true;
  });
}

// UNLINK key [key ...]: DEL, with large values freed off the loop.
void CmdUnlink(CommandContext& ctx) {
  CountKeys(ctx, [&](Database& db, std::string_view key) {
    if (!db.Unlink(key)) return false;
    ctx.Notify(kNotifyGeneric, "del", key);
    return true;
  });
}

// EXISTS key [key ...] (a key named twice counts twice): not an access of the keys.
void CmdExists(CommandContext& ctx) {
  CountKeys(ctx, [&](Database& db, std::string_view key) {
    if (db.Peek(key) != nullptr) return true;
    ctx.NotifyKeyMiss(key);
    return false;
  });
}

// TOUCH key [key ...]: counts the keys as EXISTS does, and accesses them.
void CmdTouch(CommandContext& ctx) {
  CountKeys(ctx, [&](Database& db, std::string_view key) {
    if (db.Find(key) != nullptr) return true;
    ctx.NotifyKeyMiss(key);
    return false;
  });
}

// TYPE key
void CmdType(CommandContext& ctx) {
  const store::Value* value = ctx.db().Peek(ctx.args[1]);
  if (value == nullptr) ctx.NotifyKeyMiss(ctx.args[1]);
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
  const std::optional<ScanOptions> options =
      ParseScanOptions(ctx.reply, ctx.args, 2, /*with_type=*/true);
  if (!options) return;
  const std::optional<std::string_view>& pattern = options->pattern;
  const int64_t count = options->count;
  const std::string_view type = options->type;

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
  ctx.Notify(kNotifyGeneric, "rename_from", from);
  ctx.Notify(kNotifyGeneric, "rename_to", to);
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
  if (value == nullptr) {
    ctx.NotifyKeyMiss(from);
    return ctx.reply.Integer(0);
  }
  const bool replaced = target.Find(to) != nullptr;
  if (replaced && !replace) return ctx.reply.Integer(0);
  // Redis deletes a destination it replaces and adds it anew: a "new" key either way.
  if (replaced) ctx.engine.NotifyKeyspaceEvent(kNotifyNew, "new", to, target_db);
  target.Set(to, *value, *source.GetExpiry(from));
  ctx.engine.NotifyKeyspaceEvent(kNotifyGeneric, "copy_to", to, target_db);
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
  // A deadline already past deletes the key (SetExpiry does so), which Redis reports as a DEL
  // before its reply; a deadline set, after it.
  db.SetExpiry(ctx.args[1], when);
  if (when <= ctx.now_ms()) {
    ctx.Notify(kNotifyGeneric, "del", ctx.args[1]);
    return ctx.reply.Integer(1);
  }
  ctx.reply.Integer(1);
  ctx.Notify(kNotifyGeneric, "expire", ctx.args[1]);
}
void CmdExpire(CommandContext& ctx) { Expire(ctx, true, true); }
void CmdPExpire(CommandContext& ctx) { Expire(ctx, false, true); }
void CmdExpireAt(CommandContext& ctx) { Expire(ctx, true, false); }
void CmdPExpireAt(CommandContext& ctx) { Expire(ctx, false, false); }

// TTL key, PTTL key: -2 for a missing key, -1 for a key without expiry.
void ReplyTtl(CommandContext& ctx, bool seconds) {
  const std::optional<int64_t> deadline = ctx.db().GetExpiry(ctx.args[1]);
  if (!deadline) {
    ctx.NotifyKeyMiss(ctx.args[1]);
    return ctx.reply.Integer(-2);
  }
  if (*deadline == store::kNoExpiry) return ctx.reply.Integer(-1);
  const int64_t left = std::max<int64_t>(*deadline - ctx.now_ms(), 0);
  ctx.reply.Integer(seconds ? (left + 500) / 1000 : left);
}
void CmdTtl(CommandContext& ctx) { ReplyTtl(ctx, true); }
void CmdPTtl(CommandContext& ctx) { ReplyTtl(ctx, false); }

// EXPIRETIME key (rounded to the nearest second), PEXPIRETIME key: the absolute deadline.
void ReplyExpireTime(CommandContext& ctx, bool seconds) {
  const std::optional<int64_t> deadline = ctx.db().GetExpiry(ctx.args[1]);
  if (!deadline) {
    ctx.NotifyKeyMiss(ctx.args[1]);
    return ctx.reply.Integer(-2);
  }
  if (*deadline == store::kNoExpiry) return ctx.reply.Integer(-1);
  // Rounded without computing deadline + 500, which overflows near INT64_MAX.
  ctx.reply.Integer(seconds ? *deadline / 1000 + (*deadline % 1000 >= 500 ? 1 : 0) : *deadline);
}
void CmdExpireTime(CommandContext& ctx) { ReplyExpireTime(ctx, true); }
void CmdPExpireTime(CommandContext& ctx) { ReplyExpireTime(ctx, false); }

// MOVE key db
void CmdMove(CommandContext& ctx) {
  int target_db;
  if (!ParseInt32Arg(ctx.reply, ctx.args[2], &target_db)) return;
  if (target_db < 0 || target_db >= ctx.engine.keyspace().num_databases()) {
    return ctx.reply.Error(errors::kDbIndexOutOfRange);
  }
  if (target_db == ctx.client.db) return ctx.reply.Error(errors::kSameObject);
  const bool moved = ctx.db().MoveTo(ctx.args[1], ctx.engine.keyspace().db(target_db));
  if (moved) {
    ctx.Notify(kNotifyGeneric, "move_from", ctx.args[1]);
    ctx.engine.NotifyKeyspaceEvent(kNotifyGeneric, "move_to", ctx.args[1], target_db);
  }
  ctx.reply.Integer(moved ? 1 : 0);
}

// SORT and SORT_RO.

// What a BY or GET pattern names for one element: "#" is the element itself; otherwise the
// first '*' is replaced by the element, giving a string key, or with "->field" after the '*'
// a field of a hash. Missing keys, other types and patterns without '*' give nothing.
std::optional<std::string> LookUpPattern(const CommandContext& ctx, std::string_view pattern,
                                         std::string_view element) {
  if (pattern == "#") return std::string(element);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  std::string_view suffix = pattern.substr(star + 1);
  if (const size_t arrow = suffix.find("->");
      arrow != std::string_view::npos && arrow + 2 < suffix.size()) {
    field = suffix.substr(arrow + 2);
    suffix = suffix.substr(0, arrow);
  }
  const std::string key = absl::StrCat(store::AbslView(pattern.substr(0, star)),
                                       store::AbslView(element), store::AbslView(suffix));
  const store::Value* value = ctx.db().Find(key);
  if (value == nullptr) {
    ctx.NotifyKeyMiss(key);
    return std::nullopt;
  }
  if (field.empty()) {
    if (!value->is(ValueType::kString)) return std::nullopt;
    return std::string(value->str().view());
  }
  if (!value->is(ValueType::kHash)) return std::nullopt;
  return value->as<store::HashValue>().Get(field);
}

// A number as SORT reads it, with C's strtod up to the first NUL: leading blanks, hex and
// "inf" are fine, an empty string is 0; trailing bytes, NaN and overflow are not.
bool ParseSortScore(const std::string& text, double* out) {
  const char* begin = text.c_str();
  char* end;
  errno = 0;
  *out = std::strtod(begin, &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

// C strings compare up to their first NUL, as strcoll does in the C locale.
int CompareAsCStrings(const std::string& a, const std::string& b) {
  return std::strcmp(a.c_str(), b.c_str());
}

int CompareBytes(std::string_view a, std::string_view b) { return a.compare(b); }

struct SortOptions {
  std::optional<std::string_view> by;
  bool dont_sort = false;  // BY a pattern without '*'
  int64_t offset = 0;
  int64_t count = -1;
  std::vector<std::string_view> gets;
  bool desc = false;
  bool alpha = false;
  std::optional<std::string_view> store;
};

// The options after the key; false once an error was replied.
bool ParseSortOptions(CommandContext& ctx, bool read_only, SortOptions* options) {
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const std::string_view arg = ctx.args[i];
    const size_t left = ctx.args.size() - i - 1;
    if (EqualsIgnoreCase(arg, "asc")) {
      options->desc = false;
    } else if (EqualsIgnoreCase(arg, "desc")) {
      options->desc = true;
    } else if (EqualsIgnoreCase(arg, "alpha")) {
      options->alpha = true;
    } else if (EqualsIgnoreCase(arg, "limit") && left >= 2) {
      if (!ParseIntArg(ctx.reply, ctx.args[i + 1], &options->offset) ||
          !ParseIntArg(ctx.reply, ctx.args[i + 2], &options->count)) {
        return false;
      }
      i += 2;
    } else if (EqualsIgnoreCase(arg, "store") && left >= 1 && !read_only) {
      options->store = ctx.args[++i];
    } else if (EqualsIgnoreCase(arg, "by") && left >= 1) {
      options->by = ctx.args[++i];
      options->dont_sort = options->by->find('*') == std::string_view::npos;
    } else if (EqualsIgnoreCase(arg, "get") && left >= 1) {
      options->gets.push_back(ctx.args[++i]);
    } else {
      ctx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// The elements of a list, set or sorted set, in their own order.
std::vector<std::string> SortElements(const store::Value& value) {
  std::vector<std::string> elements;
  auto add = [&](std::string_view element) { elements.emplace_back(element); };
  switch (value.type()) {
    case ValueType::kList: {
      const store::ListValue& list = value.as<store::ListValue>();
      elements.reserve(list.size());
      if (!list.empty()) list.ForRange(0, list.size() - 1, add);
      break;
    }
    case ValueType::kSet:
      elements.reserve(value.as<store::SetValue>().size());
      value.as<store::SetValue>().ForEach(add);
      break;
    case ValueType::kZSet:
      elements.reserve(value.as<store::ZSetValue>().size());
      value.as<store::ZSetValue>().RangeByRank(
          0, -1, /*reverse=*/false, [&](std::string_view member, double) { add(member); });
      break;
    default:
      break;
  }
  return elements;
}

struct SortItem {
  std::string element;
  double score = 0;
  std::optional<std::string> weight;  // ALPHA with BY: the value compared
};

void Sort(CommandContext& ctx, bool read_only) {
  SortOptions options;
  if (!ParseSortOptions(ctx, read_only, &options)) return;
  Database& db = ctx.db();
  const store::Value* value = db.Find(ctx.args[1]);
  if (value == nullptr) ctx.NotifyKeyMiss(ctx.args[1]);
  if (value != nullptr && !value->is(ValueType::kList) && !value->is(ValueType::kSet) &&
      !value->is(ValueType::kZSet)) {
    return ctx.reply.Error(errors::kWrongType);
  }
  std::vector<std::string> elements;
  if (value != nullptr) elements = SortElements(*value);
  const bool is_set = value != nullptr && value->is(ValueType::kSet);
  // A set's own order is its hash table's: what is stored is sorted, to be reproducible.
  if (options.dont_sort && is_set && options.store) {
    options.by.reset();
    options.dont_sort = false;
    options.alpha = true;
  }
  // A list or sorted set left unsorted keeps its order, reversed by DESC.
  if (options.dont_sort && options.desc && value != nullptr && !is_set) {
    std::reverse(elements.begin(), elements.end());
  }

  std::vector<SortItem> items(elements.size());
  for (size_t i = 0; i < elements.size(); ++i) items[i].element = std::move(elements[i]);
  if (!options.dont_sort) {
    bool bad_score = false;
    for (SortItem& item : items) {
      std::optional<std::string> weight;
      if (options.by) {
        weight = LookUpPattern(ctx, *options.by, item.element);
        if (!weight) continue;
      }
      if (options.alpha) {
        if (options.by) item.weight = std::move(weight);
      } else if (!ParseSortScore(options.by ? *weight : item.element, &item.score)) {
        bad_score = true;
      }
    }
    if (bad_score) return ctx.reply.Error(errors::kSortNotDouble);
    const bool binary = options.store.has_value();
    auto compare = [&](const SortItem& a, const SortItem& b) {
      int cmp;
      if (!options.alpha) {
        cmp = a.score < b.score ? -1 : a.score > b.score ? 1 : CompareBytes(a.element, b.element);
      } else if (options.by) {
        if (!a.weight || !b.weight) {
          cmp = a.weight.has_value() == b.weight.has_value() ? 0 : a.weight ? 1 : -1;
        } else {
          cmp = binary ? CompareBytes(*a.weight, *b.weight)
                       : CompareAsCStrings(*a.weight, *b.weight);
        }
      } else {
        cmp = binary ? CompareBytes(a.element, b.element)
                     : CompareAsCStrings(a.element, b.element);
      }
      return options.desc ? cmp > 0 : cmp < 0;
    };
    std::stable_sort(items.begin(), items.end(), compare);
  }

  // LIMIT as Redis clamps it: a negative offset is 0, a negative count runs to the end.
  const int64_t size = static_cast<int64_t>(items.size());
  int64_t start = std::max<int64_t>(options.offset, 0);
  int64_t end = options.count < 0 ? size - 1 : start + options.count - 1;
  if (start >= size) {
    start = size - 1;
    end = size - 2;
  }
  end = std::min(end, size - 1);
  const size_t n = end >= start ? static_cast<size_t>(end - start + 1) : 0;

  std::vector<std::optional<std::string>> out;
  out.reserve(n * std::max<size_t>(options.gets.size(), 1));
  for (size_t i = 0; i < n; ++i) {
    const std::string& element = items[start + i].element;
    if (options.gets.empty()) {
      out.emplace_back(element);
      continue;
    }
    for (std::string_view pattern : options.gets) {
      out.push_back(LookUpPattern(ctx, pattern, element));
    }
  }
  if (!options.store) {
    ctx.reply.ArrayHeader(out.size());
    for (const auto& item : out) {
      if (item) {
        ctx.reply.Bulk(*item);
      } else {
        ctx.reply.Null();
      }
    }
    return;
  }
  if (out.empty()) {
    if (db.Erase(*options.store)) ctx.Notify(kNotifyGeneric, "del", *options.store);
  } else {
    store::ListValue& list = db.Replace(*options.store, ValueType::kList)->as<store::ListValue>();
    list.set_fill(ctx.engine.keyspace().encoding().list_max_listpack_size);
    for (const auto& item : out) list.PushBack(item ? std::string_view(*item) : "");
    ctx.Notify(kNotifyList, "sortstore", *options.store);
  }
  ctx.reply.Integer(static_cast<int64_t>(out.size()));
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dest]
void CmdSort(CommandContext& ctx) { Sort(ctx, /*read_only=*/false); }
// SORT_RO: SORT without STORE.
void CmdSortRo(CommandContext& ctx) { Sort(ctx, /*read_only=*/true); }

// COMMAND GETKEYS of SORT: the key, and the destination of the last STORE.
std::vector<std::string_view> SortKeys(std::span<const std::string_view> args) {
  std::vector<std::string_view> keys = {args[1]};
  std::optional<std::string_view> store;
  for (size_t i = 2; i < args.size(); ++i) {
    const size_t left = args.size() - i - 1;
    if (EqualsIgnoreCase(args[i], "limit") && left >= 2) {
      i += 2;
    } else if ((EqualsIgnoreCase(args[i], "get") || EqualsIgnoreCase(args[i], "by")) && left >= 1) {
      ++i;
    } else if (EqualsIgnoreCase(args[i], "store") && left >= 1) {
      store = args[++i];
    }
  }
  if (store) keys.push_back(*store);
  return keys;
}

std::vector<std::string_view> SortRoKeys(std::span<const std::string_view> args) {
  return {args[1]};
}

constexpr UnknownKeys kSortPatternKeys = {
    "RO access",
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from "
    "the content of the key we sort"};
constexpr UnknownKeys kSortKeys[] = {
    kSortPatternKeys,
    {"OW update",
     "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear "
     "anywhere in the argument array"}};
constexpr UnknownKeys kSortRoKeys[] = {kSortPatternKeys};

// WAIT numreplicas timeout: there are no replicas, so no write is ever acknowledged by one.
// Redis would wait out the timeout when numreplicas > 0; this answers at once.
void CmdWait(CommandContext& ctx) {
  int64_t replicas, timeout;
  if (!ParseIntArg(ctx.reply, ctx.args[1], &replicas)) return;
  if (!base::ParseInt64(ctx.args[2], &timeout)) {
    return ctx.reply.Error(errors::kTimeoutNotInteger);
  }
  if (timeout < 0) return ctx.reply.Error(errors::kTimeoutNegative);
  ctx.reply.Integer(0);
}

// PERSIST key
void CmdPersist(CommandContext& ctx) {
  const bool persisted = ctx.db().Persist(ctx.args[1]);
  if (persisted) ctx.Notify(kNotifyGeneric, "persist", ctx.args[1]);
  ctx.reply.Integer(persisted ? 1 : 0);
}

// OBJECT ENCODING key
void CmdObjectEncoding(CommandContext& ctx) {
  const store::Value* value = ctx.db().Peek(ctx.args[2]);
  if (value == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(value->encoding());
}

// OBJECT REFCOUNT key: Redis shares one object for each of the integers 0..9999 that strings
// hold, and reports such a shared object's count as INT_MAX; every other value is its key's own.
void CmdObjectRefcount(CommandContext& ctx) {
  const store::Value* value = ctx.db().Peek(ctx.args[2]);
  if (value == nullptr) return ctx.reply.Null();
  constexpr int64_t kSharedIntegers = 10000;
  constexpr int64_t kSharedRefcount = std::numeric_limits<int32_t>::max();
  int64_t n;
  const bool shared = value->is(ValueType::kString) &&
                      value->string_encoding() == store::StringEncoding::kInt &&
                      value->ToInt64(&n) && n >= 0 && n < kSharedIntegers;
  ctx.reply.Integer(shared ? kSharedRefcount : 1);
}

// OBJECT IDLETIME key: seconds since the key was last read or written.
void CmdObjectIdletime(CommandContext& ctx) {
  const std::optional<int64_t> idle_ms = ctx.db().IdleMs(ctx.args[2]);
  if (!idle_ms) return ctx.reply.Null();
  ctx.reply.Integer(*idle_ms / 1000);
}

// OBJECT FREQ key: access frequencies are kept only under an LFU maxmemory-policy, which
// understudy does not offer (yet), so this is always Redis's answer without one.
void CmdObjectFreq(CommandContext& ctx) {
  if (ctx.db().Peek(ctx.args[2]) == nullptr) return ctx.reply.Null();
  ctx.reply.Error(errors::kNoLfuPolicy);
}

// OBJECT HELP
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
     .args = "key:key",
     .tips = "nondeterministic_output"},
    {.name = "freq",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclKeyspace,
     .keys = {2, 2, 1, "RO"},
     .handler = CmdObjectFreq,
     .doc = {"Get the logarithmic access frequency counter of a Redis object", "4.0.0", "O(1)"},
     .args = "key:key",
     .tips = "nondeterministic_output"},
    {.name = "idletime",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclKeyspace,
     .keys = {2, 2, 1, "RO"},
     .handler = CmdObjectIdletime,
     .doc = {"Get the time since a Redis object was last accessed", "2.2.3", "O(1)"},
     .args = "key:key",
     .tips = "nondeterministic_output"},
    {.name = "refcount",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclKeyspace,
     .keys = {2, 2, 1, "RO"},
     .handler = CmdObjectRefcount,
     .doc = {"Get the number of references to the value of the key", "2.2.3", "O(1)"},
     .args = "key:key",
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
     .doc = {"Delete a key", "1.0.0",
             "O(N) where N is the number of keys that will be removed. When a key to remove holds "
             "a value other than a string, the individual complexity for this key is O(M) where M "
             "is the number of elements in the list, set, sorted set or hash. Removing a single "
             "key that holds a string value is O(1)."},
     .args = "key:key...",
     .tips = kMultiShardSum},
    {.name = "unlink",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, -1, 1, "RM delete"},
     .handler = CmdUnlink,
     .doc = {"Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
             "blocking.",
             "4.0.0",
             "O(1) for each key removed regardless of its size. Then the command does O(N) work in "
             "a different thread in order to reclaim memory, where N is the number of allocations "
             "the deleted objects where composed of."},
     .args = "key:key...",
     .tips = kMultiShardSum},
    {.name = "exists",
     .arity = -2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, -1, 1, "RO"},
     .handler = CmdExists,
     .doc = {"Determine if a key exists", "1.0.0", "O(N) where N is the number of keys to check."},
     .args = "key:key...",
     .history = {{"3.0.3", "Accepts multiple `key` arguments."}},
     .tips = kMultiShardSum},
    {.name = "touch",
     .arity = -2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, -1, 1, "RO"},
     .handler = CmdTouch,
     .doc =
         {"Alters the last access time of a key(s). Returns the number of existing keys specified.",
          "3.2.1", "O(N) where N is the number of keys that will be touched."},
     .args = "key:key...",
     .tips = kMultiShardSum},
    {.name = "type",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO"},
     .handler = CmdType,
     .doc = {"Determine the type stored at key", "1.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "keys",
     .arity = 2,
     .flags = kReadOnly,
     .acl = kAclKeyspace | kAclDangerous,
     .keys = kNoKeys,
     .handler = CmdKeys,
     .doc = {"Find all keys matching the given pattern", "1.0.0",
             "O(N) with N being the number of keys in the database, under the assumption that the "
             "key names in the database and the given pattern have limited length."},
     .args = "pattern:pattern",
     .tips = "request_policy:all_shards nondeterministic_output_order"},
    {.name = "scan",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclKeyspace,
     .keys = kNoKeys,
     .handler = CmdScan,
     .doc =
         {"Incrementally iterate the keys space", "2.8.0",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
          "the cursor to return back to 0. N is the number of elements inside the collection."},
     .args = "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type@6.0.0]",
     .history = {{"6.0.0", "Added the `TYPE` subcommand."}},
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
     .doc = {"Rename a key", "1.0.0", "O(1)"},
     .args = "key:key newkey:key"},
    {.name = "renamenx",
     .arity = 3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 2, 1, "RW access delete|OW insert"},
     .handler = CmdRenameNx,
     .doc = {"Rename a key, only if the new key does not exist", "1.0.0", "O(1)"},
     .args = "key:key newkey:key",
     .history = {{"3.2.0",
                  "The command no longer returns an error when source and destination names are "
                  "the same."}}},
    {.name = "wait",
     .arity = 3,
     .flags = kNoScript,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdWait,
     .doc = {"Wait for the synchronous replication of all the write commands sent in the context "
             "of the current connection",
             "3.0.0", "O(1)"},
     .args = "numreplicas:integer timeout:integer",
     .tips = "request_policy:all_shards response_policy:agg_min"},
    {.name = "move",
     .arity = 3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW access update"},
     .handler = CmdMove,
     .doc = {"Move a key to another database", "1.0.0", "O(1)"},
     .args = "key:key db:integer"},
    {.name = "sort",
     .arity = -2,
     .flags = kWrite | kDenyOom | kMovableKeys,
     .acl = kAclSet | kAclSortedSet | kAclList | kAclDangerous,
     .keys = {.first = 1,
              .last = 1,
              .step = 1,
              .flags = "RO access",
              .unknown = kSortKeys,
              .find = SortKeys},
     .handler = CmdSort,
     .doc =
         {"Sort the elements in a list, set or sorted set", "1.0.0",
          "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
          "number of returned elements. When the elements are not sorted, complexity is O(N)."},
     .args = "key:key [BY pattern:pattern#1] [LIMIT offset_count:{offset:integer count:integer}] "
             "[GET pattern:pattern#1]... [order:(ASC | DESC)] [sorting=ALPHA] "
             "[STORE destination:key]"},
    {.name = "sort_ro",
     .arity = -2,
     .flags = kReadOnly | kMovableKeys,
     .acl = kAclSet | kAclSortedSet | kAclList | kAclDangerous,
     .keys = {.first = 1,
              .last = 1,
              .step = 1,
              .flags = "RO access",
              .unknown = kSortRoKeys,
              .find = SortRoKeys},
     .handler = CmdSortRo,
     .doc =
         {"Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0",
          "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
          "number of returned elements. When the elements are not sorted, complexity is O(N)."},
     .args = "key:key [BY pattern:pattern#1] [LIMIT offset_count:{offset:integer count:integer}] "
             "[GET pattern:pattern#1]... [order:(ASC | DESC)] [sorting=ALPHA]"},
    {.name = "copy",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclKeyspace,
     .keys = {1, 2, 1, "RO access|OW update"},
     .handler = CmdCopy,
     .doc = {"Copy a key", "6.2.0",
             "O(N) worst case for collections, where N is the number of nested items. O(1) for "
             "string values."},
     .args = "source:key destination:key [DB destination-db:integer] [REPLACE]"},
    {.name = "expire",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdExpire,
     .doc = {"Set a key's time to live in seconds", "1.0.0", "O(1)"},
     .args = "key:key seconds:integer [condition:(NX | XX | GT | LT)@7.0.0]",
     .history = {{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}}},
    {.name = "pexpire",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdPExpire,
     .doc = {"Set a key's time to live in milliseconds", "2.6.0", "O(1)"},
     .args = "key:key milliseconds:integer [condition:(NX | XX | GT | LT)@7.0.0]",
     .history = {{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}}},
    {.name = "expireat",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdExpireAt,
     .doc = {"Set the expiration for a key as a UNIX timestamp", "1.2.0", "O(1)"},
     .args = "key:key unix-time-seconds:unix-time [condition:(NX | XX | GT | LT)@7.0.0]",
     .history = {{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}}},
    {.name = "pexpireat",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdPExpireAt,
     .doc = {"Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
             "O(1)"},
     .args = "key:key unix-time-milliseconds:unix-time [condition:(NX | XX | GT | LT)@7.0.0]",
     .history = {{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}}},
    {.name = "ttl",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdTtl,
     .doc = {"Get the time to live for a key in seconds", "1.0.0", "O(1)"},
     .args = "key:key",
     .history = {{"2.8.0", "Added the -2 reply."}},
     .tips = "nondeterministic_output"},
    {.name = "pttl",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdPTtl,
     .doc = {"Get the time to live for a key in milliseconds", "2.6.0", "O(1)"},
     .args = "key:key",
     .history = {{"2.8.0", "Added the -2 reply."}},
     .tips = "nondeterministic_output"},
    {.name = "expiretime",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdExpireTime,
     .doc = {"Get the expiration Unix timestamp for a key", "7.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "pexpiretime",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RO access"},
     .handler = CmdPExpireTime,
     .doc = {"Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "persist",
     .arity = 2,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace,
     .keys = {1, 1, 1, "RW update"},
     .handler = CmdPersist,
     .doc = {"Remove the expiration from a key", "2.2.0", "O(1)"},
     .args = "key:key"},
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
