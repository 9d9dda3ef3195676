#include "server/engine/blocking.h"

#include <algorithm>

namespace understudy::engine {

void BlockedKeys::Add(int db, std::string_view key, uint64_t client_id) {
  auto& queue = waiters_[db][key];
  // A command naming a key twice (BLPOP k k 0) waits on it once.
  if (std::find(queue.begin(), queue.end(), client_id) == queue.end()) queue.push_back(client_id);
}

void BlockedKeys::Remove(int db, std::string_view key, uint64_t client_id) {
  auto it = waiters_[db].find(key);
  if (it == waiters_[db].end()) return;
  std::erase(it->second, client_id);
  if (it->second.empty()) waiters_[db].erase(it);
}

const std::deque<uint64_t>* BlockedKeys::Waiters(int db, std::string_view key) const {
  auto it = waiters_[db].find(key);
  return it == waiters_[db].end() ? nullptr : &it->second;
}

void BlockedKeys::MarkReady(int db, std::string_view key) {
  if (waiters_[db].find(key) == waiters_[db].end()) return;
  std::pair<int, std::string> entry(db, key);
  if (ready_set_.insert(entry).second) ready_.push_back(std::move(entry));
}

void BlockedKeys::MarkAllReady(int db) {
  for (const auto& [key, queue] : waiters_[db]) MarkReady(db, key);
}

std::vector<std::pair<int, std::string>> BlockedKeys::TakeReady() {
  ready_set_.clear();
  return std::exchange(ready_, {});
}

}  // namespace understudy::engine
