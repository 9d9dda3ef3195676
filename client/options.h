#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "resp/reply.h"

namespace understudy::runtime {
class EngineHost;
}

namespace understudy::client {

struct TlsOptions {
  bool enabled = false;
  std::string ca_file;      // PEM bundle to trust; empty: the system's store
  std::string cert_file;    // client certificate (PEM), for servers that require one
  std::string key_file;     // its private key (PEM)
  std::string server_name;  // SNI and the name the certificate must carry; empty: the host
  // Turning verification off is explicit and logged: only for throwaway test servers.
  bool verify = true;
};

struct ReconnectOptions {
  bool enabled = true;
  std::chrono::milliseconds initial_delay{50};
  std::chrono::milliseconds max_delay{2000};
  double jitter = 0.2;  // each delay is spread by up to this fraction either way
};

enum class ProtocolChoice : uint8_t {
  kAuto,   // RESP3 through HELLO 3 when the server speaks it, RESP2 otherwise
  kResp2,  // never sends HELLO
  kResp3,  // fails to connect if the server lacks RESP3
};

// Everything a connection needs to reach its server and set itself up there.
struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string username;  // empty: AUTH with the password alone (the default user)
  std::string password;  // empty: no AUTH
  int db = 0;
  std::string client_name;  // CLIENT SETNAME, sent on every (re)connect
  ProtocolChoice protocol = ProtocolChoice::kAuto;
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{5000};
  // How long a command may wait for its reply; 0 waits for ever. A timeout closes the
  // connection: replies after it could no longer be matched to their commands.
  std::chrono::milliseconds command_timeout{0};
  ReconnectOptions reconnect;
  // When set, the connection talks to this engine inside the process instead of a socket; host,
  // port and tls are ignored.
  std::shared_ptr<runtime::EngineHost> engine;

  // "host:port", or "embedded" for an in-process engine: what errors and health checks name.
  std::string Endpoint() const;
};

}  // namespace understudy::client
