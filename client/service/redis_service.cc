#include "client/service/redis_service.h"

#include <cstdio>
#include <utility>

#include "client/detail/backoff.h"
#include "client/detail/text.h"
#include "server/engine/config.h"
#include "server/runtime/engine_host.h"
#include "spdlog/spdlog.h"

namespace understudy::client::service {
namespace {

// At connect: nobody is there (as opposed to a server that answered and refused us).
bool NoServerAnswered(ErrorKind kind) {
  return kind == ErrorKind::kResolve || kind == ErrorKind::kConnectionRefused ||
         kind == ErrorKind::kConnectTimeout;
}

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out.append(escaped);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

bool IsConnectionError(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kResolve:
    case ErrorKind::kConnectionRefused:
    case ErrorKind::kConnectTimeout:
    case ErrorKind::kNotConnected:
    case ErrorKind::kConnectionLost:
    case ErrorKind::kTimeout:
    case ErrorKind::kClosed:
      return true;
    default:
      return false;
  }
}

std::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kNone:
      return "none";
    case Mode::kServer:
      return "server";
    case Mode::kEmbedded:
      return "embedded";
  }
  return "unknown";
}

std::string HealthReport::LatencyText() const {
  if (!latency) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.3fms", static_cast<double>(latency->count()) / 1000.0);
  return text;
}

std::string HealthReport::ToJson() const {
  std::string out = "{\"status\":";
  AppendJsonString(out, status);
  out.append(",\"latency\":");
  if (latency) {
    AppendJsonString(out, LatencyText());
  } else {
    out.append("null");
  }
  out.append(",\"host\":");
  AppendJsonString(out, host);
  out.append(",\"port\":");
  if (port) {
    out.append(std::to_string(*port));
  } else {
    AppendJsonString(out, "embedded");
  }
  out.append(",\"mode\":");
  AppendJsonString(out, mode);
  if (!error.empty()) {
    out.append(",\"error\":");
    AppendJsonString(out, error);
  }
  out.push_back('}');
  return out;
}

RedisService::RedisService() : RedisService(ServiceConfig::FromEnvironment()) {}

RedisService::RedisService(ServiceConfig config) : config_(std::move(config)) {}

RedisService::RedisService(ServiceConfig config, std::shared_ptr<runtime::EngineHost> engine)
    : config_(std::move(config)), given_engine_(std::move(engine)) {}

RedisService::~RedisService() { disconnect(); }

Mode RedisService::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

std::shared_ptr<runtime::EngineHost> RedisService::engine() const {
  std::lock_guard lock(mutex_);
  return engine_;
}

void RedisService::connect() {
  std::lock_guard connecting(connect_mutex_);
  if (mode() != Mode::kNone) return;
  if (given_engine_) return StartEmbedded(given_engine_);
  config_.Validate();
  auto pool = std::make_shared<ClientPool>(config_.ToOptions(), config_.pool);
  const std::string endpoint = pool->options().Endpoint();
  try {
    ClientLease probe(pool);
  } catch (const Error& error) {
    if (!NoServerAnswered(error.kind()) || config_.fallback == Fallback::kOff) throw;
    if (config_.fallback == Fallback::kEmbedded) {
      spdlog::warn(
          "No Redis answered at {} ({}); REDIS_FALLBACK=embedded: running the understudy engine "
          "inside this process instead. Its data lives in this process only and is lost when "
          "it exits; set REDIS_HOST or REDIS_URL to use a real server.",
          endpoint, error.what());
      return StartEmbedded(std::make_shared<runtime::EngineHost>(engine::Config{}));
    }
    spdlog::warn(
        "No Redis answered at {} ({}); REDIS_FALLBACK=degrade: operations are skipped and "
        "return empty defaults until it answers.",
        endpoint, error.what());
    std::lock_guard lock(mutex_);
    pool_ = std::move(pool);
    mode_ = Mode::kServer;
    down_ = true;
    failed_attempts_ = 1;
    next_attempt_ = std::chrono::steady_clock::now() +
                    detail::Backoff(pool_->options().reconnect, 0, jitter_random_);
    return;
  }
  spdlog::info("Connected to Redis at {}", endpoint);
  std::lock_guard lock(mutex_);
  pool_ = std::move(pool);
  mode_ = Mode::kServer;
  down_ = false;
  failed_attempts_ = 0;
}

void RedisService::StartEmbedded(std::shared_ptr<runtime::EngineHost> engine) {
  Options options = config_.ToOptions();
  options.engine = engine;
  // The engine's default user has no password: AUTH would be refused.
  options.username.clear();
  options.password.clear();
  auto pool = std::make_shared<ClientPool>(std::move(options), config_.pool);
  { ClientLease probe(pool); }
  std::lock_guard lock(mutex_);
  pool_ = std::move(pool);
  engine_ = std::move(engine);
  mode_ = Mode::kEmbedded;
  down_ = false;
}

void RedisService::disconnect() {
  std::lock_guard connecting(connect_mutex_);
  std::shared_ptr<ClientPool> pool;
  std::shared_ptr<Subscriber> subscriber;
  std::shared_ptr<runtime::EngineHost> engine;
  {
    std::lock_guard lock(mutex_);
    pool = std::move(pool_);
    subscriber = std::move(subscriber_);
    engine = std::move(engine_);
    mode_ = Mode::kNone;
    down_ = false;
    failed_attempts_ = 0;
  }
  // Released here, outside the lock: the subscriber joins its thread. Leases still out keep
  // the pool (and through it the engine) until they end.
  subscriber.reset();
  pool.reset();
  engine.reset();
}

std::shared_ptr<ClientPool> RedisService::PoolFor(std::string_view operation) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::kNone) {
    if (config_.fallback == Fallback::kDegrade) return nullptr;
    throw Error(ErrorKind::kNotConnected,
                detail::Cat("Redis not connected: call connect() before ", operation), true);
  }
  if (config_.fallback == Fallback::kDegrade && down_ &&
      std::chrono::steady_clock::now() < next_attempt_) {
    return nullptr;
  }
  return pool_;
}

void RedisService::Skipped(std::string_view operation) {
  spdlog::warn("Redis not connected - skipping {} operation", operation);
}

void RedisService::MarkUp() {
  std::lock_guard lock(mutex_);
  if (down_ && mode_ == Mode::kServer) {
    spdlog::info("Redis at {} answers again", pool_->options().Endpoint());
  }
  down_ = false;
  failed_attempts_ = 0;
}

void RedisService::MarkDown(const Error& error) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::kNone) return;
  if (!down_) {
    spdlog::warn("Lost the connection to Redis at {} ({}); the client reconnects with backoff{}",
                 pool_->options().Endpoint(), error.what(),
                 config_.fallback == Fallback::kDegrade ? ", operations are skipped meanwhile"
                                                        : ", commands fail meanwhile");
  }
  down_ = true;
  next_attempt_ = std::chrono::steady_clock::now() +
                  detail::Backoff(pool_->options().reconnect, failed_attempts_, jitter_random_);
  ++failed_attempts_;
}

template <typename T, typename Op>
T RedisService::Run(std::string_view operation, T empty, Op&& op) {
  std::shared_ptr<ClientPool> pool = PoolFor(operation);
  if (!pool) {
    Skipped(operation);
    return empty;
  }
  try {
    ClientLease lease(std::move(pool));
    T result = op(*lease);
    MarkUp();
    return result;
  } catch (const Error& error) {
    if (!IsConnectionError(error.kind())) throw;
    MarkDown(error);
    if (config_.fallback != Fallback::kDegrade) throw;
    Skipped(operation);
    return empty;
  }
}

bool RedisService::set(std::string_view key, std::string_view value, const SetOptions& options) {
  return Run("SET", false, [&](Client& client) { return client.set(key, value, options); });
}

bool RedisService::set(std::string_view key, std::string_view value,
                       std::chrono::milliseconds ttl) {
  SetOptions options;
  options.ttl = ttl;
  return set(key, value, options);
}

std::optional<std::string> RedisService::get(std::string_view key) {
  return Run("GET", std::optional<std::string>(), [&](Client& client) { return client.get(key); });
}

bool RedisService::exists(std::string_view key) {
  return Run("EXISTS", false, [&](Client& client) { return client.exists(key); });
}

int64_t RedisService::del(std::string_view key) {
  return Run("DEL", int64_t{0}, [&](Client& client) { return client.del(key); });
}

bool RedisService::expire(std::string_view key, std::chrono::milliseconds ttl) {
  return Run("EXPIRE", false, [&](Client& client) { return client.expire(key, ttl); });
}

int64_t RedisService::hset(std::string_view key, std::string_view field, std::string_view value) {
  return Run("HSET", int64_t{0}, [&](Client& client) { return client.hset(key, field, value); });
}

std::optional<std::string> RedisService::hget(std::string_view key, std::string_view field) {
  return Run("HGET", std::optional<std::string>(),
             [&](Client& client) { return client.hget(key, field); });
}

std::unordered_map<std::string, std::string> RedisService::hgetall(std::string_view key) {
  return Run("HGETALL", std::unordered_map<std::string, std::string>(),
             [&](Client& client) { return client.hgetall(key); });
}

int64_t RedisService::publish(std::string_view channel, std::string_view message) {
  return Run("PUBLISH", int64_t{0},
             [&](Client& client) { return client.publish(channel, message); });
}

ClientLease RedisService::client() {
  std::shared_ptr<ClientPool> pool;
  {
    std::lock_guard lock(mutex_);
    pool = pool_;
  }
  if (!pool) {
    throw Error(ErrorKind::kNotConnected, "Redis not connected: call connect() before client()",
                true);
  }
  try {
    return ClientLease(std::move(pool));
  } catch (const Error& error) {
    if (IsConnectionError(error.kind())) MarkDown(error);
    throw;
  }
}

std::optional<ClientLease> RedisService::try_client() {
  std::shared_ptr<ClientPool> pool = PoolFor("client");
  if (!pool) return std::nullopt;
  try {
    std::optional<ClientLease> lease(ClientLease(std::move(pool)));
    MarkUp();
    return lease;
  } catch (const Error& error) {
    if (!IsConnectionError(error.kind())) throw;
    MarkDown(error);
    if (config_.fallback != Fallback::kDegrade) throw;
    return std::nullopt;
  }
}

bool RedisService::is_connected() {
  std::shared_ptr<ClientPool> pool;
  {
    std::lock_guard lock(mutex_);
    if (mode_ == Mode::kNone) return false;
    if (mode_ == Mode::kEmbedded) return true;
    if (down_ && std::chrono::steady_clock::now() < next_attempt_) return false;
    pool = pool_;
  }
  try {
    ClientLease lease(std::move(pool));
    MarkUp();
    return true;
  } catch (const Error& error) {
    if (!IsConnectionError(error.kind())) throw;
    MarkDown(error);
    return false;
  }
}

template <typename Subscribe>
void RedisService::WithSubscriber(std::string_view operation, Subscribe&& subscribe) {
  // Through Run, for the same skipping (degrade mode) and connection-error handling as a
  // command; the subscriber's own connection takes the pooled client's options.
  Run(operation, true, [&](Client& client) {
    std::shared_ptr<Subscriber> subscriber;
    {
      std::lock_guard lock(mutex_);
      if (!subscriber_) subscriber_ = std::make_shared<Subscriber>(client.options());
      subscriber = subscriber_;
    }
    subscribe(*subscriber);
    return true;
  });
}

void RedisService::subscribe(const std::vector<std::string>& channels,
                             Subscriber::Handler handler) {
  WithSubscriber("SUBSCRIBE", [&](Subscriber& subscriber) {
    subscriber.subscribe(channels, std::move(handler));
  });
}

void RedisService::psubscribe(const std::vector<std::string>& patterns,
                              Subscriber::Handler handler) {
  WithSubscriber("PSUBSCRIBE", [&](Subscriber& subscriber) {
    subscriber.psubscribe(patterns, std::move(handler));
  });
}

void RedisService::unsubscribe(const std::vector<std::string>& channels) {
  std::shared_ptr<Subscriber> subscriber;
  {
    std::lock_guard lock(mutex_);
    subscriber = subscriber_;
  }
  if (subscriber) subscriber->unsubscribe(channels);
}

void RedisService::punsubscribe(const std::vector<std::string>& patterns) {
  std::shared_ptr<Subscriber> subscriber;
  {
    std::lock_guard lock(mutex_);
    subscriber = subscriber_;
  }
  if (subscriber) subscriber->punsubscribe(patterns);
}

HealthReport RedisService::health_check() {
  HealthReport report;
  std::shared_ptr<ClientPool> pool;
  Mode mode;
  {
    std::lock_guard lock(mutex_);
    mode = mode_;
    pool = pool_;
  }
  report.mode = std::string(ModeName(mode));
  if (mode == Mode::kEmbedded) {
    report.host = "embedded";
  } else {
    report.host = config_.host;
    report.port = config_.port;
  }
  if (mode == Mode::kNone) {
    report.status = "disconnected";
    report.error = "not connected: connect() was not called, or disconnect() was";
    return report;
  }
  try {
    ClientLease lease(std::move(pool));
    const auto start = std::chrono::steady_clock::now();
    lease->ping();
    report.latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    report.status = mode == Mode::kEmbedded ? "embedded" : "connected";
    MarkUp();
  } catch (const Error& error) {
    // Whatever kept PING from answering is the report; a lost connection is also remembered.
    if (IsConnectionError(error.kind())) MarkDown(error);
    report.status = config_.fallback == Fallback::kDegrade ? "degraded" : "disconnected";
    report.error = error.what();
  }
  return report;
}

}  // namespace understudy::client::service
