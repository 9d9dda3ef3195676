#include "server/engine/request_input.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "resp/reply_writer.h"
#include "spdlog/spdlog.h"

namespace understudy::engine {

bool TakesRequests(const Client& client) {
  return !client.closing && !client.close_after_reply && !client.is_blocked();
}

void ReplyProtocolError(Client& client, std::string_view parser_error) {
  spdlog::debug("client {}: {}", client.id, parser_error);
  resp::ReplyWriter(&client.output, client.protocol).Error("ERR " + std::string(parser_error));
  client.close_after_reply = true;
}

bool CloseIfQueryBufferFull(Engine& engine, Client& client, std::string_view pending) {
  if (pending.size() <= static_cast<size_t>(engine.config().client_query_buffer_limit)) {
    return false;
  }
  const std::string_view head = pending.substr(0, std::min<size_t>(pending.size(), 64));
  spdlog::warn(
      "Closing client that reached max query buffer length: {} qbuf={} (qbuf initial bytes: "
      "\"{}\")",
      engine.ClientInfo(client), pending.size(),
      absl::CHexEscape(absl::string_view(head.data(), head.size())));
  engine.CloseClient(client);
  return true;
}

}  // namespace understudy::engine
