#include "server/engine/scripting/conversions.h"

#include <cstdint>
#include <lua5.1/lua.hpp>
#include <optional>
#include <string>

namespace understudy::engine::scripting {
namespace {

// Lua strings may hold any byte: push them with their length.
void PushString(lua_State* lua, std::string_view s) { lua_pushlstring(lua, s.data(), s.size()); }

void SetField(lua_State* lua, const char* name) { lua_setfield(lua, -2, name); }

// A status or big number text may not break the reply's line: CR and LF become spaces.
std::string OneLine(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return line;
}

// The string field of the table at the top of the stack, if it is a string (not a number).
std::optional<std::string_view> StringField(lua_State* lua, const char* name) {
  lua_pushstring(lua, name);
  lua_rawget(lua, -2);
  std::optional<std::string_view> value;
  if (lua_type(lua, -1) == LUA_TSTRING) {
    size_t size = 0;
    const char* data = lua_tolstring(lua, -1, &size);
    value = std::string_view(data, size);
  }
  lua_pop(lua, 1);  // the string stays alive: the table still holds it
  return value;
}

// Pushes field `name` of the table at the top; returns its Lua type.
int PushField(lua_State* lua, const char* name) {
  lua_pushstring(lua, name);
  lua_rawget(lua, -2);
  return lua_type(lua, -1);
}

// A number as Redis's (long long) cast makes it on x86-64: out of range and NaN are the
// smallest integer.
int64_t ToInteger(lua_Number n) {
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (!(n >= -kLimit && n < kLimit)) return INT64_MIN;
  return static_cast<int64_t>(n);
}

}  // namespace

void PushErrorTable(lua_State* lua, std::string_view error) {
  std::string code = "ERR";
  std::string_view message = error;
  if (!error.empty() && error[0] == '-') {
    const size_t space = error.find(' ');
    if (space == std::string_view::npos) {
      message = error.substr(1);
    } else {
      code = std::string(error.substr(1, space - 1));
      message = error.substr(space + 1);
    }
  }
  while (!message.empty() && (message.back() == '\r' || message.back() == '\n')) {
    message.remove_suffix(1);
  }
  lua_newtable(lua);
  PushString(lua, code + " " + std::string(message));
  SetField(lua, "err");
}

void PushReply(lua_State* lua, const resp::Reply& reply) {
  lua_checkstack(lua, 4);
  switch (reply.type) {
    case resp::ReplyType::kSimpleString:
      lua_newtable(lua);
      PushString(lua, reply.str);
      SetField(lua, "ok");
      return;
    case resp::ReplyType::kError:
    case resp::ReplyType::kBlobError:
      PushErrorTable(lua, "-" + reply.str);
      // The command's error was counted when it was answered.
      lua_pushboolean(lua, 1);
      SetField(lua, "ignore_error_stats_update");
      return;
    case resp::ReplyType::kInteger:
      lua_pushnumber(lua, static_cast<lua_Number>(reply.integer));
      return;
    case resp::ReplyType::kBulkString:
      PushString(lua, reply.str);
      return;
    case resp::ReplyType::kNull:
      if (reply.resp3_null) {
        lua_pushnil(lua);
      } else {
        lua_pushboolean(lua, 0);
      }
      return;
    case resp::ReplyType::kBoolean:
      lua_pushboolean(lua, reply.integer != 0);
      return;
    case resp::ReplyType::kDouble:
      lua_newtable(lua);
      lua_pushnumber(lua, reply.dbl);
      SetField(lua, "double");
      return;
    case resp::ReplyType::kBigNumber:
      lua_newtable(lua);
      PushString(lua, reply.str);
      SetField(lua, "big_number");
      return;
    case resp::ReplyType::kVerbatim:
      lua_newtable(lua);
      lua_newtable(lua);
      PushString(lua, reply.str);
      SetField(lua, "string");
      PushString(lua, reply.verbatim_format);
      SetField(lua, "format");
      SetField(lua, "verbatim_string");
      return;
    case resp::ReplyType::kArray:
    case resp::ReplyType::kPush:
      lua_newtable(lua);
      for (size_t i = 0; i < reply.elements.size(); ++i) {
        PushReply(lua, reply.elements[i]);
        lua_rawseti(lua, -2, static_cast<int>(i + 1));
      }
      return;
    case resp::ReplyType::kMap:
    case resp::ReplyType::kAttribute:
      lua_newtable(lua);
      lua_newtable(lua);
      for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        PushReply(lua, reply.elements[i]);
        PushReply(lua, reply.elements[i + 1]);
        if (lua_isnil(lua, -2)) {
          lua_pop(lua, 2);  // a nil key cannot be stored
          continue;
        }
        lua_settable(lua, -3);
      }
      SetField(lua, "map");
      return;
    case resp::ReplyType::kSet:
      lua_newtable(lua);
      lua_newtable(lua);
      for (const resp::Reply& member : reply.elements) {
        PushReply(lua, member);
        if (lua_isnil(lua, -1)) {
          lua_pop(lua, 1);
          continue;
        }
        lua_pushboolean(lua, 1);
        lua_settable(lua, -3);
      }
      SetField(lua, "set");
      return;
  }
}

void WriteReply(lua_State* lua, resp::ReplyWriter& out, bool resp3_script) {
  if (!lua_checkstack(lua, 4)) {
    lua_pop(lua, 1);
    return out.Error("ERR reached lua stack limit");
  }
  switch (lua_type(lua, -1)) {
    case LUA_TSTRING: {
      size_t size = 0;
      const char* data = lua_tolstring(lua, -1, &size);
      out.Bulk(std::string_view(data, size));
      break;
    }
    case LUA_TBOOLEAN:
      if (resp3_script) {
        out.Boolean(lua_toboolean(lua, -1) != 0);
      } else if (lua_toboolean(lua, -1)) {
        out.Integer(1);
      } else {
        out.Null();
      }
      break;
    case LUA_TNUMBER:
      out.Integer(ToInteger(lua_tonumber(lua, -1)));
      break;
    case LUA_TTABLE: {
      if (std::optional<std::string_view> err = StringField(lua, "err")) {
        out.Error(OneLine(*err));
        break;
      }
      if (std::optional<std::string_view> ok = StringField(lua, "ok")) {
        out.SimpleString(OneLine(*ok));
        break;
      }
      if (PushField(lua, "double") == LUA_TNUMBER) {
        out.Double(lua_tonumber(lua, -1));
        lua_pop(lua, 1);
        break;
      }
      lua_pop(lua, 1);
      if (std::optional<std::string_view> digits = StringField(lua, "big_number")) {
        out.BigNumber(OneLine(*digits));
        break;
      }
      if (PushField(lua, "verbatim_string") == LUA_TTABLE) {
        std::optional<std::string_view> text = StringField(lua, "string");
        std::optional<std::string_view> format = StringField(lua, "format");
        if (text && format) {
          out.Verbatim(format->substr(0, 3), *text);
          lua_pop(lua, 1);
          break;
        }
      }
      lua_pop(lua, 1);
      if (PushField(lua, "map") == LUA_TTABLE) {
        size_t pairs = 0;
        lua_pushnil(lua);
        while (lua_next(lua, -2) != 0) {
          lua_pop(lua, 1);
          ++pairs;
        }
        out.MapHeader(pairs);
        lua_pushnil(lua);
        while (lua_next(lua, -2) != 0) {
          lua_pushvalue(lua, -2);  // the key stays for lua_next
          WriteReply(lua, out, resp3_script);
          WriteReply(lua, out, resp3_script);
        }
        lua_pop(lua, 1);
        break;
      }
      lua_pop(lua, 1);
      if (PushField(lua, "set") == LUA_TTABLE) {
        size_t members = 0;
        lua_pushnil(lua);
        while (lua_next(lua, -2) != 0) {
          lua_pop(lua, 1);
          ++members;
        }
        out.SetHeader(members);
        lua_pushnil(lua);
        while (lua_next(lua, -2) != 0) {
          lua_pop(lua, 1);
          lua_pushvalue(lua, -1);
          WriteReply(lua, out, resp3_script);
        }
        lua_pop(lua, 1);
        break;
      }
      lua_pop(lua, 1);
      // An array: elements 1, 2, ... up to the first nil.
      size_t count = 0;
      while (true) {
        lua_rawgeti(lua, -1, static_cast<int>(count + 1));
        const bool end = lua_isnil(lua, -1);
        lua_pop(lua, 1);
        if (end) break;
        ++count;
      }
      out.ArrayHeader(count);
      for (size_t i = 1; i <= count; ++i) {
        lua_rawgeti(lua, -1, static_cast<int>(i));
        WriteReply(lua, out, resp3_script);
      }
      break;
    }
    default:
      out.Null();
  }
  lua_pop(lua, 1);
}

}  // namespace understudy::engine::scripting
