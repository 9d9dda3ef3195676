#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"
#include "store/op_result.h"

namespace understudy::store {

// Data operations on string values. They know nothing of RESP: the server parses arguments,
// calls these and picks the reply from the OpResult.

// Largest string value by default, as Redis's default proto-max-bulk-len.
inline constexpr int64_t kMaxStringLength = 512LL * 1024 * 1024;

// The string under key: kKeyNotFound, kWrongType, or its bytes (valid until the key is written).
OpResult<StringBytes> GetString(Database& db, std::string_view key);

struct SetParams {
  enum class Condition : uint8_t { kAlways, kIfMissing, kIfExists };  // -, NX, XX
  Condition condition = Condition::kAlways;
  bool keep_ttl = false;
  bool get_old = false;          // GET: fetch the old value (must be a string)
  int64_t deadline = kNoExpiry;  // absolute ms, kNoExpiry for none
};

struct SetOutcome {
  bool written = false;            // false when NX/XX prevented the write
  std::optional<std::string> old;  // with get_old: the previous value, if there was one
};

// SET with every option; kWrongType if get_old found a non-string.
OpResult<SetOutcome> Set(Database& db, std::string_view key, std::string_view value,
                         const SetParams& params);

// INCRBY/DECRBY: kNotAnInteger if the value is not an integer, kOverflow.
OpResult<int64_t> IncrBy(Database& db, std::string_view key, int64_t delta);

// INCRBYFLOAT: the new value's text; kNotAFloat (for the value or the increment, checked in
// that order, after the type), kNanOrInfinity.
OpResult<std::string> IncrByFloat(Database& db, std::string_view key, std::string_view delta);

// APPEND: the new length; kTooLarge past max_length.
OpResult<int64_t> Append(Database& db, std::string_view key, std::string_view suffix,
                         int64_t max_length = kMaxStringLength);

// SETRANGE: the new length; kTooLarge if offset + bytes passes max_length.
OpResult<int64_t> SetRange(Database& db, std::string_view key, int64_t offset,
                           std::string_view bytes, int64_t max_length = kMaxStringLength);

// LCS: the longest common subsequence of a and b, found as Redis finds it (dynamic programming,
// then a walk back from the ends), so that ties resolve to the same subsequence and ranges.
struct LcsMatch {
  uint32_t a_start, a_end;  // inclusive byte positions in a
  uint32_t b_start, b_end;  // and in b
  uint32_t length() const { return a_end - a_start + 1; }
};
struct LcsResult {
  uint32_t length = 0;
  std::string subsequence;       // if asked for
  std::vector<LcsMatch> matches;  // if asked for: runs of at least min_match_len, last first
};
// Its table costs 4 * (|a| + 1) * (|b| + 1) bytes: kTooLarge past max_table_bytes (Redis checks
// it against proto-max-bulk-len), kOutOfMemory if it cannot be had.
OpResult<LcsResult> LongestCommonSubsequence(std::string_view a, std::string_view b,
                                             bool want_subsequence, bool want_matches,
                                             int64_t min_match_len, int64_t max_table_bytes);

// GETRANGE's slice of s for Redis's inclusive, possibly negative, start and end.
std::string_view Substring(std::string_view s, int64_t start, int64_t end);

}  // namespace understudy::store
