// The cmsgpack library of Redis's Lua: MessagePack encoding of Lua values. Integers take the
// smallest encoding that holds them, other numbers a float when that is exact and a double
// otherwise; a table whose keys are exactly 1..n is an array, any other a map; values that
// have no MessagePack form (functions, userdata) and tables nested too deep become nil.
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <lua5.1/lua.hpp>
#include <optional>
#include <string>

#include "server/engine/scripting/libraries.h"

namespace understudy::engine::scripting {
namespace {

// Tables nested deeper than this are encoded as nil.
constexpr int kMaxNesting = 16;

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(value >> (8 * i)));
}

void EncodeInteger(std::string& out, int64_t n) {
  if (n >= 0) {
    if (n <= 127) {
      out.push_back(static_cast<char>(n));
    } else if (n <= 0xff) {
      out.push_back(static_cast<char>(0xcc));
      AppendBigEndian(out, n, 1);
    } else if (n <= 0xffff) {
      out.push_back(static_cast<char>(0xcd));
      AppendBigEndian(out, n, 2);
    } else if (n <= 0xffffffffLL) {
      out.push_back(static_cast<char>(0xce));
      AppendBigEndian(out, n, 4);
    } else {
      out.push_back(static_cast<char>(0xcf));
      AppendBigEndian(out, n, 8);
    }
  } else if (n >= -32) {
    out.push_back(static_cast<char>(n));
  } else if (n >= -128) {
    out.push_back(static_cast<char>(0xd0));
    AppendBigEndian(out, static_cast<uint64_t>(n), 1);
  } else if (n >= -32768) {
    out.push_back(static_cast<char>(0xd1));
    AppendBigEndian(out, static_cast<uint64_t>(n), 2);
  } else if (n >= INT32_MIN) {
    out.push_back(static_cast<char>(0xd2));
    AppendBigEndian(out, static_cast<uint64_t>(n), 4);
  } else {
    out.push_back(static_cast<char>(0xd3));
    AppendBigEndian(out, static_cast<uint64_t>(n), 8);
  }
}

void EncodeNumber(std::string& out, lua_Number n) {
  if (!std::isinf(n) && !std::isnan(n) && n >= -9223372036854775808.0 &&
      n < 9223372036854775808.0 && static_cast<lua_Number>(static_cast<int64_t>(n)) == n) {
    return EncodeInteger(out, static_cast<int64_t>(n));
  }
  const float f = static_cast<float>(n);
  if (static_cast<double>(f) == n) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    out.push_back(static_cast<char>(0xca));
    AppendBigEndian(out, bits, 4);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &n, 8);
    out.push_back(static_cast<char>(0xcb));
    AppendBigEndian(out, bits, 8);
  }
}

void EncodeString(std::string& out, const char* s, size_t size) {
  if (size < 32) {
    out.push_back(static_cast<char>(0xa0 | size));
  } else if (size <= 0xff) {
    out.push_back(static_cast<char>(0xd9));
    AppendBigEndian(out, size, 1);
  } else if (size <= 0xffff) {
    out.push_back(static_cast<char>(0xda));
    AppendBigEndian(out, size, 2);
  } else {
    out.push_back(static_cast<char>(0xdb));
    AppendBigEndian(out, size, 4);
  }
  out.append(s, size);
}

void EncodeHeader(std::string& out, size_t count, uint8_t fix, uint8_t wide16, uint8_t wide32) {
  if (count <= 15) {
    out.push_back(static_cast<char>(fix | count));
  } else if (count <= 0xffff) {
    out.push_back(static_cast<char>(wide16));
    AppendBigEndian(out, count, 2);
  } else {
    out.push_back(static_cast<char>(wide32));
    AppendBigEndian(out, count, 4);
  }
}

// Whether the table at the top has exactly the keys 1..n.
bool IsArray(lua_State* lua) {
  double count = 0, max = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pop(lua, 1);
    if (lua_type(lua, -1) != LUA_TNUMBER) {
      lua_pop(lua, 1);
      return false;
    }
    const lua_Number n = lua_tonumber(lua, -1);
    if (n <= 0 || std::floor(n) != n) {
      lua_pop(lua, 1);
      return false;
    }
    if (n > max) max = n;
    ++count;
  }
  return max == count;
}

void Encode(lua_State* lua, std::string& out, int level);

void EncodeTable(lua_State* lua, std::string& out, int level) {
  luaL_checkstack(lua, 3, "cmsgpack: nesting too deep");
  if (IsArray(lua)) {
    const size_t count = lua_objlen(lua, -1);
    EncodeHeader(out, count, 0x90, 0xdc, 0xdd);
    for (size_t i = 1; i <= count; ++i) {
      lua_rawgeti(lua, -1, static_cast<int>(i));
      Encode(lua, out, level + 1);
      lua_pop(lua, 1);
    }
    return;
  }
  size_t pairs = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pop(lua, 1);
    ++pairs;
  }
  EncodeHeader(out, pairs, 0x80, 0xde, 0xdf);
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pushvalue(lua, -2);
    Encode(lua, out, level + 1);
    lua_pop(lua, 1);
    Encode(lua, out, level + 1);
    lua_pop(lua, 1);
  }
}

// Encodes the value at the top of the stack (left there).
void Encode(lua_State* lua, std::string& out, int level) {
  int type = lua_type(lua, -1);
  if (type == LUA_TTABLE && level == kMaxNesting) type = LUA_TNIL;
  switch (type) {
    case LUA_TSTRING: {
      size_t size = 0;
      const char* s = lua_tolstring(lua, -1, &size);
      EncodeString(out, s, size);
      break;
    }
    case LUA_TBOOLEAN:
      out.push_back(static_cast<char>(lua_toboolean(lua, -1) ? 0xc3 : 0xc2));
      break;
    case LUA_TNUMBER:
      EncodeNumber(out, lua_tonumber(lua, -1));
      break;
    case LUA_TTABLE:
      EncodeTable(lua, out, level);
      break;
    default:
      out.push_back(static_cast<char>(0xc0));
  }
}

// cmsgpack.pack(v1, v2, ...): the encodings of every argument, one after the other.
int Pack(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc == 0) return luaL_argerror(lua, 0, "MessagePack pack needs input.");
  std::string out;
  for (int i = 1; i <= argc; ++i) {
    lua_pushvalue(lua, i);
    Encode(lua, out, 0);
    lua_pop(lua, 1);
  }
  lua_pushlstring(lua, out.data(), out.size());
  return 1;
}

// A cursor over the bytes being decoded.
struct Cursor {
  const unsigned char* at;
  size_t left;
  enum class Error { kNone, kEof, kBadFormat } error = Error::kNone;

  bool Need(size_t bytes) {
    if (left >= bytes) return true;
    error = Error::kEof;
    return false;
  }
  uint64_t BigEndian(size_t bytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; ++i) value = (value << 8) | at[i];
    at += bytes;
    left -= bytes;
    return value;
  }
};

void Decode(lua_State* lua, Cursor& c);

void DecodeArray(lua_State* lua, Cursor& c, size_t count) {
  luaL_checkstack(lua, 3, "cmsgpack: nesting too deep");
  lua_newtable(lua);
  for (size_t i = 1; i <= count; ++i) {
    Decode(lua, c);
    if (c.error != Cursor::Error::kNone) return;
    lua_rawseti(lua, -2, static_cast<int>(i));
  }
}

void DecodeMap(lua_State* lua, Cursor& c, size_t count) {
  luaL_checkstack(lua, 3, "cmsgpack: nesting too deep");
  lua_newtable(lua);
  for (size_t i = 0; i < count; ++i) {
    Decode(lua, c);
    if (c.error != Cursor::Error::kNone) return;
    Decode(lua, c);
    if (c.error != Cursor::Error::kNone) return;
    if (lua_isnil(lua, -2)) {
      lua_pop(lua, 2);
      continue;
    }
    lua_settable(lua, -3);
  }
}

void DecodeString(lua_State* lua, Cursor& c, size_t size) {
  if (!c.Need(size)) return;
  lua_pushlstring(lua, reinterpret_cast<const char*>(c.at), size);
  c.at += size;
  c.left -= size;
}

// Pushes the next value; on error pushes nothing more and sets c.error.
void Decode(lua_State* lua, Cursor& c) {
  if (!c.Need(1)) return;
  const unsigned char type = *c.at;
  c.at++;
  c.left--;
  auto sized = [&](size_t bytes) -> std::optional<uint64_t> {
    if (!c.Need(bytes)) return std::nullopt;
    return c.BigEndian(bytes);
  };
  if (type <= 0x7f) return lua_pushnumber(lua, type);
  if (type >= 0xe0) return lua_pushnumber(lua, static_cast<int8_t>(type));
  if ((type & 0xe0) == 0xa0) return DecodeString(lua, c, type & 0x1f);
  if ((type & 0xf0) == 0x90) return DecodeArray(lua, c, type & 0x0f);
  if ((type & 0xf0) == 0x80) return DecodeMap(lua, c, type & 0x0f);
  std::optional<uint64_t> value;
  switch (type) {
    case 0xc0:
      return lua_pushnil(lua);
    case 0xc2:
      return lua_pushboolean(lua, 0);
    case 0xc3:
      return lua_pushboolean(lua, 1);
    case 0xca:
      if ((value = sized(4))) {
        const auto bits = static_cast<uint32_t>(*value);
        float f;
        std::memcpy(&f, &bits, 4);
        lua_pushnumber(lua, f);
      }
      return;
    case 0xcb:
      if ((value = sized(8))) {
        double d;
        std::memcpy(&d, &*value, 8);
        lua_pushnumber(lua, d);
      }
      return;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
      if ((value = sized(size_t{1} << (type - 0xcc)))) {
        lua_pushnumber(lua, static_cast<lua_Number>(*value));
      }
      return;
    case 0xd0:
      if ((value = sized(1))) lua_pushnumber(lua, static_cast<int8_t>(*value));
      return;
    case 0xd1:
      if ((value = sized(2))) lua_pushnumber(lua, static_cast<int16_t>(*value));
      return;
    case 0xd2:
      if ((value = sized(4))) lua_pushnumber(lua, static_cast<int32_t>(*value));
      return;
    case 0xd3:
      if ((value = sized(8))) {
        lua_pushnumber(lua, static_cast<lua_Number>(static_cast<int64_t>(*value)));
      }
      return;
    case 0xd9:
      if ((value = sized(1))) DecodeString(lua, c, *value);
      return;
    case 0xda:
      if ((value = sized(2))) DecodeString(lua, c, *value);
      return;
    case 0xdb:
      if ((value = sized(4))) DecodeString(lua, c, *value);
      return;
    case 0xdc:
      if ((value = sized(2))) DecodeArray(lua, c, *value);
      return;
    case 0xdd:
      if ((value = sized(4))) DecodeArray(lua, c, *value);
      return;
    case 0xde:
      if ((value = sized(2))) DecodeMap(lua, c, *value);
      return;
    case 0xdf:
      if ((value = sized(4))) DecodeMap(lua, c, *value);
      return;
    default:
      c.error = Cursor::Error::kBadFormat;
  }
}

// Decodes up to `limit` values from offset; `all`: every value.
int UnpackFrom(lua_State* lua, int limit, lua_Integer offset, bool all) {
  size_t length = 0;
  const char* data = luaL_checklstring(lua, 1, &length);
  if (offset < 0 || limit < 0) {
    return luaL_error(lua, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(length));
  }
  if (static_cast<size_t>(offset) > length) {
    return luaL_error(lua, "Start offset %d greater than input length %d.",
                      static_cast<int>(offset), static_cast<int>(length));
  }
  if (all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(data) + offset, length - offset};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    luaL_checkstack(lua, 1, "too many values to unpack");
    Decode(lua, c);
    if (c.error == Cursor::Error::kEof) return luaL_error(lua, "Missing bytes in input.");
    if (c.error == Cursor::Error::kBadFormat) return luaL_error(lua, "Bad data format in input.");
  }
  if (!all) {  // the next offset (-1 at the end) before the values
    lua_pushinteger(lua, c.left == 0 ? -1 : static_cast<lua_Integer>(length - c.left));
    lua_insert(lua, -(count + 1));
    ++count;
  }
  return count;
}

int Unpack(lua_State* lua) { return UnpackFrom(lua, 0, 0, true); }
int UnpackOne(lua_State* lua) { return UnpackFrom(lua, 1, luaL_optinteger(lua, 2, 0), false); }
int UnpackLimit(lua_State* lua) {
  const auto limit = static_cast<int>(luaL_checkinteger(lua, 2));
  return UnpackFrom(lua, limit, luaL_optinteger(lua, 3, 0), false);
}

}  // namespace

int OpenCmsgpack(lua_State* lua) {
  static const luaL_Reg kFunctions[] = {{"pack", Pack},
                                        {"unpack", Unpack},
                                        {"unpack_one", UnpackOne},
                                        {"unpack_limit", UnpackLimit},
                                        {nullptr, nullptr}};
  lua_newtable(lua);
  luaL_register(lua, nullptr, kFunctions);
  lua_pushstring(lua, "cmsgpack");
  lua_setfield(lua, -2, "_NAME");
  lua_pushstring(lua, "lua-cmsgpack 0.4.0");
  lua_setfield(lua, -2, "_VERSION");
  lua_pushstring(lua, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(lua, -2, "_COPYRIGHT");
  lua_pushstring(lua, "MessagePack C implementation for Lua");
  lua_setfield(lua, -2, "_DESCRIPTION");
  return 1;
}

}  // namespace understudy::engine::scripting
