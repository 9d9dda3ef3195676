#include "server/engine/scripting/script_run.h"

#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "spdlog/spdlog.h"

namespace understudy::engine::scripting {
namespace {

// The command a script's request names, its subcommand resolved; null if there is none.
const RegisteredCommand* FindCommand(const Engine& engine, std::span<const std::string_view> args) {
  const RegisteredCommand* command = engine.commands().Find(args[0]);
  if (command == nullptr || command->subcommands.empty() || args.size() < 2) return command;
  return command->FindSubcommand(args[1]);
}

}  // namespace

ScriptRun::ScriptRun(Engine& engine, Client& caller, bool read_only)
    : engine_(engine),
      caller_(caller),
      read_only_(read_only),
      started_ms_(engine.running_clock().NowMs()) {
  client_.id = caller.id;
  client_.db = caller.db;
  client_.user = caller.user;
  client_.authenticated = true;
  client_.name = caller.name;
  client_.addr = caller.addr;
  client_.laddr = caller.laddr;
  client_.in_exec = true;  // a blocking command answers at once, as if it timed out
  engine_.set_running_script(this);
}

ScriptRun::~ScriptRun() { engine_.set_running_script(nullptr); }

void ScriptRun::Call(std::span<const std::string_view> args, resp::Protocol protocol,
                     std::string& reply) {
  const RegisteredCommand* command = FindCommand(engine_, args);
  if (command == nullptr) return Refuse(reply, errors::kScriptUnknownCommand);
  if (!ArityAccepts(command->spec->arity, args.size())) {
    return Refuse(reply, errors::kScriptWrongArity);
  }
  if (command->spec->flags & kNoScript) return Refuse(reply, errors::kScriptNoScriptCommand);
  switch (engine_.acl().Check(*client_.user, *command, args)) {
    case AclDenial::kNone:
      break;
    case AclDenial::kCommand:
      return Refuse(reply, errors::kScriptNoPermCommand);
    case AclDenial::kKey:
      return Refuse(reply, errors::kScriptNoPermKey);
    case AclDenial::kChannel:
      return Refuse(reply, errors::kScriptNoPermChannel);
  }
  if (command->spec->flags & kWrite) {
    if (read_only_) return Refuse(reply, errors::kScriptWriteInReadOnly);
    wrote_ = true;
  }
  client_.protocol = protocol;
  client_.output.clear();
  engine_.RunForScript(client_, *command, args);
  reply.swap(client_.output);
}

void ScriptRun::Refuse(std::string& reply, std::string_view error) {
  resp::ReplyWriter(&reply, resp::Protocol::kResp2).Error(error);
  engine_.CountError(reply, 0);
}

std::optional<bool> ScriptRun::AclAllows(std::span<const std::string_view> args) {
  const RegisteredCommand* command = FindCommand(engine_, args);
  if (command == nullptr) return std::nullopt;
  return engine_.acl().Check(*client_.user, *command, args) == AclDenial::kNone;
}

bool ScriptRun::ShouldStop() {
  if (killed_) return true;
  if (!busy_) {
    const int64_t elapsed = engine_.running_clock().NowMs() - started_ms_;
    if (elapsed < engine_.config().busy_reply_threshold_ms) return false;
    busy_ = true;
    spdlog::warn(
        "Slow script detected: still in execution after {} milliseconds. You can try killing "
        "the script using the SCRIPT KILL command.",
        elapsed);
  }
  engine_.ServeWhileBusy();
  return killed_;
}

}  // namespace understudy::engine::scripting
