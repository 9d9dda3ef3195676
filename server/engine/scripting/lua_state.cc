#include "server/engine/scripting/lua_state.h"

#include <cmath>
#include <cstdio>
#include <lua5.1/lua.hpp>
#include <string>
#include <vector>

#include "resp/reply.h"
#include "server/engine/scripting/conversions.h"
#include "server/engine/scripting/libraries.h"
#include "server/engine/scripting/sha1.h"
#include "server/engine/version.h"
#include "spdlog/spdlog.h"

extern "C" {
int luaopen_cjson(lua_State* lua);
int luaopen_bit(lua_State* lua);
}

namespace understudy::engine::scripting {
namespace {

// Registry keys (their addresses are unique).
char kRunKey;       // the RunState of the script running, light userdata
char kProxiesKey;   // read-only proxy -> the table it shows
char kReadOnlyKey;  // every table a script may not change: proxies and what they show

// redis.REDIS_VERSION_NUM: 0x00MMmmpp of the version understudy answers as.
constexpr int VersionNumber(std::string_view version) {
  int number = 0, part = 0;
  for (char c : version) {
    if (c == '.') {
      number = (number << 8) | part;
      part = 0;
    } else {
      part = part * 10 + (c - '0');
    }
  }
  return (number << 8) | part;
}

// How often the count hook runs, in VM instructions.
constexpr int kHookInstructions = 100000;
// A garbage collection step every this many runs, of this many steps, as Redis.
constexpr int kGcPeriod = 50;

// What the redis.* functions need while a script runs.
struct RunState {
  ScriptHost* host = nullptr;
  bool resp3 = false;  // redis.setresp(3)
};

RunState* CurrentRun(lua_State* lua) {
  lua_pushlightuserdata(lua, &kRunKey);
  lua_rawget(lua, LUA_REGISTRYINDEX);
  auto* run = static_cast<RunState*>(lua_touserdata(lua, -1));
  lua_pop(lua, 1);
  return run;
}

// Raises {err = "ERR <message>"} as Redis's library functions do.
int RaiseError(lua_State* lua, std::string_view message) {
  PushErrorTable(lua, message);
  return lua_error(lua);
}

// What some library functions do with bad arguments instead: return the error table.
int ReturnError(lua_State* lua, std::string_view message) {
  PushErrorTable(lua, message);
  return 1;
}

// The value at index as text: a string, or a number in Lua's format; empty for other types.
std::string_view ArgView(lua_State* lua, int index) {
  size_t size = 0;
  const char* data = lua_tolstring(lua, index, &size);
  return data == nullptr ? std::string_view() : std::string_view(data, size);
}

// Field access that runs no metamethod: error tables come from scripts, and a script's
// __index must not run where no error can be caught.
void RawGetField(lua_State* lua, int index, const char* name) {
  lua_pushvalue(lua, index);
  lua_pushstring(lua, name);
  lua_rawget(lua, -2);
  lua_remove(lua, -2);
}

// Sets field name of the table at (absolute) index to the value on top, which it pops.
void RawSetField(lua_State* lua, int index, const char* name) {
  lua_pushvalue(lua, index);
  lua_pushstring(lua, name);
  lua_pushvalue(lua, -3);
  lua_rawset(lua, -3);
  lua_pop(lua, 2);
}

// --- Read-only tables -------------------------------------------------------------------

// Pushes the table a proxy shows, or the value itself if it is no proxy. index is absolute.
void PushUnproxied(lua_State* lua, int index) {
  lua_pushlightuserdata(lua, &kProxiesKey);
  lua_rawget(lua, LUA_REGISTRYINDEX);
  lua_pushvalue(lua, index);
  lua_rawget(lua, -2);
  if (lua_isnil(lua, -1)) {
    lua_pop(lua, 2);
    lua_pushvalue(lua, index);
  } else {
    lua_remove(lua, -2);
  }
}

// Whether the value at (absolute) index is a table a script may not change.
bool IsReadOnly(lua_State* lua, int index) {
  lua_pushlightuserdata(lua, &kReadOnlyKey);
  lua_rawget(lua, LUA_REGISTRYINDEX);
  lua_pushvalue(lua, index);
  lua_rawget(lua, -2);
  const bool read_only = lua_toboolean(lua, -1) != 0;
  lua_pop(lua, 2);
  return read_only;
}

constexpr char kReadOnlyError[] = "Attempt to modify a readonly table";

// __newindex of a read-only table: the error names the script's line.
int DenyWrite(lua_State* lua) { return luaL_error(lua, kReadOnlyError); }

// rawset and setmetatable raise it without a line, as Redis's read-only tables do.
int RaiseReadOnly(lua_State* lua) {
  lua_pushstring(lua, kReadOnlyError);
  return lua_error(lua);
}

// __index of the globals: reading a global that does not exist is an error.
int DenyMissingGlobal(lua_State* lua) {
  return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(lua, 2));
}

int SafeRawGet(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checkany(lua, 2);
  PushUnproxied(lua, 1);
  lua_pushvalue(lua, 2);
  lua_rawget(lua, -2);
  return 1;
}

int SafeRawSet(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checkany(lua, 2);
  luaL_checkany(lua, 3);
  if (IsReadOnly(lua, 1)) return RaiseReadOnly(lua);
  lua_settop(lua, 3);
  lua_rawset(lua, 1);
  return 1;
}

// table.insert writes with rawseti, past any metatable: it must refuse read-only tables itself.
// The arguments are checked here, so that their errors name the script's line and 'insert'.
int SafeTableInsert(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  const int argc = lua_gettop(lua);
  if (argc != 2 && argc != 3) return luaL_error(lua, "wrong number of arguments to 'insert'");
  if (argc == 3) luaL_checkint(lua, 2);
  if (IsReadOnly(lua, 1)) return RaiseReadOnly(lua);
  lua_pushvalue(lua, lua_upvalueindex(1));  // the library's own table.insert
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, LUA_MULTRET);
  return lua_gettop(lua);
}

int SafeNext(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  lua_settop(lua, 2);
  PushUnproxied(lua, 1);
  lua_pushvalue(lua, 2);
  if (lua_next(lua, -2) != 0) return 2;
  lua_pushnil(lua);
  return 1;
}

int SafePairs(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  lua_pushvalue(lua, lua_upvalueindex(1));  // SafeNext
  lua_pushvalue(lua, 1);
  lua_pushnil(lua);
  return 3;
}

int IpairsStep(lua_State* lua) {
  const int i = luaL_checkint(lua, 2) + 1;
  PushUnproxied(lua, 1);
  lua_rawgeti(lua, -1, i);
  if (lua_isnil(lua, -1)) return 0;
  lua_pushinteger(lua, i);
  lua_insert(lua, -2);
  return 2;
}

int SafeIpairs(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  lua_pushvalue(lua, lua_upvalueindex(1));  // IpairsStep
  lua_pushvalue(lua, 1);
  lua_pushinteger(lua, 0);
  return 3;
}

int SafeSetMetatable(lua_State* lua) {
  const int type = lua_type(lua, 2);
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_argcheck(lua, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table expected");
  if (IsReadOnly(lua, 1)) return RaiseReadOnly(lua);
  lua_settop(lua, 2);
  lua_setmetatable(lua, 1);
  return 1;
}

// A proxy's metatable is its machinery: a script sees the metatable of what it shows.
int SafeGetMetatable(lua_State* lua) {
  luaL_checkany(lua, 1);
  PushUnproxied(lua, 1);
  if (!lua_getmetatable(lua, -1)) {
    lua_pushnil(lua);
    return 1;
  }
  luaL_getmetafield(lua, -2, "__metatable");
  return 1;
}

// loadstring and load of text only: precompiled chunks could break the interpreter.
int SafeLoadString(lua_State* lua) {
  size_t size = 0;
  const char* text = luaL_checklstring(lua, 1, &size);
  if (size > 0 && text[0] == LUA_SIGNATURE[0]) {
    lua_pushnil(lua);
    lua_pushstring(lua, "bytecode prohibited");
    return 2;
  }
  const char* chunk_name = luaL_optstring(lua, 2, text);
  if (luaL_loadbuffer(lua, text, size, chunk_name) == 0) return 1;
  lua_pushnil(lua);
  lua_insert(lua, -2);
  return 2;
}

// pcall as Redis 7 has it: a raised error table comes back as its err field. Called without
// a function it tries to call its own result flag, as Redis's does.
int SafePcall(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc == 0) {
    lua_pushboolean(lua, 0);
    lua_pushstring(lua, "attempt to call a boolean value");
    return 2;
  }
  lua_pushboolean(lua, 1);
  lua_insert(lua, 1);
  if (lua_pcall(lua, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(lua, 1);
    if (lua_istable(lua, -1)) {
      RawGetField(lua, -1, "err");
      if (lua_isstring(lua, -1)) {
        lua_replace(lua, -2);
      } else {
        lua_pop(lua, 1);
      }
    }
    lua_pushboolean(lua, 0);
    lua_insert(lua, 1);
  }
  return lua_gettop(lua);
}

// --- math.random as Redis's: lrand48 ---------------------------------------------------

RandomState& Random(lua_State* lua) {
  return *static_cast<RandomState*>(lua_touserdata(lua, lua_upvalueindex(1)));
}

int32_t NextRandom(RandomState& state) {
  state.x = (0x5DEECE66DULL * state.x + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(state.x >> 17);
}

int MathRandom(lua_State* lua) {
  constexpr int32_t kMax = 0x7FFFFFFF;
  const lua_Number r =
      static_cast<lua_Number>(NextRandom(Random(lua)) % kMax) / static_cast<lua_Number>(kMax);
  switch (lua_gettop(lua)) {
    case 0:
      lua_pushnumber(lua, r);
      break;
    case 1: {
      const int upper = luaL_checkint(lua, 1);
      luaL_argcheck(lua, 1 <= upper, 1, "interval is empty");
      lua_pushnumber(lua, std::floor(r * upper) + 1);
      break;
    }
    case 2: {
      const int lower = luaL_checkint(lua, 1);
      const int upper = luaL_checkint(lua, 2);
      luaL_argcheck(lua, lower <= upper, 2, "interval is empty");
      lua_pushnumber(lua, std::floor(r * (upper - lower + 1)) + lower);
      break;
    }
    default:
      return luaL_error(lua, "wrong number of arguments");
  }
  return 1;
}

int MathRandomSeed(lua_State* lua) {
  const auto seed = static_cast<uint32_t>(luaL_checkint(lua, 1));
  Random(lua).x = (uint64_t{seed} << 16) | 0x330E;
  return 0;
}

// --- The redis table --------------------------------------------------------------------

// The arguments of a redis.* call as a request: strings as they are, numbers as %.17g (Lua's own
// conversion keeps 14 digits). nullopt if one is of another type.
std::optional<std::vector<std::string>> ReadRequest(lua_State* lua) {
  const int argc = lua_gettop(lua);
  std::vector<std::string> args(argc);
  for (int i = 1; i <= argc; ++i) {
    if (lua_type(lua, i) == LUA_TNUMBER) {
      char buffer[64];
      const int size = std::snprintf(buffer, sizeof(buffer), "%.17g", lua_tonumber(lua, i));
      args[i - 1].assign(buffer, size);
    } else if (lua_type(lua, i) == LUA_TSTRING) {
      args[i - 1] = ArgView(lua, i);
    } else {
      return std::nullopt;
    }
  }
  return args;
}

constexpr char kNoArguments[] = "Please specify at least one argument for this redis lib call";
constexpr char kBadArgument[] = "Lua redis lib command arguments must be strings or integers";

// Runs the request of a redis.call / redis.pcall and pushes its reply (an error table for an
// error or bad arguments); true if the call must raise it. The caller raises: lua_error does
// not unwind C++ frames, so none with live objects may be under it.
bool PushCommandReply(lua_State* lua) {
  RunState* run = CurrentRun(lua);
  if (lua_gettop(lua) == 0) {
    PushErrorTable(lua, kNoArguments);
    return true;
  }
  std::optional<std::vector<std::string>> owned = ReadRequest(lua);
  if (!owned || run == nullptr || run->host == nullptr) {
    PushErrorTable(lua, kBadArgument);
    return true;
  }
  const std::vector<std::string_view> args(owned->begin(), owned->end());
  std::string raw;
  run->host->Call(args, run->resp3 ? resp::Protocol::kResp3 : resp::Protocol::kResp2, raw);
  resp::ReplyParser parser;
  if (parser.Parse(raw) != resp::ReplyParser::Status::kReply) {
    PushErrorTable(lua, "the command's reply could not be read");
    return true;
  }
  PushReply(lua, parser.reply());
  return parser.reply().is_error();
}

// redis.call raises a command's error (and bad arguments); redis.pcall returns them as
// {err = ...}.
int RedisCall(lua_State* lua) { return PushCommandReply(lua) ? lua_error(lua) : 1; }
int RedisPCall(lua_State* lua) {
  PushCommandReply(lua);
  return 1;
}

int RedisErrorReply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, 1) != LUA_TSTRING) {
    return ReturnError(lua, "wrong number or type of arguments");
  }
  const std::string_view text = ArgView(lua, 1);
  PushErrorTable(lua, text.starts_with('-') ? std::string(text) : "-" + std::string(text));
  return 1;
}

int RedisStatusReply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, 1) != LUA_TSTRING) {
    return ReturnError(lua, "wrong number or type of arguments");
  }
  lua_newtable(lua);
  lua_pushvalue(lua, 1);
  lua_setfield(lua, -2, "ok");
  return 1;
}

int RedisSha1Hex(lua_State* lua) {
  if (lua_gettop(lua) != 1) return RaiseError(lua, "wrong number of arguments");
  const std::string hex = Sha1Hex(ArgView(lua, 1));
  lua_pushlstring(lua, hex.data(), hex.size());
  return 1;
}

// Redis's log levels, as redis.LOG_*.
enum LogLevel { kLogDebug = 0, kLogVerbose = 1, kLogNotice = 2, kLogWarning = 3 };

int RedisLog(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc < 2) return RaiseError(lua, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(lua, 1)) return RaiseError(lua, "First argument must be a number (log level).");
  const int level = static_cast<int>(lua_tonumber(lua, 1));
  if (level < kLogDebug || level > kLogWarning) return RaiseError(lua, "Invalid debug level.");
  std::string message;
  for (int i = 2; i <= argc; ++i) {
    if (i > 2) message += ' ';
    message += ArgView(lua, i);
  }
  switch (level) {
    case kLogDebug:
    case kLogVerbose:
      spdlog::debug("{}", message);
      break;
    case kLogNotice:
      spdlog::info("{}", message);
      break;
    default:
      spdlog::warn("{}", message);
  }
  return 0;
}

int RedisSetResp(lua_State* lua) {
  if (lua_gettop(lua) != 1) return RaiseError(lua, "redis.setresp() requires one argument.");
  const int version = static_cast<int>(lua_tonumber(lua, 1));
  if (version != 2 && version != 3) return RaiseError(lua, "RESP version must be 2 or 3.");
  if (RunState* run = CurrentRun(lua)) run->resp3 = version == 3;
  return 0;
}

// Replication flags of redis.set_repl.
enum ReplFlag { kReplNone = 0, kReplAof = 1, kReplReplica = 2, kReplAll = 3 };

int RedisSetRepl(lua_State* lua) {
  if (lua_gettop(lua) != 1) return RaiseError(lua, "redis.set_repl() requires two arguments.");
  const int flags = static_cast<int>(lua_tonumber(lua, 1));
  if ((flags & ~kReplAll) != 0) {
    return RaiseError(lua,
                      "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                      "REPL_NONE.");
  }
  // Nothing replicates yet: the flags have nothing to steer.
  return 0;
}

int RedisReplicateCommands(lua_State* lua) {
  lua_pushboolean(lua, 1);
  return 1;
}

// Whether the script's user may run the request on the stack; nullopt with *error set if it
// cannot be asked.
std::optional<bool> AclAllows(lua_State* lua, const char** error) {
  RunState* run = CurrentRun(lua);
  if (lua_gettop(lua) == 0) {
    *error = kNoArguments;
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> owned = ReadRequest(lua);
  if (!owned) {
    *error = kBadArgument;
    return std::nullopt;
  }
  const std::vector<std::string_view> args(owned->begin(), owned->end());
  std::optional<bool> allowed;
  if (run != nullptr && run->host != nullptr) allowed = run->host->AclAllows(args);
  if (!allowed) *error = "Invalid command passed to redis.acl_check_cmd()";
  return allowed;
}

int RedisAclCheckCmd(lua_State* lua) {
  const char* error = nullptr;
  const std::optional<bool> allowed = AclAllows(lua, &error);
  if (!allowed) return RaiseError(lua, error);
  lua_pushboolean(lua, *allowed);
  return 1;
}

// The debugger is not implemented: outside a debugging session these do nothing in Redis too.
int RedisBreakpoint(lua_State* lua) {
  lua_pushboolean(lua, 0);
  return 1;
}
int RedisDebug(lua_State* lua) { return 0; }

// The message handler of every script call: turns what was raised into an error table with
// the script position, {err = "ERR ...", source = "@user_script", line = n}.
int ErrorHandler(lua_State* lua) {
  lua_Debug where;
  bool found = lua_getstack(lua, 1, &where) && lua_getinfo(lua, "nSl", &where);
  if (found && std::string_view(where.what) == "C") {
    found = lua_getstack(lua, 2, &where) && lua_getinfo(lua, "nSl", &where);
  }
  if (!lua_istable(lua, 1)) {
    std::string text;
    switch (lua_type(lua, 1)) {
      case LUA_TNIL:
        text = "nil";
        break;
      case LUA_TBOOLEAN:
        text = lua_toboolean(lua, 1) ? "true" : "false";
        break;
      case LUA_TSTRING:
      case LUA_TNUMBER:
        text = ArgView(lua, 1);
        break;
      default: {
        char buffer[64];
        std::snprintf(buffer, sizeof(buffer), "%s: %p", luaL_typename(lua, 1),
                      lua_topointer(lua, 1));
        text = buffer;
      }
    }
    lua_newtable(lua);
    const std::string err = "ERR " + text;
    lua_pushlstring(lua, err.data(), err.size());
    lua_setfield(lua, -2, "err");
    lua_replace(lua, 1);
  }
  if (found) {
    lua_pushstring(lua, where.source);
    RawSetField(lua, 1, "source");
    lua_pushinteger(lua, where.currentline);
    RawSetField(lua, 1, "line");
  }
  lua_settop(lua, 1);
  return 1;
}

void Hook(lua_State* lua, lua_Debug*) {
  RunState* run = CurrentRun(lua);
  if (run == nullptr || run->host == nullptr || !run->host->ShouldStop()) return;
  spdlog::warn("Lua script killed by user with SCRIPT KILL.");
  // From now on every line raises again, so a script cannot catch the error and go on.
  lua_sethook(lua, Hook, LUA_MASKLINE, 0);
  RaiseError(lua, "Script killed by user with SCRIPT KILL...");
}

void SetFunction(lua_State* lua, const char* name, lua_CFunction function) {
  lua_pushcfunction(lua, function);
  lua_setfield(lua, -2, name);
}

void SetNumber(lua_State* lua, const char* name, lua_Number value) {
  lua_pushnumber(lua, value);
  lua_setfield(lua, -2, name);
}

}  // namespace

LuaState::LuaState(RandomState& random) : lua_(luaL_newstate()), random_(random) {
  OpenLibraries();
  RegisterRedisApi();
  Sandbox();
}

LuaState::~LuaState() { lua_close(lua_); }

void LuaState::OpenLibraries() {
  const std::pair<const char*, lua_CFunction> kLibraries[] = {
      {"", luaopen_base},
      {LUA_TABLIBNAME, luaopen_table},
      {LUA_STRLIBNAME, luaopen_string},
      {LUA_MATHLIBNAME, luaopen_math},
      {"cjson", luaopen_cjson},
      {"bit", luaopen_bit},
      {"struct", OpenStruct},
      {"cmsgpack", OpenCmsgpack},
  };
  for (const auto& [name, open] : kLibraries) {
    lua_pushcfunction(lua_, open);
    lua_pushstring(lua_, name);
    lua_call(lua_, 1, 1);
    // cjson and some others return their table without making it a global.
    if (lua_istable(lua_, -1) && name[0] != '\0') {
      lua_getglobal(lua_, name);
      const bool missing = lua_isnil(lua_, -1);
      lua_pop(lua_, 1);
      if (missing) {
        lua_pushvalue(lua_, -1);
        lua_setglobal(lua_, name);
      }
    }
    lua_settop(lua_, 0);
  }
  // What Redis leaves out of the base library: output, files and environments.
  for (const char* removed : {"print", "dofile", "loadfile", "setfenv", "getfenv", "newproxy"}) {
    lua_pushnil(lua_);
    lua_setglobal(lua_, removed);
  }
  // math.random and math.randomseed as Redis's, on lrand48.
  lua_getglobal(lua_, "math");
  lua_pushlightuserdata(lua_, &random_);
  lua_pushcclosure(lua_, MathRandom, 1);
  lua_setfield(lua_, -2, "random");
  lua_pushlightuserdata(lua_, &random_);
  lua_pushcclosure(lua_, MathRandomSeed, 1);
  lua_setfield(lua_, -2, "randomseed");
  lua_pop(lua_, 1);

  lua_getglobal(lua_, "table");
  lua_getfield(lua_, -1, "insert");
  lua_pushcclosure(lua_, SafeTableInsert, 1);
  lua_setfield(lua_, -2, "insert");
  lua_pop(lua_, 1);

  lua_pushcfunction(lua_, SafeRawGet);
  lua_setglobal(lua_, "rawget");
  lua_pushcfunction(lua_, SafeRawSet);
  lua_setglobal(lua_, "rawset");
  lua_pushcfunction(lua_, SafeNext);
  lua_setglobal(lua_, "next");
  lua_pushcfunction(lua_, SafeNext);
  lua_pushcclosure(lua_, SafePairs, 1);
  lua_setglobal(lua_, "pairs");
  lua_pushcfunction(lua_, IpairsStep);
  lua_pushcclosure(lua_, SafeIpairs, 1);
  lua_setglobal(lua_, "ipairs");
  lua_pushcfunction(lua_, SafeSetMetatable);
  lua_setglobal(lua_, "setmetatable");
  lua_pushcfunction(lua_, SafeGetMetatable);
  lua_setglobal(lua_, "getmetatable");
  lua_pushcfunction(lua_, SafePcall);
  lua_setglobal(lua_, "pcall");
  lua_pushcfunction(lua_, SafeLoadString);
  lua_setglobal(lua_, "loadstring");
  lua_pushcfunction(lua_, ErrorHandler);
  lua_setglobal(lua_, "__redis__err__handler");
}

void LuaState::RegisterRedisApi() {
  lua_newtable(lua_);
  SetFunction(lua_, "call", RedisCall);
  SetFunction(lua_, "pcall", RedisPCall);
  SetFunction(lua_, "error_reply", RedisErrorReply);
  SetFunction(lua_, "status_reply", RedisStatusReply);
  SetFunction(lua_, "sha1hex", RedisSha1Hex);
  SetFunction(lua_, "log", RedisLog);
  SetFunction(lua_, "setresp", RedisSetResp);
  SetFunction(lua_, "set_repl", RedisSetRepl);
  SetFunction(lua_, "replicate_commands", RedisReplicateCommands);
  SetFunction(lua_, "acl_check_cmd", RedisAclCheckCmd);
  SetFunction(lua_, "breakpoint", RedisBreakpoint);
  SetFunction(lua_, "debug", RedisDebug);
  SetNumber(lua_, "LOG_DEBUG", kLogDebug);
  SetNumber(lua_, "LOG_VERBOSE", kLogVerbose);
  SetNumber(lua_, "LOG_NOTICE", kLogNotice);
  SetNumber(lua_, "LOG_WARNING", kLogWarning);
  SetNumber(lua_, "REPL_NONE", kReplNone);
  SetNumber(lua_, "REPL_AOF", kReplAof);
  SetNumber(lua_, "REPL_SLAVE", kReplReplica);
  SetNumber(lua_, "REPL_REPLICA", kReplReplica);
  SetNumber(lua_, "REPL_ALL", kReplAll);
  lua_pushlstring(lua_, kRedisCompatibleVersion.data(), kRedisCompatibleVersion.size());
  lua_setfield(lua_, -2, "REDIS_VERSION");
  SetNumber(lua_, "REDIS_VERSION_NUM", VersionNumber(kRedisCompatibleVersion));
  lua_setglobal(lua_, "redis");
}

void LuaState::Sandbox() {
  // Registry tables: proxy -> shown table, and the set of read-only tables. They hold library
  // tables, which live as long as the state.
  lua_pushlightuserdata(lua_, &kProxiesKey);
  lua_newtable(lua_);
  lua_pushlightuserdata(lua_, &kReadOnlyKey);
  lua_newtable(lua_);
  const int proxies = lua_gettop(lua_) - 2;  // index of the proxies table
  const int read_only = lua_gettop(lua_);
  // Replaces the table at the top by a read-only proxy of it: reads go through to the table,
  // writes raise.
  auto protect = [&] {
    const int shown = lua_gettop(lua_);
    lua_newtable(lua_);  // the proxy
    lua_newtable(lua_);  // its metatable
    lua_pushvalue(lua_, shown);
    lua_setfield(lua_, -2, "__index");
    lua_pushcfunction(lua_, DenyWrite);
    lua_setfield(lua_, -2, "__newindex");
    lua_setmetatable(lua_, -2);
    lua_pushvalue(lua_, -1);
    lua_pushvalue(lua_, shown);
    lua_rawset(lua_, proxies);
    for (int index : {shown, shown + 1}) {
      lua_pushvalue(lua_, index);
      lua_pushboolean(lua_, 1);
      lua_rawset(lua_, read_only);
    }
    lua_replace(lua_, shown);
  };
  // Libraries first, then the globals themselves.
  for (const char* library :
       {"string", "table", "math", "coroutine", "cjson", "bit", "struct", "cmsgpack", "redis"}) {
    lua_getglobal(lua_, library);
    protect();
    lua_setglobal(lua_, library);
  }
  // Strings' methods come from the protected string table too, and getmetatable('') shows a
  // read-only view of their metatable.
  lua_pushstring(lua_, "");
  lua_getmetatable(lua_, -1);
  lua_getglobal(lua_, "string");
  lua_setfield(lua_, -2, "__index");
  lua_pushvalue(lua_, -1);
  protect();
  lua_setfield(lua_, -2, "__metatable");
  lua_pop(lua_, 2);

  lua_pushvalue(lua_, LUA_GLOBALSINDEX);
  const int globals = lua_gettop(lua_);
  lua_newtable(lua_);
  lua_pushcfunction(lua_, DenyMissingGlobal);
  lua_setfield(lua_, -2, "__index");
  // getmetatable(_G) shows a read-only view of this metatable.
  lua_pushvalue(lua_, -1);
  protect();
  lua_setfield(lua_, -2, "__metatable");
  lua_setmetatable(lua_, globals);
  lua_pushvalue(lua_, globals);
  protect();
  // _G names the proxy; the proxy becomes the globals of every chunk compiled from now on.
  lua_pushvalue(lua_, -1);
  lua_setfield(lua_, globals, "_G");
  lua_replace(lua_, LUA_GLOBALSINDEX);
  globals_ref_ = luaL_ref(lua_, LUA_REGISTRYINDEX);  // the writable globals, for KEYS and ARGV
  lua_rawset(lua_, LUA_REGISTRYINDEX);               // read-only set
  lua_rawset(lua_, LUA_REGISTRYINDEX);               // proxies
  lua_settop(lua_, 0);
}

std::variant<int, std::string> LuaState::Compile(std::string_view body, const char* chunk_name) {
  if (luaL_loadbuffer(lua_, body.data(), body.size(), chunk_name) != 0) {
    std::string message = ArgView(lua_, -1).data() == nullptr ? "" : std::string(ArgView(lua_, -1));
    lua_pop(lua_, 1);
    return message;
  }
  return luaL_ref(lua_, LUA_REGISTRYINDEX);
}

void LuaState::Release(int function_ref) { luaL_unref(lua_, LUA_REGISTRYINDEX, function_ref); }

size_t LuaState::used_memory() const {
  return static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
}

namespace {

// Whether the value at the top is an error table marked as counted already.
bool ErrorCounted(lua_State* lua) {
  if (!lua_istable(lua, -1)) return false;
  RawGetField(lua, -1, "err");
  RawGetField(lua, -2, "ignore_error_stats_update");
  const bool counted = lua_isstring(lua, -2) && lua_toboolean(lua, -1);
  lua_pop(lua, 2);
  return counted;
}

}  // namespace

bool LuaState::Run(int function_ref, std::span<const std::string_view> keys,
                   std::span<const std::string_view> argv, std::string_view name, ScriptHost& host,
                   resp::ReplyWriter& out) {
  return Execute(function_ref, keys, argv, /*as_arguments=*/false, name, host, out);
}

bool LuaState::RunFunction(int function_ref, std::span<const std::string_view> keys,
                           std::span<const std::string_view> argv, std::string_view name,
                           ScriptHost& host, resp::ReplyWriter& out) {
  return Execute(function_ref, keys, argv, /*as_arguments=*/true, name, host, out);
}

bool LuaState::Execute(int function_ref, std::span<const std::string_view> keys,
                       std::span<const std::string_view> argv, bool as_arguments,
                       std::string_view name, ScriptHost& host, resp::ReplyWriter& out) {
  RunState run{.host = &host};
  lua_pushlightuserdata(lua_, &kRunKey);
  lua_pushlightuserdata(lua_, &run);
  lua_rawset(lua_, LUA_REGISTRYINDEX);

  auto push_strings = [&](std::span<const std::string_view> values) {
    lua_createtable(lua_, static_cast<int>(values.size()), 0);
    for (size_t i = 0; i < values.size(); ++i) {
      lua_pushlstring(lua_, values[i].data(), values[i].size());
      lua_rawseti(lua_, -2, static_cast<int>(i + 1));
    }
  };
  if (!as_arguments) {
    lua_rawgeti(lua_, LUA_REGISTRYINDEX, globals_ref_);
    for (const auto& [global, values] : {std::pair{"KEYS", keys}, std::pair{"ARGV", argv}}) {
      push_strings(values);
      lua_setfield(lua_, -2, global);
    }
    lua_pop(lua_, 1);
  }

  lua_pushcfunction(lua_, ErrorHandler);
  lua_rawgeti(lua_, LUA_REGISTRYINDEX, function_ref);
  if (as_arguments) {
    push_strings(keys);
    push_strings(argv);
  }
  lua_sethook(lua_, Hook, LUA_MASKCOUNT, kHookInstructions);
  const int status = lua_pcall(lua_, as_arguments ? 2 : 0, 1, 1);
  lua_sethook(lua_, nullptr, 0, 0);
  const bool error_counted = ErrorCounted(lua_);
  if (status == 0) {
    WriteReply(lua_, out, run.resp3);
  } else if (!lua_istable(lua_, -1)) {
    const std::string_view message =
        lua_isstring(lua_, -1) ? ArgView(lua_, -1) : "execution failure";
    out.Error("ERR Error running script " + std::string(name) + ", " +
              std::string(message.substr(0, 100)));
  } else {
    std::string text;
    RawGetField(lua_, -1, "err");
    if (lua_isstring(lua_, -1)) text = ArgView(lua_, -1);
    RawGetField(lua_, -2, "source");
    RawGetField(lua_, -3, "line");
    if (lua_isstring(lua_, -1) && lua_isstring(lua_, -2)) {
      text += " script: " + std::string(name) + ", on " + std::string(ArgView(lua_, -2)) + ":" +
              std::string(ArgView(lua_, -1)) + ".";
    }
    for (char& c : text) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    out.Error(text);
  }
  lua_settop(lua_, 0);

  lua_pushlightuserdata(lua_, &kRunKey);
  lua_pushnil(lua_);
  lua_rawset(lua_, LUA_REGISTRYINDEX);
  if (++runs_since_gc_ == kGcPeriod) {
    lua_gc(lua_, LUA_GCSTEP, kGcPeriod);
    runs_since_gc_ = 0;
  }
  return error_counted;
}

}  // namespace understudy::engine::scripting
