#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_set.h"
#include "resp/reply_writer.h"
#include "server/engine/tracking.h"
#include "server/engine/transactions.h"
#include "store/value.h"

namespace understudy::engine {

// Sizes of the transport's buffers as CLIENT LIST reports them.
struct BufferFigures {
  size_t query_buffer = 0;       // qbuf: unparsed input
  size_t query_buffer_free = 0;  // qbuf-free
  size_t read_buffer_size = 0;   // rbs
  size_t read_buffer_peak = 0;   // rbp
  size_t output_in_flight = 0;   // bytes handed to the socket and not yet written
};

// What carries a client's bytes: a socket connection or an in-process caller. The engine calls
// it on its own thread, never from inside the transport's own call into the engine.
class ClientTransport {
 public:
  virtual ~ClientTransport() = default;
  // Output was added to Client::output outside the client's own request (a blocked command was
  // served, a push arrived): send it.
  virtual void OutputReady() = 0;
  // The client is no longer blocked or paused: go on with its pending requests. Must not call
  // Execute synchronously (the engine may be inside another client's command).
  virtual void Resumed() = 0;
  // The engine wants the client gone (CLIENT KILL, a buffer limit, shutdown): close it soon,
  // dropping unsent output, and Engine::Unregister it. Must not unregister synchronously.
  virtual void RequestClose() = 0;
  // The transport's buffer sizes, for CLIENT LIST.
  virtual BufferFigures buffers() const { return {}; }
};

// What a Pub/Sub subscription names: a channel (SUBSCRIBE), a glob pattern of channels
// (PSUBSCRIBE) or a shard channel (SSUBSCRIBE).
enum class PubSubKind : uint8_t { kChannel = 0, kPattern = 1, kShardChannel = 2 };
inline constexpr int kPubSubKinds = 3;

enum class ReplyMode : uint8_t { kOn, kOff, kSkip, kSkipNext };

// How a blocked command answers when its deadline passes.
enum class TimeoutReply : uint8_t { kNullArray, kNull };

// A command parked until one of its keys is ready or its deadline passes. It owns its
// arguments: the transport's input buffer moves on while it waits.
struct BlockedCommand {
  std::vector<std::string> args;
  std::vector<std::string> keys;
  int db = 0;
  store::ValueType wants = store::ValueType::kList;  // a key of another type does not wake it
  int64_t deadline_ms = 0;                           // 0: waits for ever
  TimeoutReply timeout_reply = TimeoutReply::kNullArray;
  bool postponed = false;  // parked by CLIENT PAUSE rather than by a blocking command
};

// One client of the engine, socket or in-process alike. The engine owns it (see
// Engine::Register); commands read and change it through CommandContext::client.
struct AclUser;

struct Client {
  uint64_t id = 0;
  int db = 0;
  resp::Protocol protocol = resp::Protocol::kResp2;
  std::string name;
  std::string addr = "";   // "ip:port"; empty for an in-process client
  std::string laddr = "";  // the local address the client connected to
  int fd = -1;             // -1 for an in-process client
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;    // last request, read or write: the idle timeout's clock
  std::string last_command = "NULL";  // CLIENT LIST's cmd field: "client|list"
  // The ACL user the client runs as (never null; see Engine::Register), and whether it has
  // authenticated: a client that connects while the default user needs no password has.
  const AclUser* user = nullptr;
  bool authenticated = false;

  // Replies and pushes not yet taken by the transport.
  std::string output;
  ReplyMode reply_mode = ReplyMode::kOn;
  bool no_evict = false;
  // Set by QUIT and by protocol errors: send the replies, then close.
  bool close_after_reply = false;
  // Set when the engine asked the transport to close the client.
  bool closing = false;
  // Since when the unsent output has been over the soft output buffer limit; 0: it is not.
  int64_t output_over_soft_limit_since_ms = 0;

  std::unique_ptr<BlockedCommand> blocked;
  std::unique_ptr<Transaction> transaction;  // non-null between MULTI and EXEC or DISCARD
  std::vector<std::pair<int, std::string>> watched;  // (db, key) of each WATCH
  bool watch_broken = false;                         // a watched key changed since WATCH
  // Running EXEC's commands, or a script's client: a blocking command answers as if timed out.
  bool in_exec = false;
  ClientTracking tracking;  // CLIENT TRACKING
  ClientTransport* transport = nullptr;

  // Pub/Sub subscriptions by PubSubKind; sorted, which is the order UNSUBSCRIBE without
  // arguments reports them in.
  absl::btree_set<std::string> subscriptions[kPubSubKinds];

  bool is_blocked() const { return blocked != nullptr; }
  const absl::btree_set<std::string>& subscribed(PubSubKind kind) const {
    return subscriptions[static_cast<int>(kind)];
  }
  size_t subscription_count(PubSubKind kind) const { return subscribed(kind).size(); }
  // A client with any subscription is of the pubsub class (CLIENT LIST flag P, output limits)
  // and, under RESP2, may send only the commands of that mode.
  bool in_pubsub() const {
    return !subscriptions[0].empty() || !subscriptions[1].empty() || !subscriptions[2].empty();
  }
};

}  // namespace understudy::engine
