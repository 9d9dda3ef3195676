// List commands: pushes and pops at either end, indexes and ranges, moves between lists, and
// the blocking pops and moves that wait for a list to fill.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "store/database.h"
#include "store/list_value.h"
#include "store/numbers.h"
#include "store/op_result.h"

namespace understudy::engine {
namespace {

using store::Database;
using store::ListValue;
using store::OpResult;
using store::OpStatus;
using store::ValueType;

// An end of a list: LEFT is the head, RIGHT the tail.
enum class End : uint8_t { kLeft, kRight };

// LEFT or RIGHT, in any case.
std::optional<End> ParseEnd(std::string_view arg) {
  if (EqualsIgnoreCase(arg, "left")) return End::kLeft;
  if (EqualsIgnoreCase(arg, "right")) return End::kRight;
  return std::nullopt;
}

void Push(ListValue& list, End end, std::string_view element) {
  if (end == End::kLeft) {
    list.PushFront(element);
  } else {
    list.PushBack(element);
  }
}

// Pops from a list that is not empty.
std::string Pop(ListValue& list, End end) {
  return *(end == End::kLeft ? list.PopFront() : list.PopBack());
}

// Pops up to count elements from one end and replies them as an array.
void ReplyPopped(resp::ReplyWriter& reply, ListValue& list, End end, uint64_t count) {
  const size_t n = std::min<uint64_t>(count, list.size());
  reply.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) reply.Bulk(Pop(list, end));
}

// The list under key: null if there is none, kWrongType if the key holds another type.
OpResult<ListValue*> FindList(Database& db, std::string_view key) {
  store::Value* value = db.Find(key);
  if (value == nullptr) return static_cast<ListValue*>(nullptr);
  if (!value->is(ValueType::kList)) return OpStatus::kWrongType;
  return &value->as<ListValue>();
}

// FindList for a read: a missing key is a keymiss.
OpResult<ListValue*> ReadList(CommandContext& ctx, std::string_view key) {
  auto found = FindList(ctx.db(), key);
  if (found.ok() && *found == nullptr) ctx.NotifyKeyMiss(key);
  return found;
}

// The list under key, created empty with the configured node size if there is none. The caller
// fills a new list at once: an empty list must not stay in the keyspace.
OpResult<ListValue*> FindOrCreateList(CommandContext& ctx, std::string_view key) {
  auto [value, inserted] = ctx.db().FindOrInsert(key, ValueType::kList);
  if (!value->is(ValueType::kList)) return OpStatus::kWrongType;
  ListValue& list = value->as<ListValue>();
  if (inserted) list.set_fill(ctx.engine.keyspace().encoding().list_max_listpack_size);
  return &list;
}

// Reports a change to the list under key; a list the change emptied is deleted, with its "del"
// event (the caller sends the change's own event first).
void ListChanged(CommandContext& ctx, std::string_view key, const ListValue& list) {
  if (list.empty()) {
    ctx.db().Erase(key);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else {
    ctx.db().Written(key);
  }
}

std::string_view PushEvent(End end) { return end == End::kLeft ? "lpush" : "rpush"; }

// Elements were popped from the list under key (after the reply, as Redis sends it).
void ListPopped(CommandContext& ctx, std::string_view key, const ListValue& list, End end) {
  ctx.Notify(kNotifyList, end == End::kLeft ? "lpop" : "rpop", key);
  ListChanged(ctx, key, list);
}

// Redis's inclusive range [start, stop] over size elements, negative indexes counting from the
// tail, clamped to the list; nullopt if it selects nothing.
std::optional<std::pair<size_t, size_t>> ClampRange(int64_t start, int64_t stop, size_t size) {
  const int64_t len = static_cast<int64_t>(size);
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  start = std::max<int64_t>(start, 0);
  if (start > stop || start >= len) return std::nullopt;
  return std::make_pair(static_cast<size_t>(start), static_cast<size_t>(std::min(stop, len - 1)));
}

std::optional<int64_t> ParseTimeout(CommandContext& ctx, std::string_view arg) {
  return ParseBlockingTimeout(ctx.reply, arg, ctx.now_ms());
}

// True while a blocked command runs again because one of its keys became ready. Redis 7.0 then
// pops from the key that woke the client, so keys that took another type meanwhile are passed
// over rather than failing the command.
bool IsWokenRerun(const CommandContext& ctx) { return ctx.client.is_blocked(); }

// Pops from the first of keys that holds a list and replies [key, element], or with a count
// [key, [element ...]]. Returns false, without replying, if none holds a list.
bool PopFromFirstList(CommandContext& ctx, std::span<const std::string_view> keys, End end,
                      std::optional<int64_t> count) {
  Database& db = ctx.db();
  for (std::string_view key : keys) {
    auto found = FindList(db, key);
    if (!found.ok() && IsWokenRerun(ctx)) continue;
    if (!found.ok()) {
      ReplyError(ctx.reply, found.status());
      return true;
    }
    ListValue* list = *found;
    if (list == nullptr) continue;
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(key);
    if (count) {
      ReplyPopped(ctx.reply, *list, end, *count);
    } else {
      ctx.reply.Bulk(Pop(*list, end));
    }
    ListPopped(ctx, key, *list, end);
    return true;
  }
  return false;
}

// Moves an element from the list at source to the list at destination and replies it. Returns
// false, without replying, if source holds no list.
bool MoveElement(CommandContext& ctx, End from, End to) {
  Database& db = ctx.db();
  const std::string_view source = ctx.args[1], destination = ctx.args[2];
  auto src = FindList(db, source);
  if (!src.ok()) {
    ReplyError(ctx.reply, src.status());
    return true;
  }
  if (*src == nullptr) return false;
  auto dst = FindList(db, destination);
  if (!dst.ok()) {
    ReplyError(ctx.reply, dst.status());
    return true;
  }
  ListValue& list = **src;
  const std::string element = Pop(list, from);
  // Redis sends the destination's push event, the reply, then the source's pop event.
  if (source == destination) {
    Push(list, to, element);
    db.Written(source);
    ctx.Notify(kNotifyList, PushEvent(to), destination);
    ctx.reply.Bulk(element);
    ctx.Notify(kNotifyList, from == End::kLeft ? "lpop" : "rpop", source);
    return true;
  }
  const bool emptied = list.empty();
  if (emptied) {
    db.Erase(source);
  } else {
    db.Written(source);
  }
  ListValue* target = *FindOrCreateList(ctx, destination);  // its type was checked above
  Push(*target, to, element);
  db.Written(destination);
  ctx.Notify(kNotifyList, PushEvent(to), destination);
  ctx.reply.Bulk(element);
  ctx.Notify(kNotifyList, from == End::kLeft ? "lpop" : "rpop", source);
  if (emptied) ctx.Notify(kNotifyGeneric, "del", source);
  return true;
}

// LPUSH key element [element ...], RPUSH key element [element ...], and LPUSHX and RPUSHX,
// which push only onto an existing list.
void PushGeneric(CommandContext& ctx, End end, bool only_existing) {
  Database& db = ctx.db();
  const std::string_view key = ctx.args[1];
  auto found = only_existing ? FindList(db, key) : FindOrCreateList(ctx, key);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ListValue* list = *found;
  if (list == nullptr) return ctx.reply.Integer(0);
  for (size_t i = 2; i < ctx.args.size(); ++i) Push(*list, end, ctx.args[i]);
  db.Written(key);
  ctx.reply.Integer(static_cast<int64_t>(list->size()));
  ctx.Notify(kNotifyList, PushEvent(end), key);
}
void CmdLPush(CommandContext& ctx) { PushGeneric(ctx, End::kLeft, false); }
void CmdRPush(CommandContext& ctx) { PushGeneric(ctx, End::kRight, false); }
void CmdLPushX(CommandContext& ctx) { PushGeneric(ctx, End::kLeft, true); }
void CmdRPushX(CommandContext& ctx) { PushGeneric(ctx, End::kRight, true); }

// LPOP key [count], RPOP key [count]: with a count the reply is an array, even of one.
void PopGeneric(CommandContext& ctx, End end) {
  if (ctx.args.size() > 3) return ctx.reply.Error(errors::WrongArity(ctx.spec.name));
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (has_count && (!store::ParseInt64(ctx.args[2], &count) || count < 0)) {
    return ctx.reply.Error(errors::kNotPositive);
  }
  Database& db = ctx.db();
  auto found = FindList(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ListValue* list = *found;
  if (list == nullptr) return has_count ? ctx.reply.NullArray() : ctx.reply.Null();
  if (has_count) {
    ReplyPopped(ctx.reply, *list, end, count);
    if (count == 0) return;
  } else {
    ctx.reply.Bulk(Pop(*list, end));
  }
  ListPopped(ctx, ctx.args[1], *list, end);
}
void CmdLPop(CommandContext& ctx) { PopGeneric(ctx, End::kLeft); }
void CmdRPop(CommandContext& ctx) { PopGeneric(ctx, End::kRight); }

// LLEN key
void CmdLLen(CommandContext& ctx) {
  auto found = ReadList(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ctx.reply.Integer(*found == nullptr ? 0 : static_cast<int64_t>((*found)->size()));
}

// LRANGE key start stop
void CmdLRange(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &start) || !ParseIntArg(ctx.reply, ctx.args[3], &stop)) {
    return;
  }
  auto found = ReadList(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const ListValue* list = *found;
  const auto range = list == nullptr ? std::nullopt : ClampRange(start, stop, list->size());
  if (!range) return ctx.reply.ArrayHeader(0);
  ctx.reply.ArrayHeader(range->second - range->first + 1);
  list->ForRange(range->first, range->second, [&](std::string_view v) { ctx.reply.Bulk(v); });
}

// LINDEX key index
void CmdLIndex(CommandContext& ctx) {
  auto found = ReadList(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  // Redis reads the index only once it has found a list.
  if (*found == nullptr) return ctx.reply.Null();
  int64_t index;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &index)) return;
  const std::optional<std::string> element = (*found)->Index(index);
  if (!element) return ctx.reply.Null();
  ctx.reply.Bulk(*element);
}

// LSET key index element
void CmdLSet(CommandContext& ctx) {
  Database& db = ctx.db();
  auto found = FindList(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  if (*found == nullptr) return ctx.reply.Error(errors::kNoSuchKey);
  int64_t index;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &index)) return;
  if (!(*found)->Set(index, ctx.args[3])) return ctx.reply.Error(errors::kIndexOutOfRange);
  db.Written(ctx.args[1]);
  ctx.reply.Ok();
  ctx.Notify(kNotifyList, "lset", ctx.args[1]);
}

// LINSERT key BEFORE | AFTER pivot element: the new length, 0 without a list, -1 without the
// pivot.
void CmdLInsert(CommandContext& ctx) {
  const bool after = EqualsIgnoreCase(ctx.args[2], "after");
  if (!after && !EqualsIgnoreCase(ctx.args[2], "before")) return ctx.reply.Error(errors::kSyntax);
  Database& db = ctx.db();
  auto found = FindList(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ListValue* list = *found;
  if (list == nullptr) return ctx.reply.Integer(0);
  if (!list->Insert(ctx.args[3], ctx.args[4], after)) return ctx.reply.Integer(-1);
  db.Written(ctx.args[1]);
  ctx.Notify(kNotifyList, "linsert", ctx.args[1]);
  ctx.reply.Integer(static_cast<int64_t>(list->size()));
}

// LREM key count element
void CmdLRem(CommandContext& ctx) {
  int64_t count;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &count)) return;
  Database& db = ctx.db();
  auto found = FindList(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ListValue* list = *found;
  if (list == nullptr) return ctx.reply.Integer(0);
  const size_t removed = list->Remove(ctx.args[3], count);
  if (removed > 0) {
    ctx.Notify(kNotifyList, "lrem", ctx.args[1]);
    ListChanged(ctx, ctx.args[1], *list);
  }
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

// LTRIM key start stop
void CmdLTrim(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &start) || !ParseIntArg(ctx.reply, ctx.args[3], &stop)) {
    return;
  }
  Database& db = ctx.db();
  auto found = FindList(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ListValue* list = *found;
  if (list == nullptr) return ctx.reply.Ok();
  const auto range = ClampRange(start, stop, list->size());
  if (range) {
    list->Trim(range->first, range->second);
  } else {
    list->Clear();
  }
  // Redis reports the key modified even when nothing was trimmed.
  ctx.Notify(kNotifyList, "ltrim", ctx.args[1]);
  ListChanged(ctx, ctx.args[1], *list);
  ctx.reply.Ok();
}

// A non-negative integer option value; latches `error` for anything else.
int64_t NextNonNegative(ArgParser& parser, std::string_view error) {
  const std::string_view arg = parser.Next();
  int64_t value = 0;
  if (parser.ok() && (!store::ParseInt64(arg, &value) || value < 0)) parser.Fail(error);
  return value;
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void CmdLPos(CommandContext& ctx) {
  int64_t rank = 1, count = 0, maxlen = 0;
  bool has_count = false;
  ArgParser parser(ctx.args, 3);
  while (parser.HasNext()) {
    if (parser.remaining() >= 2 && parser.Check("rank")) {
      rank = parser.NextInt64();
      if (parser.ok() && rank == 0) parser.Fail(errors::kLposRankZero);
    } else if (parser.remaining() >= 2 && parser.Check("count")) {
      has_count = true;
      count = NextNonNegative(parser, errors::kLposCountNegative);
    } else if (parser.remaining() >= 2 && parser.Check("maxlen")) {
      maxlen = NextNonNegative(parser, errors::kLposMaxlenNegative);
    } else {
      parser.Fail(errors::kSyntax);
    }
  }
  if (!parser.ok()) return ctx.reply.Error(parser.error());
  auto found = ReadList(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const ListValue* list = *found;

  std::vector<int64_t> positions;
  if (list != nullptr) {
    // Redis 7.0 negates INT64_MIN to itself: every match is then past the rank, as with -1,
    // and its check of COUNT overflows, so that a COUNT never stops the search.
    const bool min_rank = rank == std::numeric_limits<int64_t>::min();
    const uint64_t skip = min_rank ? 0 : rank < 0 ? -rank - 1 : rank - 1;
    const uint64_t wanted = !has_count ? 1 : count == 0 || min_rank ? UINT64_MAX : count;
    const std::string_view element = ctx.args[2];
    uint64_t scanned = 0, matched = 0;
    list->Walk(rank < 0, [&](size_t index, std::string_view value) {
      if (maxlen != 0 && scanned == static_cast<uint64_t>(maxlen)) return false;
      ++scanned;
      if (value == element && ++matched > skip) positions.push_back(static_cast<int64_t>(index));
      return positions.size() < wanted;
    });
  }
  if (!has_count) {
    return positions.empty() ? ctx.reply.Null() : ctx.reply.Integer(positions[0]);
  }
  ctx.reply.ArrayHeader(positions.size());
  for (int64_t position : positions) ctx.reply.Integer(position);
}

// LMOVE source destination LEFT | RIGHT LEFT | RIGHT
void CmdLMove(CommandContext& ctx) {
  const std::optional<End> from = ParseEnd(ctx.args[3]), to = ParseEnd(ctx.args[4]);
  if (!from || !to) return ctx.reply.Error(errors::kSyntax);
  if (!MoveElement(ctx, *from, *to)) ctx.reply.Null();
}

// RPOPLPUSH source destination
void CmdRPopLPush(CommandContext& ctx) {
  if (!MoveElement(ctx, End::kRight, End::kLeft)) ctx.reply.Null();
}

// LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count]
void CmdLMPop(CommandContext& ctx) {
  const std::optional<MultiPopArgs> pop = ParseMultiPop(ctx.reply, ctx.args, 1, "left", "right");
  if (!pop) return;
  const End end = pop->second_end ? End::kRight : End::kLeft;
  if (!PopFromFirstList(ctx, pop->keys, end, pop->count)) ctx.reply.NullArray();
}

// BLPOP key [key ...] timeout, BRPOP key [key ...] timeout
void BlockingPop(CommandContext& ctx, End end) {
  const std::optional<int64_t> deadline = ParseTimeout(ctx, ctx.args.back());
  if (!deadline) return;
  const auto keys = ctx.args.subspan(1, ctx.args.size() - 2);
  if (PopFromFirstList(ctx, keys, end, std::nullopt)) return;
  ctx.Block(keys, ValueType::kList, *deadline, TimeoutReply::kNullArray);
}
void CmdBLPop(CommandContext& ctx) { BlockingPop(ctx, End::kLeft); }
void CmdBRPop(CommandContext& ctx) { BlockingPop(ctx, End::kRight); }

// BLMOVE and BRPOPLPUSH once their ends are known. Their timeout reply is a null array, as in
// Redis, though their non-blocking form (and their answer inside EXEC) is a null bulk.
void BlockingMove(CommandContext& ctx, End from, End to, std::string_view timeout) {
  const std::optional<int64_t> deadline = ParseTimeout(ctx, timeout);
  if (!deadline) return;
  if (MoveElement(ctx, from, to)) return;
  if (ctx.client.in_exec) return ctx.reply.Null();
  ctx.Block(ctx.args.subspan(1, 1), ValueType::kList, *deadline, TimeoutReply::kNullArray);
}

// BLMOVE source destination LEFT | RIGHT LEFT | RIGHT timeout
void CmdBLMove(CommandContext& ctx) {
  const std::optional<End> from = ParseEnd(ctx.args[3]), to = ParseEnd(ctx.args[4]);
  if (!from || !to) return ctx.reply.Error(errors::kSyntax);
  BlockingMove(ctx, *from, *to, ctx.args[5]);
}

// BRPOPLPUSH source destination timeout
void CmdBRPopLPush(CommandContext& ctx) { BlockingMove(ctx, End::kRight, End::kLeft, ctx.args[3]); }

// BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]
void CmdBLMPop(CommandContext& ctx) {
  const std::optional<MultiPopArgs> pop = ParseMultiPop(ctx.reply, ctx.args, 2, "left", "right");
  if (!pop) return;
  const std::optional<int64_t> deadline = ParseTimeout(ctx, ctx.args[1]);
  if (!deadline) return;
  const End end = pop->second_end ? End::kRight : End::kLeft;
  if (PopFromFirstList(ctx, pop->keys, end, pop->count)) return;
  ctx.Block(pop->keys, ValueType::kList, *deadline, TimeoutReply::kNullArray);
}

constexpr uint32_t kWriteFast = kWrite | kDenyOom | kFast;
constexpr uint32_t kBlockingWrite = kWrite | kNoScript | kBlocking;
constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";
constexpr KeyPositions kPushKey = {.first = 1, .last = 1, .step = 1, .flags = "RW insert"};
constexpr KeyPositions kPopKey = {.first = 1, .last = 1, .step = 1, .flags = "RW access delete"};
constexpr KeyPositions kMoveKeys = {
    .first = 1, .last = 2, .step = 1, .flags = "RW access delete|RW insert"};

const CommandSpec kCommands[] = {
    {.name = "lpush",
     .arity = -3,
     .flags = kWriteFast,
     .acl = kAclList,
     .keys = kPushKey,
     .handler = CmdLPush,
     .doc = {"Prepend one or multiple elements to a list", "1.0.0", kPushComplexity},
     .args = "key:key element...",
     .history = {{"2.4.0", "Accepts multiple `element` arguments."}}},
    {.name = "rpush",
     .arity = -3,
     .flags = kWriteFast,
     .acl = kAclList,
     .keys = kPushKey,
     .handler = CmdRPush,
     .doc = {"Append one or multiple elements to a list", "1.0.0", kPushComplexity},
     .args = "key:key element...",
     .history = {{"2.4.0", "Accepts multiple `element` arguments."}}},
    {.name = "lpushx",
     .arity = -3,
     .flags = kWriteFast,
     .acl = kAclList,
     .keys = kPushKey,
     .handler = CmdLPushX,
     .doc = {"Prepend an element to a list, only if the list exists", "2.2.0", kPushComplexity},
     .args = "key:key element...",
     .history = {{"4.0.0", "Accepts multiple `element` arguments."}}},
    {.name = "rpushx",
     .arity = -3,
     .flags = kWriteFast,
     .acl = kAclList,
     .keys = kPushKey,
     .handler = CmdRPushX,
     .doc = {"Append an element to a list, only if the list exists", "2.2.0", kPushComplexity},
     .args = "key:key element...",
     .history = {{"4.0.0", "Accepts multiple `element` arguments."}}},
    {.name = "lpop",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclList,
     .keys = kPopKey,
     .handler = CmdLPop,
     .doc = {"Remove and get the first elements in a list", "1.0.0",
             "O(N) where N is the number of elements returned"},
     .args = "key:key [count:integer@6.2.0]",
     .history = {{"6.2.0", "Added the `count` argument."}}},
    {.name = "rpop",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclList,
     .keys = kPopKey,
     .handler = CmdRPop,
     .doc = {"Remove and get the last elements in a list", "1.0.0",
             "O(N) where N is the number of elements returned"},
     .args = "key:key [count:integer@6.2.0]",
     .history = {{"6.2.0", "Added the `count` argument."}}},
    {.name = "llen",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclList,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RO"},
     .handler = CmdLLen,
     .doc = {"Get the length of a list", "1.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "lrange",
     .arity = 4,
     .flags = kReadOnly,
     .acl = kAclList,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RO access"},
     .handler = CmdLRange,
     .doc = {"Get a range of elements from a list", "1.0.0",
             "O(S+N) where S is the distance of start offset from HEAD for small lists, from "
             "nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the "
             "specified range."},
     .args = "key:key start:integer stop:integer"},
    {.name = "lindex",
     .arity = 3,
     .flags = kReadOnly,
     .acl = kAclList,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RO access"},
     .handler = CmdLIndex,
     .doc = {"Get an element from a list by its index", "1.0.0",
             "O(N) where N is the number of elements to traverse to get to the element at index. "
             "This makes asking for the first or the last element of the list O(1)."},
     .args = "key:key index:integer"},
    {.name = "lset",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .acl = kAclList,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RW update"},
     .handler = CmdLSet,
     .doc = {"Set the value of an element in a list by its index", "1.0.0",
             "O(N) where N is the length of the list. Setting either the first or the last element "
             "of the list is O(1)."},
     .args = "key:key index:integer element"},
    {.name = "linsert",
     .arity = 5,
     .flags = kWrite | kDenyOom,
     .acl = kAclList,
     .keys = kPushKey,
     .handler = CmdLInsert,
     .doc = {"Insert an element before or after another element in a list", "2.2.0",
             "O(N) where N is the number of elements to traverse before seeing the value pivot. "
             "This means that inserting somewhere on the left end on the list (head) can be "
             "considered O(1) and inserting somewhere on the right end (tail) is O(N)."},
     .args = "key:key where:(BEFORE | AFTER) pivot element"},
    {.name = "lrem",
     .arity = 4,
     .flags = kWrite,
     .acl = kAclList,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RW delete"},
     .handler = CmdLRem,
     .doc = {"Remove elements from a list", "1.0.0",
             "O(N+M) where N is the length of the list and M is the number of elements removed."},
     .args = "key:key count:integer element"},
    {.name = "ltrim",
     .arity = 4,
     .flags = kWrite,
     .acl = kAclList,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RW delete"},
     .handler = CmdLTrim,
     .doc = {"Trim a list to the specified range", "1.0.0",
             "O(N) where N is the number of elements to be removed by the operation."},
     .args = "key:key start:integer stop:integer"},
    {.name = "lpos",
     .arity = -3,
     .flags = kReadOnly,
     .acl = kAclList,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RO access"},
     .handler = CmdLPos,
     .doc = {"Return the index of matching elements on a list", "6.0.6",
             "O(N) where N is the number of elements in the list, for the average case. When "
             "searching for elements near the head or the tail of the list, or when the MAXLEN "
             "option is provided, the command may run in constant time."},
     .args =
         "key:key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]"},
    {.name = "lmove",
     .arity = 5,
     .flags = kWrite | kDenyOom,
     .acl = kAclList,
     .keys = kMoveKeys,
     .handler = CmdLMove,
     .doc = {"Pop an element from a list, push it to another list and return it", "6.2.0", "O(1)"},
     .args = "source:key destination:key wherefrom:(LEFT | RIGHT) whereto:(LEFT | RIGHT)"},
    {.name = "rpoplpush",
     .arity = 3,
     .flags = kWrite | kDenyOom,
     .acl = kAclList,
     .keys = kMoveKeys,
     .handler = CmdRPopLPush,
     .doc = {"Remove the last element in a list, prepend it to another list and return it", "1.2.0",
             "O(1)"},
     .args = "source:key destination:key",
     .deprecated = {"6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments"}},
    {.name = "lmpop",
     .arity = -4,
     .flags = kWrite | kMovableKeys,
     .acl = kAclList,
     .keys = {.flags = "RW access delete", .numkeys = 1},
     .handler = CmdLMPop,
     .doc = {"Pop elements from a list", "7.0.0",
             "O(N+M) where N is the number of provided keys and M is the number of elements "
             "returned."},
     .args = "numkeys:integer key:key... where:(LEFT | RIGHT) [COUNT count:integer]"},
    {.name = "blpop",
     .arity = -3,
     .flags = kBlockingWrite,
     .acl = kAclList,
     .keys = {.first = 1, .last = -2, .step = 1, .flags = "RW access delete"},
     .handler = CmdBLPop,
     .doc = {"Remove and get the first element in a list, or block until one is available", "2.0.0",
             "O(N) where N is the number of provided keys."},
     .args = "key:key... timeout:double",
     .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}}},
    {.name = "brpop",
     .arity = -3,
     .flags = kBlockingWrite,
     .acl = kAclList,
     .keys = {.first = 1, .last = -2, .step = 1, .flags = "RW access delete"},
     .handler = CmdBRPop,
     .doc = {"Remove and get the last element in a list, or block until one is available", "2.0.0",
             "O(N) where N is the number of provided keys."},
     .args = "key:key... timeout:double",
     .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}}},
    {.name = "blmove",
     .arity = 6,
     .flags = kBlockingWrite | kDenyOom,
     .acl = kAclList,
     .keys = kMoveKeys,
     .handler = CmdBLMove,
     .doc = {"Pop an element from a list, push it to another list and return it; or block until "
             "one is available",
             "6.2.0", "O(1)"},
     .args = "source:key destination:key wherefrom:(LEFT | RIGHT) whereto:(LEFT | RIGHT) "
             "timeout:double"},
    {.name = "brpoplpush",
     .arity = 4,
     .flags = kBlockingWrite | kDenyOom,
     .acl = kAclList,
     .keys = kMoveKeys,
     .handler = CmdBRPopLPush,
     .doc = {"Pop an element from a list, push it to another list and return it; or block until "
             "one is available",
             "2.2.0", "O(1)"},
     .args = "source:key destination:key timeout:double",
     .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}},
     .deprecated = {"6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments"}},
    {.name = "blmpop",
     .arity = -5,
     .flags = kWrite | kBlocking | kMovableKeys,
     .acl = kAclList,
     .keys = {.flags = "RW access delete", .numkeys = 2},
     .handler = CmdBLMPop,
     .doc = {"Pop elements from a list, or block until one is available", "7.0.0",
             "O(N+M) where N is the number of provided keys and M is the number of elements "
             "returned."},
     .args =
         "timeout:double numkeys:integer key:key... where:(LEFT | RIGHT) [COUNT count:integer]"},
};

}  // namespace

CommandFamily ListsFamily() { return {"list", kCommands}; }

}  // namespace understudy::engine
