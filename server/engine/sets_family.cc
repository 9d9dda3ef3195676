// Set commands: members, random picks and pops, and the algebra of several sets.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"
#include "store/database.h"
#include "store/numbers.h"
#include "store/op_result.h"

namespace understudy::engine {
namespace {

using store::Database;
using store::EncodingConfig;
using store::OpResult;
using store::OpStatus;
using store::SetValue;
using store::ValueType;

const EncodingConfig& Encoding(const CommandContext& ctx) {
  return ctx.engine.keyspace().encoding();
}

// The set under key: null if there is none, kWrongType if the key holds another type.
OpResult<SetValue*> FindSet(Database& db, std::string_view key) {
  store::Value* value = db.Find(key);
  if (value == nullptr) return static_cast<SetValue*>(nullptr);
  if (!value->is(ValueType::kSet)) return OpStatus::kWrongType;
  return &value->as<SetValue>();
}

// FindSet for a read: a missing key is a keymiss.
OpResult<SetValue*> ReadSet(CommandContext& ctx, std::string_view key) {
  auto found = FindSet(ctx.db(), key);
  if (found.ok() && *found == nullptr) ctx.NotifyKeyMiss(key);
  return found;
}

// The set under key, created empty if there is none. The caller fills a new set at once: an
// empty set must not stay in the keyspace.
OpResult<SetValue*> FindOrCreateSet(Database& db, std::string_view key) {
  store::Value* value = db.FindOrInsert(key, ValueType::kSet).first;
  if (!value->is(ValueType::kSet)) return OpStatus::kWrongType;
  return &value->as<SetValue>();
}

// Reports a change to the set under key; a set the change emptied is deleted, with its "del"
// event (the caller sends the change's own event first).
void SetChanged(CommandContext& ctx, std::string_view key, const SetValue& set) {
  if (set.empty()) {
    ctx.db().Erase(key);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else {
    ctx.db().Written(key);
  }
}

// Deletes dest (with its "del" event) and replies 0: a *STORE with nothing to store.
void StoreNothing(CommandContext& ctx, std::string_view dest, bool reply_first) {
  if (reply_first) ctx.reply.Integer(0);
  if (ctx.db().Unlink(dest)) ctx.Notify(kNotifyGeneric, "del", dest);
  if (!reply_first) ctx.reply.Integer(0);
}

// Replaces whatever dest holds (its TTL too) with result, or deletes dest if result is empty,
// and replies result's size: the *STORE commands, whose event is the command's name.
void StoreResult(CommandContext& ctx, std::string_view dest, SetValue&& result) {
  const size_t size = result.size();
  if (size == 0) return StoreNothing(ctx, dest, /*reply_first=*/true);
  ctx.db().Replace(dest, ValueType::kSet)->as<SetValue>() = std::move(result);
  ctx.reply.Integer(static_cast<int64_t>(size));
  ctx.Notify(kNotifySet, ctx.spec.name, dest);
}

// Members replied before their number is known: an intset's member texts do not outlive the
// callback that sees them, so they are written to a side buffer that follows the header.
class DeferredMembers {
 public:
  explicit DeferredMembers(const resp::ReplyWriter& reply) : writer_(&body_, reply.protocol()) {}
  DeferredMembers(const DeferredMembers&) = delete;
  DeferredMembers& operator=(const DeferredMembers&) = delete;

  void Add(std::string_view member) {
    writer_.Bulk(member);
    ++count_;
  }
  void ReplyAsSet(resp::ReplyWriter& reply) const {
    reply.SetHeader(count_);
    reply.buffer()->append(body_);
  }
  void ReplyAsArray(resp::ReplyWriter& reply) const {
    reply.ArrayHeader(count_);
    reply.buffer()->append(body_);
  }

 private:
  std::string body_;
  resp::ReplyWriter writer_;
  size_t count_ = 0;
};

// The whole set as a set reply, in the set's own order.
void ReplyMembers(resp::ReplyWriter& reply, const SetValue& set) {
  reply.SetHeader(set.size());
  set.ForEach([&](std::string_view member) { reply.Bulk(member); });
}

// The sets under keys, in order, null for a missing key; kWrongType if any key holds another
// type. Like Redis, every key is checked, also past a missing one that empties the result.
using SetList = absl::InlinedVector<const SetValue*, 4>;
// They are read: a missing key is a keymiss.
OpResult<SetList> FindSets(CommandContext& ctx, std::span<const std::string_view> keys) {
  SetList sets;
  sets.reserve(keys.size());
  for (std::string_view key : keys) {
    auto found = FindSet(ctx.db(), key);
    if (!found.ok()) return found.status();
    if (*found == nullptr) ctx.NotifyKeyMiss(key);
    sets.push_back(*found);
  }
  return sets;
}

// What SINTER, SINTERCARD and SINTERSTORE do with the intersection.
enum class InterOutput : uint8_t { kReply, kCount, kStore };

// The intersection of the sets under keys: the smallest set is walked and each of its members
// looked up in the others. kCount stops at `limit` members (0: no limit).
void InterGeneric(CommandContext& ctx, std::span<const std::string_view> keys, InterOutput output,
                  uint64_t limit = 0) {
  auto found = FindSets(ctx, keys);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  SetList& sets = found.value();
  const bool empty = std::find(sets.begin(), sets.end(), nullptr) != sets.end();
  if (empty) {
    switch (output) {
      case InterOutput::kReply:
        return ctx.reply.SetHeader(0);
      case InterOutput::kCount:
        return ctx.reply.Integer(0);
      case InterOutput::kStore:
        // Here Redis deletes the destination before it replies.
        return StoreNothing(ctx, ctx.args[1], /*reply_first=*/false);
    }
  }
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  const SetValue& smallest = *sets[0];
  const auto in_all = [&](std::string_view member) {
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != &smallest && !sets[i]->Contains(member)) return false;
    }
    return true;
  };
  switch (output) {
    case InterOutput::kReply: {
      if (sets.size() == 1) return ReplyMembers(ctx.reply, smallest);  // SMEMBERS
      DeferredMembers members(ctx.reply);
      smallest.ForEach([&](std::string_view member) {
        if (in_all(member)) members.Add(member);
      });
      return members.ReplyAsSet(ctx.reply);
    }
    case InterOutput::kCount: {
      uint64_t count = 0;
      smallest.ForEachWhile([&](std::string_view member) {
        if (in_all(member)) ++count;
        return limit == 0 || count < limit;
      });
      return ctx.reply.Integer(static_cast<int64_t>(count));
    }
    case InterOutput::kStore: {
      SetValue result;
      const EncodingConfig& config = Encoding(ctx);
      smallest.ForEach([&](std::string_view member) {
        if (in_all(member)) result.Add(member, config);
      });
      return StoreResult(ctx, ctx.args[1], std::move(result));
    }
  }
}

SetValue Union(const SetList& sets, const EncodingConfig& config) {
  SetValue result;
  for (const SetValue* set : sets) {
    if (set == nullptr) continue;
    set->ForEach([&](std::string_view member) { result.Add(member, config); });
  }
  return result;
}

// The members of sets[0] in none of the others. As Redis, whichever of two ways costs less by
// its estimate: checking each member of the first set against the others, or copying the first
// set and removing the others' members. The two can leave different encodings (only what is
// added converts), so the choice follows Redis's exactly.
SetValue Difference(SetList& sets, const EncodingConfig& config) {
  SetValue result;
  const SetValue* first = sets[0];
  if (first == nullptr) return result;
  // The first set subtracted from itself: nothing left.
  if (std::find(sets.begin() + 1, sets.end(), first) != sets.end()) return result;
  uint64_t check_work = 0, remove_work = 0;
  for (const SetValue* set : sets) {
    if (set == nullptr) continue;
    check_work += first->size();
    remove_work += set->size();
  }
  // Checking stops at the first set holding the member and adds nothing twice: Redis halves
  // its estimate.
  if (check_work / 2 <= remove_work) {
    // The largest sets first, where a member is likeliest to be found.
    std::sort(sets.begin() + 1, sets.end(), [](const SetValue* a, const SetValue* b) {
      return (a != nullptr ? a->size() : 0) > (b != nullptr ? b->size() : 0);
    });
    first->ForEach([&](std::string_view member) {
      for (size_t i = 1; i < sets.size(); ++i) {
        if (sets[i] != nullptr && sets[i]->Contains(member)) return;
      }
      result.Add(member, config);
    });
    return result;
  }
  first->ForEach([&](std::string_view member) { result.Add(member, config); });
  for (size_t i = 1; i < sets.size() && !result.empty(); ++i) {
    if (sets[i] == nullptr) continue;
    sets[i]->ForEach([&](std::string_view member) { result.Remove(member); });
  }
  return result;
}

enum class SetOp : uint8_t { kUnion, kDifference };

// SUNION, SDIFF and their STORE forms: the result is built as a new set, so it is an intset
// (answered in ascending order) when its members are integers that fit one.
void UnionDiffGeneric(CommandContext& ctx, SetOp op, bool store) {
  const auto keys = ctx.args.subspan(store ? 2 : 1);
  auto found = FindSets(ctx, keys);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const EncodingConfig& config = Encoding(ctx);
  SetValue result = op == SetOp::kUnion ? Union(*found, config) : Difference(found.value(), config);
  if (store) return StoreResult(ctx, ctx.args[1], std::move(result));
  ReplyMembers(ctx.reply, result);
}

// SADD key member [member ...]
void CmdSAdd(CommandContext& ctx) {
  Database& db = ctx.db();
  const std::string_view key = ctx.args[1];
  auto found = FindOrCreateSet(db, key);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const EncodingConfig& config = Encoding(ctx);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) added += (*found)->Add(ctx.args[i], config);
  if (added > 0) {
    db.Written(key);
    ctx.Notify(kNotifySet, "sadd", key);
  }
  ctx.reply.Integer(added);
}

// SREM key member [member ...]
void CmdSRem(CommandContext& ctx) {
  Database& db = ctx.db();
  const std::string_view key = ctx.args[1];
  auto found = FindSet(db, key);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  SetValue* set = *found;
  int64_t removed = 0;
  for (size_t i = 2; set != nullptr && i < ctx.args.size(); ++i) {
    removed += set->Remove(ctx.args[i]);
    if (set->empty()) break;
  }
  if (removed > 0) {
    ctx.Notify(kNotifySet, "srem", key);
    SetChanged(ctx, key, *set);
  }
  ctx.reply.Integer(removed);
}

// SCARD key
void CmdSCard(CommandContext& ctx) {
  auto found = ReadSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ctx.reply.Integer(*found == nullptr ? 0 : static_cast<int64_t>((*found)->size()));
}

// SISMEMBER key member
void CmdSIsMember(CommandContext& ctx) {
  auto found = ReadSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ctx.reply.Integer(*found != nullptr && (*found)->Contains(ctx.args[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void CmdSMIsMember(CommandContext& ctx) {
  auto found = ReadSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const SetValue* set = *found;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    ctx.reply.Integer(set != nullptr && set->Contains(ctx.args[i]) ? 1 : 0);
  }
}

// SPOP key [count]: with a count the reply is a set, even of one.
void CmdSPop(CommandContext& ctx) {
  if (ctx.args.size() > 3) return ctx.reply.Error(errors::kSyntax);
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (has_count && (!store::ParseInt64(ctx.args[2], &count) || count < 0)) {
    return ctx.reply.Error(errors::kNotPositive);
  }
  Database& db = ctx.db();
  const std::string_view key = ctx.args[1];
  auto found = FindSet(db, key);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  SetValue* set = *found;
  if (!has_count) {
    if (set == nullptr) return ctx.reply.Null();
  } else if (set == nullptr || count == 0) {
    return ctx.reply.SetHeader(0);
  }
  // Redis sends the event before the reply, and a "del" for an emptied set after it.
  ctx.Notify(kNotifySet, "spop", key);
  if (has_count) ctx.reply.SetHeader(std::min<uint64_t>(count, set->size()));
  set->PopRandom(count, Encoding(ctx), [&](std::string_view member) { ctx.reply.Bulk(member); });
  SetChanged(ctx, key, *set);
}

// SRANDMEMBER key [count]: a positive count picks distinct members, a negative one may repeat
// them.
void CmdSRandMember(CommandContext& ctx) {
  if (ctx.args.size() > 3) return ctx.reply.Error(errors::kSyntax);
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (has_count) {
    if (!ParseIntArg(ctx.reply, ctx.args[2], &count)) return;
    if (count == std::numeric_limits<int64_t>::min()) {
      return ctx.reply.Error(errors::kRandomCountOutOfRange);
    }
  }
  auto found = ReadSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const SetValue* set = *found;
  const auto reply = [&](std::string_view member) { ctx.reply.Bulk(member); };
  if (!has_count) {
    if (set == nullptr) return ctx.reply.Null();
    return set->RandomMembersWithRepeats(1, reply);
  }
  if (set == nullptr || count == 0) return ctx.reply.ArrayHeader(0);
  if (count < 0) {
    // Redis would try to answer any negative count and run out of memory on a huge one; a reply
    // of more than 2^32 members (at least 28 GB) is refused instead.
    constexpr uint64_t kMaxRepeatedMembers = uint64_t{1} << 32;
    const uint64_t n = -static_cast<uint64_t>(count);
    if (n > kMaxRepeatedMembers) return ctx.reply.Error(errors::kOutOfRange);
    ctx.reply.ArrayHeader(n);
    return set->RandomMembersWithRepeats(n, reply);
  }
  // Redis answers the whole set in its own order.
  if (static_cast<uint64_t>(count) >= set->size()) {
    ctx.reply.ArrayHeader(set->size());
    return set->ForEach(reply);
  }
  ctx.reply.ArrayHeader(count);
  set->RandomMembers(count, reply);
}

// SMOVE source destination member
void CmdSMove(CommandContext& ctx) {
  Database& db = ctx.db();
  const std::string_view source = ctx.args[1], destination = ctx.args[2], member = ctx.args[3];
  auto src = FindSet(db, source);
  auto dst = FindSet(db, destination);
  // Redis answers 0 for a missing source before it checks the destination's type.
  if (src.ok() && *src == nullptr) return ctx.reply.Integer(0);
  if (!src.ok()) return ReplyError(ctx.reply, src.status());
  if (!dst.ok()) return ReplyError(ctx.reply, dst.status());
  SetValue& from = **src;
  if (&from == *dst) return ctx.reply.Integer(from.Contains(member) ? 1 : 0);
  if (!from.Remove(member)) return ctx.reply.Integer(0);
  ctx.Notify(kNotifySet, "srem", source);
  SetChanged(ctx, source, from);
  SetValue* to = *dst != nullptr ? *dst : *FindOrCreateSet(db, destination);
  // Redis reports the destination only if the member was not there yet.
  if (to->Add(member, Encoding(ctx))) {
    db.Written(destination);
    ctx.Notify(kNotifySet, "sadd", destination);
  }
  ctx.reply.Integer(1);
}

// SMEMBERS key, SINTER key [key ...]
void CmdSInter(CommandContext& ctx) { InterGeneric(ctx, ctx.args.subspan(1), InterOutput::kReply); }

// SINTERSTORE destination key [key ...]
void CmdSInterStore(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args.subspan(2), InterOutput::kStore);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void CmdSInterCard(CommandContext& ctx) {
  int64_t numkeys;
  if (!store::ParseInt64(ctx.args[1], &numkeys) || numkeys < 1) {
    return ctx.reply.Error(errors::kNumkeysNotPositive);
  }
  if (static_cast<uint64_t>(numkeys) > ctx.args.size() - 2) {
    return ctx.reply.Error(errors::kNumkeysExceedArgs);
  }
  int64_t limit = 0;
  ArgParser parser(ctx.args, 2 + numkeys);
  while (parser.HasNext()) {
    if (parser.remaining() >= 2 && parser.Check("limit")) {
      const std::string_view arg = parser.Next();
      if (!store::ParseInt64(arg, &limit) || limit < 0) parser.Fail(errors::kLimitNegative);
    } else {
      parser.Fail(errors::kSyntax);
    }
  }
  if (!parser.ok()) return ctx.reply.Error(parser.error());
  InterGeneric(ctx, ctx.args.subspan(2, numkeys), InterOutput::kCount, limit);
}

// SUNION key [key ...], SUNIONSTORE destination key [key ...]
void CmdSUnion(CommandContext& ctx) { UnionDiffGeneric(ctx, SetOp::kUnion, false); }
void CmdSUnionStore(CommandContext& ctx) { UnionDiffGeneric(ctx, SetOp::kUnion, true); }

// SDIFF key [key ...], SDIFFSTORE destination key [key ...]
void CmdSDiff(CommandContext& ctx) { UnionDiffGeneric(ctx, SetOp::kDifference, false); }
void CmdSDiffStore(CommandContext& ctx) { UnionDiffGeneric(ctx, SetOp::kDifference, true); }

// SSCAN key cursor [MATCH pattern] [COUNT count]
void CmdSScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseCursor(ctx.args[2], &cursor)) return ctx.reply.Error(errors::kInvalidCursor);
  auto found = ReadSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const SetValue* set = *found;
  // Redis reads the options only once it has found a set.
  if (set == nullptr) {
    return ReplyEmptyScan(ctx.reply);
  }
  const std::optional<ScanOptions> options =
      ParseScanOptions(ctx.reply, ctx.args, 3, /*with_type=*/false);
  if (!options) return;
  const std::optional<std::string_view>& pattern = options->pattern;
  const int64_t count = options->count;

  DeferredMembers members(ctx.reply);
  const uint64_t next = set->Scan(cursor, static_cast<size_t>(count), [&](std::string_view m) {
    if (!pattern || GlobMatch(*pattern, m)) members.Add(m);
  });
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  members.ReplyAsArray(ctx.reply);
}

constexpr KeyPositions OneKey(std::string_view flags) {
  return {.first = 1, .last = 1, .step = 1, .flags = flags};
}
constexpr KeyPositions kReadKeys = {.first = 1, .last = -1, .step = 1, .flags = "RO access"};
constexpr std::string_view kInterComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
    "sets.";
constexpr std::string_view kUnionDiffComplexity =
    "O(N) where N is the total number of elements in all given sets.";

const CommandSpec kCommands[] = {
    {.name = "sadd",
     .arity = -3,
     .flags = kWrite | kDenyOom | kFast,
     .acl = kAclSet,
     .keys = OneKey("RW insert"),
     .handler = CmdSAdd,
     .doc = {"Add one or more members to a set", "1.0.0",
             "O(1) for each element added, so O(N) to add N elements when the command is called "
             "with multiple arguments."},
     .args = "key:key member...",
     .history = {{"2.4.0", "Accepts multiple `member` arguments."}}},
    {.name = "srem",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclSet,
     .keys = OneKey("RW delete"),
     .handler = CmdSRem,
     .doc = {"Remove one or more members from a set", "1.0.0",
             "O(N) where N is the number of members to be removed."},
     .args = "key:key member...",
     .history = {{"2.4.0", "Accepts multiple `member` arguments."}}},
    {.name = "smembers",
     .arity = 2,
     .flags = kReadOnly,
     .acl = kAclSet,
     .keys = OneKey("RO access"),
     .handler = CmdSInter,
     .doc = {"Get all the members in a set", "1.0.0", "O(N) where N is the set cardinality."},
     .args = "key:key",
     .tips = "nondeterministic_output_order"},
    {.name = "sismember",
     .arity = 3,
     .flags = kReadOnly | kFast,
     .acl = kAclSet,
     .keys = OneKey("RO"),
     .handler = CmdSIsMember,
     .doc = {"Determine if a given value is a member of a set", "1.0.0", "O(1)"},
     .args = "key:key member"},
    {.name = "smismember",
     .arity = -3,
     .flags = kReadOnly | kFast,
     .acl = kAclSet,
     .keys = OneKey("RO access"),
     .handler = CmdSMIsMember,
     .doc = {"Returns the membership associated with the given elements for a set", "6.2.0",
             "O(N) where N is the number of elements being checked for membership"},
     .args = "key:key member..."},
    {.name = "scard",
     .arity = 2,
     .flags = kReadOnly | kFast,
     .acl = kAclSet,
     .keys = OneKey("RO"),
     .handler = CmdSCard,
     .doc = {"Get the number of members in a set", "1.0.0", "O(1)"},
     .args = "key:key"},
    {.name = "spop",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclSet,
     .keys = OneKey("RW access delete"),
     .handler = CmdSPop,
     .doc = {"Remove and return one or multiple random members from a set", "1.0.0",
             "Without the count argument O(1), otherwise O(N) where N is the value of the passed "
             "count."},
     .args = "key:key [count:integer@3.2.0]",
     .history = {{"3.2.0", "Added the `count` argument."}},
     .tips = "nondeterministic_output"},
    {.name = "srandmember",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclSet,
     .keys = OneKey("RO access"),
     .handler = CmdSRandMember,
     .doc = {"Get one or multiple random members from a set", "1.0.0",
             "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
             "passed count."},
     .args = "key:key [count:integer@2.6.0]",
     .history = {{"2.6.0", "Added the optional `count` argument."}},
     .tips = "nondeterministic_output"},
    {.name = "smove",
     .arity = 4,
     .flags = kWrite | kFast,
     .acl = kAclSet,
     .keys = {.first = 1, .last = 2, .step = 1, .flags = "RW access delete|RW insert"},
     .handler = CmdSMove,
     .doc = {"Move a member from one set to another", "1.0.0", "O(1)"},
     .args = "source:key destination:key member"},
    {.name = "sinter",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclSet,
     .keys = kReadKeys,
     .handler = CmdSInter,
     .doc = {"Intersect multiple sets", "1.0.0", kInterComplexity},
     .args = "key:key...",
     .tips = "nondeterministic_output_order"},
    {.name = "sintercard",
     .arity = -3,
     .flags = kReadOnly | kMovableKeys,
     .acl = kAclSet,
     .keys = {.flags = "RO access", .numkeys = 1},
     .handler = CmdSInterCard,
     .doc = {"Intersect multiple sets and return the cardinality of the result", "7.0.0",
             kInterComplexity},
     .args = "numkeys:integer key:key... [LIMIT limit:integer]"},
    {.name = "sinterstore",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclSet,
     .keys = {.first = 1, .last = -1, .step = 1, .flags = "RW update|RO access"},
     .handler = CmdSInterStore,
     .doc = {"Intersect multiple sets and store the resulting set in a key", "1.0.0",
             kInterComplexity},
     .args = "destination:key key:key..."},
    {.name = "sunion",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclSet,
     .keys = kReadKeys,
     .handler = CmdSUnion,
     .doc = {"Add multiple sets", "1.0.0", kUnionDiffComplexity},
     .args = "key:key...",
     .tips = "nondeterministic_output_order"},
    {.name = "sunionstore",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclSet,
     .keys = {.first = 1, .last = -1, .step = 1, .flags = "OW update|RO access"},
     .handler = CmdSUnionStore,
     .doc = {"Add multiple sets and store the resulting set in a key", "1.0.0",
             kUnionDiffComplexity},
     .args = "destination:key key:key..."},
    {.name = "sdiff",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclSet,
     .keys = kReadKeys,
     .handler = CmdSDiff,
     .doc = {"Subtract multiple sets", "1.0.0", kUnionDiffComplexity},
     .args = "key:key...",
     .tips = "nondeterministic_output_order"},
    {.name = "sdiffstore",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .acl = kAclSet,
     .keys = {.first = 1, .last = -1, .step = 1, .flags = "OW update|RO access"},
     .handler = CmdSDiffStore,
     .doc = {"Subtract multiple sets and store the resulting set in a key", "1.0.0",
             kUnionDiffComplexity},
     .args = "destination:key key:key..."},
    {.name = "sscan",
     .arity = -3,
     .flags = kReadOnly,
     .acl = kAclSet,
     .keys = OneKey("RO access"),
     .handler = CmdSScan,
     .doc =
         {"Incrementally iterate Set elements", "2.8.0",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
          "the cursor to return back to 0. N is the number of elements inside the collection.."},
     .args = "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
     .tips = "nondeterministic_output"},
};

}  // namespace

CommandFamily SetsFamily() { return {"set", kCommands}; }

}  // namespace understudy::engine
