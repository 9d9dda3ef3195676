#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "asio/ip/tcp.hpp"
#include "resp/request_parser.h"
#include "server/engine/client_state.h"
#include "server/engine/engine.h"

namespace understudy::server {

using engine::ClientState;
using engine::Config;
using engine::Engine;

class Server;

// One client socket. Reads into a reusable buffer, runs every complete request in it, and
// sends all their replies with one write, so pipelined requests cost one syscall each way.
// Reading continues while a write is in flight, until the unsent output grows too large
// (a client that does not read its replies stops being read).
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, Engine& engine, Server& server);

  void Start();
  // Closes the socket at once; pending replies are dropped.
  void Close();
  uint64_t id() const { return client_.id; }

 private:
  void Read();
  void OnRead(const std::error_code& error, size_t bytes);
  void ProcessInput();
  void Flush();
  void OnWritten(const std::error_code& error);
  // Makes room for at least `want` more bytes after the buffered input.
  void ReserveInput(size_t want);
  // Returns an idle buffer that grew for a large request to its initial size.
  void ShrinkIdleInput();

  asio::ip::tcp::socket socket_;
  Engine& engine_;
  Server& server_;
  ClientState client_;
  resp::RequestParser parser_;

  // Uninitialised storage: memory becomes resident only as bytes arrive.
  std::unique_ptr<char[]> input_;
  size_t input_capacity_ = 0;
  size_t input_begin_ = 0;  // first unconsumed byte
  size_t input_end_ = 0;    // one past the last received byte

  std::string output_;   // replies not yet handed to the socket
  std::string writing_;  // replies the socket is sending
  bool reading_ = false;
  bool writing_in_flight_ = false;
  bool closed_ = false;
};

}  // namespace understudy::server
