#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/engine/client.h"
#include "server/engine/scripting/lua_state.h"

namespace understudy::engine {
class Engine;
}

namespace understudy::engine::scripting {

// Flags of a script's "#!lua flags=..." line, as Redis 7's.
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1 << 0,
  kScriptAllowOom = 1 << 1,
  kScriptAllowStale = 1 << 2,
  kScriptNoCluster = 1 << 3,
  kScriptAllowCrossSlotKeys = 1 << 4,
  // No shebang: the rules of scripts before Redis 7 (EVAL_RO still makes it read only).
  kScriptEvalCompat = 1 << 5,
};

// One script being run: what its redis.* calls reach. Commands run as a client of the script's
// own, with the caller's user and database (a SELECT inside the script stays inside it), that
// never blocks. Past busy-reply-threshold the host serves other clients between instructions
// (they are answered BUSY), and SCRIPT KILL may stop the script if it has not written.
// EVAL and (later) FCALL both run their scripts through one.
class ScriptRun final : public ScriptHost {
 public:
  // read_only: the script may not write (its no-writes flag, or EVAL_RO / EVALSHA_RO).
  ScriptRun(Engine& engine, Client& caller, bool read_only);
  ~ScriptRun() override;
  ScriptRun(const ScriptRun&) = delete;
  ScriptRun& operator=(const ScriptRun&) = delete;

  void Call(std::span<const std::string_view> args, resp::Protocol protocol,
            std::string& reply) override;
  std::optional<bool> AclAllows(std::span<const std::string_view> args) override;
  bool ShouldStop() override;

  // Past the threshold: other clients are being served (and answered BUSY) meanwhile.
  bool busy() const { return busy_; }
  // It called a write command: SCRIPT KILL can no longer stop it.
  bool wrote() const { return wrote_; }
  // Stops the script at its next check (SCRIPT KILL; SHUTDOWN NOSAVE even after writes).
  void Kill() { killed_ = true; }
  // Whether client is the script's own, the one its redis.call commands run as.
  bool OwnsClient(const Client& client) const { return &client == &client_; }

 private:
  // Answers a request the script may not run; the error counts in errorstats now.
  void Refuse(std::string& reply, std::string_view error);

  Engine& engine_;
  Client& caller_;
  Client client_;  // the script's own client
  bool read_only_;
  int64_t started_ms_;
  bool busy_ = false;
  bool wrote_ = false;
  bool killed_ = false;
};

}  // namespace understudy::engine::scripting
