#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "client/client.h"
#include "client/error.h"
#include "client/pool.h"
#include "client/service/config.h"
#include "client/subscriber.h"

namespace understudy::runtime {
class EngineHost;
}

namespace understudy::client::service {

// Where the service's commands go.
enum class Mode : uint8_t {
  kNone,      // not connected: before connect() and after disconnect()
  kServer,    // a Redis server over TCP or TLS (in degrade mode, possibly down for now)
  kEmbedded,  // the understudy engine inside this process
};

std::string_view ModeName(Mode mode);

// What health_check found.
struct HealthReport {
  // "connected" (a server answered PING), "embedded" (the in-process engine answered),
  // "degraded" (no server answered and REDIS_FALLBACK=degrade: operations are being skipped),
  // "disconnected" (not connected, or the server did not answer).
  std::string status;
  std::optional<std::chrono::microseconds> latency;  // PING's round trip, when it answered
  std::string host;                                  // the server's host, or "embedded"
  std::optional<uint16_t> port;                      // none when embedded
  std::string mode;                                  // ModeName
  std::string error;                                 // why PING did not answer

  bool healthy() const { return status == "connected" || status == "embedded"; }
  // "0.214ms"; "" without a latency.
  std::string LatencyText() const;
  // One JSON object: {"status":..., "latency":"0.214ms", "host":..., "port":6379 or "embedded",
  // "mode":..., "error":...}.
  std::string ToJson() const;
};

// A client lent by the service's pool for one thread's use; returned when it goes out of scope.
// It keeps the pool alive, so disconnect() while a lease is out is safe.
class ClientLease {
 public:
  Client& operator*() const { return *lease_; }
  Client* operator->() const { return &*lease_; }

 private:
  friend class RedisService;
  explicit ClientLease(std::shared_ptr<ClientPool> pool)
      : pool_(std::move(pool)), lease_(pool_->acquire()) {}
  std::shared_ptr<ClientPool> pool_;  // declared first: outlives the lease
  ClientPool::Lease lease_;
};

// The application's one handle on Redis: the seed's redisService in C++. Thread-safe: commands
// from many threads share a pool of connections.
//
// connect() reaches the configured server. When none answers (nothing listens, the host does
// not resolve, the connect times out), ServiceConfig::fallback decides:
//   embedded: the understudy engine starts inside the process and every call below goes to it,
//             Pub/Sub and blocking commands included; one warning says so.
//   degrade:  nothing throws for want of a connection: each operation logs
//             "Redis not connected - skipping GET operation" and returns its empty default
//             (nullopt, false, 0, an empty map), now and whenever the connection is down later;
//             the service tries the server again, with backoff, as operations come.
//   off:      connect() throws the connection error.
// A server that answers but refuses the credentials or the TLS handshake throws in every mode:
// that is a configuration to fix, not a missing server. A server's error reply (WRONGTYPE)
// throws Error(kServer) in every mode.
//
// The fallback is chosen at connect only: once connected to a server, losing it makes calls
// fail with a connection error (degrade: skipped) while the clients reconnect with backoff; the
// service never switches to an empty in-process store behind the caller's back.
class RedisService {
 public:
  // From the REDIS_* environment (ServiceConfig::FromEnvironment).
  RedisService();
  explicit RedisService(ServiceConfig config);
  // Uses this in-process engine instead of any server (tests; see EmbeddedRedis).
  RedisService(ServiceConfig config, std::shared_ptr<runtime::EngineHost> engine);
  ~RedisService();
  RedisService(const RedisService&) = delete;
  RedisService& operator=(const RedisService&) = delete;

  void connect();
  // Closes every connection (and stops an embedded engine the service started: its data goes).
  void disconnect();
  // Asks: a server mode borrows a connection (re-opening a broken one) to find out.
  bool is_connected();
  Mode mode() const;
  const ServiceConfig& config() const { return config_; }

  // The seed's operations. SET's options cover EX/PX/NX/XX/KEEPTTL/PXAT; true when it was set.
  bool set(std::string_view key, std::string_view value, const SetOptions& options = {});
  bool set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl);
  std::optional<std::string> get(std::string_view key);
  bool exists(std::string_view key);
  int64_t del(std::string_view key);  // keys removed
  bool expire(std::string_view key, std::chrono::milliseconds ttl);
  int64_t hset(std::string_view key, std::string_view field, std::string_view value);
  std::optional<std::string> hget(std::string_view key, std::string_view field);
  std::unordered_map<std::string, std::string> hgetall(std::string_view key);
  int64_t publish(std::string_view channel, std::string_view message);  // receivers

  // A pooled client for everything else: service.client()->lpush(...). Throws
  // Error(kNotConnected) when not connected, or the connection error.
  ClientLease client();
  // The seed's getClient(): nullopt where the seed has null (not connected; in degrade mode,
  // the connection down), otherwise a lease.
  std::optional<ClientLease> try_client();

  // Pub/Sub on the service's own subscriber connection (created on first use); handlers run on
  // its thread. In degrade mode without a connection: skipped with the warning.
  void subscribe(const std::vector<std::string>& channels, Subscriber::Handler handler);
  void psubscribe(const std::vector<std::string>& patterns, Subscriber::Handler handler);
  void unsubscribe(const std::vector<std::string>& channels = {});
  void punsubscribe(const std::vector<std::string>& patterns = {});

  // PINGs and reports; never throws for want of a connection.
  HealthReport health_check();

  // The in-process engine in embedded mode (else null): tests move its clock.
  std::shared_ptr<runtime::EngineHost> engine() const;

 private:
  // Runs op on a pooled client; in degrade mode a missing connection returns `empty`.
  template <typename T, typename Op>
  T Run(std::string_view operation, T empty, Op&& op);
  // The pool to use now, or null when the operation is to be skipped (degrade mode, down).
  // Throws Error(kNotConnected) before connect() outside degrade mode.
  std::shared_ptr<ClientPool> PoolFor(std::string_view operation);
  template <typename Subscribe>
  void WithSubscriber(std::string_view operation, Subscribe&& subscribe);
  void Skipped(std::string_view operation);
  void MarkUp();
  void MarkDown(const Error& error);
  void StartEmbedded(std::shared_ptr<runtime::EngineHost> engine);

  const ServiceConfig config_;
  std::shared_ptr<runtime::EngineHost> given_engine_;
  std::mutex connect_mutex_;  // connect and disconnect, one at a time
  mutable std::mutex mutex_;  // the fields below
  Mode mode_ = Mode::kNone;
  std::shared_ptr<ClientPool> pool_;
  std::shared_ptr<runtime::EngineHost> engine_;
  std::shared_ptr<Subscriber> subscriber_;
  bool down_ = false;  // the last exchange with the server failed for want of a connection
  int failed_attempts_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::minstd_rand jitter_random_{std::random_device{}()};
};

// True for the kinds that mean "no connection" (as opposed to a server's refusal or a bug).
bool IsConnectionError(ErrorKind kind);

}  // namespace understudy::client::service
