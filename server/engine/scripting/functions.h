#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/engine/scripting/lua_state.h"
#include "store/clock.h"

namespace understudy::engine::scripting {

// Orders function names as Redis's dictionary of them compares: ignoring case.
struct NameLessIgnoringCase {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

// One function a library registered with redis.register_function.
struct Function {
  std::string name;
  std::optional<std::string> description;
  uint32_t flags = 0;  // ScriptFlag bits
  int function_ref = 0;
};

// A library as FUNCTION LOAD took it: its name (from "#!lua name=..."), code and functions
// by name.
struct Library {
  std::string name;
  std::string code;
  // Case matters here (a library may hold "h" and "H"), not across libraries (owner_).
  std::map<std::string, Function, std::less<>> functions;
};

// The function FCALL is running, for FUNCTION STATS.
struct RunningFunction {
  std::string name;
  std::vector<std::string> command;
  int64_t started_ms = 0;
};

// The names of ScriptFlag bits, in Redis's order (FUNCTION LIST's flags).
std::vector<std::string_view> FunctionFlagNames(uint32_t flags);

// How FUNCTION RESTORE treats the libraries already loaded.
enum class RestorePolicy { kAppend, kReplace, kFlush };

// The Redis 7 function libraries: one Lua state that loads them all, and the registry of
// libraries and functions. A library's code runs once when it is loaded, with only
// redis.register_function, redis.log and the redis.LOG_* and version constants to see; the
// functions it registers run later (FCALL) with the whole scripting API.
class FunctionLibraries {
 public:
  // clock: the running clock, for the time limit of loading a library's code.
  FunctionLibraries(RandomState& random, const store::Clock& clock);
  ~FunctionLibraries();
  FunctionLibraries(const FunctionLibraries&) = delete;
  FunctionLibraries& operator=(const FunctionLibraries&) = delete;

  // FUNCTION LOAD [REPLACE]: nullopt with the library's name set, or the error reply.
  std::optional<std::string> Load(std::string_view code, bool replace, std::string* name);
  // FUNCTION DELETE: false if there is no such library.
  bool Delete(std::string_view name);
  // FUNCTION FLUSH: forgets every library and starts a fresh Lua state.
  void Flush();
  // FUNCTION DUMP: the payload of every library (opcode 245 and the code of each).
  std::string Dump() const;
  // FUNCTION RESTORE: nullopt, or the error reply (and nothing changed).
  std::optional<std::string> Restore(std::string_view payload, RestorePolicy policy);

  // The function of a name and its library; null if there is none.
  const Function* Find(std::string_view name) const;

  const std::map<std::string, Library, std::less<>>& libraries() const { return libraries_; }
  size_t functions_count() const { return owner_.size(); }
  LuaState& lua() { return *lua_; }
  const std::optional<RunningFunction>& running() const { return running_; }
  void set_running(std::optional<RunningFunction> running) { running_ = std::move(running); }
  // Bytes of the libraries' code and entries (INFO's used_memory_functions).
  size_t bytes() const;

 private:
  // Runs a library's code and collects what it registers: the library, or the error reply.
  std::variant<Library, std::string> Compile(std::string_view code);
  // The error reply if adding `incoming` (after removing the libraries named in `removed`)
  // would clash with a library or function name.
  std::optional<std::string> Clash(const std::vector<Library>& incoming,
                                   const std::vector<std::string>& removed) const;
  void Add(Library library);
  void Release(const Library& library);

  RandomState& random_;
  const store::Clock& clock_;
  std::unique_ptr<LuaState> lua_;
  int library_env_ref_ = 0;  // the globals table of every library's code
  std::map<std::string, Library, std::less<>> libraries_;
  std::map<std::string, std::string, NameLessIgnoringCase> owner_;  // function -> library
  std::optional<RunningFunction> running_;
};

}  // namespace understudy::engine::scripting
