#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/command.h"

namespace understudy::client {

// How a Pub/Sub command is answered: by one confirmation per name (or, without names, one per
// current subscription) rather than by one reply.
enum class PubSubAction : uint8_t {
  kNone,
  kSubscribe,
  kUnsubscribe,
  kPSubscribe,
  kPUnsubscribe,
  kSSubscribe,
  kSUnsubscribe,
};

PubSubAction PubSubActionOf(std::string_view command_name);

// What a command leaves behind on its connection, beyond its reply: a pool must not lend a
// connection on to the next user in a transaction, another database or a subscription.
enum class SessionEffect : uint8_t {
  kNone,
  kOpensTransaction,   // MULTI, WATCH
  kClosesTransaction,  // EXEC, DISCARD, UNWATCH
  kChangesSession,     // SELECT, AUTH, HELLO, the subscribe family, MONITOR, CLIENT REPLY...
};

SessionEffect SessionEffectOf(const Command& command);

// Commands sent together in one write and answered together, one reply each, in order: a
// single command, a pipeline, or a transaction's MULTI ... EXEC.
class Request {
 public:
  Request() = default;
  explicit Request(const Command& command) { Add(command); }

  Request& Add(const Command& command);
  template <typename First, typename... Rest>
    requires(sizeof...(Rest) > 0 || !std::is_same_v<std::decay_t<First>, Command>)
  Request& Add(First&& first, Rest&&... rest) {
    return Add(Command(std::forward<First>(first), std::forward<Rest>(rest)...));
  }

  // Appends another request's commands after these.
  Request& AppendRequest(const Request& other);

  size_t size() const { return shapes_.size(); }
  bool empty() const { return shapes_.empty(); }
  const std::string& payload() const { return payload_; }

  // Overrides Options::command_timeout for this request (0: wait for ever), e.g. for a blocking
  // pop that may legitimately wait longer.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  const std::optional<std::chrono::milliseconds>& timeout() const { return timeout_; }

  struct Shape {
    PubSubAction pubsub = PubSubAction::kNone;
    uint32_t names = 0;  // the names a Pub/Sub command lists
    SessionEffect effect = SessionEffect::kNone;
  };
  const std::vector<Shape>& shapes() const { return shapes_; }
  std::string TakePayload() { return std::move(payload_); }

 private:
  std::string payload_;
  std::vector<Shape> shapes_;
  std::optional<std::chrono::milliseconds> timeout_;
};

}  // namespace understudy::client
