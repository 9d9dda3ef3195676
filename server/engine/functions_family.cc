// Redis 7 functions: FUNCTION manages the libraries (see scripting/functions.h), FCALL and
// FCALL_RO run their functions.
#include <string>
#include <string_view>
#include <variant>

#include "absl/strings/numbers.h"
#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"
#include "server/engine/scripting/functions.h"
#include "server/engine/scripting/script_run.h"

namespace understudy::engine {
namespace {

using scripting::FunctionLibraries;

// FCALL function numkeys [key ...] [arg ...] and FCALL_RO.
void FcallGeneric(CommandContext& ctx, bool read_only_command) {
  // Shown before its checks and the commands it runs, as EVAL is (see scripting_family.cc).
  ctx.engine.FeedMonitors(ctx.client.db, ctx.client.addr, ctx.args);
  FunctionLibraries& functions = ctx.engine.functions();
  const scripting::Function* function = functions.Find(ctx.args[1]);
  if (function == nullptr) return ctx.reply.Error(errors::kFunctionNotFound);
  int64_t numkeys = 0;
  if (!absl::SimpleAtoi(store::AbslView(ctx.args[2]), &numkeys)) {
    return ctx.reply.Error(errors::kFunctionBadNumKeys);
  }
  if (numkeys < 0) return ctx.reply.Error(errors::kNumKeysNegative);
  if (numkeys > static_cast<int64_t>(ctx.args.size()) - 3) {
    return ctx.reply.Error(errors::kNumKeysTooMany);
  }
  const bool declared_read_only = (function->flags & scripting::kScriptNoWrites) != 0;
  if (read_only_command && !declared_read_only) {
    return ctx.reply.Error(errors::kScriptWriteFlagReadOnlyCommand);
  }
  functions.set_running(
      scripting::RunningFunction{.name = function->name,
                                 .command = {ctx.args.begin(), ctx.args.end()},
                                 .started_ms = ctx.engine.running_clock().NowMs()});
  bool error_counted = false;
  {
    scripting::ScriptRun run(ctx.engine, ctx.client, read_only_command || declared_read_only);
    error_counted =
        functions.lua().RunFunction(function->function_ref, ctx.args.subspan(3, numkeys),
                                    ctx.args.subspan(3 + numkeys), function->name, run, ctx.reply);
  }
  functions.set_running(std::nullopt);
  if (error_counted) ctx.engine.SkipErrorCount();
}

void CmdFcall(CommandContext& ctx) { FcallGeneric(ctx, false); }
void CmdFcallRo(CommandContext& ctx) { FcallGeneric(ctx, true); }

// What a write pause sees of FCALL: a function declaring no-writes is a read.
uint32_t FcallFlags(Engine& engine, std::span<const std::string_view> args) {
  const scripting::Function* function = engine.functions().Find(args[1]);
  if (function != nullptr && (function->flags & scripting::kScriptNoWrites)) return 0;
  return kWrite;
}

// FUNCTION LOAD [REPLACE] function-code
void CmdFunctionLoad(CommandContext& ctx) {
  bool replace = false;
  for (size_t i = 2; i + 1 < ctx.args.size(); ++i) {
    if (!EqualsIgnoreCase(ctx.args[i], "replace")) {
      return ctx.reply.Error(errors::FunctionUnknownOption(ctx.args[i]));
    }
    replace = true;
  }
  std::string name;
  if (auto error = ctx.engine.functions().Load(ctx.args.back(), replace, &name)) {
    return ctx.reply.Error(*error);
  }
  ctx.reply.Bulk(name);
}

// FUNCTION DELETE library-name
void CmdFunctionDelete(CommandContext& ctx) {
  if (!ctx.engine.functions().Delete(ctx.args[2])) {
    return ctx.reply.Error(errors::kFunctionLibraryNotFound);
  }
  ctx.reply.Ok();
}

// FUNCTION FLUSH [ASYNC | SYNC]: both free the libraries at once.
void CmdFunctionFlush(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    return ctx.reply.Error(errors::UnknownSubcommandOrArity(ctx.args[1], "FUNCTION"));
  }
  if (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "sync") &&
      !EqualsIgnoreCase(ctx.args[2], "async")) {
    return ctx.reply.Error(errors::kFunctionFlushMode);
  }
  ctx.engine.functions().Flush();
  ctx.reply.Ok();
}

// FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]
void CmdFunctionList(CommandContext& ctx) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "withcode") && !with_code) {
      with_code = true;
    } else if (EqualsIgnoreCase(ctx.args[i], "libraryname") && !pattern) {
      if (i + 1 == ctx.args.size()) return ctx.reply.Error(errors::kFunctionListNoLibraryName);
      pattern = ctx.args[++i];
    } else {
      return ctx.reply.Error(errors::FunctionListUnknownArgument(ctx.args[i]));
    }
  }
  std::vector<const scripting::Library*> listed;
  for (const auto& [name, library] : ctx.engine.functions().libraries()) {
    if (!pattern || GlobMatch(*pattern, name, /*nocase=*/true)) listed.push_back(&library);
  }
  ctx.reply.ArrayHeader(listed.size());
  for (const scripting::Library* library : listed) {
    ctx.reply.MapHeader(with_code ? 4 : 3);
    ctx.reply.Bulk("library_name");
    ctx.reply.Bulk(library->name);
    ctx.reply.Bulk("engine");
    ctx.reply.Bulk("LUA");
    ctx.reply.Bulk("functions");
    ctx.reply.ArrayHeader(library->functions.size());
    for (const auto& [name, function] : library->functions) {
      ctx.reply.MapHeader(3);
      ctx.reply.Bulk("name");
      ctx.reply.Bulk(name);
      ctx.reply.Bulk("description");
      if (function.description) {
        ctx.reply.Bulk(*function.description);
      } else {
        ctx.reply.Null();
      }
      ctx.reply.Bulk("flags");
      const std::vector<std::string_view> flags = scripting::FunctionFlagNames(function.flags);
      ctx.reply.SetHeader(flags.size());
      for (std::string_view flag : flags) ctx.reply.SimpleString(flag);
    }
    if (with_code) {
      ctx.reply.Bulk("library_code");
      ctx.reply.Bulk(library->code);
    }
  }
}

// FUNCTION DUMP
void CmdFunctionDump(CommandContext& ctx) { ctx.reply.Bulk(ctx.engine.functions().Dump()); }

// FUNCTION RESTORE serialized-value [FLUSH | APPEND | REPLACE]
void CmdFunctionRestore(CommandContext& ctx) {
  scripting::RestorePolicy policy = scripting::RestorePolicy::kAppend;
  if (ctx.args.size() > 4) {
    return ctx.reply.Error(errors::UnknownSubcommandOrArity(ctx.args[1], "FUNCTION"));
  }
  if (ctx.args.size() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "flush")) {
      policy = scripting::RestorePolicy::kFlush;
    } else if (EqualsIgnoreCase(ctx.args[3], "replace")) {
      policy = scripting::RestorePolicy::kReplace;
    } else if (!EqualsIgnoreCase(ctx.args[3], "append")) {
      return ctx.reply.Error(errors::kFunctionRestorePolicy);
    }
  }
  if (auto error = ctx.engine.functions().Restore(ctx.args[2], policy)) {
    return ctx.reply.Error(*error);
  }
  ctx.reply.Ok();
}

// FUNCTION STATS
void CmdFunctionStats(CommandContext& ctx) {
  FunctionLibraries& functions = ctx.engine.functions();
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("running_script");
  if (const auto& running = functions.running(); running && ctx.engine.running_script()) {
    ctx.reply.MapHeader(3);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(running->name);
    ctx.reply.Bulk("command");
    ctx.reply.BulkArray(running->command);
    ctx.reply.Bulk("duration_ms");
    ctx.reply.Integer(ctx.engine.running_clock().NowMs() - running->started_ms);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Bulk("engines");
  ctx.reply.MapHeader(1);
  ctx.reply.Bulk("LUA");
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("libraries_count");
  ctx.reply.Integer(static_cast<int64_t>(functions.libraries().size()));
  ctx.reply.Bulk("functions_count");
  ctx.reply.Integer(static_cast<int64_t>(functions.functions_count()));
}

// FUNCTION KILL: stops the running function unless it wrote.
void CmdFunctionKill(CommandContext& ctx) {
  scripting::ScriptRun* run = ctx.engine.running_script();
  if (run == nullptr || !ctx.engine.functions().running()) {
    return ctx.reply.Error(errors::kNotBusy);
  }
  if (run->wrote()) return ctx.reply.Error(errors::kUnkillable);
  run->Kill();
  ctx.reply.Ok();
}

// FUNCTION HELP
void CmdFunctionHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME "
      "argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using "
      "FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a "
      "restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
      "abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
      "replace the old",
      "      libraries with the new libraries (notice that even on this option there is a "
      "chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kFcallFlags =
    kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys | kMovableKeys;
constexpr std::string_view kFcallComplexity = "Depends on the function that is executed.";
constexpr std::string_view kAllShards = "request_policy:all_shards response_policy:all_succeeded";

const CommandSpec kFunctionSubcommands[] = {
    {.name = "delete",
     .arity = 3,
     .flags = kWrite | kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionDelete,
     .doc = {"Delete a function by name", "7.0.0", "O(1)"},
     .args = "library-name",
     .tips = kAllShards},
    {.name = "restore",
     .arity = -3,
     .flags = kWrite | kDenyOom | kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionRestore,
     .doc = {"Restore all the functions on the given payload", "7.0.0",
             "O(N) where N is the number of functions on the payload"},
     .args = "serialized-value [policy:(FLUSH | APPEND | REPLACE)]",
     .tips = kAllShards},
    {.name = "dump",
     .arity = 2,
     .flags = kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionDump,
     .doc = {"Dump all functions into a serialized binary payload", "7.0.0",
             "O(N) where N is the number of functions"}},
    {.name = "stats",
     .arity = 2,
     .flags = kNoScript | kAllowBusy,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionStats,
     .doc = {"Return information about the function currently running (name, description, "
             "duration)",
             "7.0.0", "O(1)"},
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "kill",
     .arity = 2,
     .flags = kNoScript | kAllowBusy,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionKill,
     .doc = {"Kill the function currently in execution.", "7.0.0", "O(1)"},
     .tips = "request_policy:all_shards response_policy:one_succeeded"},
    {.name = "flush",
     .arity = -2,
     .flags = kWrite | kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionFlush,
     .doc = {"Deleting all functions", "7.0.0", "O(N) where N is the number of functions deleted"},
     .args = "[async:(ASYNC | SYNC)]",
     .tips = kAllShards},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionHelp,
     .doc = {"Show helpful text about the different subcommands", "7.0.0", "O(1)"}},
    {.name = "list",
     .arity = -2,
     .flags = kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionList,
     .doc = {"List information about all the functions", "7.0.0",
             "O(N) where N is the number of functions"},
     .args = "[LIBRARYNAME library-name-pattern] [WITHCODE]",
     .tips = "nondeterministic_output_order"},
    {.name = "load",
     .arity = -3,
     .flags = kWrite | kDenyOom | kNoScript,
     .acl = kAclScripting,
     .keys = kNoKeys,
     .handler = CmdFunctionLoad,
     .doc = {"Create a function with the given arguments (name, code, description)", "7.0.0",
             "O(1) (considering compilation time is redundant)"},
     .args = "[REPLACE] function-code",
     .tips = kAllShards},
};

constexpr CommandSpec kCommands[] = {
    {.name = "fcall",
     .arity = -3,
     .flags = kFcallFlags,
     .acl = kAclScripting,
     .keys = {.flags = "RW access update",
              .notes = "We cannot tell how the keys will be used so we assume the worst, RW and "
                       "UPDATE",
              .numkeys = 2},
     .handler = CmdFcall,
     .doc = {"Invoke a function", "7.0.0", kFcallComplexity},
     .args = "function numkeys:integer [key:key...] [arg...]",
     .request_flags = FcallFlags},
    {.name = "fcall_ro",
     .arity = -3,
     .flags = kReadOnly | kFcallFlags,
     .acl = kAclScripting,
     .keys = {.flags = "RO access",
              .notes = "We cannot tell how the keys will be used so we assume the worst, RO and "
                       "ACCESS",
              .numkeys = 2},
     .handler = CmdFcallRo,
     .doc = {"Invoke a read-only function", "7.0.0", kFcallComplexity},
     .args = "function numkeys:integer [key:key...] [arg...]"},
    {.name = "function",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for function commands", "7.0.0", "Depends on subcommand."},
     .subcommands = kFunctionSubcommands},
};

}  // namespace

CommandFamily FunctionsFamily() { return {"scripting", kCommands}; }

}  // namespace understudy::engine
