// Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, COMMAND, CONFIG GET/SET, INFO, MEMORY.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/command_args.h"
#include "server/engine/command_table.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"
#include "server/engine/scripting/eval_scripts.h"
#include "server/engine/scripting/functions.h"
#include "server/engine/version.h"
#include "spdlog/spdlog.h"
#include "store/numbers.h"
#include "store/value.h"

namespace understudy::engine {
namespace {

// DBSIZE
void CmdDbSize(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.db().size())); }

// FLUSHDB [ASYNC | SYNC], FLUSHALL [ASYNC | SYNC]. ASYNC frees the keys off the loop; no mode
// means SYNC, as with Redis's default lazyfree-lazy-user-flush no.
enum class FlushMode : uint8_t { kInvalid, kSync, kAsync };
FlushMode ParseFlushMode(CommandContext& ctx) {
  if (ctx.args.size() == 1) return FlushMode::kSync;
  if (ctx.args.size() == 2 && EqualsIgnoreCase(ctx.args[1], "sync")) return FlushMode::kSync;
  if (ctx.args.size() == 2 && EqualsIgnoreCase(ctx.args[1], "async")) return FlushMode::kAsync;
  ctx.reply.Error(errors::kSyntax);
  return FlushMode::kInvalid;
}
void CmdFlushDb(CommandContext& ctx) {
  const FlushMode mode = ParseFlushMode(ctx);
  if (mode == FlushMode::kInvalid) return;
  ctx.db().Clear(mode == FlushMode::kAsync);
  ctx.engine.InvalidateAllTracked();
  ctx.reply.Ok();
}
void CmdFlushAll(CommandContext& ctx) {
  const FlushMode mode = ParseFlushMode(ctx);
  if (mode == FlushMode::kInvalid) return;
  ctx.engine.keyspace().FlushAll(mode == FlushMode::kAsync);
  ctx.engine.InvalidateAllTracked();
  ctx.reply.Ok();
}

// SWAPDB index1 index2
void CmdSwapDb(CommandContext& ctx) {
  int64_t a, b;
  if (!store::ParseInt64(ctx.args[1], &a) || a < INT32_MIN || a > INT32_MAX) {
    return ctx.reply.Error(errors::kInvalidFirstDb);
  }
  if (!store::ParseInt64(ctx.args[2], &b) || b < INT32_MIN || b > INT32_MAX) {
    return ctx.reply.Error(errors::kInvalidSecondDb);
  }
  const int databases = ctx.engine.keyspace().num_databases();
  if (a < 0 || a >= databases || b < 0 || b >= databases) {
    return ctx.reply.Error(errors::kDbIndexOutOfRange);
  }
  if (a != b) ctx.engine.SwapDatabases(static_cast<int>(a), static_cast<int>(b));
  ctx.reply.Ok();
}

// TIME
void CmdTime(CommandContext& ctx) {
  const int64_t now_us = ctx.engine.clock().NowUs();
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(now_us / 1'000'000));
  ctx.reply.Bulk(std::to_string(now_us % 1'000'000));
}

constexpr std::array<std::pair<CommandFlag, std::string_view>, 18> kFlagNames = {{
    {kWrite, "write"},
    {kReadOnly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubSub, "pubsub"},
    {kNoScript, "noscript"},
    {kBlocking, "blocking"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kSkipMonitor, "skip_monitor"},
    {kSkipSlowlog, "skip_slowlog"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kMayReplicate, "may_replicate"},
    {kNoMandatoryKeys, "no_mandatory_keys"},
    {kNoMulti, "no_multi"},
    {kMovableKeys, "movablekeys"},
    {kAllowBusy, "allow_busy"},
}};

constexpr std::array<std::string_view, 21> kAclNames = {
    "@keyspace",   "@read",        "@write",    "@set",         "@sortedset", "@list",
    "@hash",       "@string",      "@bitmap",   "@hyperloglog", "@geo",       "@stream",
    "@pubsub",     "@admin",       "@fast",     "@slow",        "@blocking",  "@dangerous",
    "@connection", "@transaction", "@scripting"};

// Writes a set of the non-empty names name_at(i) returns for i in [0, n).
template <typename NameAt>
void ReplyNameSet(resp::ReplyWriter& r, size_t n, NameAt name_at) {
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) count += name_at(i).empty() ? 0 : 1;
  r.SetHeader(count);
  for (size_t i = 0; i < n; ++i) {
    if (!name_at(i).empty()) r.SimpleString(name_at(i));
  }
}

std::vector<std::string_view> SplitWords(std::string_view tips) {
  std::vector<std::string_view> out;
  for (absl::string_view tip : absl::StrSplit(store::AbslView(tips), ' ', absl::SkipEmpty())) {
    out.emplace_back(tip.data(), tip.size());
  }
  return out;
}

// One key specification. It finds its keys from argument `index` on: a range of last_key
// (relative to index, or from the end if negative) and step, or with keynum the keys that
// follow a count at index.
void ReplyKeySpecHead(resp::ReplyWriter& r, std::string_view flags, std::string_view notes) {
  r.MapHeader(notes.empty() ? 3 : 4);
  if (!notes.empty()) {
    r.Bulk("notes");
    r.Bulk(notes);
  }
  r.Bulk("flags");
  const std::vector<std::string_view> names = SplitWords(flags);
  ReplyNameSet(r, names.size(), [&](size_t i) { return names[i]; });
}

// A spec whose keys have no known position: begin_search and find_keys are "unknown".
void ReplyUnknownKeySpec(resp::ReplyWriter& r, const UnknownKeys& keys) {
  ReplyKeySpecHead(r, keys.flags, keys.notes);
  for (std::string_view part : {"begin_search", "find_keys"}) {
    r.Bulk(part);
    r.MapHeader(2);
    r.Bulk("type");
    r.Bulk("unknown");
    r.Bulk("spec");
    r.MapHeader(0);
  }
}

void ReplyKeySpec(resp::ReplyWriter& r, std::string_view flags, std::string_view notes, int index,
                  int last_key, int step, bool keynum = false) {
  ReplyKeySpecHead(r, flags, notes);
  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk("index");
  r.Bulk("spec");
  r.MapHeader(1);
  r.Bulk("index");
  r.Integer(index);
  r.Bulk("find_keys");
  r.MapHeader(2);
  r.Bulk("type");
  if (keynum) {
    r.Bulk("keynum");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("keynumidx");
    r.Integer(0);
    r.Bulk("firstkey");
    r.Integer(1);
    r.Bulk("keystep");
    r.Integer(1);
    return;
  }
  r.Bulk("range");
  r.Bulk("spec");
  r.MapHeader(3);
  r.Bulk("lastkey");
  r.Integer(last_key);
  r.Bulk("keystep");
  r.Integer(step);
  r.Bulk("limit");
  r.Integer(0);
}

// Key specifications derived from the key positions (see KeyPositions).
void ReplyKeySpecs(resp::ReplyWriter& r, const KeyPositions& keys) {
  std::vector<std::string_view> roles;
  for (absl::string_view role : absl::StrSplit(store::AbslView(keys.flags), '|')) {
    roles.emplace_back(role.data(), role.size());
  }
  std::string_view counted_role;
  if (keys.numkeys != 0) {
    counted_role = roles.back();
    roles.pop_back();
  }
  const size_t range_specs = keys.first == 0 ? 0 : roles.size();
  r.SetHeader(range_specs + (keys.numkeys != 0 ? 1 : 0) + keys.unknown.size());
  if (range_specs == 1) {
    const int last_key = keys.last < 0 ? keys.last : keys.last - keys.first;
    ReplyKeySpec(r, roles[0], keys.notes, keys.first, last_key, keys.step);
  } else {
    for (size_t i = 0; i < range_specs; ++i) {
      // One key per role, but a last role of a range to the end takes the rest (SINTERSTORE's
      // sources after its destination).
      const bool rest = i + 1 == range_specs && keys.last < 0;
      ReplyKeySpec(r, roles[i], keys.notes, keys.first + static_cast<int>(i) * keys.step,
                   rest ? keys.last : 0, 1);
    }
  }
  if (keys.numkeys != 0) ReplyKeySpec(r, counted_role, keys.notes, keys.numkeys, 0, 0, true);
  for (const UnknownKeys& unknown : keys.unknown) ReplyUnknownKeySpec(r, unknown);
}

// One COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL categories,
// tips, key specifications, subcommands.
void ReplyCommandInfo(resp::ReplyWriter& r, const RegisteredCommand& command) {
  const CommandSpec& spec = *command.spec;
  r.ArrayHeader(10);
  r.Bulk(command.full_name);
  r.Integer(spec.arity);
  ReplyNameSet(r, kFlagNames.size(), [&](size_t i) {
    return (spec.flags & kFlagNames[i].first) ? kFlagNames[i].second : std::string_view();
  });
  r.Integer(spec.keys.first);
  r.Integer(spec.keys.last);
  r.Integer(spec.keys.step);
  const uint32_t categories = command.acl_categories();
  ReplyNameSet(r, kAclNames.size(), [&](size_t i) {
    return (categories & (1u << i)) ? kAclNames[i] : std::string_view();
  });
  // Under RESP3 tips, key specs and subcommands are sets, as in Redis.
  const std::vector<std::string_view> tips = SplitWords(spec.tips);
  r.SetHeader(tips.size());
  for (std::string_view tip : tips) r.Bulk(tip);
  ReplyKeySpecs(r, spec.keys);
  r.SetHeader(command.subcommands.size());
  for (const RegisteredCommand& sub : command.subcommands) ReplyCommandInfo(r, sub);
}

// Finds "get" or "config|get".
const RegisteredCommand* FindByFullName(const CommandTable& table, std::string_view name) {
  const size_t bar = name.find('|');
  const RegisteredCommand* command = table.Find(name.substr(0, bar));
  if (command == nullptr || bar == std::string_view::npos) return command;
  return command->FindSubcommand(name.substr(bar + 1));
}

// COMMAND (every command's info)
void CmdCommand(CommandContext& ctx) {
  const auto& commands = ctx.engine.commands().commands();
  ctx.reply.ArrayHeader(commands.size());
  for (const auto& command : commands) ReplyCommandInfo(ctx.reply, *command);
}

// COMMAND COUNT
void CmdCommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.engine.commands().commands().size()));
}

// COMMAND INFO [command-name ...]
void CmdCommandInfo(CommandContext& ctx) {
  if (ctx.args.size() == 2) return CmdCommand(ctx);
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const RegisteredCommand* command = FindByFullName(ctx.engine.commands(), ctx.args[i]);
    if (command == nullptr) {
      ctx.reply.Null();
    } else {
      ReplyCommandInfo(ctx.reply, *command);
    }
  }
}

// One argument's map: name, type, then only the fields it has, in Redis's order.
void ReplyCommandArg(resp::ReplyWriter& r, const CommandArg& arg) {
  const bool group = arg.type == ArgType::kOneOf || arg.type == ArgType::kBlock;
  const bool flagged = arg.optional || arg.multiple || arg.multiple_token;
  r.MapHeader(2 + (arg.key_spec_index >= 0) + arg.token.has_value() + !arg.since.empty() +
              !arg.deprecated_since.empty() + flagged + group);
  r.Bulk("name");
  r.Bulk(arg.name);
  r.Bulk("type");
  r.Bulk(ArgTypeName(arg.type));
  if (arg.key_spec_index >= 0) {
    r.Bulk("key_spec_index");
    r.Integer(arg.key_spec_index);
  }
  if (arg.token) {
    r.Bulk("token");
    r.Bulk(*arg.token);
  }
  if (!arg.since.empty()) {
    r.Bulk("since");
    r.Bulk(arg.since);
  }
  if (!arg.deprecated_since.empty()) {
    r.Bulk("deprecated_since");
    r.Bulk(arg.deprecated_since);
  }
  if (flagged) {
    r.Bulk("flags");
    r.SetHeader(arg.optional + arg.multiple + arg.multiple_token);
    if (arg.optional) r.SimpleString("optional");
    if (arg.multiple) r.SimpleString("multiple");
    if (arg.multiple_token) r.SimpleString("multiple_token");
  }
  if (group) {
    r.Bulk("arguments");
    r.ArrayHeader(arg.args.size());
    for (const CommandArg& part : arg.args) ReplyCommandArg(r, part);
  }
}

// One COMMAND DOCS entry: the name, then a map of summary, since, group, complexity and the
// optional fields the command has, in Redis's order.
void ReplyCommandDoc(resp::ReplyWriter& r, const RegisteredCommand& command) {
  const CommandSpec& spec = *command.spec;
  const bool deprecated = !spec.deprecated.since.empty();
  const bool has_history = spec.history.size() != 0;
  const bool has_args = !command.args.empty();
  const bool has_subcommands = !command.subcommands.empty();
  // A few commands (MONITOR, SYNC) state no complexity, and Redis then leaves the field out.
  const bool has_complexity = !spec.doc.complexity.empty();
  r.Bulk(command.full_name);
  const bool has_doc_flags = deprecated || spec.syscmd;
  r.MapHeader(3 + has_complexity + has_doc_flags + 2 * deprecated + has_history + has_args +
              has_subcommands);
  r.Bulk("summary");
  r.Bulk(spec.doc.summary);
  r.Bulk("since");
  r.Bulk(spec.doc.since);
  r.Bulk("group");
  r.Bulk(command.group);
  if (has_complexity) {
    r.Bulk("complexity");
    r.Bulk(spec.doc.complexity);
  }
  if (has_doc_flags) {
    r.Bulk("doc_flags");
    r.SetHeader(deprecated + spec.syscmd);
    if (deprecated) r.SimpleString("deprecated");
    if (spec.syscmd) r.SimpleString("syscmd");
  }
  if (deprecated) {
    r.Bulk("deprecated_since");
    r.Bulk(spec.deprecated.since);
    r.Bulk("replaced_by");
    r.Bulk(spec.deprecated.replaced_by);
  }
  if (has_history) {
    r.Bulk("history");
    r.SetHeader(spec.history.size());
    for (const HistoryEntry& entry : spec.history) {
      r.ArrayHeader(2);
      r.Bulk(entry.version);
      r.Bulk(entry.change);
    }
  }
  if (has_args) {
    r.Bulk("arguments");
    r.ArrayHeader(command.args.size());
    for (const CommandArg& arg : command.args) ReplyCommandArg(r, arg);
  }
  if (has_subcommands) {
    r.Bulk("subcommands");
    r.MapHeader(command.subcommands.size());
    for (const RegisteredCommand& sub : command.subcommands) ReplyCommandDoc(r, sub);
  }
}

// COMMAND DOCS [command-name ...]
void CmdCommandDocs(CommandContext& ctx) {
  std::vector<const RegisteredCommand*> found;
  if (ctx.args.size() == 2) {
    for (const auto& command : ctx.engine.commands().commands()) found.push_back(command.get());
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      const RegisteredCommand* command = FindByFullName(ctx.engine.commands(), ctx.args[i]);
      if (command != nullptr) found.push_back(command);
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const RegisteredCommand* command : found) ReplyCommandDoc(ctx.reply, *command);
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
void CmdCommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCategory, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.args.size() == 5 && EqualsIgnoreCase(ctx.args[2], "filterby")) {
    value = ctx.args[4];
    if (EqualsIgnoreCase(ctx.args[3], "module")) {
      filter = Filter::kModule;
    } else if (EqualsIgnoreCase(ctx.args[3], "aclcat")) {
      filter = Filter::kAclCategory;
    } else if (EqualsIgnoreCase(ctx.args[3], "pattern")) {
      filter = Filter::kPattern;
    }
  }
  if (ctx.args.size() != 2 && filter == Filter::kNone) return ctx.reply.Error(errors::kSyntax);

  std::vector<std::string_view> names;
  auto consider = [&](const RegisteredCommand& command) {
    bool keep = true;
    if (filter == Filter::kModule) {
      keep = false;  // no modules
    } else if (filter == Filter::kAclCategory) {
      keep = false;
      const uint32_t categories = command.acl_categories();
      for (size_t i = 0; i < kAclNames.size(); ++i) {
        if ((categories & (1u << i)) && EqualsIgnoreCase(kAclNames[i].substr(1), value)) {
          keep = true;
        }
      }
    } else if (filter == Filter::kPattern) {
      keep = GlobMatch(value, command.full_name, /*nocase=*/true);
    }
    if (keep) names.push_back(command.full_name);
  };
  for (const auto& command : ctx.engine.commands().commands()) {
    consider(*command);
    for (const RegisteredCommand& sub : command->subcommands) consider(sub);
  }
  ctx.reply.BulkArray(names);
}

// COMMAND GETKEYS command [arg ...]
void CmdCommandGetKeys(CommandContext& ctx) {
  const std::span<const std::string_view> argv = ctx.args.subspan(2);
  const RegisteredCommand* command = ctx.engine.commands().Find(argv[0]);
  if (command != nullptr && !command->subcommands.empty() && argv.size() >= 2) {
    command = command->FindSubcommand(argv[1]);
  }
  if (command == nullptr) return ctx.reply.Error(errors::kInvalidCommandSpecified);
  if (!ArityAccepts(command->spec->arity, argv.size())) {
    return ctx.reply.Error(errors::kInvalidArgumentCount);
  }
  const KeyPositions& keys = command->spec->keys;
  if (keys.first == 0 && keys.numkeys == 0) {
    return ctx.reply.Error(errors::kNoKeyArguments);
  }
  const std::optional<std::vector<RequestKey>> found = RequestKeys(keys, argv);
  if (!found) return ctx.reply.Error(errors::kInvalidArguments);
  ctx.reply.ArrayHeader(found->size());
  for (const RequestKey& key : *found) ctx.reply.Bulk(key.key);
}

// COMMAND HELP
void CmdCommandHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about every command.",
      "COUNT",
      "    Return the number of commands.",
      "DOCS [<command-name> ...]",
      "    Return documentation for the given commands, or for all of them.",
      "GETKEYS <full-command>",
      "    Return the key arguments of a full command.",
      "INFO [<command-name> ...]",
      "    Return details about the given commands, or about all of them.",
      "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
      "    Return the names of commands, optionally filtered.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

// CONFIG GET parameter [parameter ...]
void CmdConfigGet(CommandContext& ctx) {
  const Config& config = ctx.engine.config();
  // Each parameter once, in the order asked for (Redis's order is its hash table's).
  std::vector<std::string_view> matched;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    for (std::string_view name : Config::ParameterNames()) {
      if (GlobMatch(ctx.args[i], name, /*nocase=*/true) &&
          std::find(matched.begin(), matched.end(), name) == matched.end()) {
        matched.push_back(name);
      }
    }
  }
  ctx.reply.MapHeader(matched.size());
  for (std::string_view name : matched) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(config.Get(name));
  }
}

// CONFIG SET parameter value [parameter value ...]
void CmdConfigSet(CommandContext& ctx) {
  if (ctx.args.size() % 2 != 0) return ctx.reply.Error(errors::kSyntax);
  for (size_t i = 2; i + 1 < ctx.args.size(); i += 2) {
    if (EqualsIgnoreCase(ctx.args[i], "requirepass")) ctx.Redact(i + 1);  // a password
  }
  if (absl::Status status = ctx.engine.SetConfig(ctx.args.subspan(2)); !status.ok()) {
    const absl::string_view message = status.message();
    return ctx.reply.Error(std::string_view(message.data(), message.size()));
  }
  ctx.reply.Ok();
}

// INFO sections. Each appends "field:value\r\n" lines; fields follow Redis's names so tools
// that read them (redis-cli --stat, ioredis's ready check on "loading") work.
using InfoWriter = void (*)(CommandContext& ctx, std::string& out);

void InfoField(std::string& out, std::string_view name, const auto& value) {
  absl::StrAppend(&out, store::AbslView(name), ":", value, "\r\n");
}

std::string HumanBytes(uint64_t bytes) {
  static constexpr std::string_view kUnits = "BKMGTP";
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? absl::StrCat(bytes, "B") : absl::StrFormat("%.2f%c", value, kUnits[unit]);
}

void InfoServer(CommandContext& ctx, std::string& out) {
  struct utsname name;
  const bool have_uname = uname(&name) == 0;
  const int64_t uptime_s = (ctx.now_ms() - ctx.engine.start_time_ms()) / 1000;
  InfoField(out, "redis_version", store::AbslView(kRedisCompatibleVersion));
  InfoField(out, "understudy_version", store::AbslView(kUnderstudyVersion));
  InfoField(out, "redis_git_sha1", "00000000");
  InfoField(out, "redis_git_dirty", 0);
  InfoField(out, "redis_build_id", "0");
  InfoField(out, "redis_mode", "standalone");
  InfoField(out, "os",
            have_uname ? absl::StrCat(name.sysname, " ", name.release, " ", name.machine)
                       : std::string("unknown"));
  InfoField(out, "arch_bits", sizeof(void*) * 8);
  InfoField(out, "monotonic_clock", "POSIX clock_gettime");
  InfoField(out, "multiplexing_api", "asio");
  InfoField(out, "atomicvar_api", "c11-builtin");
  InfoField(out, "gcc_version",
            absl::StrCat(__GNUC__, ".", __GNUC_MINOR__, ".", __GNUC_PATCHLEVEL__));
  InfoField(out, "process_id", getpid());
  InfoField(out, "process_supervised", "no");
  InfoField(out, "run_id", ctx.engine.run_id());
  InfoField(out, "tcp_port", ctx.engine.config().port);
  InfoField(out, "server_time_usec", ctx.engine.clock().NowUs());
  InfoField(out, "uptime_in_seconds", uptime_s);
  InfoField(out, "uptime_in_days", uptime_s / 86400);
  InfoField(out, "hz", ctx.engine.config().hz);
  InfoField(out, "configured_hz", ctx.engine.config().hz);
  InfoField(out, "lru_clock", (ctx.now_ms() / 1000) & ((1 << 24) - 1));
  std::error_code ignored;
  InfoField(out, "executable", std::filesystem::read_symlink("/proc/self/exe", ignored).string());
  InfoField(out, "config_file", ctx.engine.config().config_file);
  InfoField(out, "io_threads_active", 0);
}

void InfoClients(CommandContext& ctx, std::string& out) {
  InfoField(out, "connected_clients", ctx.engine.connected_clients());
  InfoField(out, "cluster_connections", 0);
  InfoField(out, "maxclients", ctx.engine.config().maxclients);
  // The largest buffers among the clients connected now (Redis looks back a few seconds).
  size_t max_input = 0, max_output = 0;
  for (const auto& [id, client] : ctx.engine.clients()) {
    if (client->transport != nullptr) {
      max_input = std::max(max_input, client->transport->buffers().read_buffer_size);
    }
    max_output = std::max(max_output, ctx.engine.UnsentOutput(*client));
  }
  InfoField(out, "client_recent_max_input_buffer", max_input);
  InfoField(out, "client_recent_max_output_buffer", max_output);
  InfoField(out, "blocked_clients", ctx.engine.blocked_clients());
  InfoField(out, "tracking_clients", ctx.engine.tracking_clients());
  InfoField(out, "clients_in_timeout_table", ctx.engine.blocked_clients());
}

// Heap in use from the allocator, resident size from the kernel. What Redis reports of features
// understudy lacks (replication buffers, defragmentation) is 0.
// The process's memory as INFO memory and MEMORY STATS report it.
struct MemoryFigures {
  uint64_t used = 0;     // heap in use, from the allocator
  uint64_t active = 0;   // the heap's arenas and maps
  uint64_t rss = 0;      // resident, from the kernel
  uint64_t peak = 0;     // the most `used` INFO or MEMORY STATS has seen
  uint64_t clients = 0;  // the clients' output buffers
};

MemoryFigures ReadMemory(Engine& engine) {
  MemoryFigures memory;
  const struct mallinfo2 heap = mallinfo2();
  memory.used = heap.uordblks + heap.hblkhd;
  memory.active = heap.arena + heap.hblkhd;
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    unsigned long pages_total = 0, pages_resident = 0;
    if (std::fscanf(statm, "%lu %lu", &pages_total, &pages_resident) == 2) {
      memory.rss =
          static_cast<uint64_t>(pages_resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    }
    std::fclose(statm);
  }
  memory.peak = engine.NoteMemoryUsed(memory.used);
  for (const auto& [id, client] : engine.clients()) {
    memory.clients += client->output.capacity() + engine.UnsentOutput(*client);
  }
  return memory;
}

void InfoMemory(CommandContext& ctx, std::string& out) {
  const MemoryFigures memory = ReadMemory(ctx.engine);
  const uint64_t used = memory.used, rss = memory.rss, peak = memory.peak;
  const uint64_t clients_memory = memory.clients;
  InfoField(out, "used_memory", used);
  InfoField(out, "used_memory_human", HumanBytes(used));
  InfoField(out, "used_memory_rss", rss);
  InfoField(out, "used_memory_rss_human", HumanBytes(rss));
  InfoField(out, "used_memory_peak", peak);
  InfoField(out, "used_memory_peak_human", HumanBytes(peak));
  InfoField(out, "used_memory_peak_perc",
            absl::StrFormat("%.2f%%", peak == 0 ? 0.0 : 100.0 * used / peak));
  // The clients' buffers are the server's overhead; the rest is the data.
  const uint64_t overhead = std::min(used, clients_memory);
  InfoField(out, "used_memory_overhead", overhead);
  InfoField(out, "used_memory_startup", 0);
  InfoField(out, "used_memory_dataset", used - overhead);
  InfoField(out, "used_memory_dataset_perc",
            absl::StrFormat("%.2f%%", used == 0 ? 0.0 : 100.0 * (used - overhead) / used));
  InfoField(out, "allocator_allocated", used);
  InfoField(out, "allocator_active", memory.active);
  InfoField(out, "allocator_resident", rss);
  const uint64_t system =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  InfoField(out, "total_system_memory", system);
  InfoField(out, "total_system_memory_human", HumanBytes(system));
  scripting::EvalScripts& scripts = ctx.engine.eval_scripts();
  const uint64_t lua = scripts.lua().used_memory();
  InfoField(out, "used_memory_lua", lua);
  InfoField(out, "used_memory_vm_eval", lua);
  InfoField(out, "used_memory_lua_human", HumanBytes(lua));
  InfoField(out, "used_memory_scripts_eval", scripts.bytes());
  InfoField(out, "number_of_cached_scripts", scripts.size());
  scripting::FunctionLibraries& functions = ctx.engine.functions();
  const uint64_t functions_vm = functions.lua().used_memory();
  InfoField(out, "number_of_functions", functions.functions_count());
  InfoField(out, "number_of_libraries", functions.libraries().size());
  InfoField(out, "used_memory_vm_functions", functions_vm);
  InfoField(out, "used_memory_vm_total", lua + functions_vm);
  InfoField(out, "used_memory_vm_total_human", HumanBytes(lua + functions_vm));
  InfoField(out, "used_memory_functions", functions.bytes());
  const uint64_t scripts_bytes = scripts.bytes() + functions.bytes();
  InfoField(out, "used_memory_scripts", scripts_bytes);
  InfoField(out, "used_memory_scripts_human", HumanBytes(scripts_bytes));
  InfoField(out, "maxmemory", 0);
  InfoField(out, "maxmemory_human", "0B");
  InfoField(out, "maxmemory_policy", "noeviction");
  const uint64_t active = memory.active;
  auto ratio = [](uint64_t a, uint64_t b) {
    return absl::StrFormat("%.2f", b == 0 ? 0.0 : static_cast<double>(a) / b);
  };
  InfoField(out, "allocator_frag_ratio", ratio(active, used));
  InfoField(out, "allocator_frag_bytes", static_cast<int64_t>(active) - static_cast<int64_t>(used));
  InfoField(out, "allocator_rss_ratio", ratio(rss, active));
  InfoField(out, "allocator_rss_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(active));
  InfoField(out, "rss_overhead_ratio", "1.00");  // allocator_resident is the resident size
  InfoField(out, "rss_overhead_bytes", 0);
  const double fragmentation = used == 0 ? 0.0 : static_cast<double>(rss) / used;
  InfoField(out, "mem_fragmentation_ratio", absl::StrFormat("%.2f", fragmentation));
  InfoField(out, "mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  InfoField(out, "mem_not_counted_for_evict", 0);
  InfoField(out, "mem_replication_backlog", 0);
  InfoField(out, "mem_total_replication_buffers", 0);
  InfoField(out, "mem_clients_slaves", 0);
  InfoField(out, "mem_clients_normal", clients_memory);
  InfoField(out, "mem_cluster_links", 0);
  InfoField(out, "mem_aof_buffer", 0);
  InfoField(out, "mem_allocator", "libc");
  InfoField(out, "active_defrag_running", 0);
  InfoField(out, "lazyfree_pending_objects", 0);
  InfoField(out, "lazyfreed_objects", 0);
}

void InfoPersistence(CommandContext& ctx, std::string& out) {
  InfoField(out, "loading", 0);
  InfoField(out, "async_loading", 0);
  // Nothing is ever saved yet, so every change since start counts.
  InfoField(out, "current_cow_peak", 0);
  InfoField(out, "current_cow_size", 0);
  InfoField(out, "current_cow_size_age", 0);
  InfoField(out, "current_fork_perc", "0.00");
  InfoField(out, "current_save_keys_processed", 0);
  InfoField(out, "current_save_keys_total", 0);
  InfoField(out, "rdb_changes_since_last_save", ctx.engine.dirty());
  InfoField(out, "rdb_bgsave_in_progress", 0);
  InfoField(out, "rdb_last_save_time", ctx.engine.last_save_ms() / 1000);
  InfoField(out, "rdb_last_bgsave_status", "ok");
  InfoField(out, "rdb_last_bgsave_time_sec", -1);
  InfoField(out, "rdb_current_bgsave_time_sec", -1);
  InfoField(out, "rdb_saves", 0);
  InfoField(out, "rdb_last_cow_size", 0);
  InfoField(out, "rdb_last_load_keys_expired", 0);
  InfoField(out, "rdb_last_load_keys_loaded", 0);
  InfoField(out, "aof_enabled", 0);
  InfoField(out, "aof_rewrite_in_progress", 0);
  InfoField(out, "aof_rewrite_scheduled", 0);
  InfoField(out, "aof_last_rewrite_time_sec", -1);
  InfoField(out, "aof_current_rewrite_time_sec", -1);
  InfoField(out, "aof_last_bgrewrite_status", "ok");
  InfoField(out, "aof_rewrites", 0);
  InfoField(out, "aof_rewrites_consecutive_failures", 0);
  InfoField(out, "aof_last_write_status", "ok");
  InfoField(out, "aof_last_cow_size", 0);
  InfoField(out, "module_fork_in_progress", 0);
  InfoField(out, "module_fork_last_cow_size", 0);
}

void InfoStats(CommandContext& ctx, std::string& out) {
  uint64_t expired = 0;
  store::Keyspace& keyspace = ctx.engine.keyspace();
  for (int i = 0; i < keyspace.num_databases(); ++i) expired += keyspace.db(i).expired_count();
  const Engine& engine = ctx.engine;
  auto kbps = [](double bytes_per_sec) { return absl::StrFormat("%.2f", bytes_per_sec / 1024); };
  InfoField(out, "total_connections_received", engine.total_connections_received());
  InfoField(out, "total_commands_processed", engine.total_commands_processed());
  InfoField(out, "instantaneous_ops_per_sec", static_cast<int64_t>(engine.ops_per_sec()));
  InfoField(out, "total_net_input_bytes", engine.net_input_bytes());
  InfoField(out, "total_net_output_bytes", engine.net_output_bytes());
  InfoField(out, "total_net_repl_input_bytes", 0);
  InfoField(out, "total_net_repl_output_bytes", 0);
  InfoField(out, "instantaneous_input_kbps", kbps(engine.input_bytes_per_sec()));
  InfoField(out, "instantaneous_output_kbps", kbps(engine.output_bytes_per_sec()));
  InfoField(out, "instantaneous_input_repl_kbps", "0.00");
  InfoField(out, "instantaneous_output_repl_kbps", "0.00");
  InfoField(out, "rejected_connections", 0);
  InfoField(out, "sync_full", 0);
  InfoField(out, "sync_partial_ok", 0);
  InfoField(out, "sync_partial_err", 0);
  InfoField(out, "expired_keys", expired);
  InfoField(out, "expired_stale_perc", "0.00");
  InfoField(out, "expired_time_cap_reached_count", 0);
  InfoField(out, "expire_cycle_cpu_milliseconds", 0);
  InfoField(out, "evicted_keys", 0);
  InfoField(out, "evicted_clients", 0);
  InfoField(out, "total_eviction_exceeded_time", 0);
  InfoField(out, "current_eviction_exceeded_time", 0);
  InfoField(out, "keyspace_hits", engine.keyspace_hits());
  InfoField(out, "keyspace_misses", engine.keyspace_misses());
  const PubSubRegistry& pubsub = engine.pubsub();
  InfoField(out, "pubsub_channels", pubsub.names(PubSubKind::kChannel).size());
  InfoField(out, "pubsub_patterns", pubsub.names(PubSubKind::kPattern).size());
  InfoField(out, "pubsubshard_channels", pubsub.names(PubSubKind::kShardChannel).size());
  for (std::string_view zero :
       {"latest_fork_usec", "total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys",
        "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
        "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time"}) {
    InfoField(out, zero, 0);
  }
  const TrackingTable& tracking = engine.tracking();
  InfoField(out, "tracking_total_keys", tracking.keys());
  InfoField(out, "tracking_total_items", tracking.items());
  InfoField(out, "tracking_total_prefixes", tracking.prefix_count());
  InfoField(out, "unexpected_error_replies", 0);
  InfoField(out, "total_error_replies", engine.total_error_replies());
  InfoField(out, "dump_payload_sanitizations", 0);
  InfoField(out, "total_reads_processed", engine.reads_processed());
  InfoField(out, "total_writes_processed", engine.writes_processed());
  InfoField(out, "io_threaded_reads_processed", 0);
  InfoField(out, "io_threaded_writes_processed", 0);
  InfoField(out, "reply_buffer_shrinks", 0);
  InfoField(out, "reply_buffer_expands", 0);
}

void InfoReplication(CommandContext& ctx, std::string& out) {
  InfoField(out, "role", "master");
  InfoField(out, "connected_slaves", 0);
  InfoField(out, "master_failover_state", "no-failover");
  InfoField(out, "master_replid", ctx.engine.replication_id());
  InfoField(out, "master_replid2", std::string(40, '0'));
  InfoField(out, "master_repl_offset", 0);
  InfoField(out, "second_repl_offset", -1);
  InfoField(out, "repl_backlog_active", 0);
  InfoField(out, "repl_backlog_size", 1048576);
  InfoField(out, "repl_backlog_first_byte_offset", 0);
  InfoField(out, "repl_backlog_histlen", 0);
}

void InfoModules(CommandContext&, std::string&) {}

void InfoCluster(CommandContext&, std::string& out) { InfoField(out, "cluster_enabled", 0); }

// Seconds as Redis prints them, with microseconds.
std::string CpuSeconds(const struct timeval& t) {
  return absl::StrFormat("%d.%06d", static_cast<int64_t>(t.tv_sec), static_cast<int>(t.tv_usec));
}

void InfoCpu(CommandContext&, std::string& out) {
  struct rusage self {}, children {}, thread {};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  InfoField(out, "used_cpu_sys", CpuSeconds(self.ru_stime));
  InfoField(out, "used_cpu_user", CpuSeconds(self.ru_utime));
  InfoField(out, "used_cpu_sys_children", CpuSeconds(children.ru_stime));
  InfoField(out, "used_cpu_user_children", CpuSeconds(children.ru_utime));
  InfoField(out, "used_cpu_sys_main_thread", CpuSeconds(thread.ru_stime));
  InfoField(out, "used_cpu_user_main_thread", CpuSeconds(thread.ru_utime));
}

// Latency percentiles of the commands that ran, from their histograms (see LatencyHistogram).
void InfoLatencyStats(CommandContext& ctx, std::string& out) {
  auto line = [&](const RegisteredCommand& command) {
    const Engine::CommandStats* stats = ctx.engine.command_stats(command);
    if (stats == nullptr || stats->latency.total() == 0) return;
    const LatencyHistogram& h = stats->latency;
    InfoField(out, absl::StrCat("latency_percentiles_usec_", command.full_name),
              absl::StrFormat("p50=%.3f,p99=%.3f,p99.9=%.3f", static_cast<double>(h.Percentile(50)),
                              static_cast<double>(h.Percentile(99)),
                              static_cast<double>(h.Percentile(99.9))));
  };
  for (const auto& command : ctx.engine.commands().commands()) {
    line(*command);
    for (const RegisteredCommand& sub : command->subcommands) line(sub);
  }
}

void InfoErrorStats(CommandContext& ctx, std::string& out) {
  for (const auto& [code, count] : ctx.engine.error_stats()) {
    InfoField(out, absl::StrCat("errorstat_", code), absl::StrCat("count=", count));
  }
}

// The commands (and subcommands) that ran or were refused since start or CONFIG RESETSTAT.
void InfoCommandStats(CommandContext& ctx, std::string& out) {
  auto line = [&](const RegisteredCommand& command) {
    const Engine::CommandStats* stats = ctx.engine.command_stats(command);
    if (stats == nullptr) return;
    const double per_call =
        stats->calls == 0 ? 0.0 : static_cast<double>(stats->usec) / stats->calls;
    InfoField(out, absl::StrCat("cmdstat_", command.full_name),
              absl::StrFormat("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,"
                              "failed_calls=%d",
                              stats->calls, stats->usec, per_call, stats->rejected_calls,
                              stats->failed_calls));
  };
  for (const auto& command : ctx.engine.commands().commands()) {
    line(*command);
    for (const RegisteredCommand& sub : command->subcommands) line(sub);
  }
}

void InfoKeyspace(CommandContext& ctx, std::string& out) {
  store::Keyspace& keyspace = ctx.engine.keyspace();
  for (int i = 0; i < keyspace.num_databases(); ++i) {
    const store::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    InfoField(out, absl::StrCat("db", i),
              absl::StrCat("keys=", db.size(), ",expires=", db.expires_size(),
                           ",avg_ttl=", db.AverageTtlMs()));
  }
}

struct InfoSection {
  std::string_view name;   // as INFO takes it
  std::string_view title;  // of the "# Title" line
  InfoWriter writer;
  bool in_default = true;  // false: only with "all", "everything" or by name
};

constexpr InfoSection kInfoSections[] = {
    {"server", "Server", InfoServer},
    {"clients", "Clients", InfoClients},
    {"memory", "Memory", InfoMemory},
    {"persistence", "Persistence", InfoPersistence},
    {"stats", "Stats", InfoStats},
    {"replication", "Replication", InfoReplication},
    {"cpu", "CPU", InfoCpu},
    {"modules", "Modules", InfoModules},
    {"commandstats", "Commandstats", InfoCommandStats, /*in_default=*/false},
    {"errorstats", "Errorstats", InfoErrorStats},
    {"latencystats", "Latencystats", InfoLatencyStats, /*in_default=*/false},
    {"cluster", "Cluster", InfoCluster},
    {"keyspace", "Keyspace", InfoKeyspace},
};

// INFO [section [section ...]]: none, "default", "all" or "everything" give every section;
// unknown names give nothing, as in Redis. Under RESP3 the text is a verbatim string.
void CmdInfo(CommandContext& ctx) {
  bool defaults = ctx.args.size() == 1;
  bool all = false;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    defaults |= EqualsIgnoreCase(ctx.args[i], "default");
    all |= EqualsIgnoreCase(ctx.args[i], "all") || EqualsIgnoreCase(ctx.args[i], "everything");
  }
  std::string out;
  for (const InfoSection& section : kInfoSections) {
    bool wanted = all || (defaults && section.in_default);
    for (size_t i = 1; i < ctx.args.size() && !wanted; ++i) {
      wanted = EqualsIgnoreCase(ctx.args[i], section.name);
    }
    if (!wanted) continue;
    if (!out.empty()) out += "\r\n";
    absl::StrAppend(&out, "# ", store::AbslView(section.title), "\r\n");
    section.writer(ctx, out);
  }
  ctx.reply.Verbatim("txt", out);
}

constexpr uint32_t kIntrospection = kLoading | kStale;

const CommandSpec kCommandSubcommands[] = {
    {.name = "count",
     .arity = 2,
     .flags = kIntrospection,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdCommandCount,
     .doc = {"Get total number of Redis commands", "2.8.13", "O(1)"}},
    {.name = "getkeys",
     .arity = -4,
     .flags = kIntrospection,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdCommandGetKeys,
     .doc = {"Extract keys given a full Redis command", "2.8.13",
             "O(N) where N is the number of arguments to the command"}},
    {.name = "help",
     .arity = 2,
     .flags = kIntrospection,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdCommandHelp,
     .doc = {"Show helpful text about the different subcommands", "5.0.0", "O(1)"}},
    {.name = "docs",
     .arity = -2,
     .flags = kIntrospection,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdCommandDocs,
     .doc = {"Get array of specific Redis command documentation", "7.0.0",
             "O(N) where N is the number of commands to look up"},
     .args = "[command-name...]",
     .tips = "nondeterministic_output_order"},
    {.name = "list",
     .arity = -2,
     .flags = kIntrospection,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdCommandList,
     .doc = {"Get an array of Redis command names", "7.0.0",
             "O(N) where N is the total number of Redis commands"},
     .args = "[FILTERBY filterby:(MODULE module-name | ACLCAT category | PATTERN pattern:pattern)]",
     .tips = "nondeterministic_output_order"},
    {.name = "info",
     .arity = -2,
     .flags = kIntrospection,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdCommandInfo,
     .doc = {"Get array of specific Redis command details, or all when no argument is given.",
             "2.8.13", "O(N) where N is the number of commands to look up"},
     .args = "[command-name...]",
     .history = {{"7.0.0", "Allowed to be called with no argument to get info on all commands."}},
     .tips = "nondeterministic_output_order"},
};

// CONFIG RESETSTAT
void CmdConfigResetStat(CommandContext& ctx) {
  ctx.engine.ResetStats();
  ctx.reply.SimpleString("OK");
}

// CONFIG REWRITE
void CmdConfigRewrite(CommandContext& ctx) {
  const Config& config = ctx.engine.config();
  if (config.config_file.empty()) return ctx.reply.Error(errors::kNoConfigFile);
  if (absl::Status status = RewriteConfigFile(config); !status.ok()) {
    const absl::string_view reason = status.message();
    spdlog::warn("CONFIG REWRITE failed: {}", std::string_view(reason.data(), reason.size()));
    return ctx.reply.Error(
        errors::ConfigRewriteFailed(std::string_view(reason.data(), reason.size())));
  }
  spdlog::info("CONFIG REWRITE executed with success.");
  ctx.reply.Ok();
}

// LASTSAVE
void CmdLastSave(CommandContext& ctx) { ctx.reply.Integer(ctx.engine.last_save_ms() / 1000); }

const CommandSpec kConfigSubcommands[] = {
    {.name = "resetstat",
     .arity = 2,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdConfigResetStat,
     .doc = {"Reset the stats returned by INFO", "2.0.0", "O(1)"}},
    {.name = "rewrite",
     .arity = 2,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdConfigRewrite,
     .doc = {"Rewrite the configuration file with the in memory configuration", "2.8.0", "O(1)"}},
    {.name = "get",
     .arity = -3,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdConfigGet,
     .doc = {"Get the values of configuration parameters", "2.0.0",
             "O(N) when N is the number of configuration parameters provided"},
     .args = "parameter:{parameter}...",
     .history = {{"7.0.0", "Added the ability to pass multiple pattern parameters in one call"}}},
    {.name = "set",
     .arity = -4,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdConfigSet,
     .doc = {"Set configuration parameters to the given values", "2.0.0",
             "O(N) when N is the number of configuration parameters provided"},
     .args = "parameter_value:{parameter value}...",
     .history = {{"7.0.0", "Added the ability to set multiple parameters in one call."}},
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
};

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]. There is nothing to save yet (no save
// points, no AOF), so the server stops at once; only an explicit SAVE fails, unless FORCE, as a
// failed save does in Redis. The client gets no reply: its connection closes.
void CmdShutdown(CommandContext& ctx) {
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    const std::string_view arg = ctx.args[i];
    if (EqualsIgnoreCase(arg, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(arg, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(arg, "now")) {
      now = true;
    } else if (EqualsIgnoreCase(arg, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(arg, "abort")) {
      abort = true;
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    return ctx.reply.Error(errors::kSyntax);
  }
  if (abort) return ctx.reply.Error(errors::kNoShutdownInProgress);
  if (!nosave && ctx.engine.script_busy()) {
    return ctx.reply.Error(ctx.engine.functions().running() ? errors::kBusyFunction
                                                            : errors::kBusyScript);
  }
  if (save && !force) {
    spdlog::warn("SHUTDOWN SAVE: understudy has no persistence yet, nothing can be saved");
    return ctx.reply.Error(errors::kShutdownFailed);
  }
  // No reply on success, as Redis: the connection closes with the server.
  if (!ctx.engine.Shutdown()) ctx.reply.Error(errors::kShutdownFailed);
}

// MEMORY USAGE key [SAMPLES count]: understudy's own count of the bytes the key and its value
// hold (the entry's chunk, its table slot, the value's heap); every element is counted, so
// SAMPLES is checked as Redis checks it and otherwise ignored.
void CmdMemoryUsage(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.args.size(); ++i) {
    if (!EqualsIgnoreCase(ctx.args[i], "samples") || i + 1 == ctx.args.size()) {
      return ctx.reply.Error(errors::kSyntax);
    }
    int64_t samples;
    if (!ParseIntArg(ctx.reply, ctx.args[++i], &samples)) return;
    if (samples < 0) return ctx.reply.Error(errors::kSyntax);
  }
  const std::optional<size_t> bytes = ctx.db().MemoryUsage(ctx.args[2]);
  if (!bytes) return ctx.reply.Null();
  ctx.reply.Integer(static_cast<int64_t>(*bytes));
}

// MEMORY PURGE: gives the allocator's free memory back to the system.
void CmdMemoryPurge(CommandContext& ctx) {
  malloc_trim(0);
  ctx.reply.SimpleString("OK");
}

// MEMORY STATS: Redis's breakdown with understudy's figures: the allocator's and the kernel's
// counts, the clients' buffers, the scripts' caches, and per database with keys the bytes of its
// key table and of the deadlines its entries hold. Nothing is allocated at start-up before the
// data, so startup.allocated is 0. Ratios are single precision, as Redis computes them.
void CmdMemoryStats(CommandContext& ctx) {
  const MemoryFigures memory = ReadMemory(ctx.engine);
  const uint64_t lua_caches = ctx.engine.eval_scripts().bytes();
  const uint64_t functions_caches = ctx.engine.functions().bytes();
  store::Keyspace& keyspace = ctx.engine.keyspace();
  struct DbOverhead {
    int index;
    uint64_t main;
    uint64_t expires;
  };
  std::vector<DbOverhead> databases;
  uint64_t keys = 0;
  uint64_t overhead = memory.clients + lua_caches + functions_caches;
  for (int i = 0; i < keyspace.num_databases(); ++i) {
    store::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    keys += db.size();
    databases.push_back({i, db.IndexBytes(), db.expires_size() * sizeof(int64_t)});
    overhead += databases.back().main + databases.back().expires;
  }
  overhead = std::min(overhead, memory.used);
  const uint64_t dataset = memory.used - overhead;
  const auto ratio = [](uint64_t a, uint64_t b) {
    return static_cast<double>(b == 0 ? 0.0f : static_cast<float>(a) / static_cast<float>(b));
  };
  const auto difference = [](uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a) - static_cast<int64_t>(b);
  };
  resp::ReplyWriter& reply = ctx.reply;
  reply.MapHeader(27 + databases.size());
  const auto field = [&](std::string_view name, int64_t value) {
    reply.Bulk(name);
    reply.Integer(value);
  };
  const auto double_field = [&](std::string_view name, double value) {
    reply.Bulk(name);
    reply.Double(value);
  };
  field("peak.allocated", static_cast<int64_t>(memory.peak));
  field("total.allocated", static_cast<int64_t>(memory.used));
  field("startup.allocated", 0);
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", static_cast<int64_t>(memory.clients));
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", static_cast<int64_t>(lua_caches));
  field("functions.caches", static_cast<int64_t>(functions_caches));
  for (const DbOverhead& db : databases) {
    reply.Bulk(absl::StrCat("db.", db.index));
    reply.MapHeader(3);
    field("overhead.hashtable.main", static_cast<int64_t>(db.main));
    field("overhead.hashtable.expires", static_cast<int64_t>(db.expires));
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", static_cast<int64_t>(overhead));
  field("keys.count", static_cast<int64_t>(keys));
  field("keys.bytes-per-key", static_cast<int64_t>(keys == 0 ? 0 : memory.used / keys));
  field("dataset.bytes", static_cast<int64_t>(dataset));
  double_field("dataset.percentage", 100 * ratio(dataset, memory.used));
  double_field("peak.percentage", 100 * ratio(memory.used, memory.peak));
  field("allocator.allocated", static_cast<int64_t>(memory.used));
  field("allocator.active", static_cast<int64_t>(memory.active));
  field("allocator.resident", static_cast<int64_t>(memory.rss));
  double_field("allocator-fragmentation.ratio", ratio(memory.active, memory.used));
  field("allocator-fragmentation.bytes", difference(memory.active, memory.used));
  double_field("allocator-rss.ratio", ratio(memory.rss, memory.active));
  field("allocator-rss.bytes", difference(memory.rss, memory.active));
  // allocator.resident is the process's resident size: nothing lies beyond it.
  double_field("rss-overhead.ratio", 1.0);
  field("rss-overhead.bytes", 0);
  double_field("fragmentation", ratio(memory.rss, memory.used));
  field("fragmentation.bytes", difference(memory.rss, memory.used));
}

// MEMORY DOCTOR: Redis's report for a nearly empty instance and for one without issues; the
// issues understudy can see (a peak far above the present use, fragmentation, large client
// buffers) are described in its own words.
void CmdMemoryDoctor(CommandContext& ctx) {
  const MemoryFigures memory = ReadMemory(ctx.engine);
  constexpr uint64_t kTooLittleToJudge = 5 << 20;
  if (memory.used < kTooLittleToJudge) {
    return ctx.reply.Verbatim(
        "txt",
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't "
        "be used in these conditions. Please, leave for your mission on Earth and fill it with "
        "some data. The new Sam and I will be back to our programming as soon as I finished "
        "rebooting.\n");
  }
  std::string issues;
  if (memory.peak > memory.used + memory.used / 2) {
    absl::StrAppend(&issues, " * Peak memory: the peak (", HumanBytes(memory.peak),
                    ") is over 150% of the memory in use now (", HumanBytes(memory.used),
                    "); the allocator may keep the difference.\n\n");
  }
  constexpr uint64_t kFragmentationBytes = 10 << 20;
  if (memory.rss > memory.used + memory.used * 2 / 5 &&
      memory.rss - memory.used > kFragmentationBytes) {
    absl::StrAppend(&issues, " * High fragmentation: the resident size (", HumanBytes(memory.rss),
                    ") is over 140% of the memory in use (", HumanBytes(memory.used),
                    "); MEMORY PURGE gives free pages back.\n\n");
  }
  const size_t clients = ctx.engine.connected_clients();
  constexpr uint64_t kBigClientBuffers = 200 * 1024;
  if (clients > 0 && memory.clients / clients > kBigClientBuffers) {
    absl::StrAppend(&issues, " * Big client buffers: clients hold ", HumanBytes(memory.clients),
                    " of unsent output; see CLIENT LIST's omem and obl.\n\n");
  }
  if (issues.empty()) {
    return ctx.reply.Verbatim("txt",
                              "Hi Sam, I can't find any memory issue in your instance. I can "
                              "only account for what occurs on this base.\n");
  }
  ctx.reply.Verbatim("txt", absl::StrCat("Memory issues found in this instance:\n\n", issues));
}

// MEMORY MALLOC-STATS: what Redis answers when built on libc's malloc, as understudy is.
void CmdMemoryMallocStats(CommandContext& ctx) {
  ctx.reply.Verbatim("txt", "Stats not supported for the current allocator");
}

// MEMORY HELP
void CmdMemoryHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

const CommandSpec kMemorySubcommands[] = {
    {.name = "usage",
     .arity = -3,
     .flags = kReadOnly,
     .acl = 0,
     .keys = {2, 2, 1, "RO"},
     .handler = CmdMemoryUsage,
     .doc = {"Estimate the memory usage of a key", "4.0.0",
             "O(N) where N is the number of samples."},
     .args = "key:key [SAMPLES count:integer]"},
    {.name = "purge",
     .arity = 2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdMemoryPurge,
     .doc = {"Ask the allocator to release memory", "4.0.0",
             "Depends on how much memory is allocated, could be slow"},
     .tips = "request_policy:all_shards response_policy:all_succeeded"},
    {.name = "doctor",
     .arity = 2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdMemoryDoctor,
     .doc = {"Outputs memory problems report", "4.0.0", "O(1)"},
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "stats",
     .arity = 2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdMemoryStats,
     .doc = {"Show memory usage details", "4.0.0", "O(1)"},
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "malloc-stats",
     .arity = 2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdMemoryMallocStats,
     .doc = {"Show allocator internal stats", "4.0.0",
             "Depends on how much memory is allocated, could be slow"},
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdMemoryHelp,
     .doc = {"Show helpful text about the different subcommands", "4.0.0", "O(1)"}},
};

const CommandSpec kCommands[] = {
    {.name = "dbsize",
     .arity = 1,
     .flags = kReadOnly | kFast,
     .acl = kAclKeyspace,
     .keys = kNoKeys,
     .handler = CmdDbSize,
     .doc = {"Return the number of keys in the selected database", "1.0.0", "O(1)"},
     .tips = "request_policy:all_shards response_policy:agg_sum"},
    {.name = "flushdb",
     .arity = -1,
     .flags = kWrite,
     .acl = kAclKeyspace | kAclDangerous,
     .keys = kNoKeys,
     .handler = CmdFlushDb,
     .doc = {"Remove all keys from the current database", "1.0.0",
             "O(N) where N is the number of keys in the selected database"},
     .args = "[async:(ASYNC@4.0.0 | SYNC@6.2.0)]",
     .history = {{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
                 {"6.2.0", "Added the `SYNC` flushing mode modifier."}},
     .tips = "request_policy:all_shards response_policy:all_succeeded"},
    {.name = "flushall",
     .arity = -1,
     .flags = kWrite,
     .acl = kAclKeyspace | kAclDangerous,
     .keys = kNoKeys,
     .handler = CmdFlushAll,
     .doc = {"Remove all keys from all databases", "1.0.0",
             "O(N) where N is the total number of keys in all databases"},
     .args = "[async:(ASYNC@4.0.0 | SYNC@6.2.0)]",
     .history = {{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
                 {"6.2.0", "Added the `SYNC` flushing mode modifier."}},
     .tips = "request_policy:all_shards response_policy:all_succeeded"},
    {.name = "swapdb",
     .arity = 3,
     .flags = kWrite | kFast,
     .acl = kAclKeyspace | kAclDangerous,
     .keys = kNoKeys,
     .handler = CmdSwapDb,
     .doc = {"Swaps two Redis databases", "4.0.0",
             "O(N) where N is the count of clients watching or blocking on keys from both "
             "databases."},
     .args = "index1:integer index2:integer"},
    {.name = "lastsave",
     .arity = 1,
     .flags = kLoading | kStale | kFast,
     .acl = kAclAdmin | kAclDangerous,
     .keys = kNoKeys,
     .handler = CmdLastSave,
     .doc = {"Get the UNIX time stamp of the last successful save to disk", "1.0.0", "O(1)"},
     .tips = "nondeterministic_output"},
    {.name = "time",
     .arity = 1,
     .flags = kLoading | kStale | kFast,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdTime,
     .doc = {"Return the current server time", "2.6.0", "O(1)"},
     .tips = "nondeterministic_output"},
    {.name = "command",
     .arity = -1,
     .flags = kLoading | kStale,
     .acl = kAclConnection,
     .keys = kNoKeys,
     .handler = CmdCommand,
     .doc = {"Get array of Redis command details", "2.8.13",
             "O(N) where N is the total number of Redis commands"},
     .tips = "nondeterministic_output_order",
     .subcommands = kCommandSubcommands},
    {.name = "info",
     .arity = -1,
     .flags = kLoading | kStale,
     .acl = kAclDangerous,
     .keys = kNoKeys,
     .handler = CmdInfo,
     .doc = {"Get information and statistics about the server", "1.0.0", "O(1)"},
     .args = "[section...]",
     .history = {{"7.0.0", "Added support for taking multiple section arguments."}},
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special"},
    {.name = "config",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for server configuration commands", "2.0.0", "Depends on subcommand."},
     .tips = "",
     .subcommands = kConfigSubcommands},
    {.name = "shutdown",
     .arity = -1,
     .flags = kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdShutdown,
     .doc = {"Synchronously save the dataset to disk and then shut down the server", "1.0.0",
             "O(N) when saving, where N is the total number of keys in all databases when saving "
             "data, otherwise O(1)"},
     .args = "[nosave_save:(NOSAVE | SAVE)] [NOW@7.0.0] [FORCE@7.0.0] [ABORT@7.0.0]",
     .history = {{"7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."}}},
    {.name = "memory",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for memory diagnostics commands", "4.0.0", "Depends on subcommand."},
     .tips = "",
     .subcommands = kMemorySubcommands},
};

}  // namespace

CommandFamily ServerFamily() { return {"server", kCommands}; }

}  // namespace understudy::engine
