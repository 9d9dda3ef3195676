// ACL commands: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, DRYRUN, GENPASS, LOAD, SAVE,
// HELP.
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/engine/acl.h"
#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "spdlog/spdlog.h"
#include "store/numbers.h"

namespace understudy::engine {
namespace {

// ACL SETUSER username [rule ...]
void CmdAclSetUser(CommandContext& ctx) {
  // As Redis, the whole request is secret: names and rules may hold passwords.
  for (size_t i = 2; i < ctx.args.size(); ++i) ctx.Redact(i);
  const std::string_view name = ctx.args[2];
  if (name.find_first_of(std::string_view(" \0", 2)) != std::string_view::npos) {
    return ctx.reply.Error(errors::kBadUsername);
  }
  absl::Status status = ctx.engine.SetUser(name, ctx.args.subspan(3));
  if (!status.ok()) return ctx.reply.Error(std::string(status.message()));
  ctx.reply.Ok();
}

// ACL GETUSER username
void CmdAclGetUser(CommandContext& ctx) {
  const Acl& acl = ctx.engine.acl();
  const AclUser* user = acl.Find(ctx.args[2]);
  if (user == nullptr) return ctx.reply.Null();
  resp::ReplyWriter& r = ctx.reply;
  r.MapHeader(6);
  r.Bulk("flags");
  const std::vector<std::string_view> flags = acl.Flags(*user);
  r.SetHeader(flags.size());
  for (std::string_view flag : flags) r.Bulk(flag);
  r.Bulk("passwords");
  r.BulkArray(user->password_hashes);
  r.Bulk("commands");
  r.Bulk(acl.DescribeCommands(*user));
  r.Bulk("keys");
  r.Bulk(acl.DescribeKeys(*user));
  r.Bulk("channels");
  r.Bulk(acl.DescribeChannels(*user));
  r.Bulk("selectors");
  r.ArrayHeader(0);
}

// ACL DELUSER username [username ...]
void CmdAclDelUser(CommandContext& ctx) {
  const std::span<const std::string_view> names = ctx.args.subspan(2);
  for (std::string_view name : names) {
    if (name == Acl::kDefaultUser) return ctx.reply.Error(errors::kDeleteDefaultUser);
  }
  int64_t deleted = 0;
  for (std::string_view name : names) deleted += ctx.engine.DeleteUser(name, ctx.client) ? 1 : 0;
  ctx.reply.Integer(deleted);
}

// ACL LIST
void CmdAclList(CommandContext& ctx) {
  const Acl& acl = ctx.engine.acl();
  ctx.reply.ArrayHeader(acl.users().size());
  for (const auto& [name, user] : acl.users()) {
    ctx.reply.Bulk(absl::StrCat("user ", name, " ", acl.Describe(user)));
  }
}

// ACL USERS
void CmdAclUsers(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.engine.acl().users().size());
  for (const auto& [name, user] : ctx.engine.acl().users()) ctx.reply.Bulk(name);
}

// ACL WHOAMI
void CmdAclWhoAmI(CommandContext& ctx) { ctx.reply.Bulk(ctx.client.user->name); }

// ACL CAT [category]
void CmdAclCat(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    const std::span<const std::string_view> names = Acl::CategoryNames();
    ctx.reply.ArrayHeader(names.size());
    for (std::string_view name : names) ctx.reply.Bulk(name);
    return;
  }
  if (ctx.args.size() > 3) {
    return ctx.reply.Error(errors::UnknownSubcommandOrArity(ctx.args[1], "ACL"));
  }
  const uint32_t category = Acl::CategoryFlag(ctx.args[2]);
  if (category == 0) return ctx.reply.Error(errors::UnknownAclCategory(ctx.args[2]));
  std::vector<std::string_view> names;
  for (const auto& command : ctx.engine.commands().commands()) {
    if (command->acl_categories() & category) names.push_back(command->full_name);
    for (const RegisteredCommand& sub : command->subcommands) {
      if (sub.acl_categories() & category) names.push_back(sub.full_name);
    }
  }
  ctx.reply.BulkArray(names);
}

// ACL DRYRUN username command [arg ...]
void CmdAclDryRun(CommandContext& ctx) {
  const AclUser* user = ctx.engine.acl().Find(ctx.args[2]);
  if (user == nullptr) return ctx.reply.Error(errors::AclUserNotFound(ctx.args[2]));
  const std::span<const std::string_view> request = ctx.args.subspan(3);
  const RegisteredCommand* command = ctx.engine.commands().Find(request[0]);
  if (command != nullptr && !command->subcommands.empty() && request.size() >= 2) {
    command = command->FindSubcommand(request[1]);
  }
  if (command == nullptr) return ctx.reply.Error(errors::AclCommandNotFound(request[0]));
  if (!ArityAccepts(command->spec->arity, request.size())) {
    return ctx.reply.Error(errors::WrongArity(command->full_name));
  }
  std::string_view denied_key;
  switch (ctx.engine.acl().Check(*user, *command, request, &denied_key)) {
    case AclDenial::kNone:
      return ctx.reply.Ok();
    case AclDenial::kCommand:
      return ctx.reply.Bulk(errors::DryRunNoPermCommand(command->full_name));
    case AclDenial::kKey:
      return ctx.reply.Bulk(errors::DryRunNoPermKey(denied_key));
    case AclDenial::kChannel:
      return ctx.reply.Bulk(errors::DryRunNoPermChannel(denied_key));
  }
}

// ACL LOG [count | RESET]: the newest count entries (10 by default).
void CmdAclLog(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    return ctx.reply.Error(errors::UnknownSubcommandOrArity(ctx.args[1], "ACL"));
  }
  AclLog& log = ctx.engine.acl_log();
  int64_t count = 10;
  if (ctx.args.size() == 3) {
    if (EqualsIgnoreCase(ctx.args[2], "reset")) {
      log.Reset();
      return ctx.reply.Ok();
    }
    if (!ParseIntArg(ctx.reply, ctx.args[2], &count)) return;
  }
  const size_t shown =
      std::min(log.entries().size(), static_cast<size_t>(std::max<int64_t>(count, 0)));
  ctx.reply.ArrayHeader(shown);
  for (size_t i = 0; i < shown; ++i) {
    const AclLog::Entry& entry = log.entries()[i];
    ctx.reply.MapHeader(7);
    ctx.reply.Bulk("count");
    ctx.reply.Integer(static_cast<int64_t>(entry.count));
    ctx.reply.Bulk("reason");
    ctx.reply.Bulk(entry.reason);
    ctx.reply.Bulk("context");
    ctx.reply.Bulk(entry.context);
    ctx.reply.Bulk("object");
    ctx.reply.Bulk(entry.object);
    ctx.reply.Bulk("username");
    ctx.reply.Bulk(entry.username);
    ctx.reply.Bulk("age-seconds");
    ctx.reply.Double(static_cast<double>(ctx.now_ms() - entry.updated_ms) / 1000);
    ctx.reply.Bulk("client-info");
    ctx.reply.Bulk(entry.client_info);
  }
}

// ACL LOAD
void CmdAclLoad(CommandContext& ctx) {
  if (ctx.engine.config().aclfile.empty()) return ctx.reply.Error(errors::kNoAclFile);
  absl::Status status = ctx.engine.LoadAclFile(&ctx.client);
  if (!status.ok()) return ctx.reply.Error(absl::StrCat("ERR ", status.message()));
  ctx.reply.Ok();
}

// ACL SAVE
void CmdAclSave(CommandContext& ctx) {
  if (ctx.engine.config().aclfile.empty()) return ctx.reply.Error(errors::kNoAclFile);
  if (absl::Status status = ctx.engine.SaveAclFile(); !status.ok()) {
    spdlog::warn("ACL SAVE failed: {}", std::string(status.message()));
    return ctx.reply.Error(errors::kAclSaveFailed);
  }
  ctx.reply.Ok();
}

// ACL GENPASS [bits]
void CmdAclGenPass(CommandContext& ctx) {
  int64_t bits = 256;
  if (ctx.args.size() > 3) {
    return ctx.reply.Error(errors::UnknownSubcommandOrArity(ctx.args[1], "ACL"));
  }
  if (ctx.args.size() == 3) {
    if (!ParseIntArg(ctx.reply, ctx.args[2], &bits)) return;
    if (bits <= 0 || bits > 4096) return ctx.reply.Error(errors::kGenPassBits);
  }
  std::random_device random;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string password((bits + 3) / 4, '0');
  for (char& c : password) c = kHex[random() & 15];
  ctx.reply.Bulk(password);
}

// ACL HELP
void CmdAclHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kAclAdminFlags = kAdmin | kNoScript | kLoading | kStale;
constexpr uint32_t kAclUserFlags = kNoScript | kLoading | kStale;
constexpr std::string_view kUsersComplexity = "O(N). Where N is the number of configured users.";

const CommandSpec kAclSubcommands[] = {
    {.name = "cat",
     .arity = -2,
     .flags = kAclUserFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclCat,
     .doc = {"List the ACL categories or the commands inside a category", "6.0.0",
             "O(1) since the categories and commands are a fixed set."},
     .args = "[categoryname]"},
    {.name = "deluser",
     .arity = -3,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclDelUser,
     .doc = {"Remove the specified ACL users and the associated rules", "6.0.0",
             "O(1) amortized time considering the typical user."},
     .args = "username..."},
    {.name = "dryrun",
     .arity = -4,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclDryRun,
     .doc = {"Returns whether the user can execute the given command without executing the "
             "command.",
             "7.0.0", "O(1)."},
     .args = "username command [arg...]"},
    {.name = "log",
     .arity = -2,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclLog,
     .doc = {"List latest events denied because of ACLs in place", "6.0.0",
             "O(N) with N being the number of entries shown."},
     .args = "[operation:(count:integer | RESET)]"},
    {.name = "genpass",
     .arity = -2,
     .flags = kAclUserFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclGenPass,
     .doc = {"Generate a pseudorandom secure password to use for ACL users", "6.0.0", "O(1)"},
     .args = "[bits:integer]"},
    {.name = "getuser",
     .arity = 3,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclGetUser,
     .doc = {"Get the rules for a specific ACL user", "6.0.0",
             "O(N). Where N is the number of password, command and pattern rules that the user "
             "has."},
     .args = "username",
     .history = {{"6.2.0", "Added Pub/Sub channel patterns."},
                 {"7.0.0",
                  "Added selectors and changed the format of key and channel patterns from a list "
                  "to their rule representation."}}},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclHelp,
     .doc = {"Show helpful text about the different subcommands", "6.0.0", "O(1)"}},
    {.name = "list",
     .arity = 2,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclList,
     .doc = {"List the current ACL rules in ACL config file format", "6.0.0", kUsersComplexity}},
    {.name = "load",
     .arity = 2,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclLoad,
     .doc = {"Reload the ACLs from the configured ACL file", "6.0.0", kUsersComplexity}},
    {.name = "save",
     .arity = 2,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclSave,
     .doc = {"Save the current ACL rules in the configured ACL file", "6.0.0", kUsersComplexity}},
    {.name = "setuser",
     .arity = -3,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclSetUser,
     .doc = {"Modify or create the rules for a specific ACL user", "6.0.0",
             "O(N). Where N is the number of rules provided."},
     .args = "username [rule...]",
     .history = {{"6.2.0", "Added Pub/Sub channel patterns."},
                 {"7.0.0", "Added selectors and key based permissions."}}},
    {.name = "users",
     .arity = 2,
     .flags = kAclAdminFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclUsers,
     .doc = {"List the username of all the configured ACL rules", "6.0.0", kUsersComplexity}},
    {.name = "whoami",
     .arity = 2,
     .flags = kAclUserFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdAclWhoAmI,
     .doc = {"Return the name of the user associated to the current connection", "6.0.0", "O(1)"}},
};

const CommandSpec kCommands[] = {
    {.name = "acl",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for Access List Control commands ", "6.0.0", "Depends on subcommand."},
     .subcommands = kAclSubcommands},
};

}  // namespace

CommandFamily AclFamily() { return {"server", kCommands}; }

}  // namespace understudy::engine
