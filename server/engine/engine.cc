#include "server/engine/engine.h"

#include <utility>

#include "server/engine/errors.h"
#include "server/engine/families.h"

namespace understudy::engine {

std::vector<CommandFamily> AllFamilies() {
  return {StringFamily(), KeysFamily(), ConnectionFamily(), ServerFamily()};
}

store::Database& CommandContext::db() const { return engine.keyspace().db(client.db); }
int64_t CommandContext::now_ms() const { return engine.clock().NowMs(); }

Engine::Engine(const store::Clock& clock, Config config)
    : clock_(clock),
      config_(std::move(config)),
      keyspace_(clock, config_.databases),
      start_time_ms_(clock.NowMs()) {
  for (const CommandFamily& family : AllFamilies()) commands_.AddFamily(family);
}

void Engine::Execute(ClientState& client, std::span<const std::string_view> args,
                     resp::ReplyWriter& reply) {
  if (args.empty()) return;
  const RegisteredCommand* command = commands_.Find(args[0]);
  if (command == nullptr) {
    reply.Error(errors::UnknownCommand(args));
    return;
  }
  if (!ArityAccepts(command->spec->arity, args.size())) {
    reply.Error(errors::WrongArity(command->full_name));
    return;
  }
  if (!command->subcommands.empty() && args.size() >= 2) {
    const RegisteredCommand* sub = command->FindSubcommand(args[1]);
    if (sub == nullptr) {
      reply.Error(errors::UnknownSubcommand(args[1], args[0]));
      return;
    }
    if (!ArityAccepts(sub->spec->arity, args.size())) {
      reply.Error(errors::WrongArity(sub->full_name));
      return;
    }
    command = sub;
  }
  ++total_commands_processed_;
  CommandContext ctx{*this, client, reply, args, *command->spec};
  command->spec->handler(ctx);
}

void Engine::Cron() {
  // Like Redis's active expire cycle: a bounded amount of work per tick, so a mass expiry
  // never stalls clients; lazy expiry covers whatever is left for the next tick.
  constexpr size_t kExpireBudgetPerTick = 20000;
  keyspace_.ExpireDue(kExpireBudgetPerTick);
}

}  // namespace understudy::engine
