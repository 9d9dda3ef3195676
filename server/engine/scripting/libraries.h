#pragma once

struct lua_State;

namespace understudy::engine::scripting {

// The libraries Redis bundles that Debian does not ship, written for understudy. Each opener
// pushes its table and returns 1, as a Lua library opener does.

// struct: pack(fmt, ...), unpack(fmt, data [, init]) and size(fmt) of binary records, with
// the format language of Roberto Ierusalimschy's struct library that Redis bundles.
int OpenStruct(lua_State* lua);

// cmsgpack: pack(...) and unpack(data), unpack_one(data [, offset]) and
// unpack_limit(data, limit [, offset]) of MessagePack, as Redis's lua-cmsgpack 0.4.0.
int OpenCmsgpack(lua_State* lua);

}  // namespace understudy::engine::scripting
