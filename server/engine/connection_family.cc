// Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, CLIENT.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/engine/acl.h"
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
  // A RESP2 subscriber's replies must look like its messages: ["pong", message].
  if (ctx.client.in_pubsub() && ctx.client.protocol == resp::Protocol::kResp2) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    return ctx.reply.Bulk(ctx.args.size() == 2 ? ctx.args[1] : "");
  }
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

// RESET: the connection as it was when it opened, as Redis's: no transaction or watched keys,
// no subscriptions, no tracking, database 0, RESP2, no name, replies on, no no-evict, and the
// default user, authenticated only if that user needs no password.
void CmdReset(CommandContext& ctx) {
  Client& client = ctx.client;
  client.transaction.reset();
  ctx.engine.UnwatchAll(client);
  for (int kind = 0; kind < kPubSubKinds; ++kind) {
    const std::vector<std::string> names(client.subscriptions[kind].begin(),
                                         client.subscriptions[kind].end());
    for (const std::string& name : names) {
      ctx.engine.Unsubscribe(client, static_cast<PubSubKind>(kind), name);
    }
  }
  client.db = 0;
  client.protocol = resp::Protocol::kResp2;
  client.name.clear();
  client.reply_mode = ReplyMode::kOn;
  client.no_evict = false;
  ctx.engine.DisableTracking(client);
  const AclUser& default_user = ctx.engine.acl().default_user();
  client.user = &default_user;
  client.authenticated = default_user.nopass && default_user.enabled;
  ctx.reply.SimpleString("RESET");
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

// AUTH [username] password
void CmdAuth(CommandContext& ctx) {
  if (ctx.args.size() > 3) return ctx.reply.Error(errors::kSyntax);
  std::string_view user = Acl::kDefaultUser;
  if (ctx.args.size() == 2) {
    if (ctx.engine.acl().default_user().nopass) {
      return ctx.reply.Error(errors::kAuthWithoutPassword);
    }
  } else {
    user = ctx.args[1];
  }
  if (!ctx.engine.Authenticate(ctx.client, user, ctx.args.back())) {
    return ctx.reply.Error(errors::kWrongPass);
  }
  ctx.reply.Ok();
}

// Client names are one printable word.
bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

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
  std::string_view username, password, name;
  bool authenticate = false, set_name = false;
  for (size_t i = next; i < ctx.args.size(); ++i) {
    const size_t more = ctx.args.size() - 1 - i;
    if (EqualsIgnoreCase(ctx.args[i], "auth") && more >= 2) {
      authenticate = true;
      username = ctx.args[i + 1];
      password = ctx.args[i + 2];
      i += 2;
    } else if (EqualsIgnoreCase(ctx.args[i], "setname") && more >= 1) {
      name = ctx.args[++i];
      set_name = true;
    } else {
      return ctx.reply.Error(errors::HelloSyntax(ctx.args[i]));
    }
  }
  if (authenticate && !ctx.engine.Authenticate(ctx.client, username, password)) {
    return ctx.reply.Error(errors::kWrongPass);
  }
  if (ctx.engine.AuthRequired(ctx.client)) return ctx.reply.Error(errors::kHelloNoAuth);
  if (set_name) {
    if (!ValidClientName(name)) return ctx.reply.Error(errors::kBadClientName);
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

// Client types CLIENT LIST and CLIENT KILL filter by; every client is "normal" or "pubsub"
// until replication arrives.
bool ValidClientType(std::string_view type) {
  for (std::string_view known : {"normal", "master", "replica", "slave", "pubsub"}) {
    if (EqualsIgnoreCase(type, known)) return true;
  }
  return false;
}
bool ClientHasType(const Client& client, std::string_view type) {
  return EqualsIgnoreCase(type, client.in_pubsub() ? "pubsub" : "normal");
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
void CmdClientList(CommandContext& ctx) {
  std::optional<std::string_view> type;
  std::vector<uint64_t> ids;
  if (ctx.args.size() == 4 && EqualsIgnoreCase(ctx.args[2], "type")) {
    if (!ValidClientType(ctx.args[3])) {
      return ctx.reply.Error(errors::UnknownClientType(ctx.args[3]));
    }
    type = ctx.args[3];
  } else if (ctx.args.size() >= 4 && EqualsIgnoreCase(ctx.args[2], "id")) {
    for (size_t i = 3; i < ctx.args.size(); ++i) {
      int64_t id;  // ids that cannot exist (0, negative) are accepted and match nothing
      if (!store::ParseInt64(ctx.args[i], &id)) return ctx.reply.Error(errors::kInvalidClientId);
      ids.push_back(static_cast<uint64_t>(id));
    }
  } else if (ctx.args.size() != 2) {
    return ctx.reply.Error(errors::kSyntax);
  }
  std::string text;
  for (const auto& [id, client] : ctx.engine.clients()) {
    if (type && !ClientHasType(*client, *type)) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    const bool self = client.get() == &ctx.client;
    absl::StrAppend(
        &text,
        ctx.engine.ClientInfo(*client, self ? ctx.args : std::span<const std::string_view>()),
        "\n");
  }
  ctx.reply.Verbatim("txt", text);
}

// CLIENT INFO
void CmdClientInfo(CommandContext& ctx) {
  ctx.reply.Verbatim("txt", absl::StrCat(ctx.engine.ClientInfo(ctx.client, ctx.args), "\n"));
}

// CLIENT KILL ip:port
// CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no] ...
void CmdClientKill(CommandContext& ctx) {
  std::vector<Client*> victims;
  if (ctx.args.size() == 3) {  // the old form: one address, OK or an error
    for (const auto& [id, client] : ctx.engine.clients()) {
      if (client->addr == ctx.args[2]) victims.push_back(client.get());
    }
    if (victims.empty()) return ctx.reply.Error(errors::kNoSuchClient);
  } else {
    if (ctx.args.size() % 2 != 0) return ctx.reply.Error(errors::kSyntax);
    std::optional<uint64_t> id;
    std::optional<std::string_view> type, addr, laddr;
    const AclUser* user = nullptr;
    bool skip_me = true;
    for (size_t i = 2; i + 1 < ctx.args.size(); i += 2) {
      const std::string_view option = ctx.args[i], value = ctx.args[i + 1];
      if (EqualsIgnoreCase(option, "id")) {
        int64_t parsed;
        if (!store::ParseInt64(value, &parsed) || parsed <= 0) {
          return ctx.reply.Error(errors::kClientIdNotPositive);
        }
        id = static_cast<uint64_t>(parsed);
      } else if (EqualsIgnoreCase(option, "type")) {
        if (!ValidClientType(value)) return ctx.reply.Error(errors::UnknownClientType(value));
        type = value;
      } else if (EqualsIgnoreCase(option, "user")) {
        user = ctx.engine.acl().Find(value);
        if (user == nullptr) return ctx.reply.Error(errors::NoSuchUser(value));
      } else if (EqualsIgnoreCase(option, "addr")) {
        addr = value;
      } else if (EqualsIgnoreCase(option, "laddr")) {
        laddr = value;
      } else if (EqualsIgnoreCase(option, "skipme")) {
        if (EqualsIgnoreCase(value, "yes")) {
          skip_me = true;
        } else if (EqualsIgnoreCase(value, "no")) {
          skip_me = false;
        } else {
          return ctx.reply.Error(errors::kSyntax);
        }
      } else {
        return ctx.reply.Error(errors::kSyntax);
      }
    }
    for (const auto& [client_id, client] : ctx.engine.clients()) {
      if (id && client_id != *id) continue;
      if (type && !ClientHasType(*client, *type)) continue;
      if (addr && client->addr != *addr) continue;
      if (laddr && client->laddr != *laddr) continue;
      if (user != nullptr && client->user != user) continue;
      if (skip_me && client.get() == &ctx.client) continue;
      victims.push_back(client.get());
    }
  }
  for (Client* victim : victims) {
    // The asking client gets its reply first.
    if (victim == &ctx.client) {
      victim->close_after_reply = true;
    } else {
      ctx.engine.CloseClient(*victim);
    }
  }
  if (ctx.args.size() == 3) return ctx.reply.Ok();
  ctx.reply.Integer(static_cast<int64_t>(victims.size()));
}

// CLIENT PAUSE timeout [WRITE|ALL]
void CmdClientPause(CommandContext& ctx) {
  int64_t timeout_ms;
  if (!store::ParseInt64(ctx.args[2], &timeout_ms)) {
    return ctx.reply.Error(errors::kTimeoutNotInteger);
  }
  if (timeout_ms < 0) return ctx.reply.Error(errors::kTimeoutNegative);
  bool writes_only = false;
  if (ctx.args.size() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "write")) {
      writes_only = true;
    } else if (!EqualsIgnoreCase(ctx.args[3], "all")) {
      return ctx.reply.Error(errors::kPauseMode);
    }
  } else if (ctx.args.size() > 4) {
    return ctx.reply.Error(errors::kSyntax);
  }
  ctx.engine.Pause(ctx.now_ms() + timeout_ms, writes_only);
  ctx.reply.Ok();
}

// CLIENT UNPAUSE
void CmdClientUnpause(CommandContext& ctx) {
  ctx.engine.Unpause();
  ctx.reply.Ok();
}

// CLIENT NO-EVICT ON|OFF
void CmdClientNoEvict(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.args[2], "on")) {
    ctx.client.no_evict = true;
  } else if (EqualsIgnoreCase(ctx.args[2], "off")) {
    ctx.client.no_evict = false;
  } else {
    return ctx.reply.Error(errors::kSyntax);
  }
  ctx.reply.Ok();
}

// CLIENT REPLY ON|OFF|SKIP: only ON answers.
void CmdClientReply(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.args[2], "on")) {
    ctx.client.reply_mode = ReplyMode::kOn;
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(ctx.args[2], "off")) {
    ctx.client.reply_mode = ReplyMode::kOff;
  } else if (EqualsIgnoreCase(ctx.args[2], "skip")) {
    if (ctx.client.reply_mode != ReplyMode::kOff) ctx.client.reply_mode = ReplyMode::kSkip;
  } else {
    ctx.reply.Error(errors::kSyntax);
  }
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
void CmdClientUnblock(CommandContext& ctx) {
  int64_t id;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &id)) return;
  bool with_error = false;
  if (ctx.args.size() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "error")) {
      with_error = true;
    } else if (!EqualsIgnoreCase(ctx.args[3], "timeout")) {
      return ctx.reply.Error(errors::kUnblockReason);
    }
  } else if (ctx.args.size() > 4) {
    return ctx.reply.Error(errors::kSyntax);
  }
  Client* target = id > 0 ? ctx.engine.FindClient(static_cast<uint64_t>(id)) : nullptr;
  const bool unblocked =
      target != nullptr &&
      ctx.engine.Unblock(*target, with_error ? errors::kUnblockedByClient : std::string_view());
  ctx.reply.Integer(unblocked ? 1 : 0);
}

// CLIENT HELP
void CmdClientHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

// CLIENT ID
void CmdClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client.id)); }

// CLIENT SETNAME name (an empty name clears it)
void CmdClientSetName(CommandContext& ctx) {
  if (!ValidClientName(ctx.args[2])) return ctx.reply.Error(errors::kBadClientName);
  ctx.client.name = ctx.args[2];
  ctx.reply.Ok();
}

// CLIENT GETNAME
void CmdClientGetName(CommandContext& ctx) {
  if (ctx.client.name.empty()) return ctx.reply.Null();
  ctx.reply.Bulk(ctx.client.name);
}

// Whether one prefix starts with the other: BCAST prefixes of a client must not.
bool PrefixesOverlap(std::string_view a, std::string_view b) {
  return a.substr(0, std::min(a.size(), b.size())) == b.substr(0, std::min(a.size(), b.size()));
}

// CLIENT TRACKING (ON | OFF) [REDIRECT client-id] [PREFIX prefix]... [BCAST] [OPTIN] [OPTOUT]
// [NOLOOP], checked in Redis's order.
void CmdClientTracking(CommandContext& ctx) {
  Engine::TrackingOptions options;
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    const std::string_view option = ctx.args[i];
    const bool has_value = i + 1 < ctx.args.size();
    if (EqualsIgnoreCase(option, "redirect") && has_value) {
      if (options.redirect != 0) return ctx.reply.Error(errors::kTrackingOneRedirect);
      int64_t id;
      if (!ParseIntArg(ctx.reply, ctx.args[++i], &id)) return;
      if (id <= 0 || ctx.engine.FindClient(static_cast<uint64_t>(id)) == nullptr) {
        return ctx.reply.Error(errors::kTrackingNoSuchRedirect);
      }
      options.redirect = static_cast<uint64_t>(id);
    } else if (EqualsIgnoreCase(option, "bcast")) {
      options.bcast = true;
    } else if (EqualsIgnoreCase(option, "optin")) {
      options.optin = true;
    } else if (EqualsIgnoreCase(option, "optout")) {
      options.optout = true;
    } else if (EqualsIgnoreCase(option, "noloop")) {
      options.noloop = true;
    } else if (EqualsIgnoreCase(option, "prefix") && has_value) {
      options.prefixes.push_back(ctx.args[++i]);
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  const ClientTracking& current = ctx.client.tracking;
  if (EqualsIgnoreCase(ctx.args[2], "off")) {
    ctx.engine.DisableTracking(ctx.client);
    return ctx.reply.Ok();
  }
  if (!EqualsIgnoreCase(ctx.args[2], "on")) return ctx.reply.Error(errors::kSyntax);
  if (!options.bcast && !options.prefixes.empty()) {
    return ctx.reply.Error(errors::kTrackingPrefixNeedsBcast);
  }
  if (current.on && current.bcast != options.bcast) {
    return ctx.reply.Error(errors::kTrackingBcastSwitch);
  }
  if (options.bcast && (options.optin || options.optout)) {
    return ctx.reply.Error(errors::kTrackingOptBcast);
  }
  if (options.optin && options.optout) return ctx.reply.Error(errors::kTrackingOptinAndOptout);
  if ((options.optin && current.optout) || (options.optout && current.optin)) {
    return ctx.reply.Error(errors::kTrackingOptSwitch);
  }
  for (size_t i = 0; i < options.prefixes.size(); ++i) {
    for (const std::string& existing : current.prefixes) {
      if (PrefixesOverlap(existing, options.prefixes[i])) {
        return ctx.reply.Error(
            errors::TrackingPrefixOverlap(options.prefixes[i], existing, /*existing=*/true));
      }
    }
    for (size_t j = i + 1; j < options.prefixes.size(); ++j) {
      if (PrefixesOverlap(options.prefixes[i], options.prefixes[j])) {
        return ctx.reply.Error(errors::TrackingPrefixOverlap(
            options.prefixes[i], options.prefixes[j], /*existing=*/false));
      }
    }
  }
  ctx.engine.EnableTracking(ctx.client, options);
  ctx.reply.Ok();
}

// CLIENT CACHING (YES | NO): whether the next command's reads are remembered, in OPTIN or
// OPTOUT mode.
void CmdClientCaching(CommandContext& ctx) {
  ClientTracking& tracking = ctx.client.tracking;
  if (!tracking.on) return ctx.reply.Error(errors::kCachingWithoutTracking);
  if (EqualsIgnoreCase(ctx.args[2], "yes")) {
    if (!tracking.optin) return ctx.reply.Error(errors::kCachingYesWithoutOptin);
  } else if (EqualsIgnoreCase(ctx.args[2], "no")) {
    if (!tracking.optout) return ctx.reply.Error(errors::kCachingNoWithoutOptout);
  } else {
    return ctx.reply.Error(errors::kSyntax);
  }
  tracking.caching = true;
  ctx.reply.Ok();
}

// CLIENT GETREDIR: the redirect's id, 0 without one, -1 when not tracking.
void CmdClientGetRedir(CommandContext& ctx) {
  const ClientTracking& tracking = ctx.client.tracking;
  ctx.reply.Integer(tracking.on ? static_cast<int64_t>(tracking.redirect) : -1);
}

// CLIENT TRACKINGINFO: flags (a set under RESP3), redirect and prefixes.
void CmdClientTrackingInfo(CommandContext& ctx) {
  const ClientTracking& tracking = ctx.client.tracking;
  std::vector<std::string_view> flags;
  if (tracking.on) {
    flags.push_back("on");
    if (tracking.bcast) flags.push_back("bcast");
    if (tracking.optin) flags.push_back("optin");
    if (tracking.optin && tracking.caching) flags.push_back("caching-yes");
    if (tracking.optout) flags.push_back("optout");
    if (tracking.optout && tracking.caching) flags.push_back("caching-no");
    if (tracking.noloop) flags.push_back("noloop");
    if (tracking.broken_redirect) flags.push_back("broken_redirect");
  } else {
    flags.push_back("off");
  }
  ctx.reply.MapHeader(3);
  ctx.reply.Bulk("flags");
  ctx.reply.SetHeader(flags.size());
  for (std::string_view flag : flags) ctx.reply.Bulk(flag);
  ctx.reply.Bulk("redirect");
  ctx.reply.Integer(tracking.on ? static_cast<int64_t>(tracking.redirect) : -1);
  ctx.reply.Bulk("prefixes");
  ctx.reply.ArrayHeader(tracking.prefixes.size());
  for (const std::string& prefix : tracking.prefixes) ctx.reply.Bulk(prefix);
}

constexpr uint32_t kConnectionFlags = kNoScript | kLoading | kStale;

constexpr uint32_t kClientAdmin = kAdmin | kNoScript | kLoading | kStale;

const CommandSpec kClientSubcommands[] = {
    {.name = "id",
     .arity = 2,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientId,
     .doc = {"Returns the client ID for the current connection", "5.0.0", "O(1)"}},
    {.name = "setname",
     .arity = 3,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientSetName,
     .doc = {"Set the current connection name", "2.6.9", "O(1)"},
     .args = "connection-name"},
    {.name = "getname",
     .arity = 2,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientGetName,
     .doc = {"Get the current connection name", "2.6.9", "O(1)"}},
    {.name = "list",
     .arity = -2,
     .flags = kClientAdmin,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientList,
     .doc = {"Get the list of client connections", "2.4.0",
             "O(N) where N is the number of client connections"},
     .args = "[TYPE normal_master_replica_pubsub:(NORMAL | MASTER | REPLICA | PUBSUB)@5.0.0] "
             "[ID id:{client-id:integer...}@6.2.0]",
     .history =
         {{"2.8.12", "Added unique client `id` field."},
          {"5.0.0", "Added optional `TYPE` filter."},
          {"6.0.0", "Added `user` field."},
          {"6.2.0",
           "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."},
          {"7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."},
          {"7.0.3", "Added `ssub` field."}},
     .tips = "nondeterministic_output"},
    {.name = "info",
     .arity = 2,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientInfo,
     .doc = {"Returns information about the current client connection.", "6.2.0", "O(1)"},
     .tips = "nondeterministic_output"},
    {.name = "kill",
     .arity = -3,
     .flags = kClientAdmin,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientKill,
     .doc = {"Kill the connection of a client", "2.4.0",
             "O(N) where N is the number of client connections"},
     .args = "filter:(ip:port!2.8.12 | new-format:([ID client-id:integer@2.8.12] | "
             "[TYPE normal_master_slave_pubsub:(NORMAL | MASTER@3.2.0 | SLAVE | REPLICA@5.0.0 | "
             "PUBSUB)@2.8.12] | [USER username] | [ADDR ip:port] | [LADDR ip:port@6.2.0] | "
             "[SKIPME yes/no])...)",
     .history = {{"2.8.12", "Added new filter format."},
                 {"2.8.12", "`ID` option."},
                 {"3.2.0", "Added `master` type in for `TYPE` option."},
                 {"5.0.0",
                  "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward "
                  "compatibility."},
                 {"6.2.0", "`LADDR` option."}}},
    {.name = "pause",
     .arity = -3,
     .flags = kClientAdmin,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientPause,
     .doc = {"Stop processing commands from clients for some time", "2.9.50", "O(1)"},
     .args = "timeout:integer [mode:(WRITE | ALL)@6.2.0]",
     .history = {{"6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."}}},
    {.name = "unpause",
     .arity = 2,
     .flags = kClientAdmin,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientUnpause,
     .doc = {"Resume processing of clients that were paused", "6.2.0",
             "O(N) Where N is the number of paused clients"}},
    {.name = "no-evict",
     .arity = 3,
     .flags = kClientAdmin,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientNoEvict,
     .doc = {"Set client eviction mode for the current connection", "7.0.0", "O(1)"},
     .args = "enabled:(ON | OFF)"},
    {.name = "reply",
     .arity = 3,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientReply,
     .doc = {"Instruct the server whether to reply to commands", "3.2.0", "O(1)"},
     .args = "on_off_skip:(ON | OFF | SKIP)"},
    {.name = "unblock",
     .arity = -3,
     .flags = kClientAdmin,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientUnblock,
     .doc = {"Unblock a client blocked in a blocking command from a different connection", "5.0.0",
             "O(log N) where N is the number of client connections"},
     .args = "client-id:integer [timeout_error:(TIMEOUT | ERROR)]"},
    {.name = "tracking",
     .arity = -3,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientTracking,
     .doc = {"Enable or disable server assisted client side caching support", "6.0.0",
             "O(1). Some options may introduce additional complexity."},
     .args = "status:(ON | OFF) [REDIRECT client-id:integer] [PREFIX prefix]... [BCAST] [OPTIN] "
             "[OPTOUT] [NOLOOP]"},
    {.name = "caching",
     .arity = 3,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientCaching,
     .doc = {"Instruct the server about tracking or not keys in the next request", "6.0.0",
             "O(1)"},
     .args = "mode:(YES | NO)"},
    {.name = "getredir",
     .arity = 2,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientGetRedir,
     .doc = {"Get tracking notifications redirection client ID if any", "6.0.0", "O(1)"}},
    {.name = "trackinginfo",
     .arity = 2,
     .flags = kConnectionFlags,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientTrackingInfo,
     .doc = {"Return information about server assisted client side caching for the current "
             "connection",
             "6.2.0", "O(1)"}},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdClientHelp,
     .doc = {"Show helpful text about the different subcommands", "5.0.0", "O(1)"}},
};

// Flags of commands a client may send before anything else, even while the server is busy.
constexpr uint32_t kHandshake = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy;

const CommandSpec kCommands[] = {
    {.name = "ping",
     .arity = -1,
     .flags = kFast,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdPing,
     .doc = {"Ping the server", "1.0.0", "O(1)"},
     .args = "[message]",
     .tips = "request_policy:all_shards response_policy:all_succeeded"},
    {.name = "echo",
     .arity = 2,
     .flags = kLoading | kStale | kFast,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdEcho,
     .doc = {"Echo the given string", "1.0.0", "O(1)"},
     .args = "message"},
    {.name = "quit",
     .arity = -1,
     .flags = kHandshake,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdQuit,
     .doc = {"Close the connection", "1.0.0", "O(1)"}},
    {.name = "reset",
     .arity = 1,
     .flags = kHandshake,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdReset,
     .doc = {"Reset the connection", "6.2.0", "O(1)"}},
    {.name = "select",
     .arity = 2,
     .flags = kLoading | kStale | kFast,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdSelect,
     .doc = {"Change the selected database for the current connection", "1.0.0", "O(1)"},
     .args = "index:integer"},
    {.name = "auth",
     .arity = -2,
     .flags = kHandshake,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdAuth,
     .doc = {"Authenticate to the server", "1.0.0",
             "O(N) where N is the number of passwords defined for the user"},
     .args = "[username@6.0.0] password",
     .history = {{"6.0.0", "Added ACL style (username and password)."}}},
    {.name = "hello",
     .arity = -1,
     .flags = kHandshake,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdHello,
     .doc = {"Handshake with Redis", "6.0.0", "O(1)"},
     .args = "[arguments:{protover:integer [AUTH username_password:{username password}] "
             "[SETNAME clientname]}]",
     .history = {{"6.2.0",
                  "`protover` made optional; when called without arguments the command reports the "
                  "current connection's context."}}},
    {.name = "client",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for client connection commands", "2.4.0", "Depends on subcommand."},
     .tips = "",
     .subcommands = kClientSubcommands},
};

}  // namespace

CommandFamily ConnectionFamily() { return {"connection", kCommands}; }

}  // namespace understudy::engine
