// Client-side caching: the tracking table, and the engine's side of CLIENT TRACKING (what it
// remembers after a read, the invalidation messages it sends after a write or a flush).
#include "server/engine/tracking.h"

#include <algorithm>

#include "server/engine/engine.h"
#include "server/engine/scripting/script_run.h"

namespace understudy::engine {

void TrackingTable::Remember(std::string_view key, uint64_t client_id) {
  auto it = readers_.find(key);
  if (it == readers_.end()) it = readers_.emplace(std::string(key), absl::flat_hash_set<uint64_t>()).first;
  if (it->second.insert(client_id).second) ++items_;
}

std::vector<uint64_t> TrackingTable::Take(std::string_view key) {
  auto it = readers_.find(key);
  if (it == readers_.end()) return {};
  std::vector<uint64_t> readers(it->second.begin(), it->second.end());
  // Ids grow with each connection: in id order is the order the clients connected in.
  std::sort(readers.begin(), readers.end());
  items_ -= readers.size();
  readers_.erase(it);
  return readers;
}

void TrackingTable::Clear() {
  readers_.clear();
  items_ = 0;
}

std::string TrackingTable::AnyKey() const {
  return readers_.empty() ? std::string() : readers_.begin()->first;
}

void TrackingTable::AddPrefix(std::string_view prefix, uint64_t client_id) {
  auto it = prefixes_.find(store::AbslView(prefix));
  if (it == prefixes_.end()) it = prefixes_.emplace(std::string(prefix), Prefix()).first;
  it->second.clients.insert(client_id);
}

void TrackingTable::RemovePrefix(std::string_view prefix, uint64_t client_id) {
  auto it = prefixes_.find(store::AbslView(prefix));
  if (it == prefixes_.end()) return;
  it->second.clients.erase(client_id);
  if (it->second.clients.empty()) prefixes_.erase(it);
}

bool TrackingTable::NoteChange(std::string_view key, uint64_t writer) {
  bool noted = false;
  // Every prefix of the key, the empty one included, may be registered.
  for (size_t length = 0; length <= key.size(); ++length) {
    auto it = prefixes_.find(store::AbslView(key.substr(0, length)));
    if (it == prefixes_.end()) continue;
    auto [changed, inserted] = it->second.changed.emplace(std::string(key), writer);
    if (!inserted && changed->second != writer) changed->second = 0;
    noted = true;
  }
  return noted;
}

void Engine::EnableTracking(Client& client, const TrackingOptions& options) {
  ClientTracking& tracking = client.tracking;
  if (!tracking.on) ++tracking_clients_;
  tracking.on = true;
  tracking.redirect = options.redirect;
  tracking.broken_redirect = false;
  tracking.bcast = options.bcast;
  tracking.optin = options.optin;
  tracking.optout = options.optout;
  tracking.noloop = options.noloop;
  if (!options.bcast) return;
  std::vector<std::string_view> prefixes = options.prefixes;
  if (prefixes.empty()) prefixes.push_back("");
  for (std::string_view prefix : prefixes) {
    if (tracking.prefixes.emplace(prefix).second) tracking_.AddPrefix(prefix, client.id);
  }
}

void Engine::DisableTracking(Client& client) {
  ClientTracking& tracking = client.tracking;
  if (!tracking.on) return;
  for (const std::string& prefix : tracking.prefixes) tracking_.RemovePrefix(prefix, client.id);
  // The CACHING choice outlives tracking, as in Redis: only the next command clears it.
  const bool caching = tracking.caching;
  tracking = ClientTracking();
  tracking.caching = caching;
  --tracking_clients_;
}

void Engine::RememberReadKeys(Client& client, const RegisteredCommand& command,
                              std::span<const std::string_view> args) {
  if (!(command.spec->flags & kReadOnly)) return;
  // A read inside a script remembers, for the script's caller, the keys the caller's command
  // declared (EVAL's KEYS), not the keys the script reached, as Redis 7.0 does.
  if (running_script_ != nullptr && running_script_->OwnsClient(client)) {
    if (running_call_.client == nullptr || running_call_.client == &client) return;
    return RememberKeysOf(*running_call_.client, *running_call_.command, running_call_.args);
  }
  RememberKeysOf(client, command, args);
}

void Engine::RememberKeysOf(Client& client, const RegisteredCommand& command,
                            std::span<const std::string_view> args) {
  const ClientTracking& tracking = client.tracking;
  if (!tracking.on || tracking.bcast) return;
  if ((tracking.optin && !tracking.caching) || (tracking.optout && tracking.caching)) return;
  const auto keys = RequestKeys(command.spec->keys, args);
  if (!keys) return;
  for (const RequestKey& key : *keys) tracking_.Remember(key.key, client.id);
}

void Engine::InvalidateKey(std::string_view key) {
  if (tracking_.has_prefixes() &&
      tracking_.NoteChange(key, executing_ != nullptr ? executing_->id : 0) &&
      !broadcast_scheduled_) {
    broadcast_scheduled_ = true;
    // Changes are announced together once the requests at hand are done, as Redis does
    // before it sleeps: one message per prefix for a whole pipeline.
    executor_.RunAfter(0, [this] { AnnounceBroadcasts(); });
  }
  if (tracking_.keys() == 0) return;
  for (uint64_t id : tracking_.Take(key)) {
    Client* reader = FindClient(id);
    if (reader == nullptr || !reader->tracking.on || reader->tracking.bcast) continue;
    if (reader == executing_) {
      // Its own change: told after the reply of the request that made it, or not at all.
      if (!reader->tracking.noloop) pending_invalidations_.emplace_back(key);
      continue;
    }
    SendInvalidation(*reader, std::span<const std::string_view>(&key, 1));
  }
}

void Engine::InvalidateAllTracked() {
  for (const auto& [id, client] : clients_) {
    if (!client->tracking.on) continue;
    if (client.get() == executing_) {
      pending_invalidations_.emplace_back(std::nullopt);
    } else {
      SendInvalidation(*client, std::nullopt);
    }
  }
  tracking_.Clear();
}

void Engine::SendPendingInvalidations(Client& client) {
  std::vector<std::optional<std::string>> pending = std::exchange(pending_invalidations_, {});
  for (const std::optional<std::string>& key : pending) {
    if (!key) {
      SendInvalidation(client, std::nullopt);
      continue;
    }
    const std::string_view name = *key;
    SendInvalidation(client, std::span<const std::string_view>(&name, 1));
  }
}

void Engine::AnnounceBroadcasts() {
  broadcast_scheduled_ = false;
  std::vector<std::string_view> keys;
  for (auto& [prefix, subscribers] : tracking_.prefixes()) {
    if (subscribers.changed.empty()) continue;
    for (uint64_t id : subscribers.clients) {
      Client* client = FindClient(id);
      if (client == nullptr) continue;
      keys.clear();
      for (const auto& [key, writer] : subscribers.changed) {
        if (!client->tracking.noloop || writer != id) keys.push_back(key);
      }
      if (!keys.empty()) SendInvalidation(*client, keys);
    }
    subscribers.changed.clear();
  }
}

void Engine::TrimTrackingTable() {
  const size_t max_keys = static_cast<size_t>(config_.tracking_table_max_keys);
  // A bounded share per cron tick, as Redis's effort limit: a huge excess shrinks over ticks.
  for (int budget = 1000; max_keys != 0 && tracking_.keys() > max_keys && budget > 0; --budget) {
    const std::string key = tracking_.AnyKey();
    for (uint64_t id : tracking_.Take(key)) {
      Client* reader = FindClient(id);
      if (reader == nullptr || !reader->tracking.on || reader->tracking.bcast) continue;
      const std::string_view name = key;
      SendInvalidation(*reader, std::span<const std::string_view>(&name, 1));
    }
  }
}

void Engine::SendInvalidation(Client& tracker,
                              std::optional<std::span<const std::string_view>> keys) {
  Client* target = &tracker;
  if (tracker.tracking.redirect != 0) {
    target = FindClient(tracker.tracking.redirect);
    if (target == nullptr) {
      tracker.tracking.broken_redirect = true;
      if (tracker.protocol != resp::Protocol::kResp3) return;
      const size_t from = tracker.output.size();
      resp::ReplyWriter writer(&tracker.output, tracker.protocol);
      writer.PushHeader(2);
      writer.Bulk("tracking-redir-broken");
      writer.Integer(static_cast<int64_t>(tracker.tracking.redirect));
      FinishPush(tracker, from);
      return;
    }
  }
  const bool resp3 = target->protocol == resp::Protocol::kResp3;
  // A RESP2 client hears of invalidations only as the redirect of another, subscribed to
  // __redis__:invalidate (Redis checks only that it has subscriptions).
  if (!resp3 && (target == &tracker || !target->in_pubsub())) return;
  const size_t from = target->output.size();
  resp::ReplyWriter writer(&target->output, target->protocol);
  if (resp3) {
    writer.PushHeader(2);
    writer.Bulk("invalidate");
  } else {
    writer.ArrayHeader(3);
    writer.Bulk("message");
    writer.Bulk("__redis__:invalidate");
  }
  if (keys) {
    writer.ArrayHeader(keys->size());
    for (std::string_view key : *keys) writer.Bulk(key);
  } else {
    writer.Null();
  }
  FinishPush(*target, from);
}

}  // namespace understudy::engine
