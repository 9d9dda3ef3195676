#pragma once

#include <string_view>

#include "server/engine/client.h"
#include "server/engine/engine.h"

// What a transport does with the bytes a client sends, the same whether they come over a socket
// (server::Connection) or an in-process stream (runtime::EngineStream).
namespace understudy::engine {

// Whether the client takes its next request now: it is not blocked (BLPOP) or paused (CLIENT
// PAUSE), not closing, and not waiting to close once its replies are out (QUIT, a protocol
// error).
bool TakesRequests(const Client& client);

// Answers input the request parser refused with Redis's error ("-ERR Protocol error: ...") and
// has the client closed once its replies are out, as Redis does.
void ReplyProtocolError(Client& client, std::string_view parser_error);

// Closes the client, with no reply and a log line as Redis's, if its unparsed input is over
// client-query-buffer-limit; returns whether it did.
bool CloseIfQueryBufferFull(Engine& engine, Client& client, std::string_view pending);

}  // namespace understudy::engine
