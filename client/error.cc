#include "client/error.h"

#include <utility>

namespace understudy::client {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConfig: return "configuration";
    case ErrorKind::kResolve: return "resolve";
    case ErrorKind::kConnectionRefused: return "connection refused";
    case ErrorKind::kConnectTimeout: return "connect timeout";
    case ErrorKind::kTls: return "TLS";
    case ErrorKind::kAuth: return "authentication";
    case ErrorKind::kNotConnected: return "not connected";
    case ErrorKind::kConnectionLost: return "connection lost";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kProtocol: return "protocol";
    case ErrorKind::kServer: return "server error";
    case ErrorKind::kTypeMismatch: return "type mismatch";
    case ErrorKind::kClosed: return "closed";
  }
  return "unknown";
}

Error::Error(ErrorKind kind, std::string message, bool retry_safe)
    : std::runtime_error(std::move(message)), kind_(kind), retry_safe_(retry_safe) {}

std::string_view Error::server_code() const {
  std::string_view text = server_message_;
  return text.substr(0, text.find(' '));
}

Error Error::FromServer(std::string_view reply_text) {
  const std::string_view code = reply_text.substr(0, reply_text.find(' '));
  const bool passing = code == "LOADING" || code == "BUSY" || code == "TRYAGAIN" ||
                       code == "MASTERDOWN" || code == "CLUSTERDOWN";
  Error error(ErrorKind::kServer, std::string(reply_text), passing);
  error.server_message_ = std::string(reply_text);
  return error;
}

}  // namespace understudy::client
