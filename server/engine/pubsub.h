#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "server/engine/client.h"
#include "store/value.h"

namespace understudy::engine {

// The server's side of Pub/Sub: which clients listen to each channel, pattern and shard
// channel. A client's own side is Client::subscriptions; Engine::Subscribe and
// Engine::Unsubscribe keep the two in step.
class PubSubRegistry {
 public:
  using Subscribers = std::vector<uint64_t>;  // client ids, in the order they subscribed

  void Add(PubSubKind kind, std::string_view name, uint64_t client_id);
  void Remove(PubSubKind kind, std::string_view name, uint64_t client_id);

  // The subscribers of one name; null if it has none.
  const Subscribers* Find(PubSubKind kind, std::string_view name) const;
  // Every name with at least one subscriber (for patterns: every pattern).
  const store::StringMap<Subscribers>& names(PubSubKind kind) const {
    return names_[static_cast<int>(kind)];
  }

 private:
  store::StringMap<Subscribers> names_[kPubSubKinds];
};

}  // namespace understudy::engine
