#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "store/encoding_config.h"
#include "store/intset.h"

// store/value.h still declares placeholders named SetValue, HashValue and ZSetValue in
// understudy::store until the commands move onto these classes, so these live in a namespace of
// their own meanwhile.
namespace understudy::store::containers {

// A set of strings (a Redis set value). Encodings, as OBJECT ENCODING names them:
//  - "intset": while every member is a canonical int64 decimal (ParseInt64) and there are at
//    most set-max-intset-entries of them;
//  - "hashtable": otherwise. A set never goes back to intset.
// Not thread safe; views passed to callbacks live until the callback returns.
class SetValue {
 public:
  SetValue();
  ~SetValue();
  SetValue(SetValue&& other) noexcept;
  SetValue& operator=(SetValue&& other) noexcept;

  // Adds member; false if it was there already.
  bool Add(std::string_view member, const EncodingConfig& config);
  // Removes member; false if it was not there.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  std::string_view encoding() const;

  // Every member: ascending numeric order for an intset (as SMEMBERS answers), table order
  // otherwise.
  void ForEach(absl::FunctionRef<void(std::string_view member)> fn) const;

  // A uniformly chosen member; the set must not be empty. Intset: a random index. Hashtable: a
  // fair draw from the table (HashTable::Random), so every member is reachable.
  std::string RandomMember() const;
  // min(count, size()) distinct members, each subset equally likely, in random order.
  std::vector<std::string> RandomMembers(size_t count) const;
  // Removes and returns a uniformly chosen member; the set must not be empty.
  std::string PopRandom();

  // SSCAN: see HashTable::Scan for the cursor's guarantee. An intset returns every member in one
  // call and cursor 0, as Redis does for its small encodings.
  uint64_t Scan(uint64_t cursor, size_t count,
                absl::FunctionRef<void(std::string_view member)> fn) const;

  // Estimated heap bytes, this object included (MEMORY USAGE).
  size_t bytes() const;

 private:
  struct Table;

  void ConvertToTable();

  Intset intset_;                 // the members while intset-encoded
  std::unique_ptr<Table> table_;  // non-null once hashtable-encoded
};

}  // namespace understudy::store::containers
