#pragma once

#include <cstddef>
#include <cstdint>
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

// A hash (a Redis hash value): fields with string values. Encodings, as OBJECT ENCODING names
// them:
//  - "listpack": field, value pairs in insertion order in one Listpack, while there are at most
//    hash-max-listpack-entries fields and no field or value is longer than
//    hash-max-listpack-value bytes;
//  - "hashtable": otherwise. A hash never goes back to listpack.
// Not thread safe; views passed to callbacks live until the callback returns.
class HashValue {
 public:
  using PairFn = absl::FunctionRef<void(std::string_view field, std::string_view value)>;
  using Pairs = std::vector<std::pair<std::string, std::string>>;

  HashValue();
  ~HashValue();
  HashValue(HashValue&& other) noexcept;
  HashValue& operator=(HashValue&& other) noexcept;

  // HSET of one field; true if the field is new.
  bool Set(std::string_view field, std::string_view value, const EncodingConfig& config);
  // HSETNX: sets a new field only; true if it did.
  bool SetIfMissing(std::string_view field, std::string_view value, const EncodingConfig& config);
  std::optional<std::string> Get(std::string_view field) const;
  // Removes field; false if it was not there.
  bool Erase(std::string_view field);
  bool Contains(std::string_view field) const;
  // HSTRLEN: the value's length, 0 for a missing field.
  size_t StrLen(std::string_view field) const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  std::string_view encoding() const;

  // Every field and value: insertion order for a listpack, table order otherwise.
  void ForEach(PairFn fn) const;

  // A uniformly chosen field and its value; the hash must not be empty. Listpack: a random
  // index. Hashtable: a fair draw from the table (HashTable::Random), so every field is
  // reachable.
  std::pair<std::string, std::string> RandomField() const;
  // min(count, size()) distinct fields with their values, each subset equally likely, in random
  // order (HRANDFIELD with a positive count).
  Pairs RandomFields(size_t count) const;

  // HSCAN: see HashTable::Scan for the cursor's guarantee. A listpack returns every field in
  // one call and cursor 0, as Redis does for its small encodings.
  uint64_t Scan(uint64_t cursor, size_t count, PairFn fn) const;

  // Estimated heap bytes, this object included (MEMORY USAGE).
  size_t bytes() const;

 private:
  struct Table;

  // The field's position in the listpack, or Listpack::kEnd.
  size_t FindField(std::string_view field) const;
  void ConvertToTable();

  Listpack listpack_;             // field, value pairs while listpack-encoded
  std::unique_ptr<Table> table_;  // non-null once hashtable-encoded
};

}  // namespace understudy::store::containers
