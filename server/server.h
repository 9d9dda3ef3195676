#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "asio/io_context.hpp"
#include "asio/ip/tcp.hpp"
#include "server/engine/engine.h"

namespace understudy::server {

using engine::Config;
using engine::Engine;

class Connection;

// Whether a peer is on this host, as Redis's connIsLocal (IPv4 mapped into IPv6 included): in
// protected mode only such peers are served.
bool IsLoopback(const asio::ip::address& address);

// Accepts TCP clients on the configured addresses and serves them from one event loop, like
// Redis's main thread: every connection's commands run on the io_context's thread. As Redis, it
// refuses clients beyond maxclients, and, in protected mode, clients from other hosts than
// this one (understudy has no password yet).
class Server {
 public:
  Server(asio::io_context& io, Engine& engine);
  ~Server();

  // Binds every configured address on the configured port (port 0 picks a free one).
  absl::Status Listen();
  // The port actually bound (differs from the configured one when that was 0).
  uint16_t port() const { return port_; }

  // Stops accepting and closes every connection; io.run() returns once the engine's timers
  // are gone too.
  void Stop();

  // Called by a connection once it has closed.
  void Forget(uint64_t client_id);
  size_t connection_count() const { return connections_.size(); }

 private:
  void Accept(asio::ip::tcp::acceptor& acceptor);

  asio::io_context& io_;
  Engine& engine_;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  // Keeps each connection alive while it waits with no I/O pending (a blocked client whose
  // requests wait in its buffer), until it closes.
  absl::flat_hash_map<uint64_t, std::shared_ptr<Connection>> connections_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace understudy::server
