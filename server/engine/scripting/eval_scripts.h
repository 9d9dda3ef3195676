#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "server/engine/scripting/lua_state.h"
#include "store/value.h"

namespace understudy::engine::scripting {

// Parses the "#!lua flags=a,b" line Redis 7 scripts may start with: the ScriptFlag bits, or
// kScriptEvalCompat without one; on error, Redis's message (without "ERR ").
std::variant<uint32_t, std::string> ParseShebang(std::string_view body);

// EVAL's script cache: every script EVAL or SCRIPT LOAD saw, by the SHA-1 of its body,
// compiled in one Lua state until SCRIPT FLUSH replaces it.
class EvalScripts {
 public:
  struct Script {
    std::string body;
    int function_ref;
    uint32_t flags;  // ScriptFlag bits
  };

  explicit EvalScripts(RandomState& random);

  // The cached script of body, compiled and added if new, and its sha; on failure the error
  // reply (compile error, bad shebang).
  std::variant<const Script*, std::string> Load(std::string_view body, std::string* sha);
  // The script of a sha (40 hex digits, any case); null if not cached.
  const Script* Find(std::string_view sha) const;
  // SCRIPT FLUSH: forgets every script and starts a fresh Lua state.
  void Flush();

  LuaState& lua() { return *lua_; }
  size_t size() const { return scripts_.size(); }
  // Bytes of the cached bodies and their entries (INFO's used_memory_scripts_eval).
  size_t bytes() const { return bytes_; }

 private:
  RandomState& random_;
  std::unique_ptr<LuaState> lua_;
  absl::flat_hash_map<std::string, Script, store::StringHash, store::StringEq> scripts_;
  size_t bytes_ = 0;
};

}  // namespace understudy::engine::scripting
