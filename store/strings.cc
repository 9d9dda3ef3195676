#include "store/strings.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <new>

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
