#include "store/strings.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <utility>

#include "store/numbers.h"

namespace understudy::store {
namespace {

// For a read-modify-write: the string value under key, nullptr if the key is missing (the
// caller creates it only once the new value is known to be valid), or kWrongType.
OpResult<Value*> ExistingString(Database& db, std::string_view key) {
  Value* value = db.Find(key);
  if (value != nullptr && !value->is(ValueType::kString)) return OpStatus::kWrongType;
  return value;
}

// Grows a raw string with zero bytes to at least `size`.
void ZeroExtend(Value& value, size_t size) {
  constexpr char kZero = 0;
  if (value.str_size() < size) value.WriteAt(size - 1, std::string_view(&kZero, 1));
}

// A string value changed in place: raw, at least the size a write reaches.
struct WritableString {
  Value* value;
  bool grown;     // created, or made longer
  bool reported;  // the Database already reported the key written (created or re-encoded)
};

// For an in-place write of bytes before `size`: key's string made raw (created if missing) and
// grown with zero bytes to at least `size`; kWrongType if key holds another type.
OpResult<WritableString> StringForWrite(Database& db, std::string_view key, size_t size) {
  auto found = ExistingString(db, key);
  if (!found.ok()) return found.status();
  Value* value = found.value();
  WritableString out{value, value == nullptr || value->str_size() < size, false};
  if (value == nullptr) {
    out.value = db.Set(key, "", StringPolicy::kRaw);
    out.reported = true;
  } else if (value->string_encoding() != StringEncoding::kRaw) {
    const std::string text(value->str().view());
    out.value = db.Set(key, text, StringPolicy::kRaw, kKeepTtl);
    out.reported = true;
  }
  ZeroExtend(*out.value, size);
  return out;
}

uint64_t LoadBigEndian64(const unsigned char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));
  if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
  return word;
}

// Builds a function twice, with and without the popcnt instruction; the loader picks the one
// the CPU can run.
#if defined(__x86_64__)
#define UNDERSTUDY_POPCNT_CLONES [[gnu::target_clones("popcnt", "default")]]
#else
#define UNDERSTUDY_POPCNT_CLONES
#endif

// Set bits in n bytes, a word at a time.
UNDERSTUDY_POPCNT_CLONES uint64_t PopCount(const unsigned char* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof(word));
    count += std::popcount(word);
  }
  for (; i < n; ++i) count += std::popcount(p[i]);
  return count;
}

// Masks of the bits of a byte from bit `first` on and up to bit `last` (MSB first, 0..7).
uint8_t BitsFrom(uint64_t first) { return 0xff >> (first & 7); }
uint8_t BitsUpTo(uint64_t last) { return static_cast<uint8_t>(0xff << (7 - (last & 7))); }

// out[i] = op(a[i], b[i]) for n bytes, a word at a time; out may be a or b.
template <typename Op>
void CombineBytes(unsigned char* out, const unsigned char* a, const unsigned char* b, size_t n,
                  Op op) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, sizeof(x));
    std::memcpy(&y, b + i, sizeof(y));
    x = op(x, y);
    std::memcpy(out + i, &x, sizeof(x));
  }
  for (; i < n; ++i) out[i] = static_cast<unsigned char>(op(uint64_t{a[i]}, uint64_t{b[i]}));
}

// Bytes [at, at + n) of BITOP's result into out; a source reads as zeros past its end.
void BitOpChunk(BitOperation op, std::span<const std::string_view> sources, size_t at, size_t n,
                unsigned char* out) {
  auto part = [&](std::string_view s) {
    const std::string_view bytes = s.substr(std::min(at, s.size()), n);
    return std::pair(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  };
  const auto [first, first_size] = part(sources[0]);
  if (op == BitOperation::kNot) {  // its one source is as long as the result
    return CombineBytes(out, first, first, n, [](uint64_t a, uint64_t) { return ~a; });
  }
  std::memcpy(out, first, first_size);
  std::memset(out + first_size, 0, n - first_size);
  for (std::string_view source : sources.subspan(1)) {
    const auto [in, size] = part(source);
    switch (op) {
      case BitOperation::kAnd:
        CombineBytes(out, out, in, size, [](uint64_t a, uint64_t b) { return a & b; });
        std::memset(out + size, 0, n - size);
        break;
      case BitOperation::kOr:
        CombineBytes(out, out, in, size, [](uint64_t a, uint64_t b) { return a | b; });
        break;
      case BitOperation::kXor:
        CombineBytes(out, out, in, size, [](uint64_t a, uint64_t b) { return a ^ b; });
        break;
      case BitOperation::kNot:
        break;
    }
  }
}

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

uint64_t FieldMask(unsigned bits) { return bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// Where a field sits: its first byte, and how many bytes (up to 9) it touches.
struct FieldSpan {
  size_t byte;
  size_t bytes;
  unsigned low;  // bits of the last touched byte after the field
  FieldSpan(uint64_t offset, unsigned bits)
      : byte(offset >> 3),
        bytes(((offset & 7) + bits + 7) / 8),
        low(static_cast<unsigned>(bytes * 8 - (offset & 7) - bits)) {}
};

// The field's bits, right-aligned; bytes past the string's end read as zeros.
uint64_t ReadField(std::string_view s, uint64_t offset, unsigned bits) {
  const FieldSpan span(offset, bits);
  UInt128 window = 0;
  for (size_t i = span.byte; i < span.byte + span.bytes; ++i) {
    window = (window << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0);
  }
  return static_cast<uint64_t>(window >> span.low) & FieldMask(bits);
}

// Writes the field's bits into a raw string that already reaches past the field.
void WriteField(Value& value, uint64_t offset, unsigned bits, uint64_t field) {
  const FieldSpan span(offset, bits);
  const char* at = value.str().view().data() + span.byte;
  UInt128 window = 0;
  for (size_t i = 0; i < span.bytes; ++i) {
    window = (window << 8) | static_cast<unsigned char>(at[i]);
  }
  const UInt128 mask = static_cast<UInt128>(FieldMask(bits)) << span.low;
  window = (window & ~mask) | (static_cast<UInt128>(field) << span.low);
  char bytes[9];
  for (size_t i = span.bytes; i-- > 0; window >>= 8) bytes[i] = static_cast<char>(window & 0xff);
  value.WriteAt(span.byte, std::string_view(bytes, span.bytes));
}

// A field's bits as the integer BITFIELD replies: sign-extended for a signed type.
int64_t FieldValue(uint64_t field, const BitFieldOp& op) {
  if (op.is_signed && op.bits < 64 && (field >> (op.bits - 1)) & 1) field |= ~FieldMask(op.bits);
  return static_cast<int64_t>(field);
}

// The field's new bits for a SET or INCRBY under the op's OVERFLOW rule; nullopt if FAIL
// refuses the write. An unsigned SET reads its value as unsigned 64-bit (so -1 saturates to the
// maximum), as Redis does.
std::optional<uint64_t> UpdatedField(const BitFieldOp& op, uint64_t old_field) {
  const bool set = op.kind == BitFieldOp::Kind::kSet;
  Int128 target;
  Int128 min = 0;
  Int128 max = FieldMask(op.bits);
  if (op.is_signed) {
    target = set ? Int128{op.value} : Int128{FieldValue(old_field, op)} + op.value;
    max = (Int128{1} << (op.bits - 1)) - 1;
    min = -max - 1;
  } else {
    target = set ? Int128{static_cast<uint64_t>(op.value)} : Int128{old_field} + op.value;
  }
  if (target < min || target > max) {
    if (op.overflow == BitFieldOverflow::kFail) return std::nullopt;
    // Redis computes max - value in 64 bits, which wraps for a signed SET of a value within
    // max of INT64_MIN: such values saturate to the maximum, not the minimum.
    const bool check_wraps =
        op.is_signed && set && op.bits < 64 &&
        op.value <= std::numeric_limits<int64_t>::min() + static_cast<int64_t>(max);
    if (op.overflow == BitFieldOverflow::kSat) target = target < min && !check_wraps ? min : max;
  }
  return static_cast<uint64_t>(target) & FieldMask(op.bits);  // kWrap: the low bits
}

}  // namespace

OpResult<StringBytes> GetString(Database& db, std::string_view key) {
  const Value* value = db.Find(key);
  if (value == nullptr) return OpStatus::kKeyNotFound;
  if (!value->is(ValueType::kString)) return OpStatus::kWrongType;
  return value->str();
}

OpResult<SetOutcome> Set(Database& db, std::string_view key, std::string_view value,
                         const SetParams& params) {
  using Condition = SetParams::Condition;
  const int64_t deadline = params.keep_ttl ? kKeepTtl : params.deadline;
  SetOutcome outcome;
  if (params.condition == Condition::kAlways && !params.get_old) {
    db.Set(key, value, StringPolicy::kTryInt, deadline);
    outcome.written = true;
    return outcome;
  }
  Value* existing = db.Find(key);
  if (params.get_old && existing != nullptr && !existing->is(ValueType::kString)) {
    return OpStatus::kWrongType;
  }
  outcome.written = !((params.condition == Condition::kIfMissing && existing != nullptr) ||
                      (params.condition == Condition::kIfExists && existing == nullptr));
  if (params.get_old && existing != nullptr) outcome.old = std::string(existing->str().view());
  if (outcome.written) db.Set(key, value, StringPolicy::kTryInt, deadline);
  return outcome;
}

OpResult<int64_t> IncrBy(Database& db, std::string_view key, int64_t delta) {
  auto found = ExistingString(db, key);
  if (!found.ok()) return found.status();
  Value* value = found.value();
  int64_t current = 0;
  if (value != nullptr && !value->ToInt64(&current)) return OpStatus::kNotAnInteger;
  if ((delta < 0 && current < std::numeric_limits<int64_t>::min() - delta) ||
      (delta > 0 && current > std::numeric_limits<int64_t>::max() - delta)) {
    return OpStatus::kOverflow;
  }
  const int64_t result = current + delta;
  if (value != nullptr && value->string_encoding() == StringEncoding::kInt) {
    value->set_int(result);
    db.Written(key);
  } else {
    // A counter is int-encoded whatever it was before, as in Redis.
    char digits[20];
    const char* end = std::to_chars(digits, digits + sizeof(digits), result).ptr;
    db.Set(key, std::string_view(digits, end - digits), StringPolicy::kTryInt, kKeepTtl);
  }
  return result;
}

OpResult<std::string> IncrByFloat(Database& db, std::string_view key, std::string_view delta_text) {
  auto found = ExistingString(db, key);
  if (!found.ok()) return found.status();
  const Value* value = found.value();
  long double current = 0;
  long double delta = 0;
  if ((value != nullptr && !ParseLongDouble(value->str().view(), &current)) ||
      !ParseLongDouble(delta_text, &delta)) {
    return OpStatus::kNotAFloat;
  }
  const long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) return OpStatus::kNanOrInfinity;
  std::string text = FormatLongDouble(result);
  db.Set(key, text, StringPolicy::kNoInt, kKeepTtl);
  return text;
}

OpResult<int64_t> Append(Database& db, std::string_view key, std::string_view suffix,
                         int64_t max_length) {
  auto found = ExistingString(db, key);
  if (!found.ok()) return found.status();
  Value* value = found.value();
  if (value == nullptr) {
    db.Set(key, suffix);
    return static_cast<int64_t>(suffix.size());
  }
  const size_t size = value->str_size() + suffix.size();
  if (static_cast<int64_t>(size) > max_length) return OpStatus::kTooLarge;
  if (value->string_encoding() == StringEncoding::kRaw) {
    value->Append(suffix);
    db.Written(key);
  } else {
    // Redis makes an appended string raw, growable in place from now on.
    std::string text(value->str().view());
    text.append(suffix);
    db.Set(key, text, StringPolicy::kRaw, kKeepTtl);
  }
  return static_cast<int64_t>(size);
}

OpResult<int64_t> SetRange(Database& db, std::string_view key, int64_t offset,
                           std::string_view bytes, int64_t max_length) {
  if (offset < 0) return OpStatus::kOutOfRange;
  auto found = ExistingString(db, key);
  if (!found.ok()) return found.status();
  Value* value = found.value();
  // Nothing to write: report the length without creating the key or changing its encoding.
  if (bytes.empty()) return value == nullptr ? int64_t{0} : static_cast<int64_t>(value->str_size());
  if (offset > max_length - static_cast<int64_t>(bytes.size())) return OpStatus::kTooLarge;
  const bool in_place = value != nullptr && value->string_encoding() == StringEncoding::kRaw;
  if (value == nullptr) {
    value = db.Set(key, "", StringPolicy::kRaw);
  } else if (!in_place) {
    const std::string text(value->str().view());
    value = db.Set(key, text, StringPolicy::kRaw, kKeepTtl);
  }
  value->WriteAt(static_cast<size_t>(offset), bytes);
  if (in_place) db.Written(key);
  return static_cast<int64_t>(value->str_size());
}

OpResult<LcsResult> LongestCommonSubsequence(std::string_view a, std::string_view b,
                                             bool want_subsequence, bool want_matches,
                                             int64_t min_match_len, int64_t max_table_bytes) {
  constexpr size_t kMaxLength = std::numeric_limits<uint32_t>::max() - 1;
  if (a.size() >= kMaxLength || b.size() >= kMaxLength) return OpStatus::kTooLarge;
  const uint64_t cells = (uint64_t{a.size()} + 1) * (uint64_t{b.size()} + 1);
  if (cells * sizeof(uint32_t) > static_cast<uint64_t>(max_table_bytes)) {
    return OpStatus::kTooLarge;
  }
  // lcs[i][j]: the length of the LCS of a's first i bytes and b's first j bytes.
  std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[cells]);
  if (table == nullptr) return OpStatus::kOutOfMemory;
  const size_t width = b.size() + 1;
  auto lcs = [&](size_t i, size_t j) -> uint32_t& { return table[i * width + j]; };
  for (size_t i = 0; i <= a.size(); ++i) {
    for (size_t j = 0; j <= b.size(); ++j) {
      if (i == 0 || j == 0) {
        lcs(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        lcs(i, j) = lcs(i - 1, j - 1) + 1;
      } else {
        lcs(i, j) = std::max(lcs(i - 1, j), lcs(i, j - 1));
      }
    }
  }
  LcsResult result;
  result.length = lcs(a.size(), b.size());
  if (!want_subsequence && !want_matches) return result;

  // Walk back from the ends, collecting the subsequence and the runs where both strings match
  // contiguously; a run is reported once it ends (walking backwards: once it cannot extend).
  if (want_subsequence) result.subsequence.resize(result.length);
  const uint32_t no_run = static_cast<uint32_t>(a.size());
  LcsMatch run{no_run, 0, 0, 0};
  uint32_t remaining = result.length;
  size_t i = a.size(), j = b.size();
  while (i > 0 && j > 0) {
    bool run_ends = false;
    if (a[i - 1] == b[j - 1]) {
      if (want_subsequence) result.subsequence[remaining - 1] = a[i - 1];
      const uint32_t ai = static_cast<uint32_t>(i - 1), bj = static_cast<uint32_t>(j - 1);
      if (run.a_start == no_run) {
        run = {ai, ai, bj, bj};
      } else if (run.a_start == ai + 1 && run.b_start == bj + 1) {
        --run.a_start;
        --run.b_start;
      } else {
        run_ends = true;
      }
      if (run.a_start == 0 || run.b_start == 0) run_ends = true;
      --remaining;
      --i;
      --j;
    } else {
      if (lcs(i - 1, j) > lcs(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (run.a_start != no_run) run_ends = true;
    }
    if (run_ends) {
      if (want_matches && (min_match_len == 0 || run.length() >= min_match_len)) {
        result.matches.push_back(run);
      }
      run.a_start = no_run;
    }
  }
  return result;
}

OpResult<int> GetBit(Database& db, std::string_view key, uint64_t offset) {
  auto found = GetString(db, key);
  if (found.status() == OpStatus::kKeyNotFound) return 0;
  if (!found.ok()) return found.status();
  const std::string_view s = found.value().view();
  const uint64_t byte = offset >> 3;
  return byte < s.size() && (s[byte] & (0x80 >> (offset & 7))) != 0 ? 1 : 0;
}

OpResult<int> SetBit(Database& db, std::string_view key, uint64_t offset, bool on) {
  const size_t byte = offset >> 3;
  auto target = StringForWrite(db, key, byte + 1);
  if (!target.ok()) return target.status();
  auto [value, grown, reported] = target.value();
  const char old = value->str().view()[byte];
  const char mask = static_cast<char>(0x80 >> (offset & 7));
  const bool was_on = (old & mask) != 0;
  if (was_on != on) {
    const char updated = on ? (old | mask) : (old & ~mask);
    value->WriteAt(byte, std::string_view(&updated, 1));
  }
  if ((grown || was_on != on) && !reported) db.Written(key);
  return was_on ? 1 : 0;
}

uint64_t CountBits(std::string_view s, uint64_t first, uint64_t last) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const uint64_t first_byte = first >> 3;
  const uint64_t last_byte = last >> 3;
  if (first_byte == last_byte)
    return std::popcount<uint8_t>(p[first_byte] & BitsFrom(first) & BitsUpTo(last));
  return std::popcount<uint8_t>(p[first_byte] & BitsFrom(first)) +
         PopCount(p + first_byte + 1, last_byte - first_byte - 1) +
         std::popcount<uint8_t>(p[last_byte] & BitsUpTo(last));
}

int64_t FindBit(std::string_view s, bool bit, uint64_t first, uint64_t last) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  // Bits equal to `bit` become ones, so the answer is the first one bit.
  const uint8_t flip = bit ? 0 : 0xff;
  auto found = [](uint64_t byte, uint8_t ones) {
    return static_cast<int64_t>(byte * 8 + std::countl_zero(ones));
  };
  const uint64_t first_byte = first >> 3;
  const uint64_t last_byte = last >> 3;
  uint8_t ones = (p[first_byte] ^ flip) & BitsFrom(first);
  if (first_byte == last_byte) ones &= BitsUpTo(last);
  if (ones != 0 || first_byte == last_byte) return ones != 0 ? found(first_byte, ones) : -1;
  uint64_t byte = first_byte + 1;
  const uint64_t word_flip = bit ? 0 : ~uint64_t{0};
  for (; byte + 8 <= last_byte; byte += 8) {
    if (const uint64_t word = LoadBigEndian64(p + byte) ^ word_flip; word != 0) {
      return static_cast<int64_t>(byte * 8 + std::countl_zero(word));
    }
  }
  for (; byte < last_byte; ++byte) {
    if ((ones = p[byte] ^ flip) != 0) return found(byte, ones);
  }
  ones = (p[last_byte] ^ flip) & BitsUpTo(last);
  return ones != 0 ? found(last_byte, ones) : -1;
}

OpResult<int64_t> BitOp(Database& db, BitOperation op, std::string_view dest,
                        std::span<const std::string_view> sources) {
  std::vector<StringBytes> strings;
  strings.reserve(sources.size());
  size_t size = 0;
  for (std::string_view key : sources) {
    const Value* value = db.Find(key);
    if (value != nullptr && !value->is(ValueType::kString)) return OpStatus::kWrongType;
    strings.push_back(value == nullptr ? StringBytes() : value->str());
    size = std::max(size, strings.back().size());
  }
  if (size == 0) {
    db.Erase(dest);
    return int64_t{0};
  }
  // The destination's bytes if it is also a source: replacing it frees them.
  std::string dest_copy;
  std::vector<std::string_view> views;
  views.reserve(strings.size());
  for (size_t i = 0; i < strings.size(); ++i) {
    if (sources[i] == dest && dest_copy.empty()) dest_copy = strings[i].view();
    views.push_back(sources[i] == dest ? std::string_view(dest_copy) : strings[i].view());
  }
  // The result goes straight into the new value, a chunk at a time: no second copy of it.
  Value* target = db.Set(dest, "", StringPolicy::kRaw);
  ZeroExtend(*target, size);
  constexpr size_t kChunk = 16 * 1024;
  unsigned char chunk[kChunk];
  for (size_t at = 0; at < size; at += kChunk) {
    const size_t n = std::min(kChunk, size - at);
    BitOpChunk(op, views, at, n, chunk);
    target->WriteAt(at, std::string_view(reinterpret_cast<const char*>(chunk), n));
  }
  return static_cast<int64_t>(size);
}

OpResult<std::vector<std::optional<int64_t>>> BitField(Database& db, std::string_view key,
                                                       std::span<const BitFieldOp> ops) {
  uint64_t write_end = 0;  // one past the last bit any op writes
  for (const BitFieldOp& op : ops) {
    if (op.kind != BitFieldOp::Kind::kGet) write_end = std::max(write_end, op.offset + op.bits);
  }
  WritableString target{db.Find(key), false, false};
  if (write_end == 0) {
    if (target.value != nullptr && !target.value->is(ValueType::kString)) {
      return OpStatus::kWrongType;
    }
  } else {
    auto writable = StringForWrite(db, key, (write_end + 7) / 8);
    if (!writable.ok()) return writable.status();
    target = writable.value();
  }
  std::vector<std::optional<int64_t>> results;
  results.reserve(ops.size());
  size_t changes = 0;
  for (const BitFieldOp& op : ops) {
    const StringBytes bytes = target.value == nullptr ? StringBytes() : target.value->str();
    const uint64_t old_field = ReadField(bytes.view(), op.offset, op.bits);
    if (op.kind == BitFieldOp::Kind::kGet) {
      results.emplace_back(FieldValue(old_field, op));
      continue;
    }
    const std::optional<uint64_t> field = UpdatedField(op, old_field);
    if (!field) {
      results.emplace_back(std::nullopt);
      continue;
    }
    WriteField(*target.value, op.offset, op.bits, *field);
    if (target.grown || *field != old_field) ++changes;
    results.emplace_back(FieldValue(op.kind == BitFieldOp::Kind::kSet ? old_field : *field, op));
  }
  // Redis counts every changed field as a change.
  for (size_t i = target.reported ? 1 : 0; i < changes; ++i) db.Written(key);
  return results;
}

std::string_view Substring(std::string_view s, int64_t start, int64_t end) {
  const int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return {};
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) return {};
  return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
}

}  // namespace understudy::store
