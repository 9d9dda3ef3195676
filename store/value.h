#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/container/btree_set.h"
#include "store/list_value.h"
#include "store/string_hash.h"

namespace understudy::store {

enum class ValueType : uint8_t { kString, kList, kSet, kZSet, kHash };

// The name TYPE answers.
std::string_view TypeName(ValueType type);

using StringValue = std::string;
using SetValue = StringSet;
using HashValue = StringMap<std::string>;
// Sorted set: member -> score for lookups, (score, member) in order for ranges. The data-types
// issue replaces the ordered half with a skiplist that keeps spans (O(log N) ranks).
struct ZSetValue {
  StringMap<double> scores;
  absl::btree_set<std::pair<double, std::string>> ordered;
};

// A typed value stored under a key. The alternatives are listed in ValueType order.
class Value {
 public:
  using Data = std::variant<StringValue, ListValue, SetValue, ZSetValue, HashValue>;

  Value() = default;
  explicit Value(Data data) : data_(std::move(data)) {}
  // An empty value of the given type, built in place: moving a std::deque allocates.
  explicit Value(ValueType type);
  static Value String(std::string_view s) { return Value(Data(std::in_place_index<0>, s)); }

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is(ValueType t) const { return type() == t; }

  template <typename T>
  T& as() {
    return std::get<T>(data_);
  }
  template <typename T>
  const T& as() const {
    return std::get<T>(data_);
  }

  StringValue& str() { return std::get<StringValue>(data_); }
  const StringValue& str() const { return std::get<StringValue>(data_); }

 private:
  Data data_;
};

}  // namespace understudy::store
