#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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

  HashValue();
  ~HashValue();
  HashValue(HashValue&& other) noexcept;
  HashValue& operator=(HashValue&& other) noexcept;

  // HSET of one field; true if the field is new.
  bool Set(std::string_view field, std::string_view value, const EncodingConfig& config);
  // HSETNX: sets a new field only; true if it did.
  bool SetIfMissing(std::string_view field, std::string_view value, const EncodingConfig& config);
  // The value of field, or nullopt, without copying it: the LpValue views the stored bytes (an
  // integer in a listpack is rendered into the LpValue itself) and is valid until the hash
  // changes.
  std::optional<LpValue> GetView(std::string_view field) const;
  // The same, copied.
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

  // HRANDFIELD with a positive count: min(count, size()) distinct fields with their values, each
  // subset equally likely. A count of size() or more gives the whole hash in ForEach order;
  // otherwise a listpack gives its picks in listpack order, as Redis does, and a hashtable in
  // random order.
  void RandomFields(size_t count, PairFn fn) const;
  // HRANDFIELD with a negative count, or none: count fields with their values, each drawn
  // uniformly and independently (repeats allowed), in random order. The hash must not be empty.
  // Hashtable: fair draws from the table (HashTable::Random), so every field is reachable.
  void RandomFieldsWithRepeats(size_t count, PairFn fn) const;

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
