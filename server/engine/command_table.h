#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/engine/command.h"
#include "server/engine/command_args.h"
#include "store/value.h"

namespace understudy::engine {

// A command as registered: its declaration plus what the table derives from it.
struct RegisteredCommand {
  const CommandSpec* spec;
  std::string_view group;
  std::string full_name;  // "get", "config|get"
  std::vector<CommandArg> args;  // spec->args parsed
  std::vector<RegisteredCommand> subcommands;

  // Looks up a subcommand, case-insensitively.
  const RegisteredCommand* FindSubcommand(std::string_view name) const;
  // ACL categories declared plus those implied by the flags.
  uint32_t acl_categories() const;
};

// The one table of commands every lookup, arity check and COMMAND reply reads.
class CommandTable {
 public:
  void AddFamily(const CommandFamily& family);

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const RegisteredCommand* Find(std::string_view name) const;

  // Top-level commands in registration order.
  const std::vector<std::unique_ptr<RegisteredCommand>>& commands() const { return commands_; }

 private:
  std::vector<std::unique_ptr<RegisteredCommand>> commands_;
  store::StringMap<const RegisteredCommand*> by_name_;
};

// A key of a request and the flags of its key specification ("RW access update").
struct RequestKey {
  std::string_view key;
  std::string_view flags;
};

// The keys of a request (args[0] is the command name) as the command's key positions say, each
// with the flags of the specification it falls under: what COMMAND GETKEYS answers and what ACL
// key patterns are checked against. Empty for a command without keys; nullopt when a key count
// (numkeys) is not a number of keys the request holds.
std::optional<std::vector<RequestKey>> RequestKeys(const KeyPositions& keys,
                                                   std::span<const std::string_view> args);

// Whether argc satisfies an arity in Redis's convention.
inline bool ArityAccepts(int arity, size_t argc) {
  return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

}  // namespace understudy::engine
