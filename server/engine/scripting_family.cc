// Scripting commands: EVAL and its variants run Lua scripts (see scripting/), SCRIPT manages
// the script cache and stops a busy script.
#include <string>
#include <string_view>
#include <variant>

#include "absl/strings/ascii.h"
#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/scripting/eval_scripts.h"
#include "server/engine/scripting/script_run.h"

namespace understudy::engine {
namespace {

using scripting::EvalScripts;

enum class Source { kBody, kSha };

// EVAL script numkeys [key ...] [arg ...] and EVALSHA, EVAL_RO, EVALSHA_RO.
void EvalGeneric(CommandContext& ctx, Source source, bool read_only_command) {
  // The script command is shown before its checks and before the commands it runs, as Redis
  // shows it (its skip-monitor flag keeps the usual line after the command away).
  ctx.engine.FeedMonitors(ctx.client.db, ctx.client.addr, ctx.args);
  int64_t numkeys = 0;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &numkeys)) return;
  const auto after_numkeys = static_cast<int64_t>(ctx.args.size()) - 3;
  if (numkeys > after_numkeys) return ctx.reply.Error(errors::kNumKeysTooMany);
  if (numkeys < 0) return ctx.reply.Error(errors::kNumKeysNegative);

  EvalScripts& scripts = ctx.engine.eval_scripts();
  const EvalScripts::Script* script = nullptr;
  std::string sha;
  if (source == Source::kSha) {
    script = scripts.Find(ctx.args[1]);
    if (script == nullptr) return ctx.reply.Error(errors::kNoScript);
    sha = absl::AsciiStrToLower(store::AbslView(ctx.args[1]));
  } else {
    auto loaded = scripts.Load(ctx.args[1], &sha);
    if (auto* error = std::get_if<std::string>(&loaded)) return ctx.reply.Error(*error);
    script = std::get<const EvalScripts::Script*>(loaded);
  }
  const bool declared_read_only = (script->flags & scripting::kScriptNoWrites) != 0;
  if (read_only_command && !(script->flags & scripting::kScriptEvalCompat) && !declared_read_only) {
    return ctx.reply.Error(errors::kScriptWriteFlagReadOnlyCommand);
  }
  const auto keys = ctx.args.subspan(3, numkeys);
  const auto argv = ctx.args.subspan(3 + numkeys);
  scripting::ScriptRun run(ctx.engine, ctx.client, read_only_command || declared_read_only);
  if (scripts.lua().Run(script->function_ref, keys, argv, sha, run, ctx.reply)) {
    ctx.engine.SkipErrorCount();
  }
}

// What a write pause sees of EVAL and EVALSHA: a script declaring no-writes is a read, one
// declaring flags otherwise a write, one without a shebang (or not cached) may write.
uint32_t ScriptRequestFlags(Engine& engine, std::span<const std::string_view> args, Source source) {
  uint32_t script_flags = scripting::kScriptEvalCompat;
  if (source == Source::kSha) {
    if (const EvalScripts::Script* script = engine.eval_scripts().Find(args[1])) {
      script_flags = script->flags;
    }
  } else if (auto flags = scripting::ParseShebang(args[1]);
             std::holds_alternative<uint32_t>(flags)) {
    script_flags = std::get<uint32_t>(flags);
  }
  if (script_flags & scripting::kScriptEvalCompat) return kMayReplicate;
  if (script_flags & scripting::kScriptNoWrites) return 0;
  return kWrite;
}

uint32_t EvalFlags(Engine& engine, std::span<const std::string_view> args) {
  return ScriptRequestFlags(engine, args, Source::kBody);
}
uint32_t EvalShaFlags(Engine& engine, std::span<const std::string_view> args) {
  return ScriptRequestFlags(engine, args, Source::kSha);
}

void CmdEval(CommandContext& ctx) { EvalGeneric(ctx, Source::kBody, false); }
void CmdEvalSha(CommandContext& ctx) { EvalGeneric(ctx, Source::kSha, false); }
void CmdEvalRo(CommandContext& ctx) { EvalGeneric(ctx, Source::kBody, true); }
void CmdEvalShaRo(CommandContext& ctx) { EvalGeneric(ctx, Source::kSha, true); }

// SCRIPT LOAD script
void CmdScriptLoad(CommandContext& ctx) {
  std::string sha;
  auto loaded = ctx.engine.eval_scripts().Load(ctx.args[2], &sha);
  if (auto* error = std::get_if<std::string>(&loaded)) return ctx.reply.Error(*error);
  ctx.reply.Bulk(sha);
}

// SCRIPT EXISTS sha1 [sha1 ...]
void CmdScriptExists(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    ctx.reply.Integer(ctx.engine.eval_scripts().Find(ctx.args[i]) != nullptr ? 1 : 0);
  }
}

// SCRIPT FLUSH [ASYNC | SYNC]: both free the scripts at once; they are small.
void CmdScriptFlush(CommandContext& ctx) {
  if (ctx.args.size() > 3 || (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "sync") &&
                              !EqualsIgnoreCase(ctx.args[2], "async"))) {
    return ctx.reply.Error(errors::kScriptFlushMode);
  }
  ctx.engine.eval_scripts().Flush();
  ctx.reply.Ok();
}

// SCRIPT KILL: stops the busy script unless it wrote.
void CmdScriptKill(CommandContext& ctx) {
  scripting::ScriptRun* run = ctx.engine.running_script();
  if (run == nullptr) return ctx.reply.Error(errors::kNotBusy);
  if (run->wrote()) return ctx.reply.Error(errors::kUnkillable);
  run->Kill();
  ctx.reply.Ok();
}

// SCRIPT DEBUG YES | SYNC | NO: the Lua debugger is not implemented; NO is what runs anyway.
void CmdScriptDebug(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.args[2], "no")) return ctx.reply.Ok();
  if (EqualsIgnoreCase(ctx.args[2], "yes") || EqualsIgnoreCase(ctx.args[2], "sync")) {
    return ctx.reply.Error(errors::kScriptDebugUnsupported);
  }
  ctx.reply.Error(errors::kScriptDebugMode);
}

// SCRIPT HELP
void CmdScriptHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kEvalFlags = kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys | kMovableKeys;
constexpr std::string_view kEvalComplexity = "Depends on the script that is executed.";
constexpr std::string_view kAssumeWorst =
    "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
constexpr std::string_view kAssumeWorstReadOnly =
    "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";

const CommandSpec kScriptSubcommands[] = {
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdScriptHelp,
     .doc = {"Show helpful text about the different subcommands", "5.0.0", "O(1)"}},
    {.name = "flush",
     .arity = -2,
     .flags = kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdScriptFlush,
     .doc = {"Remove all the scripts from the script cache.", "2.6.0",
             "O(N) with N being the number of scripts in cache"},
     .args = "[async:(ASYNC | SYNC)@6.2.0]",
     .history = {{"6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."}},
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {.name = "load",
     .arity = 3,
     .flags = kNoScript | kStale,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdScriptLoad,
     .doc = {"Load the specified Lua script into the script cache.", "2.6.0",
             "O(N) with N being the length in bytes of the script body."},
     .args = "script",
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {.name = "debug",
     .arity = 3,
     .flags = kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdScriptDebug,
     .doc = {"Set the debug mode for executed scripts.", "3.2.0", "O(1)"},
     .args = "mode:(YES | SYNC | NO)"},
    {.name = "kill",
     .arity = 2,
     .flags = kNoScript | kAllowBusy,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdScriptKill,
     .doc = {"Kill the script currently in execution.", "2.6.0", "O(1)"},
     .tips = "request_policy:all_shards response_policy:one_succeeded"},
    {.name = "exists",
     .arity = -3,
     .flags = kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdScriptExists,
     .doc = {"Check existence of scripts in the script cache.", "2.6.0",
             "O(N) with N being the number of scripts to check (so checking a single script is "
             "an O(1) operation)."},
     .args = "sha1...",
     .tips = "request_policy:all_shards response_policy:agg_logical_and"},
};

constexpr CommandSpec kCommands[] = {
    {.name = "eval",
     .arity = -3,
     .flags = kEvalFlags,
     .acl = kAclScripting,
     .keys = {.flags = "RW access update", .notes = kAssumeWorst, .numkeys = 2},
     .handler = CmdEval,
     .doc = {"Execute a Lua script server side", "2.6.0", kEvalComplexity},
     .args = "script numkeys:integer [key:key...] [arg...]",
     .request_flags = EvalFlags},
    {.name = "evalsha",
     .arity = -3,
     .flags = kEvalFlags,
     .acl = kAclScripting,
     .keys = {.flags = "RW access update", .numkeys = 2},
     .handler = CmdEvalSha,
     .doc = {"Execute a Lua script server side", "2.6.0", kEvalComplexity},
     .args = "sha1 numkeys:integer [key:key...] [arg...]",
     .request_flags = EvalShaFlags},
    {.name = "eval_ro",
     .arity = -3,
     .flags = kReadOnly | kEvalFlags,
     .acl = kAclScripting,
     .keys = {.flags = "RO access", .notes = kAssumeWorstReadOnly, .numkeys = 2},
     .handler = CmdEvalRo,
     .doc = {"Execute a read-only Lua script server side", "7.0.0", kEvalComplexity},
     .args = "script numkeys:integer [key:key...] [arg...]"},
    {.name = "evalsha_ro",
     .arity = -3,
     .flags = kReadOnly | kEvalFlags,
     .acl = kAclScripting,
     .keys = {.flags = "RO access", .numkeys = 2},
     .handler = CmdEvalShaRo,
     .doc = {"Execute a read-only Lua script server side", "7.0.0", kEvalComplexity},
     .args = "sha1 numkeys:integer [key:key...] [arg...]"},
    {.name = "script",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for Lua scripts management commands", "2.6.0", "Depends on subcommand."},
     .subcommands = kScriptSubcommands},
};

}  // namespace

CommandFamily ScriptingFamily() { return {"scripting", kCommands}; }

}  // namespace understudy::engine
