#include "server/engine/command_table.h"

#include <stdexcept>

#include "absl/strings/ascii.h"
#include "server/engine/arg_parser.h"

namespace understudy::engine {
namespace {

RegisteredCommand Register(const CommandSpec& spec, std::string_view group, std::string full_name) {
  auto args = ParseCommandArgs(spec.args);
  if (!args.ok()) {
    throw std::logic_error("arguments of " + full_name + ": " +
                           std::string(args.status().message()));
  }
  RegisteredCommand entry{&spec, group, std::move(full_name), std::move(*args), {}};
  for (const CommandSpec& sub : spec.subcommands) {
    entry.subcommands.push_back(
        Register(sub, group, entry.full_name + "|" + std::string(sub.name)));
  }
  return entry;
}

// Redis keeps command names short; anything longer cannot name a command.
constexpr size_t kMaxCommandName = 64;

}  // namespace

const RegisteredCommand* RegisteredCommand::FindSubcommand(std::string_view name) const {
  for (const RegisteredCommand& sub : subcommands) {
    if (EqualsIgnoreCase(sub.spec->name, name)) {
      return &sub;
    }
  }
  return nullptr;
}

uint32_t RegisteredCommand::acl_categories() const {
  const uint32_t flags = spec->flags;
  uint32_t acl = spec->acl;
  if (flags & kWrite) acl |= kAclWrite;
  if ((flags & kReadOnly) && !(acl & kAclScripting)) acl |= kAclRead;
  if (flags & kAdmin) acl |= kAclAdmin | kAclDangerous;
  if (flags & kPubSub) acl |= kAclPubSub;
  if (flags & kFast) acl |= kAclFast;
  if (flags & kBlocking) acl |= kAclBlocking;
  if (!(acl & kAclFast)) acl |= kAclSlow;
  return acl;
}

void CommandTable::AddFamily(const CommandFamily& family) {
  for (const CommandSpec& spec : family.commands) {
    auto entry =
        std::make_unique<RegisteredCommand>(Register(spec, family.group, std::string(spec.name)));
    if (!by_name_.emplace(std::string(spec.name), entry.get()).second) {
      throw std::logic_error("command declared twice: " + std::string(spec.name));
    }
    commands_.push_back(std::move(entry));
  }
}

const RegisteredCommand* CommandTable::Find(std::string_view name) const {
  if (name.size() > kMaxCommandName) return nullptr;
  char lower[kMaxCommandName];
  for (size_t i = 0; i < name.size(); ++i) lower[i] = absl::ascii_tolower(name[i]);
  auto it = by_name_.find(std::string_view(lower, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace understudy::engine
