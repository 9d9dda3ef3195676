#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "resp/reply_writer.h"

struct lua_State;

namespace understudy::engine::scripting {

// What a script's redis.* calls need from the server while it runs (see ScriptRun).
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // redis.call / redis.pcall: runs the command and appends its reply, in `protocol` (the
  // script's, chosen by redis.setresp), to `reply`. A refusal (unknown command, not allowed
  // from scripts, no permission...) is an error reply too.
  virtual void Call(std::span<const std::string_view> args, resp::Protocol protocol,
                    std::string& reply) = 0;
  // redis.acl_check_cmd: whether the script's user may run the request; nullopt if the
  // command does not exist.
  virtual std::optional<bool> AclAllows(std::span<const std::string_view> args) = 0;
  // Called every few thousand Lua instructions: true stops the script (SCRIPT KILL).
  virtual bool ShouldStop() = 0;
};

// The state of lrand48, behind Lua's math.random in Redis: one per server, never reseeded
// between scripts (7.0 replicates scripts by their effects), so a script that wants
// reproducible numbers calls math.randomseed.
struct RandomState {
  uint64_t x = 0x1234ABCD330E;
};

// A Lua 5.1 interpreter with Redis's sandbox and its libraries: the base, string, table,
// math and coroutine libraries without io, os, debug or file loading; cjson, bit, struct and
// cmsgpack; the redis table (call, pcall, log, sha1hex, setresp, ...). Globals and library
// tables are read only: a script cannot change them, nor create globals. EVAL's cache and
// Redis 7 functions each own one.
class LuaState {
 public:
  explicit LuaState(RandomState& random);
  ~LuaState();
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  lua_State* lua() const { return lua_; }

  // Compiles a script body into a function kept in the registry: its reference, or the
  // compiler's message ("user_script:1: unexpected symbol near '<eof>'").
  std::variant<int, std::string> Compile(std::string_view body, const char* chunk_name);
  void Release(int function_ref);

  // Runs a compiled function with the KEYS and ARGV globals set, and writes what it returns
  // (or its error, naming the script as `name`: "script: <sha>, on @user_script:1.") to out.
  // Returns whether that reply is an error passed on from a command, which errorstats counted
  // already.
  bool Run(int function_ref, std::span<const std::string_view> keys,
           std::span<const std::string_view> argv, std::string_view name, ScriptHost& host,
           resp::ReplyWriter& out);

  // Runs a Redis 7 function: as Run, with the keys and arguments passed as its two parameters.
  bool RunFunction(int function_ref, std::span<const std::string_view> keys,
                   std::span<const std::string_view> argv, std::string_view name, ScriptHost& host,
                   resp::ReplyWriter& out);

  // Bytes the interpreter holds (INFO's used_memory_lua).
  size_t used_memory() const;

 private:
  void OpenLibraries();
  void RegisterRedisApi();
  void Sandbox();
  bool Execute(int function_ref, std::span<const std::string_view> keys,
               std::span<const std::string_view> argv, bool as_arguments, std::string_view name,
               ScriptHost& host, resp::ReplyWriter& out);

  lua_State* lua_;
  RandomState& random_;
  int globals_ref_ = 0;  // the globals table itself, behind the read-only _G
  int runs_since_gc_ = 0;
};

}  // namespace understudy::engine::scripting
