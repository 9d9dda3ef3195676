// Sorted set commands: members ordered by score, ranges by rank, score and lex, pops (blocking
// too), random picks, and the algebra of several sorted sets.
#include <algorithm>
#include <cmath>
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
#include "server/engine/glob.h"
#include "store/database.h"
#include "store/numbers.h"
#include "store/op_result.h"
#include "store/value.h"

namespace understudy::engine {
namespace {

using store::Database;
using store::OpResult;
using store::OpStatus;
using store::SetValue;
using store::ValueType;
using store::ZSetValue;
using store::containers::LexRange;
using store::containers::ParseScore;
using store::containers::ScoreRange;
using store::containers::ZAddFlags;
using store::containers::ZAddResult;

// The sorted set under key: null if there is none, kWrongType if the key holds another type.
OpResult<ZSetValue*> FindZSet(Database& db, std::string_view key) {
  store::Value* value = db.Find(key);
  if (value == nullptr) return static_cast<ZSetValue*>(nullptr);
  if (!value->is(ValueType::kZSet)) return OpStatus::kWrongType;
  return &value->as<ZSetValue>();
}

// FindZSet for a read: a missing key is a keymiss.
OpResult<ZSetValue*> ReadZSet(CommandContext& ctx, std::string_view key) {
  auto found = FindZSet(ctx.db(), key);
  if (found.ok() && *found == nullptr) ctx.NotifyKeyMiss(key);
  return found;
}

// Reports a change to the sorted set under key; one the change emptied is deleted.
// The caller sends the change's own event first; the deletion's "del" follows.
void ZSetChanged(CommandContext& ctx, std::string_view key, const ZSetValue& zset) {
  if (zset.empty()) {
    ctx.db().Erase(key);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else {
    ctx.db().Written(key);
  }
}

// Replaces whatever dest holds (its TTL too) with result, or deletes dest if result is empty,
// and replies result's size: the *STORE commands.
// Its event, after the reply, is the command's name (zunionstore, ..., zrangestore), or "del".
void StoreResult(CommandContext& ctx, std::string_view dest, ZSetValue&& result) {
  Database& db = ctx.db();
  const size_t size = result.size();
  if (size == 0) {
    const bool deleted = db.Erase(dest);
    ctx.reply.Integer(0);
    if (deleted) ctx.Notify(kNotifyGeneric, "del", dest);
    return;
  }
  db.Replace(dest, ValueType::kZSet)->as<ZSetValue>() = std::move(result);
  ctx.reply.Integer(static_cast<int64_t>(size));
  ctx.Notify(kNotifyZset, ctx.spec.name, dest);
}

// How members are replied: alone; with their scores flat (member, score, member, score ...);
// or with their scores nested ([member, score] arrays).
enum class Shape : uint8_t { kMembers, kFlat, kNested };

// WITHSCORES: flat in RESP2, nested in RESP3 (a map would lose the order).
Shape ScoresShape(bool with_scores, const resp::ReplyWriter& reply) {
  if (!with_scores) return Shape::kMembers;
  return reply.resp3() ? Shape::kNested : Shape::kFlat;
}

void EntriesHeader(resp::ReplyWriter& reply, Shape shape, size_t count) {
  reply.ArrayHeader(shape == Shape::kFlat ? 2 * count : count);
}

void ReplyEntry(resp::ReplyWriter& reply, Shape shape, std::string_view member, double score) {
  if (shape == Shape::kNested) reply.ArrayHeader(2);
  reply.Bulk(member);
  if (shape != Shape::kMembers) reply.Double(score);
}

// --- Single members ---

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...], and ZINCRBY key
// increment member, which Redis parses as ZADD INCR (options included).
void AddGeneric(CommandContext& ctx, bool incrby) {
  ZAddFlags flags{.incr = incrby};
  bool ch = false;
  size_t first = 2;
  for (; first < ctx.args.size(); ++first) {
    const std::string_view arg = ctx.args[first];
    if (EqualsIgnoreCase(arg, "nx")) {
      flags.nx = true;
    } else if (EqualsIgnoreCase(arg, "xx")) {
      flags.xx = true;
    } else if (EqualsIgnoreCase(arg, "gt")) {
      flags.gt = true;
    } else if (EqualsIgnoreCase(arg, "lt")) {
      flags.lt = true;
    } else if (EqualsIgnoreCase(arg, "ch")) {
      ch = true;
    } else if (EqualsIgnoreCase(arg, "incr")) {
      flags.incr = true;
    } else {
      break;
    }
  }
  const size_t remaining = ctx.args.size() - first;
  if (remaining == 0 || remaining % 2 != 0) return ctx.reply.Error(errors::kSyntax);
  if (flags.nx && flags.xx) return ctx.reply.Error(errors::kZAddXxAndNx);
  if ((flags.gt || flags.lt) && (flags.nx || (flags.gt && flags.lt))) {
    return ctx.reply.Error(errors::kZAddGtLtAndNx);
  }
  const size_t pairs = remaining / 2;
  if (flags.incr && pairs > 1) return ctx.reply.Error(errors::kZAddIncrPairs);
  // Every score is checked before anything changes.
  std::vector<double> scores(pairs);
  for (size_t i = 0; i < pairs; ++i) {
    if (!ParseScore(ctx.args[first + 2 * i], &scores[i])) {
      return ctx.reply.Error(errors::kNotFloat);
    }
  }

  Database& db = ctx.db();
  const std::string_view key = ctx.args[1];
  auto found = FindZSet(db, key);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ZSetValue* zset = *found;
  if (zset == nullptr) {
    if (flags.xx) return flags.incr ? ctx.reply.Null() : ctx.reply.Integer(0);
    zset = &db.FindOrInsert(key, ValueType::kZSet).first->as<ZSetValue>();
  }
  const store::EncodingConfig& config = ctx.engine.keyspace().encoding();
  int64_t added = 0, updated = 0;
  ZAddResult result;
  for (size_t i = 0; i < pairs; ++i) {
    result = zset->Add(ctx.args[first + 2 * i + 1], scores[i], flags, config);
    if (result.nan) {
      // Only INCR can get there, with its single pair: nothing changed.
      if (zset->empty()) db.Erase(key);
      return ctx.reply.Error(errors::kScoreIsNan);
    }
    added += result.added;
    updated += result.updated;
  }
  if (added + updated > 0) db.Written(key);
  if (flags.incr) {
    result.skipped ? ctx.reply.Null() : ctx.reply.Double(result.score);
  } else {
    ctx.reply.Integer(ch ? added + updated : added);
  }
  if (added + updated > 0) ctx.Notify(kNotifyZset, flags.incr ? "zincr" : "zadd", key);
}
void CmdZAdd(CommandContext& ctx) { AddGeneric(ctx, false); }
void CmdZIncrBy(CommandContext& ctx) { AddGeneric(ctx, true); }

// ZREM key member [member ...]
void CmdZRem(CommandContext& ctx) {
  Database& db = ctx.db();
  auto found = FindZSet(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ZSetValue* zset = *found;
  int64_t removed = 0;
  if (zset != nullptr) {
    for (size_t i = 2; i < ctx.args.size() && !zset->empty(); ++i) {
      removed += zset->Remove(ctx.args[i]);
    }
    if (removed > 0) {
      ctx.Notify(kNotifyZset, "zrem", ctx.args[1]);
      ZSetChanged(ctx, ctx.args[1], *zset);
    }
  }
  ctx.reply.Integer(removed);
}

// ZSCORE key member
void CmdZScore(CommandContext& ctx) {
  auto found = ReadZSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const std::optional<double> score =
      *found == nullptr ? std::nullopt : (*found)->Score(ctx.args[2]);
  if (!score) return ctx.reply.Null();
  ctx.reply.Double(*score);
}

// ZMSCORE key member [member ...]
void CmdZMScore(CommandContext& ctx) {
  auto found = ReadZSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const ZSetValue* zset = *found;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const std::optional<double> score = zset == nullptr ? std::nullopt : zset->Score(ctx.args[i]);
    if (score) {
      ctx.reply.Double(*score);
    } else {
      ctx.reply.Null();
    }
  }
}

// ZCARD key
void CmdZCard(CommandContext& ctx) {
  auto found = ReadZSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ctx.reply.Integer(*found == nullptr ? 0 : static_cast<int64_t>((*found)->size()));
}

// ZRANK key member, ZREVRANK key member
void RankGeneric(CommandContext& ctx, bool reverse) {
  auto found = ReadZSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const std::optional<size_t> rank =
      *found == nullptr ? std::nullopt : (*found)->Rank(ctx.args[2], reverse);
  if (!rank) return ctx.reply.Null();
  ctx.reply.Integer(static_cast<int64_t>(*rank));
}
void CmdZRank(CommandContext& ctx) { RankGeneric(ctx, false); }
void CmdZRevRank(CommandContext& ctx) { RankGeneric(ctx, true); }

// --- Ranges ---

enum class RangeBy : uint8_t { kRank, kScore, kLex };

// A range's bounds, parsed as `by` says; replies the error and returns false if invalid.
struct RangeBounds {
  int64_t start = 0, stop = 0;  // kRank
  ScoreRange scores;            // kScore
  LexRange lex;                 // kLex

  bool Parse(CommandContext& ctx, RangeBy by, std::string_view min, std::string_view max) {
    switch (by) {
      case RangeBy::kRank:
        return ParseIntArg(ctx.reply, min, &start) && ParseIntArg(ctx.reply, max, &stop);
      case RangeBy::kScore:
        if (ScoreRange::Parse(min, max, &scores)) return true;
        ctx.reply.Error(errors::kScoreRangeNotFloat);
        return false;
      case RangeBy::kLex:
        if (LexRange::Parse(min, max, &lex)) return true;
        ctx.reply.Error(errors::kLexRangeNotValid);
        return false;
    }
    return false;
  }
};

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES], its older
// forms (ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX: `by` and
// `reverse` fixed by the name), and ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV]
// [LIMIT offset count] (store). `flexible`: BYSCORE, BYLEX and REV may be given.
void RangeGeneric(CommandContext& ctx, RangeBy by, bool reverse, bool flexible, bool store) {
  const size_t key_at = store ? 2 : 1;
  bool by_given = !flexible, reverse_given = !flexible;
  bool with_scores = false;
  int64_t offset = 0, limit = -1;
  for (size_t i = key_at + 3; i < ctx.args.size(); ++i) {
    const std::string_view arg = ctx.args[i];
    if (!store && EqualsIgnoreCase(arg, "withscores")) {
      with_scores = true;
    } else if (ctx.args.size() - i > 2 && EqualsIgnoreCase(arg, "limit")) {
      if (!ParseIntArg(ctx.reply, ctx.args[i + 1], &offset) ||
          !ParseIntArg(ctx.reply, ctx.args[i + 2], &limit)) {
        return;
      }
      i += 2;
    } else if (!reverse_given && EqualsIgnoreCase(arg, "rev")) {
      reverse = reverse_given = true;
    } else if (!by_given && EqualsIgnoreCase(arg, "bylex")) {
      by = RangeBy::kLex;
      by_given = true;
    } else if (!by_given && EqualsIgnoreCase(arg, "byscore")) {
      by = RangeBy::kScore;
      by_given = true;
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  // Redis tells a LIMIT by its count: LIMIT 5 -1 passes for none.
  if (limit != -1 && by == RangeBy::kRank) {
    return ctx.reply.Error(errors::kLimitWithoutByScoreOrLex);
  }
  if (with_scores && by == RangeBy::kLex) return ctx.reply.Error(errors::kWithScoresWithByLex);
  // Score and lex ranges come as max, min when reversed.
  std::string_view min = ctx.args[key_at + 1], max = ctx.args[key_at + 2];
  if (reverse && by != RangeBy::kRank) std::swap(min, max);
  RangeBounds bounds;
  if (!bounds.Parse(ctx, by, min, max)) return;

  auto found = ReadZSet(ctx, ctx.args[key_at]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const ZSetValue* zset = *found;
  ZSetValue::Span span;
  // A negative offset selects nothing; a negative count means no limit. A rank range has none.
  if (zset != nullptr && (offset >= 0 || by == RangeBy::kRank)) {
    const size_t count = limit < 0 ? ZSetValue::kNoLimit : static_cast<size_t>(limit);
    switch (by) {
      case RangeBy::kRank:
        span = zset->RankSpan(bounds.start, bounds.stop, reverse);
        break;
      case RangeBy::kScore:
        span = zset->ScoreSpan(bounds.scores, reverse, offset, count);
        break;
      case RangeBy::kLex:
        span = zset->LexSpan(bounds.lex, reverse, offset, count);
        break;
    }
  }
  if (store) {
    // Built before dst is replaced: src may be dst.
    ZSetValue result;
    const store::EncodingConfig& config = ctx.engine.keyspace().encoding();
    if (span) {
      zset->Emit(span, false, [&](std::string_view member, double score) {
        result.AppendSorted(member, score, config);
      });
    }
    return StoreResult(ctx, ctx.args[1], std::move(result));
  }
  const Shape shape = ScoresShape(with_scores, ctx.reply);
  EntriesHeader(ctx.reply, shape, ZSetValue::SpanSize(span));
  if (span) {
    zset->Emit(span, reverse, [&](std::string_view member, double score) {
      ReplyEntry(ctx.reply, shape, member, score);
    });
  }
}
void CmdZRange(CommandContext& ctx) { RangeGeneric(ctx, RangeBy::kRank, false, true, false); }
void CmdZRangeStore(CommandContext& ctx) { RangeGeneric(ctx, RangeBy::kRank, false, true, true); }
void CmdZRevRange(CommandContext& ctx) { RangeGeneric(ctx, RangeBy::kRank, true, false, false); }
void CmdZRangeByScore(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kScore, false, false, false);
}
void CmdZRevRangeByScore(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kScore, true, false, false);
}
void CmdZRangeByLex(CommandContext& ctx) { RangeGeneric(ctx, RangeBy::kLex, false, false, false); }
void CmdZRevRangeByLex(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kLex, true, false, false);
}

// ZCOUNT key min max, ZLEXCOUNT key min max
void CountGeneric(CommandContext& ctx, RangeBy by) {
  RangeBounds bounds;
  if (!bounds.Parse(ctx, by, ctx.args[2], ctx.args[3])) return;
  auto found = ReadZSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const ZSetValue* zset = *found;
  size_t count = 0;
  if (zset != nullptr) {
    count =
        by == RangeBy::kScore ? zset->CountByScore(bounds.scores) : zset->CountByLex(bounds.lex);
  }
  ctx.reply.Integer(static_cast<int64_t>(count));
}
void CmdZCount(CommandContext& ctx) { CountGeneric(ctx, RangeBy::kScore); }
void CmdZLexCount(CommandContext& ctx) { CountGeneric(ctx, RangeBy::kLex); }

// ZREMRANGEBYRANK key start stop, ZREMRANGEBYSCORE key min max, ZREMRANGEBYLEX key min max
void RemoveRangeGeneric(CommandContext& ctx, RangeBy by) {
  RangeBounds bounds;
  if (!bounds.Parse(ctx, by, ctx.args[2], ctx.args[3])) return;
  Database& db = ctx.db();
  auto found = FindZSet(db, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  ZSetValue* zset = *found;
  size_t removed = 0;
  if (zset != nullptr) {
    switch (by) {
      case RangeBy::kRank:
        removed = zset->RemoveRangeByRank(bounds.start, bounds.stop);
        break;
      case RangeBy::kScore:
        removed = zset->RemoveRangeByScore(bounds.scores);
        break;
      case RangeBy::kLex:
        removed = zset->RemoveRangeByLex(bounds.lex);
        break;
    }
    if (removed > 0) {
      static constexpr std::string_view kEvents[] = {"zremrangebyrank", "zremrangebyscore",
                                                     "zremrangebylex"};
      ctx.Notify(kNotifyZset, kEvents[static_cast<int>(by)], ctx.args[1]);
      ZSetChanged(ctx, ctx.args[1], *zset);
    }
  }
  ctx.reply.Integer(static_cast<int64_t>(removed));
}
void CmdZRemRangeByRank(CommandContext& ctx) { RemoveRangeGeneric(ctx, RangeBy::kRank); }
void CmdZRemRangeByScore(CommandContext& ctx) { RemoveRangeGeneric(ctx, RangeBy::kScore); }
void CmdZRemRangeByLex(CommandContext& ctx) { RemoveRangeGeneric(ctx, RangeBy::kLex); }

// --- Pops ---

// How a pop replies. ZPOPMIN/ZPOPMAX: [member, score], with a count flat pairs in RESP2 and
// nested ones in RESP3; BZPOPMIN/BZPOPMAX: [key, member, score]; ZMPOP/BZMPOP: [key, [[member,
// score] ...]] in both protocols.
enum class PopReply : uint8_t { kFlat, kNested, kKeyFlat, kKeyNested };

// Pops up to count members from the low (high if max) end of the sorted set under key, replies
// them, and deletes the key if that emptied it.
void PopAndReply(CommandContext& ctx, std::string_view key, ZSetValue& zset, bool max,
                 uint64_t count, PopReply how) {
  const ZSetValue::Span span = zset.EndSpan(count, max);
  const size_t n = ZSetValue::SpanSize(span);
  switch (how) {
    case PopReply::kFlat:
      ctx.reply.ArrayHeader(2 * n);
      break;
    case PopReply::kNested:
      ctx.reply.ArrayHeader(n);
      break;
    case PopReply::kKeyFlat:
      ctx.reply.ArrayHeader(2 * n + 1);
      ctx.reply.Bulk(key);
      break;
    case PopReply::kKeyNested:
      ctx.reply.ArrayHeader(2);
      ctx.reply.Bulk(key);
      ctx.reply.ArrayHeader(n);
      break;
  }
  if (n == 0) return;
  // Redis sends the event once the first member is gone, before it replies that member.
  ctx.Notify(kNotifyZset, max ? "zpopmax" : "zpopmin", key);
  const Shape shape =
      how == PopReply::kNested || how == PopReply::kKeyNested ? Shape::kNested : Shape::kFlat;
  zset.Emit(span, max, [&](std::string_view member, double score) {
    ReplyEntry(ctx.reply, shape, member, score);
  });
  zset.Erase(span);
  ZSetChanged(ctx, key, zset);
}

// ZPOPMIN key [count], ZPOPMAX key [count]
void PopGeneric(CommandContext& ctx, bool max) {
  if (ctx.args.size() > 3) return ctx.reply.Error(errors::kSyntax);
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (has_count && (!store::ParseInt64(ctx.args[2], &count) || count < 0)) {
    return ctx.reply.Error(errors::kNotPositive);
  }
  auto found = FindZSet(ctx.db(), ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  if (*found == nullptr) return ctx.reply.ArrayHeader(0);
  const PopReply how = has_count && ctx.reply.resp3() ? PopReply::kNested : PopReply::kFlat;
  PopAndReply(ctx, ctx.args[1], **found, max, count, how);
}
void CmdZPopMin(CommandContext& ctx) { PopGeneric(ctx, false); }
void CmdZPopMax(CommandContext& ctx) { PopGeneric(ctx, true); }

// True while a blocked command runs again because one of its keys became ready: keys that took
// another type meanwhile are passed over rather than failing the command (see lists_family.cc).
bool IsWokenRerun(const CommandContext& ctx) { return ctx.client.is_blocked(); }

// Pops from the first of keys that holds a sorted set and replies as `how` says. Returns false,
// without replying, if none holds one.
bool PopFromFirstZSet(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                      uint64_t count, PopReply how) {
  for (std::string_view key : keys) {
    auto found = FindZSet(ctx.db(), key);
    if (!found.ok() && IsWokenRerun(ctx)) continue;
    if (!found.ok()) {
      ReplyError(ctx.reply, found.status());
      return true;
    }
    if (*found == nullptr) continue;
    PopAndReply(ctx, key, **found, max, count, how);
    return true;
  }
  return false;
}

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
void CmdZMPop(CommandContext& ctx) {
  const std::optional<MultiPopArgs> pop = ParseMultiPop(ctx.reply, ctx.args, 1, "min", "max");
  if (!pop) return;
  if (!PopFromFirstZSet(ctx, pop->keys, pop->second_end, pop->count, PopReply::kKeyNested)) {
    ctx.reply.NullArray();
  }
}

// BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout
void BlockingPopGeneric(CommandContext& ctx, bool max) {
  const std::optional<int64_t> deadline =
      ParseBlockingTimeout(ctx.reply, ctx.args.back(), ctx.now_ms());
  if (!deadline) return;
  const auto keys = ctx.args.subspan(1, ctx.args.size() - 2);
  if (PopFromFirstZSet(ctx, keys, max, 1, PopReply::kKeyFlat)) return;
  ctx.Block(keys, ValueType::kZSet, *deadline, TimeoutReply::kNullArray);
}
void CmdBZPopMin(CommandContext& ctx) { BlockingPopGeneric(ctx, false); }
void CmdBZPopMax(CommandContext& ctx) { BlockingPopGeneric(ctx, true); }

// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
void CmdBZMPop(CommandContext& ctx) {
  const std::optional<MultiPopArgs> pop = ParseMultiPop(ctx.reply, ctx.args, 2, "min", "max");
  if (!pop) return;
  const std::optional<int64_t> deadline =
      ParseBlockingTimeout(ctx.reply, ctx.args[1], ctx.now_ms());
  if (!deadline) return;
  if (PopFromFirstZSet(ctx, pop->keys, pop->second_end, pop->count, PopReply::kKeyNested)) return;
  ctx.Block(pop->keys, ValueType::kZSet, *deadline, TimeoutReply::kNullArray);
}

// --- Random members and scanning ---

// ZRANDMEMBER key [count [WITHSCORES]]
void CmdZRandMember(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    auto found = ReadZSet(ctx, ctx.args[1]);
    if (!found.ok()) return ReplyError(ctx.reply, found.status());
    if (*found == nullptr) return ctx.reply.Null();
    return (*found)->RandomMembers(
        1, false, [&](std::string_view member, double) { ctx.reply.Bulk(member); });
  }
  int64_t count;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &count)) return;
  if (count == std::numeric_limits<int64_t>::min()) {
    return ctx.reply.Error(errors::kRandomCountOutOfRange);
  }
  const bool with_scores = ctx.args.size() == 4;
  if (ctx.args.size() > 4 || (with_scores && !EqualsIgnoreCase(ctx.args[3], "withscores"))) {
    return ctx.reply.Error(errors::kSyntax);
  }
  // Redis keeps the reply's length (twice the count, with scores) within a long.
  constexpr int64_t kMaxWithScores = std::numeric_limits<int64_t>::max() / 2;
  if (with_scores && (count < -kMaxWithScores || count > kMaxWithScores)) {
    return ctx.reply.Error(errors::kOutOfRange);
  }
  auto found = ReadZSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const ZSetValue* zset = *found;
  if (zset == nullptr || count == 0) return ctx.reply.ArrayHeader(0);

  const Shape shape = ScoresShape(with_scores, ctx.reply);
  const auto reply_entry = [&](std::string_view member, double score) {
    ReplyEntry(ctx.reply, shape, member, score);
  };
  // A negative count picks with repeats; so does a count of 1, alike.
  if (count < 0 || count == 1) {
    const uint64_t picks = count < 0 ? -static_cast<uint64_t>(count) : 1;
    EntriesHeader(ctx.reply, shape, picks);
    return zset->RandomMembers(picks, false, reply_entry);
  }
  const size_t size = zset->size();
  if (static_cast<uint64_t>(count) >= size) {
    // The whole set, from the highest score down, as Redis answers it.
    EntriesHeader(ctx.reply, shape, size);
    return zset->Emit(zset->RankSpan(0, -1, true), true, reply_entry);
  }
  EntriesHeader(ctx.reply, shape, count);
  zset->RandomMembers(count, true, reply_entry);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void CmdZScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseCursor(ctx.args[2], &cursor)) return ctx.reply.Error(errors::kInvalidCursor);
  auto found = ReadZSet(ctx, ctx.args[1]);
  if (!found.ok()) return ReplyError(ctx.reply, found.status());
  const ZSetValue* zset = *found;
  if (zset == nullptr) {
    return ReplyEmptyScan(ctx.reply);
  }
  // Options are read only for an existing sorted set, as in Redis.
  const std::optional<ScanOptions> options =
      ParseScanOptions(ctx.reply, ctx.args, 3, /*with_type=*/false);
  if (!options) return;
  const std::optional<std::string_view>& pattern = options->pattern;
  const int64_t count = options->count;
  // Copies: a listpack renders an integer member into a temporary.
  std::vector<std::pair<std::string, double>> entries;
  const uint64_t next =
      zset->Scan(cursor, static_cast<size_t>(count), [&](std::string_view member, double score) {
        if (!pattern || GlobMatch(*pattern, member)) entries.emplace_back(member, score);
      });
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  // Scores are bulk strings here, in RESP3 too.
  ctx.reply.ArrayHeader(2 * entries.size());
  for (const auto& [member, score] : entries) {
    ctx.reply.Bulk(member);
    ctx.reply.Bulk(resp::FormatDouble(score));
  }
}

// --- Union, intersection, difference ---

enum class SetOp : uint8_t { kUnion, kInter, kDiff };
enum class Aggregate : uint8_t { kSum, kMin, kMax };

// One input: a sorted set, a plain set (its members score 1), or a missing key (empty).
struct Source {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset != nullptr ? zset->size() : set != nullptr ? set->size() : 0; }

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset != nullptr) {
      zset->RangeByRank(0, -1, false, fn);
    } else if (set != nullptr) {
      set->ForEach([&](std::string_view member) { fn(member, 1.0); });
    }
  }

  std::optional<double> Score(std::string_view member) const {
    if (zset != nullptr) return zset->Score(member);
    if (set != nullptr && set->Contains(member)) return 1.0;
    return std::nullopt;
  }
};

// A member's score weighted: NaN (0 * inf) counts as 0, as in Redis.
double Weighted(double score, double weight) {
  const double value = score * weight;
  return std::isnan(value) ? 0 : value;
}

void Accumulate(double* total, double value, Aggregate how) {
  switch (how) {
    case Aggregate::kSum:
      *total += value;
      if (std::isnan(*total)) *total = 0;  // inf + -inf
      break;
    case Aggregate::kMin:
      if (value < *total) *total = value;
      break;
    case Aggregate::kMax:
      if (value > *total) *total = value;
      break;
  }
}

// Sorts the result into zset order, then replies it or stores it at args[1].
template <typename Entries>
void ReplyOrStore(CommandContext& ctx, Entries& entries, bool store, bool with_scores) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second < b.second;
    return a.first < b.first;
  });
  if (store) {
    ZSetValue result;
    const store::EncodingConfig& config = ctx.engine.keyspace().encoding();
    for (const auto& [member, score] : entries) result.AppendSorted(member, score, config);
    return StoreResult(ctx, ctx.args[1], std::move(result));
  }
  const Shape shape = ScoresShape(with_scores, ctx.reply);
  EntriesHeader(ctx.reply, shape, entries.size());
  for (const auto& [member, score] : entries) ReplyEntry(ctx.reply, shape, member, score);
}

// ZUNION, ZINTER, ZDIFF numkeys key [key ...] ..., their STORE forms (destination numkeys
// key ...), and ZINTERCARD numkeys key [key ...] [LIMIT limit] (cardinality_only). Options:
// [WEIGHTS weight ...] [AGGREGATE SUM | MIN | MAX] but for ZDIFF, [WITHSCORES] but for the
// STORE forms.
void AlgebraGeneric(CommandContext& ctx, SetOp op, bool store, bool cardinality_only) {
  const size_t numkeys_at = store ? 2 : 1;
  int64_t numkeys;
  if (!ParseIntArg(ctx.reply, ctx.args[numkeys_at], &numkeys)) return;
  if (numkeys < 1) return ctx.reply.Error(errors::NoInputKeys(ctx.spec.name));
  size_t pos = numkeys_at + 1;
  if (static_cast<uint64_t>(numkeys) > ctx.args.size() - pos) {
    return ctx.reply.Error(errors::kSyntax);
  }
  Database& db = ctx.db();
  std::vector<Source> sources(numkeys);
  for (Source& source : sources) {
    const std::string_view key = ctx.args[pos++];
    const store::Value* value = db.Find(key);
    if (value == nullptr) {
      ctx.NotifyKeyMiss(key);
      continue;
    }
    if (value->is(ValueType::kZSet)) {
      source.zset = &value->as<ZSetValue>();
    } else if (value->is(ValueType::kSet)) {
      source.set = &value->as<SetValue>();
    } else {
      return ctx.reply.Error(errors::kWrongType);
    }
  }

  const bool weighable = op != SetOp::kDiff && !cardinality_only;
  Aggregate aggregate = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;  // ZINTERCARD: 0 for none
  while (pos < ctx.args.size()) {
    const size_t remaining = ctx.args.size() - pos;
    const std::string_view arg = ctx.args[pos++];
    if (weighable && remaining > sources.size() && EqualsIgnoreCase(arg, "weights")) {
      for (Source& source : sources) {
        if (!ParseScore(ctx.args[pos++], &source.weight)) {
          return ctx.reply.Error(errors::kWeightNotFloat);
        }
      }
    } else if (weighable && remaining >= 2 && EqualsIgnoreCase(arg, "aggregate")) {
      const std::string_view how = ctx.args[pos++];
      if (EqualsIgnoreCase(how, "sum")) {
        aggregate = Aggregate::kSum;
      } else if (EqualsIgnoreCase(how, "min")) {
        aggregate = Aggregate::kMin;
      } else if (EqualsIgnoreCase(how, "max")) {
        aggregate = Aggregate::kMax;
      } else {
        return ctx.reply.Error(errors::kSyntax);
      }
    } else if (!store && !cardinality_only && EqualsIgnoreCase(arg, "withscores")) {
      with_scores = true;
    } else if (cardinality_only && remaining >= 2 && EqualsIgnoreCase(arg, "limit")) {
      if (!store::ParseInt64(ctx.args[pos++], &limit) || limit < 0) {
        return ctx.reply.Error(errors::kLimitNegative);
      }
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }

  if (op == SetOp::kUnion) {
    // Accumulated by member, in the order Redis adds them up (smallest input first): a sum's
    // rounding depends on it.
    std::stable_sort(sources.begin(), sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
    store::StringMap<double> totals;
    totals.reserve(sources.back().size());
    for (const Source& source : sources) {
      source.ForEach([&](std::string_view member, double score) {
        const double value = Weighted(score, source.weight);
        auto [it, inserted] = totals.try_emplace(member, value);
        if (!inserted) Accumulate(&it->second, value, aggregate);
      });
    }
    std::vector<std::pair<std::string_view, double>> entries(totals.begin(), totals.end());
    return ReplyOrStore(ctx, entries, store, with_scores);
  }

  std::vector<std::pair<std::string, double>> entries;
  if (op == SetOp::kDiff) {
    // The first input's members found in no other, with their own scores.
    sources[0].ForEach([&](std::string_view member, double score) {
      for (size_t i = 1; i < sources.size(); ++i) {
        if (sources[i].Score(member)) return;
      }
      entries.emplace_back(member, score);
    });
    return ReplyOrStore(ctx, entries, store, with_scores);
  }

  // Intersection: the smallest input's members looked up in the others.
  std::stable_sort(sources.begin(), sources.end(),
                   [](const Source& a, const Source& b) { return a.size() < b.size(); });
  uint64_t cardinality = 0;
  const bool stop_at_limit = limit > 0;
  sources[0].ForEach([&](std::string_view member, double score) {
    if (stop_at_limit && cardinality >= static_cast<uint64_t>(limit)) return;
    double total = Weighted(score, sources[0].weight);
    for (size_t i = 1; i < sources.size(); ++i) {
      const std::optional<double> other = sources[i].Score(member);
      if (!other) return;
      Accumulate(&total, *other * sources[i].weight, aggregate);
    }
    if (cardinality_only) {
      ++cardinality;
    } else {
      entries.emplace_back(member, total);
    }
  });
  if (cardinality_only) return ctx.reply.Integer(static_cast<int64_t>(cardinality));
  ReplyOrStore(ctx, entries, store, with_scores);
}
void CmdZUnion(CommandContext& ctx) { AlgebraGeneric(ctx, SetOp::kUnion, false, false); }
void CmdZInter(CommandContext& ctx) { AlgebraGeneric(ctx, SetOp::kInter, false, false); }
void CmdZDiff(CommandContext& ctx) { AlgebraGeneric(ctx, SetOp::kDiff, false, false); }
void CmdZUnionStore(CommandContext& ctx) { AlgebraGeneric(ctx, SetOp::kUnion, true, false); }
void CmdZInterStore(CommandContext& ctx) { AlgebraGeneric(ctx, SetOp::kInter, true, false); }
void CmdZDiffStore(CommandContext& ctx) { AlgebraGeneric(ctx, SetOp::kDiff, true, false); }
void CmdZInterCard(CommandContext& ctx) { AlgebraGeneric(ctx, SetOp::kInter, false, true); }

// --- The table ---

constexpr uint32_t kWriteFast = kWrite | kDenyOom | kFast;
constexpr uint32_t kReadFast = kReadOnly | kFast;
constexpr KeyPositions kReadKey = {.first = 1, .last = 1, .step = 1, .flags = "RO access"};
constexpr KeyPositions kDeleteKey = {.first = 1, .last = 1, .step = 1, .flags = "RW delete"};
constexpr KeyPositions kPopKey = {.first = 1, .last = 1, .step = 1, .flags = "RW access delete"};
constexpr KeyPositions kCountedReadKeys = {.flags = "RO access", .numkeys = 1};
constexpr KeyPositions kStoreKeys = {
    .first = 1, .last = 1, .step = 1, .flags = "OW update|RO access", .numkeys = 2};
constexpr std::string_view kRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements being returned. If M is constant (e.g. always asking for the first 10 elements with "
    "LIMIT), you can consider it O(log(N)).";
constexpr std::string_view kRemoveRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements removed by the operation.";
constexpr std::string_view kPopComplexity =
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of "
    "elements popped.";
constexpr std::string_view kMultiPopComplexity =
    "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in "
    "the sorted set, and M being the number of elements popped.";
constexpr std::string_view kUnionComplexity =
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the "
    "number of elements in the resulting sorted set.";
constexpr std::string_view kInterComplexity =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number "
    "of input sorted sets and M being the number of elements in the resulting sorted set.";
constexpr std::string_view kDiffComplexity =
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is "
    "the size of the first set, and K is the size of the result set.";

const CommandSpec kCommands[] = {
    {.name = "zadd",
     .arity = -4,
     .flags = kWriteFast,
     .acl = kAclSortedSet,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RW update"},
     .handler = CmdZAdd,
     .doc = {"Add one or more members to a sorted set, or update its score if it already exists",
             "1.2.0",
             "O(log(N)) for each item added, where N is the number of elements in the sorted set."},
     .args = "key:key [condition:(NX | XX)@3.0.2] [comparison:(GT | LT)@6.2.0] [change=CH@3.0.2] "
             "[increment=INCR@3.0.2] score_member:{score:double member}...",
     .history = {{"2.4.0", "Accepts multiple elements."},
                 {"3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."},
                 {"6.2.0", "Added the `GT` and `LT` options."}}},
    {.name = "zincrby",
     .arity = 4,
     .flags = kWriteFast,
     .acl = kAclSortedSet,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RW access update"},
     .handler = CmdZIncrBy,
     .doc = {"Increment the score of a member in a sorted set", "1.2.0",
             "O(log(N)) where N is the number of elements in the sorted set."},
     .args = "key:key increment:integer member"},
    {.name = "zrem",
     .arity = -3,
     .flags = kWrite | kFast,
     .acl = kAclSortedSet,
     .keys = kDeleteKey,
     .handler = CmdZRem,
     .doc = {"Remove one or more members from a sorted set", "1.2.0",
             "O(M*log(N)) with N being the number of elements in the sorted set and M the number "
             "of elements to be removed."},
     .args = "key:key member...",
     .history = {{"2.4.0", "Accepts multiple elements."}}},
    {.name = "zscore",
     .arity = 3,
     .flags = kReadFast,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZScore,
     .doc = {"Get the score associated with the given member in a sorted set", "1.2.0", "O(1)"},
     .args = "key:key member"},
    {.name = "zmscore",
     .arity = -3,
     .flags = kReadFast,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZMScore,
     .doc = {"Get the score associated with the given members in a sorted set", "6.2.0",
             "O(N) where N is the number of members being requested."},
     .args = "key:key member..."},
    {.name = "zcard",
     .arity = 2,
     .flags = kReadFast,
     .acl = kAclSortedSet,
     .keys = {.first = 1, .last = 1, .step = 1, .flags = "RO"},
     .handler = CmdZCard,
     .doc = {"Get the number of members in a sorted set", "1.2.0", "O(1)"},
     .args = "key:key"},
    {.name = "zcount",
     .arity = 4,
     .flags = kReadFast,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZCount,
     .doc = {"Count the members in a sorted set with scores within the given values", "2.0.0",
             "O(log(N)) with N being the number of elements in the sorted set."},
     .args = "key:key min:double max:double"},
    {.name = "zlexcount",
     .arity = 4,
     .flags = kReadFast,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZLexCount,
     .doc = {"Count the number of members in a sorted set between a given lexicographical range",
             "2.8.9", "O(log(N)) with N being the number of elements in the sorted set."},
     .args = "key:key min max"},
    {.name = "zrange",
     .arity = -4,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRange,
     .doc = {"Return a range of members in a sorted set", "1.2.0",
             "O(log(N)+M) with N being the number of elements in the sorted set and M the number "
             "of elements returned."},
     .args = "key:key start stop [sortby:(BYSCORE | BYLEX)@6.2.0] [REV@6.2.0] "
             "[LIMIT offset_count:{offset:integer count:integer}@6.2.0] [WITHSCORES]",
     .history = {{"6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."}}},
    {.name = "zrangestore",
     .arity = -5,
     .flags = kWrite | kDenyOom,
     .acl = kAclSortedSet,
     .keys = {.first = 1, .last = 2, .step = 1, .flags = "OW update|RO access"},
     .handler = CmdZRangeStore,
     .doc = {"Store a range of members from sorted set into another key", "6.2.0",
             "O(log(N)+M) with N being the number of elements in the sorted set and M the number "
             "of elements stored into the destination key."},
     .args = "dst:key src:key min max [sortby:(BYSCORE | BYLEX)] [REV] "
             "[LIMIT offset_count:{offset:integer count:integer}]"},
    {.name = "zrevrange",
     .arity = -4,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRevRange,
     .doc = {"Return a range of members in a sorted set, by index, with scores ordered from high "
             "to low",
             "1.2.0",
             "O(log(N)+M) with N being the number of elements in the sorted set and M the number "
             "of elements returned."},
     .args = "key:key start:integer stop:integer [WITHSCORES]",
     .deprecated = {"6.2.0", "`ZRANGE` with the `REV` argument"}},
    {.name = "zrangebyscore",
     .arity = -4,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRangeByScore,
     .doc = {"Return a range of members in a sorted set, by score", "1.0.5", kRangeComplexity},
     .args = "key:key min:double max:double [WITHSCORES@2.0.0] [LIMIT offset_count:{offset:integer "
             "count:integer}]",
     .history = {{"2.0.0", "Added the `WITHSCORES` modifier."}},
     .deprecated = {"6.2.0", "`ZRANGE` with the `BYSCORE` argument"}},
    {.name = "zrevrangebyscore",
     .arity = -4,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRevRangeByScore,
     .doc = {"Return a range of members in a sorted set, by score, with scores ordered from high "
             "to low",
             "2.2.0", kRangeComplexity},
     .args = "key:key max:double min:double [WITHSCORES] [LIMIT offset_count:{offset:integer "
             "count:integer}]",
     .history = {{"2.1.6", "`min` and `max` can be exclusive."}},
     .deprecated = {"6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments"}},
    {.name = "zrangebylex",
     .arity = -4,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRangeByLex,
     .doc = {"Return a range of members in a sorted set, by lexicographical range", "2.8.9",
             kRangeComplexity},
     .args = "key:key min max [LIMIT offset_count:{offset:integer count:integer}]",
     .deprecated = {"6.2.0", "`ZRANGE` with the `BYLEX` argument"}},
    {.name = "zrevrangebylex",
     .arity = -4,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRevRangeByLex,
     .doc = {"Return a range of members in a sorted set, by lexicographical range, ordered from "
             "higher to lower strings.",
             "2.8.9", kRangeComplexity},
     .args = "key:key max min [LIMIT offset_count:{offset:integer count:integer}]",
     .deprecated = {"6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments"}},
    {.name = "zrank",
     .arity = 3,
     .flags = kReadFast,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRank,
     .doc = {"Determine the index of a member in a sorted set", "2.0.0", "O(log(N))"},
     .args = "key:key member"},
    {.name = "zrevrank",
     .arity = 3,
     .flags = kReadFast,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRevRank,
     .doc =
         {"Determine the index of a member in a sorted set, with scores ordered from high to low",
          "2.0.0", "O(log(N))"},
     .args = "key:key member"},
    {.name = "zremrangebyrank",
     .arity = 4,
     .flags = kWrite,
     .acl = kAclSortedSet,
     .keys = kDeleteKey,
     .handler = CmdZRemRangeByRank,
     .doc = {"Remove all members in a sorted set within the given indexes", "2.0.0",
             kRemoveRangeComplexity},
     .args = "key:key start:integer stop:integer"},
    {.name = "zremrangebyscore",
     .arity = 4,
     .flags = kWrite,
     .acl = kAclSortedSet,
     .keys = kDeleteKey,
     .handler = CmdZRemRangeByScore,
     .doc = {"Remove all members in a sorted set within the given scores", "1.2.0",
             kRemoveRangeComplexity},
     .args = "key:key min:double max:double"},
    {.name = "zremrangebylex",
     .arity = 4,
     .flags = kWrite,
     .acl = kAclSortedSet,
     .keys = kDeleteKey,
     .handler = CmdZRemRangeByLex,
     .doc = {"Remove all members in a sorted set between the given lexicographical range", "2.8.9",
             kRemoveRangeComplexity},
     .args = "key:key min max"},
    {.name = "zpopmin",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclSortedSet,
     .keys = kPopKey,
     .handler = CmdZPopMin,
     .doc = {"Remove and return members with the lowest scores in a sorted set", "5.0.0",
             kPopComplexity},
     .args = "key:key [count:integer]"},
    {.name = "zpopmax",
     .arity = -2,
     .flags = kWrite | kFast,
     .acl = kAclSortedSet,
     .keys = kPopKey,
     .handler = CmdZPopMax,
     .doc = {"Remove and return members with the highest scores in a sorted set", "5.0.0",
             kPopComplexity},
     .args = "key:key [count:integer]"},
    {.name = "zmpop",
     .arity = -4,
     .flags = kWrite | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = {.flags = "RW access delete", .numkeys = 1},
     .handler = CmdZMPop,
     .doc = {"Remove and return members with scores in a sorted set", "7.0.0", kMultiPopComplexity},
     .args = "numkeys:integer key:key... where:(MIN | MAX) [COUNT count:integer]"},
    {.name = "bzpopmin",
     .arity = -3,
     .flags = kWrite | kNoScript | kBlocking | kFast,
     .acl = kAclSortedSet,
     .keys = {.first = 1, .last = -2, .step = 1, .flags = "RW access delete"},
     .handler = CmdBZPopMin,
     .doc = {"Remove and return the member with the lowest score from one or more sorted sets, or "
             "block until one is available",
             "5.0.0", "O(log(N)) with N being the number of elements in the sorted set."},
     .args = "key:key... timeout:double",
     .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}}},
    {.name = "bzpopmax",
     .arity = -3,
     .flags = kWrite | kNoScript | kBlocking | kFast,
     .acl = kAclSortedSet,
     .keys = {.first = 1, .last = -2, .step = 1, .flags = "RW access delete"},
     .handler = CmdBZPopMax,
     .doc = {"Remove and return the member with the highest score from one or more sorted sets, or "
             "block until one is available",
             "5.0.0", "O(log(N)) with N being the number of elements in the sorted set."},
     .args = "key:key... timeout:double",
     .history = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}}},
    {.name = "bzmpop",
     .arity = -5,
     .flags = kWrite | kBlocking | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = {.flags = "RW access delete", .numkeys = 2},
     .handler = CmdBZMPop,
     .doc =
         {"Remove and return members with scores in a sorted set or block until one is available",
          "7.0.0", kMultiPopComplexity},
     .args = "timeout:double numkeys:integer key:key... where:(MIN | MAX) [COUNT count:integer]"},
    {.name = "zrandmember",
     .arity = -2,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZRandMember,
     .doc = {"Get one or multiple random elements from a sorted set", "6.2.0",
             "O(N) where N is the number of elements returned"},
     .args = "key:key [options:{count:integer [WITHSCORES]}]",
     .tips = "nondeterministic_output"},
    {.name = "zunion",
     .arity = -3,
     .flags = kReadOnly | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = kCountedReadKeys,
     .handler = CmdZUnion,
     .doc = {"Add multiple sorted sets", "6.2.0", kUnionComplexity},
     .args =
         "numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate:(SUM | MIN | "
         "MAX)] [WITHSCORES]"},
    {.name = "zinter",
     .arity = -3,
     .flags = kReadOnly | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = kCountedReadKeys,
     .handler = CmdZInter,
     .doc = {"Intersect multiple sorted sets", "6.2.0", kInterComplexity},
     .args =
         "numkeys:integer key:key... [WEIGHTS weight:integer...] [AGGREGATE aggregate:(SUM | MIN | "
         "MAX)] [WITHSCORES]"},
    {.name = "zdiff",
     .arity = -3,
     .flags = kReadOnly | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = kCountedReadKeys,
     .handler = CmdZDiff,
     .doc = {"Subtract multiple sorted sets", "6.2.0", kDiffComplexity},
     .args = "numkeys:integer key:key... [WITHSCORES]"},
    {.name = "zunionstore",
     .arity = -4,
     .flags = kWrite | kDenyOom | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = kStoreKeys,
     .handler = CmdZUnionStore,
     .doc = {"Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
             "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M "
             "being the number of elements in the resulting sorted set."},
     .args = "destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] "
             "[AGGREGATE aggregate:(SUM | MIN | MAX)]"},
    {.name = "zinterstore",
     .arity = -4,
     .flags = kWrite | kDenyOom | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = kStoreKeys,
     .handler = CmdZInterStore,
     .doc = {"Intersect multiple sorted sets and store the resulting sorted set in a new key",
             "2.0.0", kInterComplexity},
     .args = "destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] "
             "[AGGREGATE aggregate:(SUM | MIN | MAX)]"},
    {.name = "zdiffstore",
     .arity = -4,
     .flags = kWrite | kDenyOom | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = kStoreKeys,
     .handler = CmdZDiffStore,
     .doc = {"Subtract multiple sorted sets and store the resulting sorted set in a new key",
             "6.2.0", kDiffComplexity},
     .args = "destination:key numkeys:integer key:key..."},
    {.name = "zintercard",
     .arity = -3,
     .flags = kReadOnly | kMovableKeys,
     .acl = kAclSortedSet,
     .keys = kCountedReadKeys,
     .handler = CmdZInterCard,
     .doc = {"Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
             "O(N*K) worst case with N being the smallest input sorted set, K being the number of "
             "input sorted sets."},
     .args = "numkeys:integer key:key... [LIMIT limit:integer]"},
    {.name = "zscan",
     .arity = -3,
     .flags = kReadOnly,
     .acl = kAclSortedSet,
     .keys = kReadKey,
     .handler = CmdZScan,
     .doc =
         {"Incrementally iterate sorted sets elements and associated scores", "2.8.0",
          "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
          "the cursor to return back to 0. N is the number of elements inside the collection.."},
     .args = "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
     .tips = "nondeterministic_output"},
};

}  // namespace

CommandFamily SortedSetsFamily() { return {"sorted-set", kCommands}; }

}  // namespace understudy::engine
