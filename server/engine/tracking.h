#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "store/value.h"

namespace understudy::engine {

// CLIENT TRACKING's default mode: which clients read which keys (by name, whatever the
// database, as in Redis), so that a change of the key sends them an invalidation. A client
// is told once: the key is forgotten until it reads it again.
class TrackingTable {
 public:
  void Remember(std::string_view key, uint64_t client_id) { keys_[key].insert(client_id); }
  // The clients tracking key, which forgets them.
  std::vector<uint64_t> Take(std::string_view key) {
    auto it = keys_.find(key);
    if (it == keys_.end()) return {};
    std::vector<uint64_t> ids(it->second.begin(), it->second.end());
    keys_.erase(it);
    return ids;
  }
  void Clear() { keys_.clear(); }
  bool empty() const { return keys_.empty(); }

 private:
  store::StringMap<absl::flat_hash_set<uint64_t>> keys_;
};

// Invalidations waiting for the end of the running command (so that its client gets its reply
// first, and BCAST clients one message per command): keys, or the whole keyspace (a flush).
struct PendingInvalidation {
  std::vector<std::string> keys;
  bool everything = false;
};

}  // namespace understudy::engine
