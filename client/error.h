#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace understudy::client {

// What failed, so that callers can react without parsing messages.
enum class ErrorKind : uint8_t {
  kConfig,             // bad options or environment (names the setting)
  kResolve,            // the host name does not resolve
  kConnectionRefused,  // nothing listens there
  kConnectTimeout,     // no connection within connect_timeout
  kTls,                // handshake or certificate verification failed
  kAuth,               // AUTH/HELLO refused the credentials
  kNotConnected,       // the connection is down (reconnecting); the command was not sent
  kConnectionLost,     // the connection broke after the command may have been sent
  kTimeout,            // no reply within the command timeout
  kProtocol,           // the server sent bytes that are not RESP, or a reply nobody asked for
  kServer,             // the server answered with an error reply (server_code() has its code)
  kTypeMismatch,       // a reply of another type than the method converts
  kClosed,             // the client was closed by its owner
};

std::string_view ErrorKindName(ErrorKind kind);

// The one exception type of the client library. what() is a full sentence naming the endpoint
// or the command; retry_safe() says whether sending the same command again cannot apply it
// twice (it never reached the server, or the server refused it without effect for a reason
// that may pass).
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, bool retry_safe = false);

  ErrorKind kind() const { return kind_; }
  bool retry_safe() const { return retry_safe_; }
  // For kServer: the error's first word ("ERR", "WRONGTYPE", "NOSCRIPT", "LOADING").
  std::string_view server_code() const;
  // For kServer: the server's text exactly ("WRONGTYPE Operation against a key ...").
  std::string_view server_message() const { return server_message_; }

  // A server error reply. LOADING, BUSY, TRYAGAIN, MASTERDOWN and CLUSTERDOWN are retry-safe:
  // the server refused the command without running it, for a reason that passes.
  static Error FromServer(std::string_view reply_text);

 private:
  ErrorKind kind_;
  bool retry_safe_;
  std::string server_message_;
};

}  // namespace understudy::client
