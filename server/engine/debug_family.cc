// DEBUG and its subcommands, gated by enable-debug-command. Of Redis's subcommands understudy
// has those that make sense without persistence or replication; it adds ADVANCE-CLOCK.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "spdlog/spdlog.h"
#include "store/database.h"
#include "store/list_value.h"
#include "store/numbers.h"
#include "store/value.h"

namespace understudy::engine {
namespace {

// Whether the client may run DEBUG under enable-debug-command: "local" admits loopback
// addresses and in-process clients (which have no address).
bool DebugAllowed(const Config& config, const Client& client) {
  if (config.enable_debug_command == "yes") return true;
  if (config.enable_debug_command != "local") return false;
  const std::string_view addr = client.addr;
  return addr.empty() || addr.starts_with("127.") || addr.starts_with("::1:") ||
         addr.starts_with("[::1]");
}

// Sizes of Redis's RDB encoding, for DEBUG OBJECT's serializedlength (uncompressed: an
// estimate where Redis would LZF-compress a long string).
size_t RdbLengthSize(uint64_t n) {
  return n < (1 << 6) ? 1 : n < (1 << 14) ? 2 : n <= UINT32_MAX ? 5 : 9;
}
size_t RdbStringSize(std::string_view s) {
  int64_t n;
  if (s.size() <= 11 && store::ParseInt64(s, &n)) {
    if (n >= INT8_MIN && n <= INT8_MAX) return 2;
    if (n >= INT16_MIN && n <= INT16_MAX) return 3;
    if (n >= INT32_MIN && n <= INT32_MAX) return 5;
  }
  return RdbLengthSize(s.size()) + s.size();
}
// One listpack entry: its encoding and data, then the back length.
size_t ListpackEntrySize(std::string_view s) {
  int64_t n;
  size_t size;
  if (s.size() <= 20 && store::ParseInt64(s, &n)) {
    size = n >= 0 && n <= 127                 ? 1
           : n >= -4096 && n <= 4095          ? 2
           : n >= INT16_MIN && n <= INT16_MAX ? 3
           : n >= -(1 << 23) && n < (1 << 23) ? 4
           : n >= INT32_MIN && n <= INT32_MAX ? 5
                                              : 9;
  } else {
    size = (s.size() < 64 ? 1 : s.size() < 4096 ? 2 : 5) + s.size();
  }
  const size_t back = size < 128 ? 1 : size < 16384 ? 2 : size < 2097152 ? 3 : 4;
  return size + back;
}
constexpr size_t kListpackOverhead = 7;  // header and end byte

size_t SerializedLength(const store::Value& value) {
  switch (value.type()) {
    case store::ValueType::kString:
      return RdbStringSize(value.str().view());
    case store::ValueType::kList: {
      size_t nodes = 0, bytes = 0;
      value.as<store::ListValue>().ForEachNode([&](size_t, size_t node_bytes) {
        ++nodes;
        bytes += 1 + RdbLengthSize(node_bytes) + node_bytes;
      });
      return RdbLengthSize(nodes) + bytes;
    }
    case store::ValueType::kHash: {
      const auto& hash = value.as<store::HashValue>();
      size_t packed = kListpackOverhead, table = RdbLengthSize(hash.size());
      hash.ForEach([&](std::string_view field, std::string_view v) {
        packed += ListpackEntrySize(field) + ListpackEntrySize(v);
        table += RdbStringSize(field) + RdbStringSize(v);
      });
      return hash.encoding() == "listpack" ? RdbLengthSize(packed) + packed : table;
    }
    case store::ValueType::kSet: {
      const auto& set = value.as<store::SetValue>();
      size_t table = RdbLengthSize(set.size());
      int64_t width = 2;
      set.ForEach([&](std::string_view member) {
        table += RdbStringSize(member);
        int64_t n = 0;
        store::ParseInt64(member, &n);
        if (n < INT16_MIN || n > INT16_MAX) width = std::max<int64_t>(width, 4);
        if (n < INT32_MIN || n > INT32_MAX) width = 8;
      });
      const size_t intset = 8 + set.size() * static_cast<size_t>(width);
      return set.encoding() == "intset" ? RdbLengthSize(intset) + intset : table;
    }
    case store::ValueType::kZSet: {
      const auto& zset = value.as<store::ZSetValue>();
      size_t packed = kListpackOverhead, table = RdbLengthSize(zset.size());
      zset.RangeByRank(0, -1, false, [&](std::string_view member, double score) {
        packed += ListpackEntrySize(member) + ListpackEntrySize(resp::FormatDouble(score));
        table += RdbStringSize(member) + 8;
      });
      return zset.encoding() == "listpack" ? RdbLengthSize(packed) + packed : table;
    }
  }
  return 0;
}

// DEBUG OBJECT key: Redis's line of low-level facts, with understudy's values: the address of
// the value, its encoding, the size of its RDB encoding, the access clock.
void DebugObject(CommandContext& ctx) {
  store::Database& db = ctx.db();
  const store::Value* value = db.Peek(ctx.args[2]);
  if (value == nullptr) return ctx.reply.Error(errors::kNoSuchKey);
  const int64_t idle_s = db.IdleMs(ctx.args[2]).value_or(0) / 1000;
  constexpr int64_t kLruClockMax = (1 << 24) - 1;
  const int64_t lru = (ctx.now_ms() / 1000 - idle_s) & kLruClockMax;
  std::string line = absl::StrFormat(
      "Value at:%p refcount:1 encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d",
      static_cast<const void*>(value), std::string(value->encoding()), SerializedLength(*value),
      lru, idle_s);
  if (value->type() == store::ValueType::kList) {
    const auto& list = value->as<store::ListValue>();
    size_t bytes = 0;
    list.ForEachNode([&](size_t, size_t node_bytes) { bytes += node_bytes; });
    const size_t nodes = list.node_count();
    absl::StrAppendFormat(&line,
                          " ql_nodes:%d ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:0 "
                          "ql_uncompressed_size:%d",
                          nodes, nodes == 0 ? 0.0 : static_cast<double>(list.size()) / nodes,
                          ctx.engine.keyspace().encoding().list_max_listpack_size, bytes);
  }
  ctx.reply.SimpleString(line);
}

// DEBUG SLEEP seconds: stops the server, as Redis does, for at most a minute so that a typo
// cannot hang it. The seconds are read as strtod reads them: garbage is 0.
void DebugSleep(CommandContext& ctx) {
  const std::string text(ctx.args[2]);
  const double seconds = std::strtod(text.c_str(), nullptr);
  constexpr double kMaxSeconds = 60;
  if (seconds > 0) {
    std::this_thread::sleep_for(
        std::chrono::microseconds(static_cast<int64_t>(std::min(seconds, kMaxSeconds) * 1e6)));
  }
  ctx.reply.Ok();
}

// DEBUG POPULATE count [prefix] [size]: keys prefix:0 .. prefix:count-1 ("key" by default)
// holding "value:N", cut or padded with zero bytes to size if given; existing keys stay.
void DebugPopulate(CommandContext& ctx) {
  int64_t count, size = 0;
  if (!ParseIntArg(ctx.reply, ctx.args[2], &count)) return;
  if (count < 0) return ctx.reply.Error(errors::kNotPositive);
  const std::string_view prefix = ctx.args.size() >= 4 ? ctx.args[3] : "key";
  if (ctx.args.size() == 5) {
    if (!ParseIntArg(ctx.reply, ctx.args[4], &size)) return;
    if (size < 0) return ctx.reply.Error(errors::kNotPositive);
  }
  store::Database& db = ctx.db();
  for (int64_t i = 0; i < count; ++i) {
    const std::string key = absl::StrCat(std::string(prefix), ":", i);
    if (db.Find(key) != nullptr) continue;
    std::string value = absl::StrCat("value:", i);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    db.Set(key, value);
  }
  ctx.reply.Ok();
}

// DEBUG PROTOCOL type: a sample reply of each RESP type, as Redis's.
void DebugProtocol(CommandContext& ctx) {
  resp::ReplyWriter& r = ctx.reply;
  const std::string_view type = ctx.args[2];
  if (EqualsIgnoreCase(type, "string")) return r.Bulk("Hello World");
  if (EqualsIgnoreCase(type, "integer")) return r.Integer(12345);
  if (EqualsIgnoreCase(type, "double")) return r.Double(3.141);
  if (EqualsIgnoreCase(type, "bignum")) return r.BigNumber("1234567999999999999999999999999999999");
  if (EqualsIgnoreCase(type, "null")) return r.Null();
  if (EqualsIgnoreCase(type, "array") || EqualsIgnoreCase(type, "set")) {
    if (EqualsIgnoreCase(type, "set")) {
      r.SetHeader(3);
    } else {
      r.ArrayHeader(3);
    }
    for (int i = 0; i < 3; ++i) r.Integer(i);
    return;
  }
  if (EqualsIgnoreCase(type, "map")) {
    r.MapHeader(3);
    for (int i = 0; i < 3; ++i) {
      r.Integer(i);
      r.Boolean(i == 1);
    }
    return;
  }
  if (EqualsIgnoreCase(type, "attrib")) {
    if (r.resp3()) {
      r.buffer()->append("|1\r\n");
      r.Bulk("key-popularity");
      r.ArrayHeader(2);
      r.Bulk("key:123");
      r.Integer(90);
    }
    return r.Bulk("Some real reply following the attribute");
  }
  if (EqualsIgnoreCase(type, "push")) {
    if (!r.resp3()) return r.Error(errors::kDebugPushNeedsResp3);
    const size_t from = r.buffer()->size();
    r.PushHeader(2);
    r.Bulk("server-cpu-usage");
    r.Integer(42);
    ctx.engine.KeepPush(ctx.client, from);
    return r.Bulk("Some real reply following the push reply");
  }
  if (EqualsIgnoreCase(type, "verbatim")) return r.Verbatim("txt", "This is a verbatim\nstring");
  if (EqualsIgnoreCase(type, "true")) return r.Boolean(true);
  if (EqualsIgnoreCase(type, "false")) return r.Boolean(false);
  r.Error(errors::kDebugProtocolType);
}

// DEBUG HELP: the subcommands understudy has, in Redis's words.
void DebugHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ADVANCE-CLOCK <milliseconds>",
      "    Move the server's clock forward (understudy only): keys expire and blocked",
      "    clients time out as if that much time had passed.",
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
      "LOG <message>",
      "    Write <message> to the server log.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "QUICKLIST-PACKED-THRESHOLD <size>",
      "    Sets the threshold for elements to be inserted as plain vs packed nodes",
      "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

// Redis's memtoull for QUICKLIST-PACKED-THRESHOLD: digits with an optional unit.
bool ParseMemoryValue(std::string_view text, uint64_t* out) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return false;
  uint64_t value;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, value);
  if (error != std::errc()) return false;
  const std::string_view unit = text.substr(digits);
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},          {"b", 1},           {"k", 1000},          {"kb", 1024},
      {"m", 1'000'000}, {"mb", 1ULL << 20}, {"g", 1'000'000'000}, {"gb", 1ULL << 30}};
  uint64_t multiplier = 0;
  for (const auto& [name, factor] : kUnits) {
    if (EqualsIgnoreCase(unit, name)) multiplier = factor;
  }
  if (multiplier == 0) return false;
  *out = value * multiplier;
  return true;
}

// DEBUG subcommand [arg ...]
void CmdDebug(CommandContext& ctx) {
  if (!DebugAllowed(ctx.engine.config(), ctx.client)) {
    return ctx.reply.Error(errors::kDebugNotAllowed);
  }
  const std::string_view sub = ctx.args[1];
  const size_t argc = ctx.args.size();
  auto is = [&](std::string_view name, size_t min_args, size_t max_args) {
    return EqualsIgnoreCase(sub, name) && argc >= min_args && argc <= max_args;
  };
  if (is("help", 2, 2)) return DebugHelp(ctx);
  if (is("advance-clock", 3, 3)) {
    int64_t ms;
    if (!ParseIntArg(ctx.reply, ctx.args[2], &ms)) return;
    if (ms < 0) return ctx.reply.Error(errors::kNotPositive);
    ctx.engine.AdvanceClock(ms);
    return ctx.reply.Ok();
  }
  if (is("sleep", 3, 3)) return DebugSleep(ctx);
  if (is("object", 3, 3)) return DebugObject(ctx);
  if (is("populate", 3, 5)) return DebugPopulate(ctx);
  if (is("protocol", 3, 3)) return DebugProtocol(ctx);
  if (is("set-active-expire", 3, 3)) {
    // As Redis's atoi: anything but a non-zero number turns it off.
    ctx.engine.set_active_expire(std::atoi(std::string(ctx.args[2]).c_str()) != 0);
    return ctx.reply.Ok();
  }
  if (is("log", 3, 3)) {
    spdlog::warn("DEBUG LOG: {}", ctx.args[2]);
    return ctx.reply.Ok();
  }
  if (is("error", 3, 3)) {
    const std::string_view message = ctx.args[2];
    // As Redis: a message without its own "-" gets the ERR code.
    if (message.starts_with('-')) return ctx.reply.Error(message.substr(1));
    return ctx.reply.Error(absl::StrCat("ERR ", std::string(message)));
  }
  if (is("change-repl-id", 2, 2)) return ctx.reply.Ok();  // no replication: nothing to change
  if (is("quicklist-packed-threshold", 3, 3)) {
    // Lists have no plain nodes here, so the threshold is checked as Redis checks it and kept
    // nowhere.
    uint64_t bytes;
    constexpr uint64_t kMax = (1ULL << 32) - (1 << 20);
    if (!ParseMemoryValue(ctx.args[2], &bytes) || bytes > kMax) {
      return ctx.reply.Error(errors::kQuicklistThreshold);
    }
    return ctx.reply.Ok();
  }
  ctx.reply.Error(errors::UnknownSubcommandOrArity(sub, "DEBUG"));
}

const CommandSpec kCommands[] = {
    {.name = "debug",
     .arity = -2,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdDebug,
     .doc = {"A container for debugging commands", "1.0.0", "Depends on subcommand."},
     .syscmd = true},
};

}  // namespace

CommandFamily DebugFamily() { return {"server", kCommands}; }

}  // namespace understudy::engine
