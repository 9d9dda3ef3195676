#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "asio/executor_work_guard.hpp"
#include "asio/io_context.hpp"
#include "client/connection.h"
#include "client/options.h"

namespace understudy::client {

enum class MessageKind : uint8_t { kChannel, kPattern, kShard };

struct Message {
  MessageKind kind = MessageKind::kChannel;
  std::string channel;
  std::string pattern;  // for kPattern: the pattern that matched
  std::string payload;
};

// Pub/Sub on a dedicated connection with its own I/O thread: handlers run on that thread, in
// the order messages arrive. After a lost connection it reconnects with backoff and subscribes
// again to everything it had, so handlers keep receiving (messages published while it was
// away are lost, as with Redis).
class Subscriber {
 public:
  using Handler = std::function<void(const Message&)>;

  explicit Subscriber(Options options);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Each returns once the server confirmed every name, so that a message published afterwards
  // is received. Throws Error (the connection, or the server's refusal such as NOPERM). Called
  // from a handler, on the subscriber's own thread, they return at once instead (waiting there
  // would stall the thread that reads the confirmation) and a refusal is logged.
  void subscribe(const std::vector<std::string>& channels, Handler handler);
  void psubscribe(const std::vector<std::string>& patterns, Handler handler);
  void ssubscribe(const std::vector<std::string>& channels, Handler handler);
  // Without names: from every one of that kind.
  void unsubscribe(const std::vector<std::string>& channels = {});
  void punsubscribe(const std::vector<std::string>& patterns = {});
  void sunsubscribe(const std::vector<std::string>& channels = {});

  bool connected() const { return connection_->connected(); }
  resp::Protocol protocol() const { return connection_->protocol(); }
  void close();

 private:
  void Subscribe(MessageKind kind, std::string_view verb, const std::vector<std::string>& names,
                 Handler handler);
  void Unsubscribe(MessageKind kind, std::string_view verb, const std::vector<std::string>& names);
  void Send(Request request);
  void OnPush(const resp::Reply& push);

  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<Connection> connection_;
  std::mutex mutex_;
  absl::flat_hash_map<std::string, Handler> handlers_[3];
  std::thread thread_;
};

}  // namespace understudy::client
