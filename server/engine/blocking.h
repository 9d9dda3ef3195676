#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "store/value.h"

namespace understudy::engine {

// Which clients wait on which keys, and which of those keys became ready since they were last
// served. Waiters of a key are kept in the order they blocked: the longest waiting is served
// first.
class BlockedKeys {
 public:
  explicit BlockedKeys(int num_databases) : waiters_(num_databases) {}

  void Add(int db, std::string_view key, uint64_t client_id);
  void Remove(int db, std::string_view key, uint64_t client_id);

  // The clients waiting on key, longest waiting first; null if none.
  const std::deque<uint64_t>* Waiters(int db, std::string_view key) const;

  // Records that key was written, if anyone waits on it.
  void MarkReady(int db, std::string_view key);
  // Marks every key waited on in db (SWAPDB brought it new data).
  void MarkAllReady(int db);
  bool has_ready() const { return !ready_.empty(); }
  // The keys marked ready since the last call, in the order they were marked.
  std::vector<std::pair<int, std::string>> TakeReady();

 private:
  std::vector<store::StringMap<std::deque<uint64_t>>> waiters_;
  std::vector<std::pair<int, std::string>> ready_;
  absl::flat_hash_set<std::pair<int, std::string>> ready_set_;
};

}  // namespace understudy::engine
