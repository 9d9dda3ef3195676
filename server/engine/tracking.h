#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "store/value.h"

namespace understudy::engine {

// A client's side of client-side caching (CLIENT TRACKING), as Redis's client flags.
struct ClientTracking {
  bool on = false;
  bool bcast = false;   // told of every change to keys under its prefixes
  bool optin = false;   // remembers reads only after CLIENT CACHING yes
  bool optout = false;  // remembers reads except after CLIENT CACHING no
  bool noloop = false;  // not told of its own changes
  // CLIENT CACHING yes (OPTIN) or no (OPTOUT) was given for the next command.
  bool caching = false;
  bool broken_redirect = false;  // the redirect client went away
  uint64_t redirect = 0;         // client that receives the invalidations; 0: this one
  absl::btree_set<std::string> prefixes;  // BCAST prefixes ("" for every key), sorted
};

// The server's side of client-side caching: which clients may have cached which keys (keys
// by name, whatever their database, as Redis's table), and which BCAST prefixes have changed
// keys not yet announced. Engine::InvalidateKey and friends send the messages.
class TrackingTable {
 public:
  // Default mode: the client read key.
  void Remember(std::string_view key, uint64_t client_id);
  // Forgets key; the ids of the clients that had read it (empty if none).
  std::vector<uint64_t> Take(std::string_view key);
  // Forgets every key (FLUSHALL, FLUSHDB).
  void Clear();
  // Some remembered key, for trimming the table to tracking-table-max-keys; empty if none.
  std::string AnyKey() const;
  size_t keys() const { return readers_.size(); }
  size_t items() const { return items_; }

  // BCAST: the client is told of changes to keys starting with prefix.
  void AddPrefix(std::string_view prefix, uint64_t client_id);
  void RemovePrefix(std::string_view prefix, uint64_t client_id);
  bool has_prefixes() const { return !prefixes_.empty(); }
  size_t prefix_count() const { return prefixes_.size(); }
  // Notes that writer (a client id, 0 for the server itself) changed key, under each prefix
  // the key starts with. Returns whether some prefix took it.
  bool NoteChange(std::string_view key, uint64_t writer);

  // A prefix's subscribers and the keys changed under it since the last announcement, each
  // with the one client that changed it (0 if several did, or the server).
  struct Prefix {
    absl::btree_set<uint64_t> clients;
    absl::btree_map<std::string, uint64_t> changed;
  };
  // Every prefix, in order, for announcing and then clearing what changed.
  absl::btree_map<std::string, Prefix>& prefixes() { return prefixes_; }

 private:
  store::StringMap<absl::flat_hash_set<uint64_t>> readers_;
  size_t items_ = 0;  // sum of the readers of every key
  absl::btree_map<std::string, Prefix> prefixes_;
};

}  // namespace understudy::engine
