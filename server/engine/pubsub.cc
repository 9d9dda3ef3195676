#include "server/engine/pubsub.h"

#include <algorithm>
#include <string>

namespace understudy::engine {

void PubSubRegistry::Add(PubSubKind kind, std::string_view name, uint64_t client_id) {
  store::StringMap<Subscribers>& names = names_[static_cast<int>(kind)];
  auto it = names.find(name);
  if (it == names.end()) it = names.emplace(std::string(name), Subscribers{}).first;
  it->second.push_back(client_id);
}

void PubSubRegistry::Remove(PubSubKind kind, std::string_view name, uint64_t client_id) {
  store::StringMap<Subscribers>& names = names_[static_cast<int>(kind)];
  auto it = names.find(name);
  if (it == names.end()) return;
  std::erase(it->second, client_id);
  if (it->second.empty()) names.erase(it);
}

const PubSubRegistry::Subscribers* PubSubRegistry::Find(PubSubKind kind,
                                                        std::string_view name) const {
  const store::StringMap<Subscribers>& names = names_[static_cast<int>(kind)];
  auto it = names.find(name);
  return it == names.end() ? nullptr : &it->second;
}

}  // namespace understudy::engine
