// Diagnostics commands: SLOWLOG, LATENCY, MONITOR.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/engine/arg_parser.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "store/numbers.h"

namespace understudy::engine {
namespace {

void ReplyHelp(resp::ReplyWriter& reply, std::span<const std::string_view> lines) {
  reply.ArrayHeader(lines.size());
  for (std::string_view line : lines) reply.SimpleString(line);
}

// SLOWLOG GET [count]: the newest count entries (10 by default, -1 for all).
void CmdSlowlogGet(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    return ctx.reply.Error(errors::UnknownSubcommandOrArity(ctx.args[1], "SLOWLOG"));
  }
  const auto& entries = ctx.engine.slowlog().entries();
  int64_t count = 10;
  if (ctx.args.size() == 3 && (!store::ParseInt64(ctx.args[2], &count) || count < -1)) {
    return ctx.reply.Error(errors::kSlowlogCount);
  }
  const size_t shown =
      count == -1 ? entries.size() : std::min(entries.size(), static_cast<size_t>(count));
  ctx.reply.ArrayHeader(shown);
  for (size_t i = 0; i < shown; ++i) {
    const SlowLog::Entry& entry = entries[i];
    ctx.reply.ArrayHeader(6);
    ctx.reply.Integer(static_cast<int64_t>(entry.id));
    ctx.reply.Integer(entry.timestamp_s);
    ctx.reply.Integer(entry.duration_us);
    ctx.reply.BulkArray(entry.args);
    ctx.reply.Bulk(entry.client_addr);
    ctx.reply.Bulk(entry.client_name);
  }
}

// SLOWLOG LEN
void CmdSlowlogLen(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.engine.slowlog().entries().size()));
}

// SLOWLOG RESET
void CmdSlowlogReset(CommandContext& ctx) {
  ctx.engine.slowlog().Reset();
  ctx.reply.Ok();
}

// SLOWLOG HELP
void CmdSlowlogHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

// LATENCY LATEST: per event, [name, time of the latest sample, its latency, the worst ever].
void CmdLatencyLatest(CommandContext& ctx) {
  const auto& events = ctx.engine.latency().events();
  ctx.reply.ArrayHeader(events.size());
  for (const auto& [name, series] : events) {
    ctx.reply.ArrayHeader(4);
    ctx.reply.Bulk(name);
    ctx.reply.Integer(series.latest().time_s);
    ctx.reply.Integer(series.latest().latency_ms);
    ctx.reply.Integer(series.max_ms);
  }
}

// The samples of a series, oldest first.
std::vector<LatencyMonitor::Sample> Chronological(const LatencyMonitor::Series& series) {
  std::vector<LatencyMonitor::Sample> samples;
  for (size_t i = 0; i < LatencyMonitor::kSamples; ++i) {
    const auto& sample = series.samples[(series.next + i) % LatencyMonitor::kSamples];
    if (sample.time_s != 0) samples.push_back(sample);
  }
  return samples;
}

// LATENCY HISTORY event: [time, latency] pairs, oldest first.
void CmdLatencyHistory(CommandContext& ctx) {
  const LatencyMonitor::Series* series = ctx.engine.latency().Find(ctx.args[2]);
  if (series == nullptr) return ctx.reply.ArrayHeader(0);
  const std::vector<LatencyMonitor::Sample> samples = Chronological(*series);
  ctx.reply.ArrayHeader(samples.size());
  for (const auto& sample : samples) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(sample.time_s);
    ctx.reply.Integer(sample.latency_ms);
  }
}

// LATENCY RESET [event ...]: how many events were forgotten.
void CmdLatencyReset(CommandContext& ctx) {
  LatencyMonitor& latency = ctx.engine.latency();
  if (ctx.args.size() == 2) return ctx.reply.Integer(static_cast<int64_t>(latency.ResetAll()));
  int64_t reset = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) reset += latency.Reset(ctx.args[i]) ? 1 : 0;
  ctx.reply.Integer(reset);
}

// LATENCY GRAPH event: the header Redis writes, then one column per sample, oldest first, its
// height the sample's share of the highest (Redis draws a finer sparkline).
void CmdLatencyGraph(CommandContext& ctx) {
  const std::string_view event = ctx.args[2];
  const LatencyMonitor::Series* series = ctx.engine.latency().Find(event);
  if (series == nullptr) return ctx.reply.Error(errors::NoLatencySamples(event));
  const std::vector<LatencyMonitor::Sample> samples = Chronological(*series);
  uint32_t high = 0, low = UINT32_MAX;
  for (const auto& sample : samples) {
    high = std::max(high, sample.latency_ms);
    low = std::min(low, sample.latency_ms);
  }
  std::string text =
      absl::StrCat(std::string(event), " - high ", high, " ms, low ", low, " ms (all time high ",
                   series->max_ms, " ms)\n", std::string(80, '-'), "\n");
  constexpr int kRows = 4;
  for (int row = kRows - 1; row >= 0; --row) {
    for (const auto& sample : samples) {
      const int height = high == 0 ? 0 : static_cast<int>(sample.latency_ms * (kRows - 1) / high);
      text += height > row ? '|' : (height == row ? '_' : ' ');
    }
    text += '\n';
  }
  ctx.reply.Verbatim("txt", text);
}

// LATENCY DOCTOR: Redis's report for a disabled monitor and for one without spikes; with
// spikes, a summary per event.
void CmdLatencyDoctor(CommandContext& ctx) {
  const LatencyMonitor& latency = ctx.engine.latency();
  std::string text;
  if (latency.events().empty()) {
    if (ctx.engine.config().latency_monitor_threshold == 0) {
      text =
          "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
          "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
          "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
          "at https://redis.io/topics/latency-monitor.\n";
    } else {
      text =
          "Dave, no latency spike was observed during the lifetime of this Redis instance, not "
          "in the slightest bit. I honestly think you ought to sit down calmly, take a stress "
          "pill, and think things over.\n";
    }
    return ctx.reply.Verbatim("txt", text);
  }
  text =
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
      "about it, do you Dave?\n\n";
  int index = 0;
  for (const auto& [name, series] : latency.events()) {
    const std::vector<LatencyMonitor::Sample> samples = Chronological(series);
    uint64_t sum = 0;
    for (const auto& sample : samples) sum += sample.latency_ms;
    absl::StrAppend(&text, ++index, ". ", name, ": ", samples.size(), " latency spikes (average ",
                    sum / samples.size(), "ms). Worst all time event ", series.max_ms, "ms.\n");
  }
  ctx.reply.Verbatim("txt", text);
}

// LATENCY HISTOGRAM [command ...]: per command that ran (a container: its subcommands), its
// calls and the cumulative count of calls at each bucket's upper bound in microseconds.
void CmdLatencyHistogram(CommandContext& ctx) {
  std::vector<const RegisteredCommand*> shown;
  auto consider = [&](const RegisteredCommand& command) {
    const Engine::CommandStats* stats = ctx.engine.command_stats(command);
    if (stats != nullptr && stats->latency.total() != 0) shown.push_back(&command);
  };
  auto consider_all = [&](const RegisteredCommand& command) {
    consider(command);
    for (const RegisteredCommand& sub : command.subcommands) consider(sub);
  };
  if (ctx.args.size() == 2) {
    for (const auto& command : ctx.engine.commands().commands()) consider_all(*command);
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      const std::string_view name = ctx.args[i];
      const size_t bar = name.find('|');
      const RegisteredCommand* command = ctx.engine.commands().Find(name.substr(0, bar));
      if (command != nullptr && bar != std::string_view::npos) {
        command = command->FindSubcommand(name.substr(bar + 1));
      }
      if (command != nullptr) consider_all(*command);
    }
  }
  ctx.reply.MapHeader(shown.size());
  for (const RegisteredCommand* command : shown) {
    const LatencyHistogram& histogram = ctx.engine.command_stats(*command)->latency;
    ctx.reply.Bulk(command->full_name);
    ctx.reply.MapHeader(2);
    ctx.reply.Bulk("calls");
    ctx.reply.Integer(static_cast<int64_t>(histogram.total()));
    ctx.reply.Bulk("histogram_usec");
    size_t buckets = 0;
    for (uint64_t count : histogram.counts) buckets += count != 0 ? 1 : 0;
    ctx.reply.MapHeader(buckets);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
      if (histogram.counts[i] == 0) continue;
      cumulative += histogram.counts[i];
      ctx.reply.Integer(int64_t{1} << i);
      ctx.reply.Integer(static_cast<int64_t>(cumulative));
    }
  }
}

// LATENCY HELP
void CmdLatencyHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the "
      "specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

// MONITOR: inside a transaction it is refused (its client must get one reply per command); a
// second MONITOR gets no reply, as in Redis.
void CmdMonitor(CommandContext& ctx) {
  if (ctx.client.in_exec) return ctx.reply.Error(errors::kMonitorDenyBlocking);
  if (ctx.client.monitor) return;
  ctx.engine.AddMonitor(ctx.client);
  ctx.reply.Ok();
}

constexpr uint32_t kDiagnostic = kAdmin | kLoading | kStale;

const CommandSpec kSlowlogSubcommands[] = {
    {.name = "len",
     .arity = 2,
     .flags = kDiagnostic,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdSlowlogLen,
     .doc = {"Get the slow log's length", "2.2.12", "O(1)"},
     .tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output"},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdSlowlogHelp,
     .doc = {"Show helpful text about the different subcommands", "6.2.0", "O(1)"}},
    {.name = "get",
     .arity = -2,
     .flags = kDiagnostic,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdSlowlogGet,
     .doc = {"Get the slow log's entries", "2.2.12",
             "O(N) where N is the number of entries returned"},
     .args = "[count:integer]",
     .history = {{"4.0.0", "Added client IP address, port and name to the reply."}},
     .tips = "request_policy:all_nodes nondeterministic_output"},
    {.name = "reset",
     .arity = 2,
     .flags = kDiagnostic,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdSlowlogReset,
     .doc = {"Clear all entries from the slow log", "2.2.12",
             "O(N) where N is the number of entries in the slowlog"},
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
};

constexpr uint32_t kLatencyFlags = kAdmin | kNoScript | kLoading | kStale;

const CommandSpec kLatencySubcommands[] = {
    {.name = "history",
     .arity = 3,
     .flags = kLatencyFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdLatencyHistory,
     .doc = {"Return timestamp-latency samples for the event.", "2.8.13", "O(1)"},
     .args = "event:string",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdLatencyHelp,
     .doc = {"Show helpful text about the different subcommands.", "2.8.13", "O(1)"}},
    {.name = "reset",
     .arity = -2,
     .flags = kLatencyFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdLatencyReset,
     .doc = {"Reset latency data for one or more events.", "2.8.13", "O(1)"},
     .args = "[event:string...]",
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {.name = "doctor",
     .arity = 2,
     .flags = kLatencyFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdLatencyDoctor,
     .doc = {"Return a human readable latency analysis report.", "2.8.13", "O(1)"},
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "latest",
     .arity = 2,
     .flags = kLatencyFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdLatencyLatest,
     .doc = {"Return the latest latency samples for all events.", "2.8.13", "O(1)"},
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "histogram",
     .arity = -2,
     .flags = kLatencyFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdLatencyHistogram,
     .doc = {"Return the cumulative distribution of latencies of a subset of commands or all.",
             "7.0.0",
             "O(N) where N is the number of commands with latency information being retrieved."},
     .args = "[command...]",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
    {.name = "graph",
     .arity = 3,
     .flags = kLatencyFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdLatencyGraph,
     .doc = {"Return a latency graph for the event.", "2.8.13", "O(1)"},
     .args = "event:string",
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special"},
};

const CommandSpec kCommands[] = {
    {.name = "slowlog",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for slow log commands", "2.2.12", "Depends on subcommand."},
     .subcommands = kSlowlogSubcommands},
    {.name = "latency",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for latency diagnostics commands", "2.8.13", "Depends on subcommand."},
     .subcommands = kLatencySubcommands},
    {.name = "monitor",
     .arity = 1,
     .flags = kAdmin | kNoScript | kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdMonitor,
     .doc = {"Listen for all requests received by the server in real time", "1.0.0", ""}},
};

}  // namespace

CommandFamily DiagnosticsFamily() { return {"server", kCommands}; }

}  // namespace understudy::engine
