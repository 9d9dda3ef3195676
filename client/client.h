#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "asio/io_context.hpp"
#include "client/command.h"
#include "client/commands.h"
#include "client/connection.h"
#include "client/error.h"
#include "client/options.h"
#include "client/request.h"
#include "resp/reply.h"

namespace understudy::client {

// A synchronous client: each call sends its command(s) and returns the reply, running the
// connection's I/O on the calling thread (no thread of its own, no hop). One thread at a time
// may use it; share one between threads through ClientPool, or use AsyncClient.
//
// The first call connects. A connection found broken (the server restarted) is re-opened by
// the next call; while reconnecting fails, calls fail at once with kNotConnected until the
// capped, jittered backoff allows another attempt.
class Client : public Commands<Client> {
 public:
  explicit Client(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Connects now (otherwise the first command does); throws Error.
  void connect();
  // Handles what arrived since the last call (a closed connection), then answers.
  bool connected();
  void close();

  // Sends every command of the request in one write (a pipeline) and returns one reply per
  // command, in order; error replies are returned as replies, not thrown. Throws Error only
  // when the replies never came.
  std::vector<resp::Reply> execute(const Request& request);

  const Options& options() const { return options_; }
  // False once a command left state on the connection that outlives it (an open MULTI or
  // WATCH, another database, a subscription, AUTH, CLIENT REPLY...): ClientPool then closes the
  // connection rather than lend it on. close() makes the client reusable again.
  bool reusable() const { return !session_changed_ && !in_transaction_; }
  // The protocol agreed with the server (RESP3 when HELLO 3 succeeded).
  resp::Protocol protocol() const;
  // Receives pushes (RESP3 invalidations, messages) that arrive during calls. Set before
  // connecting.
  void set_push_handler(Connection::PushHandler handler);

  // For Commands.
  resp::Reply RunCommand(const Command& command, std::optional<std::chrono::milliseconds> timeout);

 private:
  void EnsureConnected();
  void ConnectNow();
  std::vector<resp::Reply> Execute(Request request);

  Options options_;
  asio::io_context io_{1};
  std::shared_ptr<Connection> connection_;
  Connection::PushHandler push_handler_;
  bool session_changed_ = false;
  bool in_transaction_ = false;
  int failed_attempts_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::minstd_rand jitter_random_{std::random_device{}()};
};

}  // namespace understudy::client
