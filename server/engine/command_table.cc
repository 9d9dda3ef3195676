#include "server/engine/command_table.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "server/engine/arg_parser.h"
#include "store/value.h"

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

// A key count as Redis reads it here, with atoi: leading blanks, a sign, then digits up to the
// first other character; a value past a C long saturates, then wraps to an int.
int CountAsAtoi(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[i]))) ++i;
  const bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t value = 0;
  bool saturated = false;
  for (; i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i])); ++i) {
    const int digit = text[i] - '0';
    saturated = saturated || value > (kMax - digit) / 10;
    value = saturated ? kMax : value * 10 + digit;
  }
  if (negative) value = saturated ? std::numeric_limits<int64_t>::min() : -value;
  return static_cast<int>(value);
}

}  // namespace

std::optional<std::vector<RequestKey>> RequestKeys(const KeyPositions& keys,
                                                   std::span<const std::string_view> args) {
  std::vector<std::string_view> roles;
  for (absl::string_view role : absl::StrSplit(store::AbslView(keys.flags), '|')) {
    roles.emplace_back(role.data(), role.size());
  }
  std::vector<RequestKey> found;
  if (keys.find != nullptr) {
    // The first key is the positional one; the rest are those a keyword marks (SORT's STORE).
    const std::string_view marked = keys.unknown.empty() ? roles[0] : keys.unknown[0].flags;
    for (std::string_view key : keys.find(args)) {
      found.push_back({key, found.empty() ? roles[0] : marked});
    }
    return found;
  }
  std::string_view counted_role;
  if (keys.numkeys != 0) {
    counted_role = roles.back();
    roles.pop_back();
  }
  const int argc = static_cast<int>(args.size());
  if (keys.first != 0) {
    const int last = keys.last < 0 ? argc + keys.last : keys.last;
    size_t role = 0;
    for (int i = keys.first; i <= last && i < argc; i += keys.step) {
      found.push_back({args[i], roles[role]});
      role = std::min(role + 1, roles.size() - 1);
    }
  }
  if (keys.numkeys != 0) {
    const int count = keys.numkeys < argc ? CountAsAtoi(args[keys.numkeys]) : 0;
    if (count < 1 || count > argc - keys.numkeys - 1) return std::nullopt;
    for (int i = 1; i <= count; ++i) found.push_back({args[keys.numkeys + i], counted_role});
  }
  return found;
}

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
