#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/client.h"
#include "client/options.h"
#include "client/service/redis_service.h"
#include "server/engine/config.h"

namespace understudy::runtime {
class EngineHost;
}

namespace understudy::client::service {

// A Redis for one test: the understudy engine inside the process, with no port. Its clock moves
// only forward and only when told (AdvanceClock), so TTL tests do not sleep; seed and inspect
// keys directly. One thread at a time uses the seeding helpers; service() is thread-safe.
class EmbeddedRedis {
 public:
  explicit EmbeddedRedis(engine::Config config = {});
  ~EmbeddedRedis();
  EmbeddedRedis(const EmbeddedRedis&) = delete;
  EmbeddedRedis& operator=(const EmbeddedRedis&) = delete;

  // Client options that reach this engine (for a Client, AsyncClient, Subscriber or pool).
  Options options() const;
  // A connected facade on this engine, created on first use.
  RedisService& service();
  // A client of its own, for what the helpers below do not cover.
  Client& client();

  // Moves the engine's time forward: keys due by then have expired when it returns.
  void AdvanceClock(std::chrono::milliseconds by);

  void Seed(std::string_view key, std::string_view value,
            std::optional<std::chrono::milliseconds> ttl = std::nullopt);
  void SeedHash(std::string_view key,
                const std::vector<std::pair<std::string, std::string>>& fields);
  std::optional<std::string> Get(std::string_view key);
  bool Exists(std::string_view key);
  // Milliseconds to live; -1 without expiry, -2 when the key does not exist.
  int64_t TtlMs(std::string_view key);
  std::vector<std::string> Keys(std::string_view pattern = "*");
  void FlushAll();

  const std::shared_ptr<runtime::EngineHost>& host() const { return host_; }

 private:
  std::shared_ptr<runtime::EngineHost> host_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<RedisService> service_;
};

}  // namespace understudy::client::service
