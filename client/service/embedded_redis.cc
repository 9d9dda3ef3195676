#include "client/service/embedded_redis.h"

#include "server/runtime/engine_host.h"

namespace understudy::client::service {

EmbeddedRedis::EmbeddedRedis(engine::Config config)
    : host_(std::make_shared<runtime::EngineHost>(std::move(config))) {}

// The clients go before the engine they talk to.
EmbeddedRedis::~EmbeddedRedis() {
  service_.reset();
  client_.reset();
}

Options EmbeddedRedis::options() const {
  Options options;
  options.engine = host_;
  return options;
}

RedisService& EmbeddedRedis::service() {
  if (!service_) {
    service_ = std::make_unique<RedisService>(ServiceConfig{}, host_);
    service_->connect();
  }
  return *service_;
}

Client& EmbeddedRedis::client() {
  if (!client_) client_ = std::make_unique<Client>(options());
  return *client_;
}

void EmbeddedRedis::AdvanceClock(std::chrono::milliseconds by) { host_->AdvanceClock(by); }

void EmbeddedRedis::Seed(std::string_view key, std::string_view value,
                         std::optional<std::chrono::milliseconds> ttl) {
  SetOptions options;
  options.ttl = ttl;
  client().set(key, value, options);
}

void EmbeddedRedis::SeedHash(std::string_view key,
                             const std::vector<std::pair<std::string, std::string>>& fields) {
  client().hset(key, fields);
}

std::optional<std::string> EmbeddedRedis::Get(std::string_view key) { return client().get(key); }

bool EmbeddedRedis::Exists(std::string_view key) { return client().exists(key); }

int64_t EmbeddedRedis::TtlMs(std::string_view key) { return client().pttl(key); }

std::vector<std::string> EmbeddedRedis::Keys(std::string_view pattern) {
  return client().keys(pattern);
}

void EmbeddedRedis::FlushAll() { client().command("FLUSHALL"); }

}  // namespace understudy::client::service
