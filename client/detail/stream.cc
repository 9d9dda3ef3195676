#include "client/detail/stream.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "client/detail/text.h"
#include "asio/connect.hpp"
#include "asio/error.hpp"
#include "asio/ip/address.hpp"
#include "asio/post.hpp"
#include "asio/redirect_error.hpp"
#include "asio/steady_timer.hpp"
#include "asio/use_awaitable.hpp"
#include "client/error.h"
#include "spdlog/spdlog.h"

namespace understudy::client::detail {
namespace {

using asio::ip::tcp;

// Closes the stream being opened when the connect timeout passes; the pending operation then
// fails, and expired() tells why. Everything runs on one strand, and a deadline destroyed
// before its timer's handler ran disarms it, so the handler never touches a closed-over object
// that is gone.
class ConnectDeadline {
 public:
  ConnectDeadline(asio::any_io_executor executor, std::chrono::milliseconds timeout)
      : timer_(executor), state_(std::make_shared<State>()) {
    timer_.expires_after(timeout);
  }
  template <typename CloseFn>
  void Arm(CloseFn close) {
    timer_.async_wait([state = state_, close](const std::error_code& error) mutable {
      if (error || state->disarmed) return;
      state->expired = true;
      close();
    });
  }
  bool expired() const { return state_->expired; }
  ~ConnectDeadline() {
    state_->disarmed = true;
    timer_.cancel();
  }

 private:
  struct State {
    bool expired = false;
    bool disarmed = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

std::string TlsFailure(SSL* ssl, const std::error_code& error) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return detail::Cat("certificate verification failed: ",
                        X509_verify_cert_error_string(verify));
  }
  return error.message();
}

}  // namespace

std::unique_ptr<asio::ssl::context> MakeTlsContext(const TlsOptions& tls) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  std::error_code error;
  if (tls.ca_file.empty()) {
    context->set_default_verify_paths(error);
    if (error) throw Error(ErrorKind::kTls, "cannot load the system's CA store: " + error.message());
  } else {
    context->load_verify_file(tls.ca_file, error);
    if (error) {
      throw Error(ErrorKind::kConfig,
                  detail::Cat("cannot load TLS CA file ", tls.ca_file, ": ", error.message()));
    }
  }
  if (!tls.cert_file.empty()) {
    context->use_certificate_chain_file(tls.cert_file, error);
    if (error) {
      throw Error(ErrorKind::kConfig, detail::Cat("cannot load TLS certificate ", tls.cert_file,
                                                   ": ", error.message()));
    }
    context->use_private_key_file(tls.key_file.empty() ? tls.cert_file : tls.key_file,
                                  asio::ssl::context::pem, error);
    if (error) {
      throw Error(ErrorKind::kConfig,
                  detail::Cat("cannot load TLS key ", tls.key_file, ": ", error.message()));
    }
  }
  if (tls.verify) {
    context->set_verify_mode(asio::ssl::verify_peer);
  } else {
    spdlog::warn("TLS certificate verification is OFF: the server's identity is not checked");
    context->set_verify_mode(asio::ssl::verify_none);
  }
  return context;
}

asio::awaitable<Stream> Stream::Open(asio::any_io_executor executor, const Options& options,
                                     asio::ssl::context* tls) {
  Stream result;
  result.executor_ = executor;
  if (options.engine) {
    result.stream_.emplace<InProcessStream>(executor, options.engine);
    co_return result;
  }
  const std::string endpoint = options.Endpoint();
  ConnectDeadline deadline(executor, options.connect_timeout);

  tcp::resolver resolver(executor);
  deadline.Arm([&resolver] { resolver.cancel(); });
  std::error_code error;
  const auto endpoints =
      co_await resolver.async_resolve(options.host, std::to_string(options.port),
                                      asio::redirect_error(asio::use_awaitable, error));
  if (deadline.expired()) {
    throw Error(ErrorKind::kConnectTimeout,
                detail::Cat("no connection to ", endpoint, " within ",
                             options.connect_timeout.count(), " ms (resolving)"),
                true);
  }
  if (error) {
    throw Error(ErrorKind::kResolve,
                detail::Cat("cannot resolve ", options.host, ": ", error.message()), true);
  }

  tcp::socket socket(executor);
  ConnectDeadline connect_deadline(executor, options.connect_timeout);
  connect_deadline.Arm([&socket] {
    std::error_code ignored;
    socket.close(ignored);
  });
  co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, error));
  if (connect_deadline.expired()) {
    throw Error(ErrorKind::kConnectTimeout,
                detail::Cat("no connection to ", endpoint, " within ",
                             options.connect_timeout.count(), " ms"),
                true);
  }
  if (error) {
    const ErrorKind kind = error == asio::error::connection_refused
                               ? ErrorKind::kConnectionRefused
                               : ErrorKind::kNotConnected;
    throw Error(kind, detail::Cat("cannot connect to ", endpoint, ": ", error.message()), true);
  }
  socket.set_option(tcp::no_delay(true));
  if (!options.tls.enabled) {
    result.stream_.emplace<tcp::socket>(std::move(socket));
    co_return result;
  }

  auto& secure =
      result.stream_.emplace<asio::ssl::stream<tcp::socket>>(std::move(socket), *tls);
  const std::string& name = options.tls.server_name.empty() ? options.host : options.tls.server_name;
  std::error_code not_an_address;
  asio::ip::make_address(name, not_an_address);
  const bool is_address = !not_an_address;
  // SNI carries host names only (RFC 6066 forbids address literals there).
  if (!is_address && SSL_set_tlsext_host_name(secure.native_handle(), name.c_str()) != 1) {
    throw Error(ErrorKind::kTls, detail::Cat("cannot set TLS server name ", name));
  }
  if (options.tls.verify) {
    // OpenSSL's own name check (rather than a verify callback) records why a name does not
    // match ("hostname mismatch", "IP address mismatch") where TlsFailure reads it.
    X509_VERIFY_PARAM* param = SSL_get0_param(secure.native_handle());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int set = is_address ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                               : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    if (set != 1) {
      throw Error(ErrorKind::kTls, detail::Cat("cannot set the TLS name to verify: ", name));
    }
  }
  connect_deadline.Arm([&secure] {
    std::error_code ignored;
    secure.lowest_layer().close(ignored);
  });
  co_await secure.async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, error));
  if (connect_deadline.expired()) {
    throw Error(ErrorKind::kConnectTimeout,
                detail::Cat("no TLS handshake with ", endpoint, " within ",
                             options.connect_timeout.count(), " ms"),
                true);
  }
  if (error) {
    throw Error(ErrorKind::kTls,
                detail::Cat("TLS handshake with ", endpoint, " failed: ",
                             TlsFailure(secure.native_handle(), error)));
  }
  co_return result;
}

void Stream::Close() {
  std::error_code ignored;
  std::visit(
      [&](auto& stream) {
        using S = std::decay_t<decltype(stream)>;
        if constexpr (std::is_same_v<S, tcp::socket>) {
          stream.close(ignored);
        } else if constexpr (std::is_same_v<S, asio::ssl::stream<tcp::socket>>) {
          stream.lowest_layer().close(ignored);
        } else if constexpr (std::is_same_v<S, InProcessStream>) {
          stream.Close();
        }
      },
      stream_);
}

void Stream::Fail(UniqueFunction<void(std::error_code, size_t)> handler) {
  asio::post(executor_, [handler = std::move(handler)]() mutable {
    handler(asio::error::not_connected, 0);
  });
}

void Stream::WriteInProcess(InProcessStream& stream, const std::vector<asio::const_buffer>& buffers,
                            UniqueFunction<void(std::error_code, size_t)> handler) {
  std::string bytes;
  bytes.reserve(asio::buffer_size(buffers));
  for (const asio::const_buffer& buffer : buffers) {
    bytes.append(static_cast<const char*>(buffer.data()), buffer.size());
  }
  const size_t n = bytes.size();
  stream.Write(std::move(bytes));
  asio::post(executor_, [handler = std::move(handler), n]() mutable { handler({}, n); });
}

}  // namespace understudy::client::detail
