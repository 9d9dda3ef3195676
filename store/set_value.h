#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

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

  // Like ForEach while fn returns true; false if fn stopped it. A hashtable is walked through
  // its cursor, which passes every member exactly once while the set does not change.
  bool ForEachWhile(absl::FunctionRef<bool(std::string_view member)> fn) const;

  // Calls fn with min(count, size()) distinct members, each subset equally likely, in random
  // order. A hashtable draws fairly from its table (HashTable::Random), so every member is
  // reachable.
  void RandomMembers(size_t count, absl::FunctionRef<void(std::string_view member)> fn) const;
  // Calls fn with `count` members drawn independently and uniformly, repeats allowed; the set
  // must not be empty.
  void RandomMembersWithRepeats(size_t count,
                                absl::FunctionRef<void(std::string_view member)> fn) const;
  // Removes min(count, size()) distinct members chosen uniformly, calling fn with each before it
  // goes (SPOP). As in Redis, whose replies and encodings this keeps:
  //  - taking every member reports them in the order a copy made with `config` lists them, so a
  //    hashtable of integers that fit an intset answers in ascending order;
  //  - leaving at most a fifth as many members as it takes moves those left into a new set,
  //    which is an intset again if they are integers that fit one.
  void PopRandom(size_t count, const EncodingConfig& config,
                 absl::FunctionRef<void(std::string_view member)> fn);

  // SSCAN: see HashTable::Scan for the cursor's guarantee. An intset returns every member in one
  // call and cursor 0, as Redis does for its small encodings.
  uint64_t Scan(uint64_t cursor, size_t count,
                absl::FunctionRef<void(std::string_view member)> fn) const;

  // Estimated heap bytes, this object included (MEMORY USAGE).
  size_t bytes() const;

 private:
  struct Table;

  void ConvertToTable();
  // Removes one member chosen uniformly, calling fn with it first; the set must not be empty.
  void PopOne(absl::FunctionRef<void(std::string_view member)> fn);
  // ForEach in the order of a copy made with config (see PopRandom).
  void ForEachAsCopied(const EncodingConfig& config,
                       absl::FunctionRef<void(std::string_view member)> fn) const;

  Intset intset_;                 // the members while intset-encoded
  std::unique_ptr<Table> table_;  // non-null once hashtable-encoded
};

}  // namespace understudy::store::containers
