#pragma once

#include "resp/reply.h"
#include "resp/reply_writer.h"

struct lua_State;

namespace understudy::engine::scripting {

// A command's reply as the script sees it, pushed on the Lua stack, as Redis converts it:
// integer -> number, bulk -> string, array -> table, status -> {ok = s}, error -> {err = s},
// a RESP2 null -> false; under RESP3 (redis.setresp(3)) also map -> {map = {k = v}},
// set -> {set = {member = true}}, double -> {double = n}, big number -> {big_number = s},
// verbatim -> {verbatim_string = {format = f, string = s}}, boolean -> boolean, null -> nil.
void PushReply(lua_State* lua, const resp::Reply& reply);

// Pushes the error table of a Redis error text: "-CODE message" keeps its code, a text
// without the dash gets ERR; the message loses a trailing CRLF. {err = "CODE message"}.
void PushErrorTable(lua_State* lua, std::string_view error);

// Writes the value on top of the stack (and pops it) as the script's reply, as Redis converts
// it: string -> bulk, number -> integer (truncated), true -> 1, false -> null (booleans of
// RESP3 after redis.setresp(3)), tables with err, ok, double, big_number, verbatim_string,
// map or set fields as those replies, other tables as arrays up to the first nil, anything
// else as null.
void WriteReply(lua_State* lua, resp::ReplyWriter& out, bool resp3_script);

}  // namespace understudy::engine::scripting
