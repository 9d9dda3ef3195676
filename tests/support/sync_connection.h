#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "resp/reply.h"

namespace understudy::testing {

// Encodes one request as a RESP multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n").
std::string EncodeCommand(std::span<const std::string_view> args);

// A minimal blocking connection to a Redis-compatible server, for tests and tools.
//
// Every connect, read and write is bounded by timeout(): a silent server yields
// DeadlineExceeded, never a hang. A server error reply ("-ERR ...") is an ordinary Reply of
// type kError; only transport and protocol failures are non-OK statuses. Replies are read in
// order, so several requests may be written before their replies are read (pipelining).
//
// Movable, not copyable; a moved-from connection may only be destroyed or assigned to.
class SyncConnection {
 public:
  static absl::StatusOr<SyncConnection> Connect(
      std::string host, uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  SyncConnection(SyncConnection&&) noexcept;
  SyncConnection& operator=(SyncConnection&&) noexcept;
  ~SyncConnection();

  // Sends one command and reads its reply.
  absl::StatusOr<resp::Reply> Command(std::vector<std::string_view> args);

  // Sends bytes exactly as given: inline commands, pipelines, malformed requests.
  absl::Status WriteRaw(std::string_view bytes);

  // Reads the next reply. After the server closes the connection, answers Unavailable and
  // closed() turns true; replies received before the close are still returned first.
  absl::StatusOr<resp::Reply> ReadReply();

  // True once a read found that the server closed (or reset) the connection.
  bool closed() const;

  std::chrono::milliseconds timeout() const;
  void set_timeout(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit SyncConnection(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace understudy::testing
