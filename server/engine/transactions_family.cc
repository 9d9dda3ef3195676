// Transaction commands: MULTI queues commands until EXEC runs them at one instant, and WATCH
// makes EXEC fail if a key changed meanwhile.
#include <memory>

#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"

namespace understudy::engine {
namespace {

// MULTI
void CmdMulti(CommandContext& ctx) {
  if (ctx.client.transaction != nullptr) return ctx.reply.Error(errors::kMultiNested);
  ctx.client.transaction = std::make_unique<Transaction>();
  ctx.reply.SimpleString("OK");
}

// EXEC
void CmdExec(CommandContext& ctx) {
  if (ctx.client.transaction == nullptr) return ctx.reply.Error(errors::kExecWithoutMulti);
  ctx.engine.Exec(ctx.client, ctx.reply);
}

// DISCARD
void CmdDiscard(CommandContext& ctx) {
  if (ctx.client.transaction == nullptr) return ctx.reply.Error(errors::kDiscardWithoutMulti);
  ctx.client.transaction.reset();
  ctx.engine.UnwatchAll(ctx.client);
  ctx.reply.SimpleString("OK");
}

// WATCH key [key ...]
void CmdWatch(CommandContext& ctx) {
  if (ctx.client.transaction != nullptr) return ctx.reply.Error(errors::kWatchInMulti);
  for (size_t i = 1; i < ctx.args.size(); ++i) ctx.engine.Watch(ctx.client, ctx.args[i]);
  ctx.reply.SimpleString("OK");
}

// UNWATCH
void CmdUnwatch(CommandContext& ctx) {
  ctx.engine.UnwatchAll(ctx.client);
  ctx.reply.SimpleString("OK");
}

constexpr uint32_t kControl = kNoScript | kLoading | kStale | kFast | kAllowBusy;

constexpr CommandSpec kCommands[] = {
    {.name = "multi",
     .arity = 1,
     .flags = kControl,
     .acl = kAclTransaction,
     .keys = kNoKeys,
     .handler = CmdMulti,
     .doc = {"Mark the start of a transaction block", "1.2.0", "O(1)"}},
    {.name = "exec",
     .arity = 1,
     .flags = kNoScript | kLoading | kStale | kSkipSlowlog,
     .acl = kAclTransaction,
     .keys = kNoKeys,
     .handler = CmdExec,
     .doc = {"Execute all commands issued after MULTI", "1.2.0",
             "Depends on commands in the transaction"}},
    {.name = "discard",
     .arity = 1,
     .flags = kControl,
     .acl = kAclTransaction,
     .keys = kNoKeys,
     .handler = CmdDiscard,
     .doc = {"Discard all commands issued after MULTI", "2.0.0",
             "O(N), when N is the number of queued commands"}},
    {.name = "watch",
     .arity = -2,
     .flags = kControl,
     .acl = kAclTransaction,
     .keys = {1, -1, 1, "RO"},
     .handler = CmdWatch,
     .doc = {"Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0",
             "O(1) for every key."},
     .args = "key:key..."},
    {.name = "unwatch",
     .arity = 1,
     .flags = kControl,
     .acl = kAclTransaction,
     .keys = kNoKeys,
     .handler = CmdUnwatch,
     .doc = {"Forget about all watched keys", "2.2.0", "O(1)"}},
};

}  // namespace

CommandFamily TransactionsFamily() { return {"transactions", kCommands}; }

}  // namespace understudy::engine
