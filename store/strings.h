#pragma once

#include <cstdint>
#include <optional>
#include <span>
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

// Bitmaps: a string read as bits, bit 0 being the most significant bit of byte 0. A missing key
// reads as an empty string, and bits past a string's end read as zeros. Writes leave the string
// raw, growing it with zero bytes as far as they reach, and report the key written only if a
// bit changed or the string grew, as Redis counts changes.

// GETBIT: the bit at offset.
OpResult<int> GetBit(Database& db, std::string_view key, uint64_t offset);

// SETBIT: writes the bit at offset; the bit it replaced.
OpResult<int> SetBit(Database& db, std::string_view key, uint64_t offset, bool on);

// Set bits among bits first..last of s (inclusive, first <= last < 8 * s.size()).
uint64_t CountBits(std::string_view s, uint64_t first, uint64_t last);

// Position of the first bit equal to `bit` among bits first..last of s (inclusive, first <= last
// < 8 * s.size()), or -1.
int64_t FindBit(std::string_view s, bool bit, uint64_t first, uint64_t last);

enum class BitOperation : uint8_t { kAnd, kOr, kXor, kNot };

// BITOP: applies op to the strings under sources (kNot: exactly one), shorter ones padded with
// zero bytes, and stores the result under dest as a raw string without TTL, or deletes dest if
// the result is empty; returns the result's length. kWrongType if a source is not a string.
OpResult<int64_t> BitOp(Database& db, BitOperation op, std::string_view dest,
                        std::span<const std::string_view> sources);

enum class BitFieldOverflow : uint8_t { kWrap, kSat, kFail };

// One BITFIELD operation on a field of `bits` bits (1..64 signed, 1..63 unsigned) at a bit offset.
struct BitFieldOp {
  enum class Kind : uint8_t { kGet, kSet, kIncrBy };
  Kind kind = Kind::kGet;
  bool is_signed = false;
  uint8_t bits = 0;
  BitFieldOverflow overflow = BitFieldOverflow::kWrap;
  uint64_t offset = 0;
  int64_t value = 0;  // SET's value, INCRBY's increment
};

// BITFIELD: runs ops in order and returns each one's result: GET the field, SET the value it
// replaced, INCRBY the new value; nullopt for a write refused by OVERFLOW FAIL. If any op
// writes, the string is first made raw and grown to the last bit any op writes (even if every
// write then fails), as in Redis.
OpResult<std::vector<std::optional<int64_t>>> BitField(Database& db, std::string_view key,
                                                       std::span<const BitFieldOp> ops);

}  // namespace understudy::store
