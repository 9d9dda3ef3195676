#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "resp/reply_writer.h"
#include "server/engine/client_state.h"
#include "server/engine/command_table.h"
#include "server/engine/config.h"
#include "store/clock.h"
#include "store/database.h"

namespace understudy::engine {

// The command engine: keyspace, command table and dispatch, with no sockets. The network
// server feeds it requests; the client library can run it in process.
class Engine {
 public:
  Engine(const store::Clock& clock, Config config);

  // Runs one request (args[0] is the command name) and writes its reply.
  void Execute(ClientState& client, std::span<const std::string_view> args,
               resp::ReplyWriter& reply);

  // Periodic housekeeping (active expiry); the server calls it config().hz times a second.
  void Cron();

  store::Keyspace& keyspace() { return keyspace_; }
  const store::Clock& clock() const { return clock_; }
  const CommandTable& commands() const { return commands_; }
  const Config& config() const { return config_; }
  Config& mutable_config() { return config_; }

  // Client bookkeeping for INFO, called by whoever owns a ClientState (a socket or an
  // embedded client).
  void ClientConnected() {
    ++connected_clients_;
    ++total_connections_received_;
  }
  void ClientDisconnected() { --connected_clients_; }

  uint64_t NextClientId() { return ++last_client_id_; }
  int64_t start_time_ms() const { return start_time_ms_; }
  uint64_t connected_clients() const { return connected_clients_; }
  uint64_t total_connections_received() const { return total_connections_received_; }
  uint64_t total_commands_processed() const { return total_commands_processed_; }

 private:
  const store::Clock& clock_;
  Config config_;
  store::Keyspace keyspace_;
  CommandTable commands_;
  uint64_t last_client_id_ = 0;
  int64_t start_time_ms_;
  uint64_t connected_clients_ = 0;
  uint64_t total_connections_received_ = 0;
  uint64_t total_commands_processed_ = 0;
};

}  // namespace understudy::engine
