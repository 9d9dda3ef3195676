#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "store/encoding_config.h"
#include "store/listpack.h"

// In a namespace of their own while store/value.h declares placeholders of the same names (see
// set_value.h).
namespace understudy::store::containers {

// ZADD's options. NX: only add new members; XX: only update existing ones; GT/LT: update only to
// a greater/lower score (new members are still added); INCR: add the score to the current one
// (to 0 for a new member).
struct ZAddFlags {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
  bool incr = false;
};

// What ZSetValue::Add did.
struct ZAddResult {
  bool added = false;    // a new member
  bool updated = false;  // an existing member's score changed
  bool skipped = false;  // NX, XX, GT or LT prevented the change (ZADD INCR then answers nil)
  bool nan = false;      // the score, or INCR's sum, is NaN: nothing changed
  double score = 0;      // the member's score afterwards, unless skipped or nan
};

// Parses a score as ZADD, ZINCRBY and the WEIGHTS of ZUNIONSTORE read one (strtod): no leading
// space, nothing trailing, not NaN, not beyond the double range ("1e400", "1e-400"); "inf",
// "-inf" and hex floats are accepted.
bool ParseScore(std::string_view text, double* out);

// A score interval, as ZRANGEBYSCORE's min and max.
struct ScoreRange {
  // Parses "1.5", "(1.5" (exclusive), "-inf", "+inf" as Redis does (strtod up to the first NUL
  // byte, anything out of range saturating): so "" and "(" read as 0 and a leading space is
  // allowed. False on anything else or NaN.
  static bool Parse(std::string_view min, std::string_view max, ScoreRange* out);

  bool AboveMin(double score) const { return min_exclusive ? score > min : score >= min; }
  bool BelowMax(double score) const { return max_exclusive ? score < max : score <= max; }

  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// A member interval, as ZRANGEBYLEX's min and max. Members compare as bytes (memcmp order, a
// prefix first). Meaningful when all scores are equal, as in Redis.
struct LexRange {
  enum class Kind : uint8_t { kMinusInfinity, kPlusInfinity, kInclusive, kExclusive };
  struct Bound {
    Kind kind = Kind::kMinusInfinity;
    std::string value;
  };

  // Parses "-", "+", "[member" (inclusive) and "(member" (exclusive); false on anything else.
  static bool Parse(std::string_view min, std::string_view max, LexRange* out);

  bool AboveMin(std::string_view member) const;
  bool BelowMax(std::string_view member) const;

  Bound min;
  Bound max{Kind::kPlusInfinity, {}};
};

// A sorted set (a Redis zset value): members with double scores, ordered by score, then member
// bytes. Encodings, as OBJECT ENCODING names them:
//  - "listpack": member, score pairs in order in one Listpack, while there are at most
//    zset-max-listpack-entries members of at most zset-max-listpack-value bytes;
//  - "skiplist": a skiplist whose links keep spans (ranks in O(log N)) plus a member index.
// It never goes back to listpack. Ranks are 0-based. Not thread safe; views passed to callbacks
// live until the callback returns.
class ZSetValue {
 public:
  using EntryFn = absl::FunctionRef<void(std::string_view member, double score)>;
  using Entries = std::vector<std::pair<std::string, double>>;
  static constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

  ZSetValue();
  ~ZSetValue();
  ZSetValue(ZSetValue&& other) noexcept;
  ZSetValue& operator=(ZSetValue&& other) noexcept;

  // ZADD/ZINCRBY of one member.
  ZAddResult Add(std::string_view member, double score, ZAddFlags flags,
                 const EncodingConfig& config);
  std::optional<double> Score(std::string_view member) const;
  bool Remove(std::string_view member);
  // The member's rank, from the highest score if reverse.
  std::optional<size_t> Rank(std::string_view member, bool reverse) const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  std::string_view encoding() const;

  // Appends a member that sorts after every member present (neither its score nor, on a tie,
  // its bytes are lower): builds a sorted set from sorted entries (ZUNIONSTORE, ZRANGESTORE) in
  // O(1) a member in the listpack, converting at the same thresholds as Add.
  void AppendSorted(std::string_view member, double score, const EncodingConfig& config);

  // The ranks [first, last] (ascending, 0-based) that a range selects; nullopt if none. ZRANGE
  // and the pops reply a span's length before its members, then Emit them.
  using Span = std::optional<std::pair<size_t, size_t>>;
  static size_t SpanSize(const Span& span) { return span ? span->second - span->first + 1 : 0; }

  // ZRANGE by index: start and stop inclusive, negative ones counting from the end (-1 is the
  // last), clamped as Redis does; counted from the highest score if reverse.
  Span RankSpan(int64_t start, int64_t stop, bool reverse) const;
  // Members within range, skipping `offset` of them and taking at most `limit`, from the lowest
  // score (the highest if reverse), as ZRANGEBYSCORE / ZREVRANGEBYSCORE with LIMIT.
  Span ScoreSpan(const ScoreRange& range, bool reverse = false, size_t offset = 0,
                 size_t limit = kNoLimit) const;
  Span LexSpan(const LexRange& range, bool reverse = false, size_t offset = 0,
               size_t limit = kNoLimit) const;
  // The `count` lowest (highest if max) members: ZPOPMIN / ZPOPMAX.
  Span EndSpan(size_t count, bool max) const;
  // Calls fn for the span's members, ascending, or from the highest down if reverse: O(log N)
  // to the first in the skiplist, then O(1) each.
  void Emit(const Span& span, bool reverse, EntryFn fn) const;
  // Removes the span's members; returns how many.
  size_t Erase(const Span& span);

  void RangeByRank(int64_t start, int64_t stop, bool reverse, EntryFn fn) const {
    Emit(RankSpan(start, stop, reverse), reverse, fn);
  }
  void RangeByScore(const ScoreRange& range, bool reverse, size_t offset, size_t limit,
                    EntryFn fn) const {
    Emit(ScoreSpan(range, reverse, offset, limit), reverse, fn);
  }
  void RangeByLex(const LexRange& range, bool reverse, size_t offset, size_t limit,
                  EntryFn fn) const {
    Emit(LexSpan(range, reverse, offset, limit), reverse, fn);
  }
  size_t CountByScore(const ScoreRange& range) const { return SpanSize(ScoreSpan(range)); }
  size_t CountByLex(const LexRange& range) const { return SpanSize(LexSpan(range)); }

  // ZREMRANGEBY*: return the number of members removed.
  size_t RemoveRangeByRank(int64_t start, int64_t stop) {
    return Erase(RankSpan(start, stop, false));
  }
  size_t RemoveRangeByScore(const ScoreRange& range) { return Erase(ScoreSpan(range)); }
  size_t RemoveRangeByLex(const LexRange& range) { return Erase(LexSpan(range)); }

  // ZRANDMEMBER. distinct: min(count, size()) distinct members, each subset equally likely
  // (random distinct ranks), in random order. Otherwise `count` independent uniform picks
  // (random ranks), repeats allowed; the set must not be empty.
  void RandomMembers(size_t count, bool distinct, EntryFn fn) const;

  // ZSCAN: the skiplist encoding scans its member index (see HashTable::Scan for the cursor's
  // guarantee); a listpack returns every member in one call and cursor 0, as Redis does.
  uint64_t Scan(uint64_t cursor, size_t count, EntryFn fn) const;

  // Estimated heap bytes, this object included (MEMORY USAGE).
  size_t bytes() const;

 private:
  class Skiplist;

  // The members in range (above_min and below_max), skipping `offset` and taking at most
  // `limit` from the low end (the high end if reverse), walked as Redis walks them.
  template <typename AboveMin, typename BelowMax>
  Span MatchSpan(AboveMin above_min, BelowMax below_max, bool reverse, size_t offset,
                 size_t limit) const;
  // Applies offset and limit to a span, from its top end if reverse.
  static Span Limit(Span span, bool reverse, size_t offset, size_t limit);
  // Whether a new member must convert the listpack first.
  bool NeedsSkiplistFor(std::string_view member, const EncodingConfig& config) const;

  void ConvertToSkiplist();

  Listpack listpack_;                   // member, score pairs while listpack-encoded
  std::unique_ptr<Skiplist> skiplist_;  // non-null once skiplist-encoded
};

}  // namespace understudy::store::containers
