#include "server/engine/acl_log.h"

#include <utility>

namespace understudy::engine {
namespace {

constexpr int64_t kGroupingMs = 60'000;

}  // namespace

void AclLog::Add(Entry entry, size_t max_len) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->reason == entry.reason && it->context == entry.context && it->object == entry.object &&
        it->username == entry.username && entry.updated_ms - it->updated_ms < kGroupingMs) {
      entry.count = it->count + 1;
      entries_.erase(it);
      break;
    }
  }
  entries_.push_front(std::move(entry));
  Trim(max_len);
}

void AclLog::Trim(size_t max_len) {
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace understudy::engine
