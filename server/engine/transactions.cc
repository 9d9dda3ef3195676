#include "server/engine/transactions.h"

#include <algorithm>

namespace understudy::engine {

void WatchedKeys::Add(int db, std::string_view key, uint64_t client_id) {
  std::vector<uint64_t>& clients = watchers_[db][key];
  if (std::find(clients.begin(), clients.end(), client_id) != clients.end()) return;
  clients.push_back(client_id);
  ++count_;
}

void WatchedKeys::Remove(int db, std::string_view key, uint64_t client_id) {
  auto it = watchers_[db].find(key);
  if (it == watchers_[db].end()) return;
  std::vector<uint64_t>& clients = it->second;
  const auto found = std::find(clients.begin(), clients.end(), client_id);
  if (found == clients.end()) return;
  clients.erase(found);
  --count_;
  if (clients.empty()) watchers_[db].erase(it);
}

const std::vector<uint64_t>& WatchedKeys::Watchers(int db, std::string_view key) const {
  static const std::vector<uint64_t> kNone;
  auto it = watchers_[db].find(key);
  return it == watchers_[db].end() ? kNone : it->second;
}

std::vector<std::string> WatchedKeys::Keys(int db) const {
  std::vector<std::string> keys;
  keys.reserve(watchers_[db].size());
  for (const auto& [key, clients] : watchers_[db]) keys.push_back(key);
  return keys;
}

}  // namespace understudy::engine
