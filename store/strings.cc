#include "store/strings.h"

#include <cmath>
#include <limits>

#include "store/numbers.h"

namespace understudy::store {
namespace {

// For a read-modify-write: the string under key, nullptr if the key is missing (the caller
// creates it only once the new value is known to be valid), or kWrongType.
OpResult<std::string*> ExistingString(Database& db, std::string_view key) {
  Value* value = db.Find(key);
  if (value == nullptr) return static_cast<std::string*>(nullptr);
  if (!value->is(ValueType::kString)) return OpStatus::kWrongType;
  return &value->str();
}

// Stores text as the new value: in place for an existing key (its TTL stays), else a new key.
void Store(Database& db, std::string_view key, std::string* existing, std::string text) {
  if (existing != nullptr) {
    *existing = std::move(text);
    db.Written(key);
  } else {
    db.Set(key, Value::String(text));
  }
}

}  // namespace

OpResult<const std::string*> GetString(Database& db, std::string_view key) {
  const Value* value = db.Find(key);
  if (value == nullptr) return OpStatus::kKeyNotFound;
  if (!value->is(ValueType::kString)) return OpStatus::kWrongType;
  return &value->str();
}

OpResult<SetOutcome> Set(Database& db, std::string_view key, std::string_view value,
                         const SetParams& params) {
  Value* existing = db.Find(key);
  if (params.get_old && existing != nullptr && !existing->is(ValueType::kString)) {
    return OpStatus::kWrongType;
  }
  using Condition = SetParams::Condition;
  SetOutcome outcome;
  outcome.written = !((params.condition == Condition::kIfMissing && existing != nullptr) ||
                      (params.condition == Condition::kIfExists && existing == nullptr));
  if (params.get_old && existing != nullptr) {
    // The old value is about to be replaced, so it can be moved out rather than copied.
    outcome.old = outcome.written ? std::move(existing->str()) : existing->str();
  }
  if (!outcome.written) return outcome;
  db.Set(key, Value::String(value), params.keep_ttl);
  if (params.deadline != kNoExpiry) db.SetExpiry(key, params.deadline);
  return outcome;
}

OpResult<int64_t> IncrBy(Database& db, std::string_view key, int64_t delta) {
  auto str = ExistingString(db, key);
  if (!str.ok()) return str.status();
  int64_t current = 0;
  if (str.value() != nullptr && !ParseInt64(*str.value(), &current)) {
    return OpStatus::kNotAnInteger;
  }
  if ((delta < 0 && current < std::numeric_limits<int64_t>::min() - delta) ||
      (delta > 0 && current > std::numeric_limits<int64_t>::max() - delta)) {
    return OpStatus::kOverflow;
  }
  const int64_t result = current + delta;
  Store(db, key, str.value(), std::to_string(result));
  return result;
}

OpResult<std::string> IncrByFloat(Database& db, std::string_view key, std::string_view delta_text) {
  auto str = ExistingString(db, key);
  if (!str.ok()) return str.status();
  long double current = 0;
  long double delta = 0;
  if ((str.value() != nullptr && !ParseLongDouble(*str.value(), &current)) ||
      !ParseLongDouble(delta_text, &delta)) {
    return OpStatus::kNotAFloat;
  }
  const long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) return OpStatus::kNanOrInfinity;
  std::string text = FormatLongDouble(result);
  Store(db, key, str.value(), text);
  return text;
}

OpResult<int64_t> Append(Database& db, std::string_view key, std::string_view suffix,
                         int64_t max_length) {
  auto str = ExistingString(db, key);
  if (!str.ok()) return str.status();
  std::string* text = str.value();
  if (text == nullptr) {
    db.Set(key, Value::String(suffix));
    return static_cast<int64_t>(suffix.size());
  }
  if (static_cast<int64_t>(text->size() + suffix.size()) > max_length) return OpStatus::kTooLarge;
  text->append(suffix);
  db.Written(key);
  return static_cast<int64_t>(text->size());
}

OpResult<int64_t> SetRange(Database& db, std::string_view key, int64_t offset,
                           std::string_view value, int64_t max_length) {
  if (offset < 0) return OpStatus::kOutOfRange;
  auto str = ExistingString(db, key);
  if (!str.ok()) return str.status();
  std::string* text = str.value();
  // Nothing to write: report the length without creating the key.
  if (value.empty()) return text == nullptr ? int64_t{0} : static_cast<int64_t>(text->size());
  if (offset > max_length - static_cast<int64_t>(value.size())) return OpStatus::kTooLarge;
  if (text == nullptr) text = &db.Set(key, Value::String("")).str();
  const size_t end = static_cast<size_t>(offset) + value.size();
  if (text->size() < end) text->resize(end, '\0');
  text->replace(static_cast<size_t>(offset), value.size(), value);
  db.Written(key);
  return static_cast<int64_t>(text->size());
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
