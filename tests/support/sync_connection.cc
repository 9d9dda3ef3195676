#include "tests/support/sync_connection.h"

#include <array>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "asio.hpp"
#include "resp/base/strings.h"

namespace understudy::testing {

std::string EncodeCommand(std::span<const std::string_view> args) {
  std::string out = absl::StrCat("*", args.size(), "\r\n");
  for (std::string_view arg : args) {
    absl::StrAppend(&out, "$", arg.size(), "\r\n", base::AbslView(arg), "\r\n");
  }
  return out;
}

// Blocking calls are made of async operations run on a private io_context for at most the
// timeout, so that no call can wait forever.
struct SyncConnection::Impl {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  std::string peer;  // "host:port", for messages
  std::chrono::milliseconds timeout;
  std::string buffer;  // received bytes; those before `parsed` were already replies
  size_t parsed = 0;
  resp::ReplyParser parser;
  bool closed = false;

  // Starts `start(handler)` and runs it to completion or until the timeout, then cancels it.
  // Returns the operation's error code, or nullopt on timeout.
  template <typename Start>
  std::optional<asio::error_code> Run(Start start, size_t* transferred = nullptr) {
    std::optional<asio::error_code> result;
    size_t n = 0;
    io.restart();
    start([&](asio::error_code ec, size_t bytes) {
      result = ec;
      n = bytes;
    });
    io.run_for(timeout);
    if (!result) {
      // Cancelled operations still complete (perhaps having transferred bytes): drain them.
      asio::error_code ignored;
      socket.cancel(ignored);
      io.restart();
      io.run();
      if (result && *result == asio::error::operation_aborted) result.reset();
    }
    if (transferred != nullptr) *transferred = n;
    return result;
  }

  absl::Status Timeout(std::string_view what) const {
    return absl::DeadlineExceededError(absl::StrCat("no ", base::AbslView(what), " from ", peer,
                                                    " within ", timeout.count(), " ms"));
  }
};

SyncConnection::SyncConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SyncConnection::SyncConnection(SyncConnection&&) noexcept = default;
SyncConnection& SyncConnection::operator=(SyncConnection&&) noexcept = default;
SyncConnection::~SyncConnection() = default;

absl::StatusOr<SyncConnection> SyncConnection::Connect(std::string host, uint16_t port,
                                                       std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  impl->peer = absl::StrCat(host, ":", port);
  impl->timeout = timeout;

  asio::error_code ec;
  asio::ip::tcp::resolver resolver(impl->io);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", host, ": ", ec.message()));
  }
  std::optional<asio::error_code> result = impl->Run([&](auto handler) {
    asio::async_connect(impl->socket, endpoints,
                        [handler](asio::error_code ec, const auto&) { handler(ec, 0); });
  });
  if (!result) return impl->Timeout("connection");
  if (*result) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", impl->peer, ": ", result->message()));
  }
  impl->socket.set_option(asio::ip::tcp::no_delay(true), ec);
  return SyncConnection(std::move(impl));
}

absl::StatusOr<resp::Reply> SyncConnection::Command(std::vector<std::string_view> args) {
  if (absl::Status status = WriteRaw(EncodeCommand(args)); !status.ok()) return status;
  return ReadReply();
}

absl::Status SyncConnection::WriteRaw(std::string_view bytes) {
  Impl& impl = *impl_;
  size_t written = 0;
  std::optional<asio::error_code> result = impl.Run(
      [&](auto handler) {
        asio::async_write(impl.socket, asio::buffer(bytes.data(), bytes.size()), handler);
      },
      &written);
  if (!result) return impl.Timeout("progress writing");
  if (*result) {
    return absl::UnavailableError(absl::StrCat("write to ", impl.peer, " failed after ", written,
                                               " of ", bytes.size(),
                                               " bytes: ", result->message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<resp::Reply> SyncConnection::ReadReply() {
  Impl& impl = *impl_;
  std::array<char, 16 * 1024> chunk;
  while (true) {
    if (impl.parsed < impl.buffer.size()) {
      switch (impl.parser.Parse(std::string_view(impl.buffer).substr(impl.parsed))) {
        case resp::ReplyParser::Status::kReply: {
          resp::Reply reply = impl.parser.TakeReply();
          impl.parsed += impl.parser.consumed();
          // Drop consumed bytes only once they are most of the buffer, so reading N pipelined
          // replies costs O(N), not O(N^2) front erasures.
          if (impl.parsed * 2 >= impl.buffer.size()) {
            impl.buffer.erase(0, impl.parsed);
            impl.parsed = 0;
          }
          return reply;
        }
        case resp::ReplyParser::Status::kError:
          return absl::DataLossError(absl::StrCat("malformed reply from ", impl.peer, ": ",
                                                  base::AbslView(impl.parser.error())));
        case resp::ReplyParser::Status::kNeedMore:
          break;
      }
    }
    if (impl.closed) {
      return absl::UnavailableError(
          absl::StrCat(impl.peer, " closed the connection",
                       impl.parsed == impl.buffer.size() ? "" : " in the middle of a reply"));
    }
    size_t n = 0;
    std::optional<asio::error_code> result = impl.Run(
        [&](auto handler) { impl.socket.async_read_some(asio::buffer(chunk), handler); }, &n);
    impl.buffer.append(chunk.data(), n);
    if (!result) {
      if (n > 0) continue;  // the read completed just as it timed out
      return impl.Timeout("reply");
    }
    if (*result == asio::error::eof || *result == asio::error::connection_reset) {
      impl.closed = true;
    } else if (*result) {
      return absl::UnavailableError(
          absl::StrCat("read from ", impl.peer, " failed: ", result->message()));
    }
  }
}

bool SyncConnection::closed() const { return impl_->closed; }

std::chrono::milliseconds SyncConnection::timeout() const { return impl_->timeout; }

void SyncConnection::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

}  // namespace understudy::testing
