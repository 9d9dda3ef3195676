#pragma once

#include <memory>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "asio/any_io_executor.hpp"
#include "asio/awaitable.hpp"
#include "asio/buffer.hpp"
#include "asio/ip/tcp.hpp"
#include "asio/ssl/context.hpp"
#include "asio/ssl/stream.hpp"
#include "asio/write.hpp"
#include "client/detail/in_process_stream.h"
#include "client/detail/unique_function.h"
#include "client/options.h"

namespace understudy::client::detail {

// The TLS settings of Options as an OpenSSL context; throws Error(kTls or kConfig) naming the
// file it could not load.
std::unique_ptr<asio::ssl::context> MakeTlsContext(const TlsOptions& tls);

// One connection's byte stream: TCP, TLS over TCP, or an in-process engine stream. The
// connection above it neither knows nor cares which.
class Stream {
 public:
  Stream() = default;
  Stream(Stream&&) noexcept = default;
  Stream& operator=(Stream&&) noexcept = default;

  // Resolves, connects and (for TLS) handshakes within options.connect_timeout. Throws Error:
  // kResolve, kConnectionRefused, kConnectTimeout or kTls.
  static asio::awaitable<Stream> Open(asio::any_io_executor executor, const Options& options,
                                      asio::ssl::context* tls);

  bool is_open() const { return !std::holds_alternative<std::monostate>(stream_); }

  template <typename Handler>
  void AsyncReadSome(asio::mutable_buffer buffer, Handler&& handler) {
    std::visit(
        [&](auto& stream) {
          using S = std::decay_t<decltype(stream)>;
          if constexpr (std::is_same_v<S, std::monostate>) {
            Fail(std::forward<Handler>(handler));
          } else if constexpr (std::is_same_v<S, InProcessStream>) {
            stream.AsyncReadSome(buffer, std::forward<Handler>(handler));
          } else {
            stream.async_read_some(buffer, std::forward<Handler>(handler));
          }
        },
        stream_);
  }

  // Writes every buffer; the in-process stream copies them at once.
  template <typename Handler>
  void AsyncWrite(const std::vector<asio::const_buffer>& buffers, Handler&& handler) {
    std::visit(
        [&](auto& stream) {
          using S = std::decay_t<decltype(stream)>;
          if constexpr (std::is_same_v<S, std::monostate>) {
            Fail(std::forward<Handler>(handler));
          } else if constexpr (std::is_same_v<S, InProcessStream>) {
            WriteInProcess(stream, buffers, std::forward<Handler>(handler));
          } else {
            asio::async_write(stream, buffers, std::forward<Handler>(handler));
          }
        },
        stream_);
  }

  void Close();

 private:
  void Fail(UniqueFunction<void(std::error_code, size_t)> handler);
  void WriteInProcess(InProcessStream& stream, const std::vector<asio::const_buffer>& buffers,
                      UniqueFunction<void(std::error_code, size_t)> handler);

  asio::any_io_executor executor_;
  std::variant<std::monostate, asio::ip::tcp::socket, asio::ssl::stream<asio::ip::tcp::socket>,
               InProcessStream>
      stream_;
};

}  // namespace understudy::client::detail
