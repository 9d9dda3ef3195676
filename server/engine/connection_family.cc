// Connection commands: PING, ECHO, QUIT, SELECT, HELLO, CLIENT.
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/engine/arg_parser.h"
#include "server/engine/client.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/version.h"
#include "store/numbers.h"
#include "store/value.h"

namespace understudy::engine {
namespace {

// PING [message]
void CmdPing(CommandContext& ctx) {
  if (ctx.args.size() > 2) return ctx.reply.Error(errors::WrongArity(ctx.spec.name));
  if (ctx.args.size() == 2) return ctx.reply.Bulk(ctx.args[1]);
  ctx.reply.SimpleString("PONG");
}

// ECHO message
void CmdEcho(CommandContext& ctx) { ctx.reply.Bulk(ctx.args[1]); }

// QUIT
void CmdQuit(CommandContext& ctx) {
  ctx.client.close_after_reply = true;
  ctx.reply.Ok();
}

// SELECT index
void CmdSelect(CommandContext& ctx) {
  int index;
  if (!ParseInt32Arg(ctx.reply, ctx.args[1], &index)) return;
  if (index < 0 || index >= ctx.engine.keyspace().num_databases()) {
    return ctx.reply.Error(errors::kDbIndexOutOfRange);
  }
  ctx.client.db = index;
  ctx.reply.Ok();
}

// Client names are one printable word.
bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void CmdHello(CommandContext& ctx) {
  int64_t version = 0;
  size_t next = 1;
  if (ctx.args.size() >= 2) {
    if (!store::ParseInt64(ctx.args[next++], &version)) {
      return ctx.reply.Error(errors::kProtocolVersionNotInteger);
    }
    if (version < 2 || version > 3) return ctx.reply.Error(errors::kNoProto);
  }
  std::string_view username, name;
  bool set_name = false;
  for (size_t i = next; i < ctx.args.size(); ++i) {
    const size_t more = ctx.args.size() - 1 - i;
    if (EqualsIgnoreCase(ctx.args[i], "auth") && more >= 2) {
      username = ctx.args[i + 1];
      i += 2;
    } else if (EqualsIgnoreCase(ctx.args[i], "setname") && more >= 1) {
      name = ctx.args[++i];
      set_name = true;
    } else {
      return ctx.reply.Error(
          absl::StrCat("ERR Syntax error in HELLO option '", store::AbslView(ctx.args[i]), "'"));
    }
  }
  // Without ACLs only the default user exists, and it takes any password.
  if (!username.empty() && username != "default") {
    return ctx.reply.Error("WRONGPASS invalid username-password pair or user is disabled.");
  }
  if (set_name) {
    if (!ValidClientName(name)) return ctx.reply.Error(kBadClientName);
    ctx.client.name = name;
  }
  if (version != 0) {
    ctx.client.protocol = static_cast<resp::Protocol>(version);
    ctx.reply.set_protocol(ctx.client.protocol);
  }
  resp::ReplyWriter& r = ctx.reply;
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk(kRedisCompatibleVersion);
  r.Bulk("proto");
  r.Integer(static_cast<int>(ctx.client.protocol));
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(ctx.client.id));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.ArrayHeader(0);
}

// CLIENT ID
void CmdClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client.id)); }

// CLIENT SETNAME name (an empty name clears it)
void CmdClientSetName(CommandContext& ctx) {
  if (!ValidClientName(ctx.args[2])) return ctx.reply.Error(kBadClientName);
  ctx.client.name = ctx.args[2];
  ctx.reply.Ok();
}

// CLIENT GETNAME
void CmdClientGetName(CommandContext& ctx) {
  if (ctx.client.name.empty()) return ctx.reply.Null();
  ctx.reply.Bulk(ctx.client.name);
}

constexpr uint32_t kConnectionFlags = kNoScript | kLoading | kStale;

// clang-format off
const CommandSpec kClientSubcommands[] = {
    {"id", 2, kConnectionFlags, kAclConnection, kNoKeys, CmdClientId,
     {"Returns the client ID for the current connection", "5.0.0", "O(1)"}},
    {"setname", 3, kConnectionFlags, kAclConnection, kNoKeys, CmdClientSetName,
     {"Set the current connection name", "2.6.9", "O(1)"}},
    {"getname", 2, kConnectionFlags, kAclConnection, kNoKeys, CmdClientGetName,
     {"Get the current connection name", "2.6.9", "O(1)"}},
};
// clang-format on

// Flags of commands a client may send before anything else, even while the server is busy.
constexpr uint32_t kHandshake = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy;

// clang-format off
const CommandSpec kCommands[] = {
    {"ping", -1, kFast, kAclConnection, kNoKeys, CmdPing,
     {"Ping the server", "1.0.0", "O(1)"},
     "request_policy:all_shards response_policy:all_succeeded"},
    {"echo", 2, kLoading | kStale | kFast, kAclConnection, kNoKeys, CmdEcho,
     {"Echo the given string", "1.0.0", "O(1)"}},
    {"quit", -1, kHandshake, kAclConnection, kNoKeys, CmdQuit,
     {"Close the connection", "1.0.0", "O(1)"}},
    {"select", 2, kLoading | kStale | kFast, kAclConnection, kNoKeys, CmdSelect,
     {"Change the selected database for the current connection", "1.0.0", "O(1)"}},
    {"hello", -1, kHandshake, kAclConnection, kNoKeys, CmdHello,
     {"Handshake with Redis", "6.0.0", "O(1)"}},
    {"client", -2, 0, 0, kNoKeys, nullptr,
     {"A container for client connection commands", "2.4.0", "Depends on subcommand."},
     "",
     kClientSubcommands},
};
// clang-format on

}  // namespace

CommandFamily ConnectionFamily() { return {"connection", kCommands}; }

}  // namespace understudy::engine
