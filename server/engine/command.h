#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "resp/reply_writer.h"
#include "server/engine/client.h"
#include "store/value.h"

namespace understudy::store {
class Database;
}

namespace understudy::engine {

class Engine;

// Command flags as COMMAND INFO reports them, in Redis's order.
enum CommandFlag : uint32_t {
  kWrite = 1 << 0,
  kReadOnly = 1 << 1,
  kDenyOom = 1 << 2,
  kAdmin = 1 << 3,
  kPubSub = 1 << 4,
  kNoScript = 1 << 5,
  kBlocking = 1 << 6,
  kLoading = 1 << 7,
  kStale = 1 << 8,
  kSkipMonitor = 1 << 9,
  kSkipSlowlog = 1 << 10,
  kFast = 1 << 11,
  kNoAuth = 1 << 12,
  kMayReplicate = 1 << 13,
  kNoMandatoryKeys = 1 << 14,
  kNoMulti = 1 << 15,
  kMovableKeys = 1 << 16,
  kAllowBusy = 1 << 17,
};

// ACL categories a command declares; @read, @write, @admin, @dangerous, @pubsub, @fast,
// @slow and @blocking follow from its flags, as in Redis.
enum AclCategory : uint32_t {
  kAclKeyspace = 1 << 0,
  kAclRead = 1 << 1,
  kAclWrite = 1 << 2,
  kAclSet = 1 << 3,
  kAclSortedSet = 1 << 4,
  kAclList = 1 << 5,
  kAclHash = 1 << 6,
  kAclString = 1 << 7,
  kAclBitmap = 1 << 8,
  kAclHyperLogLog = 1 << 9,
  kAclGeo = 1 << 10,
  kAclStream = 1 << 11,
  kAclPubSub = 1 << 12,
  kAclAdmin = 1 << 13,
  kAclFast = 1 << 14,
  kAclSlow = 1 << 15,
  kAclBlocking = 1 << 16,
  kAclDangerous = 1 << 17,
  kAclConnection = 1 << 18,
  kAclTransaction = 1 << 19,
  kAclScripting = 1 << 20,
};

struct CommandSpec;

// What a handler sees: the request, the client's state, the engine, and where to reply.
struct CommandContext {
  Engine& engine;
  Client& client;
  resp::ReplyWriter& reply;
  std::span<const std::string_view> args;  // args[0] is the command name as sent
  const CommandSpec& spec;

  store::Database& db() const;
  // The command's "now": the same from its start to its end.
  int64_t now_ms() const;
  // Parks the client until one of keys holds a value of type `wants` (the command then runs
  // again, from the start, and may block again) or until deadline_ms (0: never), when the
  // client gets the timeout reply. The command writes no reply when it blocks.
  void Block(std::span<const std::string_view> keys, store::ValueType wants, int64_t deadline_ms,
             TimeoutReply timeout_reply);
  // Sends the keyspace notification `event` of class event_class (a NotifyClass) on key of the
  // client's database, where Redis sends it; nothing unless notify-keyspace-events enables it.
  void Notify(uint32_t event_class, std::string_view event, std::string_view key) const;
  // A read of key found nothing: Redis's "keymiss" (class m), sent where Redis looks the key up.
  // CheckKeyMiss looks for the key itself (only while class m is on), for reads whose store
  // call does not tell a missing key from an empty value.
  void NotifyKeyMiss(std::string_view key) const;
  void CheckKeyMiss(std::string_view key) const;
};

using CommandHandler = void (*)(CommandContext& ctx);

// The flags a request has beyond its command's, for a command whose effect depends on its
// arguments (EVAL: what its script declares), as Redis's get_command_flags; args[0] is the
// command name.
using RequestFlags = uint32_t (*)(Engine& engine, std::span<const std::string_view> args);

// Positions of key arguments (COMMAND INFO's first key, last key, step); last < 0 counts from
// the end. All zero for commands without keys. The key specifications COMMAND INFO reports
// follow from them plus the flags: one spec for the whole range, or, when the keys play
// different roles (RENAME's source and destination), one per key with flag groups split by '|',
// the last group taking every key to the end when last < 0 (SINTERSTORE dest key [key ...],
// BITOP op dest key [key ...]).
// Keys that follow a count argument (LMPOP numkeys key ..., ZUNIONSTORE dest numkeys key ...)
// are found through `numkeys`, the count's position; they get one more spec (Redis's "keynum")
// with the last flag group. Such a command declares kMovableKeys.
// Keys only found by reading the request or the data (SORT's BY and GET patterns, its STORE
// destination): COMMAND INFO shows them as a spec of unknown position, after the others.
struct UnknownKeys {
  std::string_view flags;  // "OW update"
  std::string_view notes;
};

// Finds the keys of a request whose keys a keyword marks (SORT ... STORE dest), for COMMAND
// GETKEYS; args[0] is the command name.
using KeyFinder = std::vector<std::string_view> (*)(std::span<const std::string_view> args);

struct KeyPositions {
  int first = 0;
  int last = 0;
  int step = 0;
  std::string_view flags = {};  // "RW access update"
  std::string_view notes = {};
  int numkeys = 0;  // 0: no counted keys
  std::span<const UnknownKeys> unknown = {};
  KeyFinder find = nullptr;  // null: the positions above say where every key is
};

inline constexpr KeyPositions kNoKeys{};

// COMMAND DOCS fields every command has, word for word as Redis's.
struct CommandDoc {
  std::string_view summary;
  std::string_view since;
  std::string_view complexity;  // empty for the few that state none (MONITOR)
};

// A line of a command's history in COMMAND DOCS: what changed in which version.
struct HistoryEntry {
  std::string_view version;
  std::string_view change;
};

// A deprecated command: since when, and what to use instead.
struct Deprecation {
  std::string_view since;
  std::string_view replaced_by;
};

// One command, declared once in its family's table. Dispatch, the arity check, COMMAND and
// every flag check read this record.
struct CommandSpec {
  std::string_view name;  // lower case; a subcommand's own name ("count"), not "command|count"
  int arity;              // Redis convention: N exactly N arguments, -N at least N
  uint32_t flags;         // CommandFlag bits
  uint32_t acl;           // AclCategory bits beyond those implied by flags
  KeyPositions keys;
  CommandHandler handler;  // null for a container of subcommands
  CommandDoc doc;
  // The arguments as COMMAND DOCS describes them, in the syntax of ParseCommandArgs
  // (command_args.h): "key:key value [condition:(NX | XX)@2.6.12]".
  std::string_view args = {};
  std::initializer_list<HistoryEntry> history = {};  // in Redis's order
  Deprecation deprecated = {};                       // empty since: not deprecated
  bool syscmd = false;  // COMMAND DOCS's "syscmd" doc flag: meant for the server's own use
  std::string_view tips = {};                     // space separated, e.g. "nondeterministic_output"
  std::span<const CommandSpec> subcommands = {};  // CONFIG GET, COMMAND COUNT, ...
  RequestFlags request_flags = nullptr;           // null: flags alone say
};

// Everything a family contributes: its COMMAND DOCS group and its table.
struct CommandFamily {
  std::string_view group;  // "string", "generic", "connection", "server"
  std::span<const CommandSpec> commands;
};

}  // namespace understudy::engine
