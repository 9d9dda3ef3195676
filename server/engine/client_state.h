#pragma once

#include <cstdint>
#include <string>

#include "resp/reply_writer.h"

namespace understudy::engine {

// Per-connection state that commands read and change; the network layer owns one per socket,
// the in-process engine one per embedded client.
struct ClientState {
  uint64_t id = 0;
  int db = 0;
  resp::Protocol protocol = resp::Protocol::kResp2;
  std::string name;
  // Set by QUIT and by protocol errors: flush the replies, then close.
  bool close_after_reply = false;
};

}  // namespace understudy::engine
