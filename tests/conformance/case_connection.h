#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "resp/reply.h"

namespace understudy::testing {

// A connection of a conformance case to 127.0.0.1. A non-blocking socket driven by poll(), so
// that every read and write has a deadline and Arrived() can see any byte the server sends.
// Movable, not copyable.
class CaseConnection {
 public:
  // How long a connect, a read or a write without progress may take before it fails.
  static constexpr std::chrono::milliseconds kTimeout{5000};

  static absl::StatusOr<CaseConnection> Open(uint16_t port);

  CaseConnection(CaseConnection&& other) noexcept;
  CaseConnection& operator=(CaseConnection&& other) noexcept;
  ~CaseConnection();

  absl::Status Write(std::string_view bytes);

  // The next reply (or RESP3 push). DeadlineExceeded if none is complete within timeout;
  // Unavailable once the server closed the connection and every reply before the close has
  // been read, and then closed() is true.
  absl::StatusOr<resp::Reply> Read(std::chrono::milliseconds timeout = kTimeout);

  // Writes one multibulk request and reads its reply.
  absl::StatusOr<resp::Reply> Command(const std::vector<std::string>& args);

  // What arrived within period, nullopt if nothing: a reply's rendering, "(closed)", or the
  // bytes of an incomplete reply.
  std::optional<std::string> Arrived(std::chrono::milliseconds period);

  bool closed() const { return closed_; }

 private:
  explicit CaseConnection(int fd) : fd_(fd) {}
  // Waits until the socket is ready for events (POLLIN or POLLOUT) or the timeout passes.
  absl::Status Poll(short events, std::chrono::milliseconds timeout);
  // Appends what the socket holds to buffer_, or notes that the server closed.
  absl::Status Receive();

  int fd_ = -1;
  std::string buffer_;  // received bytes not yet parsed into replies
  resp::ReplyParser parser_;
  bool closed_ = false;
};

}  // namespace understudy::testing
