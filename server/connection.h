#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

#include "asio/ip/tcp.hpp"
#include "resp/request_parser.h"
#include "server/engine/client.h"
#include "server/engine/engine.h"

namespace understudy::server {

class Server;

// One client socket: the transport of one engine client. Reads into a reusable buffer, runs
// every complete request in it, and sends all their replies with one write, so pipelined
// requests cost one syscall each way. Reading continues while a write is in flight, until the
// unsent output grows too large (a client that does not read its replies stops being read).
// While its client is blocked (BLPOP) or paused, its requests wait in the buffer.
class Connection : public std::enable_shared_from_this<Connection>,
                   public engine::ClientTransport {
 public:
  Connection(asio::ip::tcp::socket socket, engine::Engine& engine, Server& server);

  void Start();
  // Closes the socket at once; pending replies are dropped.
  void Close();
  uint64_t id() const { return id_; }

  void OutputReady() override;
  void Resumed() override;
  void RequestClose() override;

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
  engine::Engine& engine_;
  Server& server_;
  engine::Client* client_;  // owned by the engine; null once closed
  uint64_t id_;
  resp::RequestParser parser_;

  // Uninitialised storage: memory becomes resident only as bytes arrive.
  std::unique_ptr<char[]> input_;
  size_t input_capacity_ = 0;
  size_t input_begin_ = 0;  // first unconsumed byte
  size_t input_end_ = 0;    // one past the last received byte

  std::string writing_;  // replies the socket is sending; the rest wait in client_->output
  bool reading_ = false;
  bool writing_in_flight_ = false;
  bool closed_ = false;
};

}  // namespace understudy::server
