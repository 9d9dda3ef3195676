#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "store/value.h"

namespace understudy::engine {

// Which clients WATCH which keys. A change to a watched key, its expiry, or a flush that
// removes it breaks the WATCH of every client watching it: their next EXEC answers null.
class WatchedKeys {
 public:
  explicit WatchedKeys(int num_databases) : watchers_(num_databases) {}

  void Add(int db, std::string_view key, uint64_t client_id);
  void Remove(int db, std::string_view key, uint64_t client_id);

  // The clients watching key (each once); empty if none.
  const std::vector<uint64_t>& Watchers(int db, std::string_view key) const;
  // Every watched key of db, for a flush to check which of them it removes.
  std::vector<std::string> Keys(int db) const;
  bool empty() const { return count_ == 0; }

 private:
  std::vector<store::StringMap<std::vector<uint64_t>>> watchers_;
  size_t count_ = 0;
};

// A client's MULTI: the commands queued for EXEC, and whether one was refused while queueing,
// which makes EXEC answer EXECABORT.
struct Transaction {
  std::vector<std::vector<std::string>> commands;
  size_t bytes = 0;  // the queued arguments' bytes, for CLIENT LIST's multi-mem
  bool aborted = false;
};

}  // namespace understudy::engine
