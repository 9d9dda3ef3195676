#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "store/list_value.h"

namespace understudy::store {

// Debian's abseil has its own string_view type, so string-keyed containers use these to look
// up by std::string_view without building a std::string.
// Debian's absl::string_view is not std::string_view: convert explicitly where absl is called.
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// Hashes through absl::string_view, which absl hashes itself with a per-process seed; its
// std::string_view fallback would be std::hash, whose fixed seed lets crafted keys collide.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(AbslView(s));
  }
};
struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringHash, StringEq>;
using StringSet = absl::flat_hash_set<std::string, StringHash, StringEq>;

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
