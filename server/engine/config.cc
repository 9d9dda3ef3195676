#include "server/engine/config.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "resp/request_parser.h"
#include "server/engine/errors.h"
#include "server/engine/monitor.h"
#include "server/engine/notifications.h"
#include "spdlog/spdlog.h"
#include "store/numbers.h"
#include "store/value.h"

namespace understudy::engine {
namespace {

using Words = std::vector<std::string>;

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// Descriptors Redis keeps beyond maxclients for its own files.
constexpr int64_t kReservedFds = 32;

absl::Status Refuse(std::string_view reason) {
  return absl::InvalidArgumentError(store::AbslView(reason));
}

// Redis's memtoull: digits with an optional unit (b, k = 1000, kb = 1024, m, mb, g, gb; any
// case); no sign.
bool ParseMemory(std::string_view text, uint64_t* out) {
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},          {"b", 1},           {"k", 1000},          {"kb", 1024},
      {"m", 1'000'000}, {"mb", 1ULL << 20}, {"g", 1'000'000'000}, {"gb", 1ULL << 30}};
  const std::string unit = absl::AsciiStrToLower(store::AbslView(text.substr(digits)));
  const auto* found = std::find_if(std::begin(kUnits), std::end(kUnits),
                                   [&](const auto& u) { return u.first == unit; });
  if (found == std::end(kUnits)) return false;
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const uint64_t digit = text[i] - '0';
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  if (value > std::numeric_limits<uint64_t>::max() / found->second) return false;
  *out = value * found->second;
  return true;
}

// How a numeric parameter reads its value: Redis's INTEGER_CONFIG and MEMORY_CONFIG.
enum class Unit { kInteger, kMemory };

absl::StatusOr<int64_t> ParseNumeric(std::string_view text, Unit unit, int64_t min, int64_t max) {
  int64_t value;
  if (unit == Unit::kMemory) {
    uint64_t bytes;
    if (!ParseMemory(text, &bytes)) return Refuse(errors::kConfigNotMemory);
    if (bytes > static_cast<uint64_t>(kInt64Max)) return Refuse(errors::ConfigOutOfRange(min, max));
    value = static_cast<int64_t>(bytes);
  } else if (!store::ParseInt64(text, &value)) {
    return Refuse(errors::kConfigNotInteger);
  }
  if (value < min || value > max) return Refuse(errors::ConfigOutOfRange(min, max));
  return value;
}

absl::StatusOr<bool> ParseYesNo(std::string_view text) {
  if (absl::EqualsIgnoreCase(store::AbslView(text), "yes")) return true;
  if (absl::EqualsIgnoreCase(store::AbslView(text), "no")) return false;
  return Refuse(errors::kConfigNotYesNo);
}

// Splits a CONFIG SET value of a list parameter into words, as redis.conf lines split.
absl::StatusOr<Words> SplitWords(std::string_view value) {
  resp::RequestParser splitter;
  const std::string line = absl::StrCat(store::AbslView(value), "\n");
  switch (splitter.Parse(line)) {
    case resp::RequestParser::Status::kCommand:
      return Words(splitter.args().begin(), splitter.args().end());
    case resp::RequestParser::Status::kNeedMore:
      return Words();  // blank
    case resp::RequestParser::Status::kError:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("unbalanced quotes in '", line, "'"));
}

constexpr std::string_view kClassNames[] = {"normal", "slave", "pubsub"};

// client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [<class> ...]: the classes
// named change, the others keep their limits.
absl::Status SetOutputBufferLimits(Config& config, const Words& words) {
  if (words.size() % 4 != 0) return Refuse(errors::kBufferLimitArgCount);
  auto limits = config.client_output_buffer_limit;
  for (size_t i = 0; i < words.size(); i += 4) {
    const std::string name = absl::AsciiStrToLower(words[i]);
    int index;
    if (name == "normal") {
      index = static_cast<int>(ClientClass::kNormal);
    } else if (name == "slave" || name == "replica") {
      index = static_cast<int>(ClientClass::kReplica);
    } else if (name == "pubsub") {
      index = static_cast<int>(ClientClass::kPubSub);
    } else {
      return Refuse(errors::kBufferLimitClass);
    }
    OutputBufferLimit limit;
    // Redis reads the seconds with strtoll into an int: out-of-range values wrap.
    char* end = nullptr;
    errno = 0;
    const long long seconds = std::strtoll(words[i + 3].c_str(), &end, 10);
    limit.soft_seconds = static_cast<int32_t>(seconds);
    if (!ParseMemory(words[i + 1], &limit.hard_bytes) ||
        !ParseMemory(words[i + 2], &limit.soft_bytes) || *end != '\0' || limit.soft_seconds < 0) {
      return Refuse(errors::kBufferLimitValues);
    }
    limits[index] = limit;
  }
  config.client_output_buffer_limit = limits;
  return absl::OkStatus();
}

std::string GetOutputBufferLimits(const Config& config) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < std::size(kClassNames); ++i) {
    const OutputBufferLimit& limit = config.client_output_buffer_limit[i];
    parts.push_back(absl::StrCat(store::AbslView(kClassNames[i]), " ", limit.hard_bytes, " ",
                                 limit.soft_bytes, " ", limit.soft_seconds));
  }
  return absl::StrJoin(parts, " ");
}

// A parameter of CONFIG GET/SET and of the config file. An alias (hash-max-ziplist-entries) is
// an entry of its own over the same setting, as in Redis: CONFIG GET lists both names.
struct Parameter {
  std::string_view name;
  // Set only at start (config file, command line): CONFIG SET refuses it.
  bool immutable = false;
  // Takes a list of words (bind 127.0.0.1 ::1); CONFIG SET splits its value into them.
  bool list = false;
  // Validates and stores the value; on failure, Redis's reason. Unimplemented means "valid, but
  // understudy lacks the feature": ignored with a warning in a config file, refused by CONFIG SET.
  std::function<absl::Status(Config&, const Words&)> set;
  std::function<std::string(const Config&)> get;
  // CONFIG SET only: makes the new value take effect outside the Config (before it changes).
  std::function<absl::Status(const Config& before, const Config& after)> update;
  // How CONFIG REWRITE writes the value: as a size with a unit (512mb), quoted (a path or a
  // password), or as it is.
  bool memory = false;
  bool quoted = false;
  // Another name of the parameter (hash-max-ziplist-entries): CONFIG REWRITE writes the
  // parameter it names.
  std::string_view alias_of = {};
};

Parameter Named(std::string_view name, bool immutable = false, bool list = false) {
  Parameter p;
  p.name = name;
  p.immutable = immutable;
  p.list = list;
  return p;
}

template <typename Field>
Parameter Numeric(std::string_view name, Field field, int64_t min, int64_t max,
                  Unit unit = Unit::kInteger) {
  Parameter p = Named(name);
  p.set = [=](Config& config, const Words& words) -> absl::Status {
    absl::StatusOr<int64_t> value = ParseNumeric(words[0], unit, min, max);
    if (!value.ok()) return value.status();
    field(config) = static_cast<std::remove_reference_t<decltype(field(config))>>(*value);
    return absl::OkStatus();
  };
  p.get = [=](const Config& config) { return absl::StrCat(field(config)); };
  p.memory = unit == Unit::kMemory;
  return p;
}

Parameter Quoted(Parameter p) {
  p.quoted = true;
  return p;
}

Parameter Immutable(Parameter p) {
  p.immutable = true;
  return p;
}

// The 6.2 names 7.0 still accepts, and the parameters they name.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"hash-max-ziplist-entries", "hash-max-listpack-entries"},
    {"hash-max-ziplist-value", "hash-max-listpack-value"},
    {"zset-max-ziplist-entries", "zset-max-listpack-entries"},
    {"zset-max-ziplist-value", "zset-max-listpack-value"},
    {"list-max-ziplist-size", "list-max-listpack-size"},
};

std::vector<Parameter> BuildParameters() {
  std::vector<Parameter> table;
  Parameter bind = Named("bind", /*immutable=*/true, /*list=*/true);
  bind.set = [](Config& config, const Words& words) {
    if (words.empty()) return absl::InvalidArgumentError("'bind' needs at least one address");
    config.bind = words;
    return absl::OkStatus();
  };
  bind.get = [](const Config& config) { return absl::StrJoin(config.bind, " "); };
  table.push_back(bind);
  table.push_back(Immutable(Numeric(
      "port", [](auto& c) -> auto& { return c.port; }, 0, 65535)));
  table.push_back(Immutable(Numeric(
      "databases", [](auto& c) -> auto& { return c.databases; }, 1, 1 << 20)));

  Parameter loglevel = Named("loglevel");
  loglevel.set = [](Config& config, const Words& words) {
    static constexpr std::string_view kLevels[] = {"debug", "verbose", "notice", "warning",
                                                   "nothing"};
    const std::string level = absl::AsciiStrToLower(words[0]);
    if (std::find(std::begin(kLevels), std::end(kLevels), level) == std::end(kLevels)) {
      return Refuse(errors::kConfigBadLogLevel);
    }
    config.loglevel = level;
    return absl::OkStatus();
  };
  loglevel.get = [](const Config& config) { return config.loglevel; };
  table.push_back(loglevel);

  Parameter pubsub_default = Named("acl-pubsub-default");
  pubsub_default.set = [](Config& config, const Words& words) {
    const std::string value = absl::AsciiStrToLower(words[0]);
    if (value != "allchannels" && value != "resetchannels") {
      return Refuse(errors::kConfigBadPubsubDefault);
    }
    config.acl_pubsub_all_channels = value == "allchannels";
    return absl::OkStatus();
  };
  pubsub_default.get = [](const Config& config) {
    return std::string(config.acl_pubsub_all_channels ? "allchannels" : "resetchannels");
  };
  table.push_back(pubsub_default);

  Parameter logfile = Named("logfile", /*immutable=*/true);
  logfile.set = [](Config& config, const Words& words) {
    config.logfile = words[0];
    return absl::OkStatus();
  };
  logfile.get = [](const Config& config) { return config.logfile; };
  table.push_back(Quoted(logfile));

  // Redis takes any hz from 0 and keeps it within 1..500.
  Parameter hz = Numeric(
      "hz", [](auto& c) -> auto& { return c.hz; }, 0, kInt32Max);
  hz.set = [set = hz.set](Config& config, const Words& words) {
    absl::Status status = set(config, words);
    config.hz = std::clamp(config.hz, 1, 500);
    return status;
  };
  table.push_back(hz);
  table.push_back(Numeric(
      "proto-max-bulk-len", [](auto& c) -> auto& { return c.proto_max_bulk_len; }, 1 << 20,
      kInt64Max, Unit::kMemory));

  table.push_back(Numeric(
      "tracking-table-max-keys", [](auto& c) -> auto& { return c.tracking_table_max_keys; }, 0,
      kInt64Max));

  Parameter maxclients = Numeric(
      "maxclients", [](auto& c) -> auto& { return c.maxclients; }, 1,
      std::numeric_limits<uint32_t>::max());
  maxclients.update = [](const Config& before, const Config& after) {
    if (after.maxclients <= before.maxclients) return absl::OkStatus();
    const int64_t possible = RaiseOpenFilesLimit(after.maxclients);
    if (possible >= after.maxclients) return absl::OkStatus();
    spdlog::warn(
        "Failed applying new configuration. Possibly related to new maxclients setting. "
        "Restoring previous settings.");
    return Refuse(errors::TooManyClientsForOs(possible));
  };
  table.push_back(maxclients);

  Parameter save = Named("save", /*immutable=*/false, /*list=*/true);
  save.set = [](Config&, const Words& words) {
    if (words.empty() || (words.size() == 1 && words[0].empty())) return absl::OkStatus();
    int64_t n;
    for (const std::string& word : words) {
      if (!store::ParseInt64(word, &n) || n < 0) return Refuse(errors::kConfigBadSave);
    }
    if (words.size() % 2 != 0) return Refuse(errors::kConfigBadSave);
    return absl::UnimplementedError("snapshots (save) are not implemented");
  };
  save.get = [](const Config&) { return std::string(); };
  table.push_back(save);

  Parameter appendonly = Named("appendonly");
  appendonly.set = [](Config&, const Words& words) {
    absl::StatusOr<bool> on = ParseYesNo(words[0]);
    if (!on.ok()) return on.status();
    if (*on) return absl::UnimplementedError("the append-only file is not implemented");
    return absl::OkStatus();
  };
  appendonly.get = [](const Config&) { return std::string("no"); };
  table.push_back(appendonly);

  table.push_back(Numeric(
      "timeout", [](auto& c) -> auto& { return c.timeout; }, 0, kInt32Max));

  Parameter protected_mode = Named("protected-mode");
  protected_mode.set = [](Config& config, const Words& words) {
    absl::StatusOr<bool> on = ParseYesNo(words[0]);
    if (!on.ok()) return on.status();
    config.protected_mode = *on;
    return absl::OkStatus();
  };
  protected_mode.get = [](const Config& config) {
    return std::string(config.protected_mode ? "yes" : "no");
  };
  table.push_back(protected_mode);

  Parameter debug_command = Named("enable-debug-command", /*immutable=*/true);
  debug_command.set = [](Config& config, const Words& words) {
    const std::string value = absl::AsciiStrToLower(store::AbslView(words[0]));
    if (value != "no" && value != "yes" && value != "local") {
      return Refuse(errors::kConfigDebugCommandValue);
    }
    config.enable_debug_command = value;
    return absl::OkStatus();
  };
  debug_command.get = [](const Config& config) { return config.enable_debug_command; };
  table.push_back(debug_command);
  Parameter requirepass = Named("requirepass");
  requirepass.set = [](Config& config, const Words& words) {
    config.requirepass = words[0];
    return absl::OkStatus();
  };
  requirepass.get = [](const Config& config) { return config.requirepass; };
  table.push_back(Quoted(requirepass));

  Parameter aclfile = Named("aclfile", /*immutable=*/true);
  aclfile.set = [](Config& config, const Words& words) {
    config.aclfile = words[0];
    return absl::OkStatus();
  };
  aclfile.get = [](const Config& config) { return config.aclfile; };
  table.push_back(Quoted(aclfile));

  table.push_back(Numeric(
      "client-query-buffer-limit", [](auto& c) -> auto& { return c.client_query_buffer_limit; },
      1 << 20, kInt64Max, Unit::kMemory));
  Parameter output_limits = Named("client-output-buffer-limit", /*immutable=*/false, /*list=*/true);
  output_limits.set = SetOutputBufferLimits;
  output_limits.get = GetOutputBufferLimits;
  table.push_back(output_limits);
  table.push_back(Numeric(
      "client-output-pause-threshold",
      [](auto& c) -> auto& { return c.client_output_pause_threshold; }, 0, kInt64Max,
      Unit::kMemory));

  // How long a script runs before other clients are served (and answered BUSY) meanwhile.
  for (std::string_view name : {"busy-reply-threshold", "lua-time-limit"}) {
    table.push_back(Numeric(
        name, [](auto& c) -> auto& { return c.busy_reply_threshold_ms; }, 0, kInt64Max));
  }
  Parameter notify = Named("notify-keyspace-events");
  notify.set = [](Config& config, const Words& words) {
    const std::optional<uint32_t> classes = ParseNotifyClasses(words[0]);
    if (!classes) return Refuse(errors::kConfigBadNotifyClass);
    config.notify_keyspace_events = *classes;
    return absl::OkStatus();
  };
  notify.get = [](const Config& config) {
    return RenderNotifyClasses(config.notify_keyspace_events);
  };
  table.push_back(notify);

  // Encoding thresholds under their 7.0 names and the ziplist names 7.0 still accepts.
  for (std::string_view name : {"hash-max-listpack-entries", "hash-max-ziplist-entries"}) {
    table.push_back(Numeric(
        name, [](auto& c) -> auto& { return c.encoding.hash_max_listpack_entries; }, 0, kInt64Max));
  }
  for (std::string_view name : {"hash-max-listpack-value", "hash-max-ziplist-value"}) {
    table.push_back(Numeric(
        name, [](auto& c) -> auto& { return c.encoding.hash_max_listpack_value; }, 0, kInt64Max,
        Unit::kMemory));
  }
  table.push_back(Numeric(
      "set-max-intset-entries", [](auto& c) -> auto& { return c.encoding.set_max_intset_entries; },
      0, kInt64Max));
  for (std::string_view name : {"zset-max-listpack-entries", "zset-max-ziplist-entries"}) {
    table.push_back(Numeric(
        name, [](auto& c) -> auto& { return c.encoding.zset_max_listpack_entries; }, 0, kInt64Max));
  }
  for (std::string_view name : {"zset-max-listpack-value", "zset-max-ziplist-value"}) {
    table.push_back(Numeric(
        name, [](auto& c) -> auto& { return c.encoding.zset_max_listpack_value; }, 0, kInt64Max,
        Unit::kMemory));
  }
  for (std::string_view name : {"list-max-listpack-size", "list-max-ziplist-size"}) {
    table.push_back(Numeric(
        name, [](auto& c) -> auto& { return c.encoding.list_max_listpack_size; },
        std::numeric_limits<int32_t>::min(), kInt32Max));
  }
  // Diagnostics.
  table.push_back(Numeric(
      "slowlog-log-slower-than", [](auto& c) -> auto& { return c.slowlog_log_slower_than; }, -1,
      kInt64Max));
  table.push_back(Numeric(
      "slowlog-max-len", [](auto& c) -> auto& { return c.slowlog_max_len; }, 0, kInt64Max));
  table.push_back(Numeric(
      "latency-monitor-threshold", [](auto& c) -> auto& { return c.latency_monitor_threshold; }, 0,
      kInt64Max));
  table.push_back(Numeric(
      "acllog-max-len", [](auto& c) -> auto& { return c.acllog_max_len; }, 0, kInt64Max));
  for (Parameter& p : table) {
    for (const auto& [alias, canonical] : kAliases) {
      if (p.name == alias) p.alias_of = canonical;
    }
  }
  return table;
}

const std::vector<Parameter>& Parameters() {
  static const std::vector<Parameter> kTable = BuildParameters();
  return kTable;
}

const Parameter* FindParameter(std::string_view name) {
  for (const Parameter& p : Parameters()) {
    if (absl::EqualsIgnoreCase(store::AbslView(p.name), store::AbslView(name))) return &p;
  }
  return nullptr;
}

// Redis directives accepted so an existing redis.conf loads, though the feature they configure
// does not exist: each is reported in Config::ignored_directives.
constexpr std::string_view kAcceptedWithoutEffect[] = {"daemonize",
                                                       "supervised",
                                                       "pidfile",
                                                       "dir",
                                                       "dbfilename",
                                                       "tcp-backlog",
                                                       "tcp-keepalive",
                                                       "always-show-logo",
                                                       "set-proc-title",
                                                       "stop-writes-on-bgsave-error",
                                                       "rdbcompression",
                                                       "rdbchecksum",
                                                       "appendfilename",
                                                       "appendfsync",
                                                       "maxmemory",
                                                       "maxmemory-policy",
                                                       "lazyfree-lazy-eviction",
                                                       "lazyfree-lazy-expire",
                                                       "lazyfree-lazy-server-del",
                                                       "lazyfree-lazy-user-del",
                                                       "unixsocket",
                                                       "unixsocketperm"};

}  // namespace

absl::Status Config::Apply(std::string_view raw_name, const std::vector<std::string>& values) {
  const std::string name = absl::AsciiStrToLower(store::AbslView(raw_name));
  const Parameter* parameter = FindParameter(name);
  if (parameter == nullptr) {
    if (std::find(std::begin(kAcceptedWithoutEffect), std::end(kAcceptedWithoutEffect), name) ==
        std::end(kAcceptedWithoutEffect)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown directive '", name, "'"));
    }
    ignored_directives.push_back(name);
    return absl::OkStatus();
  }
  if (!parameter->list && values.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' takes exactly one argument"));
  }
  absl::Status status = parameter->set(*this, values);
  if (absl::IsUnimplemented(status)) {
    ignored_directives.push_back(name);
    return absl::OkStatus();
  }
  return status;
}

absl::Status Config::Set(std::span<const std::string_view> names_and_values) {
  // As Redis: first every name is checked, then every value, on a copy.
  std::vector<const Parameter*> parameters;
  for (size_t i = 0; i + 1 < names_and_values.size(); i += 2) {
    const std::string_view name = names_and_values[i];
    const Parameter* parameter = FindParameter(name);
    if (parameter == nullptr) return Refuse(errors::ConfigSetUnknown(name));
    if (parameter->immutable)
      return Refuse(errors::ConfigSetFailed(name, errors::kConfigImmutable));
    if (std::find(parameters.begin(), parameters.end(), parameter) != parameters.end()) {
      return Refuse(errors::ConfigSetFailed(name, errors::kConfigDuplicate));
    }
    parameters.push_back(parameter);
  }
  Config next = *this;
  for (size_t i = 0; i < parameters.size(); ++i) {
    const Parameter& parameter = *parameters[i];
    const std::string_view value = names_and_values[2 * i + 1];
    absl::StatusOr<Words> words = parameter.list ? SplitWords(value) : Words{std::string(value)};
    absl::Status status = words.ok() ? parameter.set(next, *words) : words.status();
    if (status.ok() && parameter.update) status = parameter.update(*this, next);
    if (!status.ok()) {
      const absl::string_view reason = status.message();
      return Refuse(errors::ConfigSetFailed(parameter.name, {reason.data(), reason.size()}));
    }
  }
  *this = std::move(next);
  return absl::OkStatus();
}

const std::vector<std::string_view>& Config::ParameterNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const Parameter& p : Parameters()) names.push_back(p.name);
    return names;
  }();
  return kNames;
}

std::string Config::Get(std::string_view name) const {
  const Parameter* parameter = FindParameter(name);
  return parameter == nullptr ? "" : parameter->get(*this);
}

namespace {

constexpr std::string_view kRewriteSignature = "# Generated by CONFIG REWRITE";

// A size as Redis writes it back: in gb, mb or kb when it is a whole number of them.
std::string FormatMemory(uint64_t bytes) {
  if (bytes != 0 && bytes % (1ULL << 30) == 0) return absl::StrCat(bytes >> 30, "gb");
  if (bytes != 0 && bytes % (1ULL << 20) == 0) return absl::StrCat(bytes >> 20, "mb");
  if (bytes != 0 && bytes % 1024 == 0) return absl::StrCat(bytes >> 10, "kb");
  return absl::StrCat(bytes);
}

std::string RewriteLine(const Parameter& parameter, const Config& config) {
  std::string value = parameter.get(config);
  uint64_t bytes;
  if (parameter.memory && ParseMemory(value, &bytes)) {
    value = FormatMemory(bytes);
  } else if (parameter.quoted || value.empty()) {
    std::string quoted;
    AppendQuoted(quoted, value);
    value = std::move(quoted);
  }
  return absl::StrCat(store::AbslView(parameter.name), " ", value);
}

}  // namespace

std::string RewriteConfigText(std::string_view old_text, const Config& config) {
  std::vector<std::string> lines;
  std::vector<const Parameter*> written;
  resp::RequestParser splitter;
  for (absl::string_view raw : absl::StrSplit(store::AbslView(old_text), '\n')) {
    const absl::string_view line = absl::StripAsciiWhitespace(raw);
    splitter.Reset();
    const std::string request = absl::StrCat(line, "\n");
    const Parameter* parameter = nullptr;
    if (!line.empty() && line[0] != '#' &&
        splitter.Parse(request) == resp::RequestParser::Status::kCommand) {
      parameter = FindParameter(splitter.args()[0]);
    }
    if (parameter != nullptr && !parameter->alias_of.empty()) {
      parameter = FindParameter(parameter->alias_of);
    }
    if (parameter == nullptr) {
      lines.emplace_back(line);
    } else if (std::find(written.begin(), written.end(), parameter) != written.end()) {
      lines.emplace_back();  // a repeat: the first line holds the value
    } else {
      lines.push_back(RewriteLine(*parameter, config));
      written.push_back(parameter);
    }
  }
  bool has_signature = std::find(lines.begin(), lines.end(), kRewriteSignature) != lines.end();
  const Config defaults;
  for (const Parameter& parameter : Parameters()) {
    if (!parameter.alias_of.empty() ||
        std::find(written.begin(), written.end(), &parameter) != written.end() ||
        parameter.get(config) == parameter.get(defaults)) {
      continue;
    }
    if (!has_signature) {
      lines.emplace_back(kRewriteSignature);
      has_signature = true;
    }
    lines.push_back(RewriteLine(parameter, config));
  }
  // One empty line at most in a row, none at the end.
  std::string text;
  bool previous_empty = false;
  for (const std::string& line : lines) {
    if (line.empty() && previous_empty) continue;
    previous_empty = line.empty();
    absl::StrAppend(&text, line, "\n");
  }
  while (text.size() >= 2 && text.ends_with("\n\n")) text.pop_back();
  return text;
}

absl::Status RewriteConfigFile(const Config& config) {
  std::string old_text;
  if (std::ifstream file(config.config_file); file) {
    std::stringstream contents;
    contents << file.rdbuf();
    old_text = contents.str();
  }
  const std::string temporary = config.config_file + ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << RewriteConfigText(old_text, config);
    file.flush();
    if (!file) return absl::InternalError(std::strerror(errno));
  }
  if (std::rename(temporary.c_str(), config.config_file.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    return absl::InternalError(std::strerror(error));
  }
  return absl::OkStatus();
}

absl::Status ApplyConfigText(std::string_view text, Config& config) {
  int line_number = 0;
  resp::RequestParser splitter;
  for (absl::string_view line : absl::StrSplit(store::AbslView(text), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    // A directive splits like an inline command: quotes and escapes included.
    const std::string request = absl::StrCat(line, "\n");
    splitter.Reset();
    if (splitter.Parse(request) != resp::RequestParser::Status::kCommand) {
      return absl::InvalidArgumentError(
          absl::StrCat("config line ", line_number, ": unbalanced quotes in '", line, "'"));
    }
    auto args = splitter.args();
    std::vector<std::string> values(args.begin() + 1, args.end());
    absl::Status status = config.Apply(args[0], values);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config line ", line_number, " '", line, "': ", status.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Config> ParseCommandLine(int argc, const char* const* argv) {
  Config config;
  int i = 1;
  if (i < argc && !std::string_view(argv[i]).starts_with("--")) {
    std::ifstream file(argv[i]);
    if (!file) return absl::NotFoundError(absl::StrCat("cannot open config file ", argv[i]));
    std::stringstream contents;
    contents << file.rdbuf();
    absl::Status status = ApplyConfigText(contents.str(), config);
    if (!status.ok())
      return absl::InvalidArgumentError(absl::StrCat(argv[i], ": ", status.message()));
    std::error_code ignored;
    config.config_file = std::filesystem::absolute(argv[i], ignored).string();
    ++i;
  }
  // "--name value [value ...]": everything up to the next "--name" belongs to it.
  while (i < argc) {
    std::string_view flag = argv[i++];
    if (!flag.starts_with("--") || flag.size() == 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected --name, got '", store::AbslView(flag), "'"));
    }
    std::vector<std::string> values;
    while (i < argc && !std::string_view(argv[i]).starts_with("--")) values.emplace_back(argv[i++]);
    absl::Status status = config.Apply(flag.substr(2), values);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          store::AbslView(flag), " ", absl::StrJoin(values, " "), ": ", status.message()));
    }
  }
  return config;
}

int64_t RaiseOpenFilesLimit(int64_t maxclients) {
  const rlim_t wanted = static_cast<rlim_t>(maxclients + kReservedFds);
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn(
        "Unable to obtain the current NOFILE limit ({}), assuming 1024 and setting the max "
        "clients configuration accordingly.",
        std::strerror(errno));
    return std::min<int64_t>(maxclients, 1024 - kReservedFds);
  }
  const rlim_t old_limit = limit.rlim_cur;
  if (old_limit == RLIM_INFINITY || old_limit >= wanted) return maxclients;
  // Root may raise the hard limit too; anyone may raise the soft one up to the hard one.
  rlimit raised = {wanted, std::max(limit.rlim_max, wanted)};
  int error = 0;
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    error = errno;
    raised = {std::min(wanted, limit.rlim_max), limit.rlim_max};
    if (raised.rlim_cur <= old_limit || setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      raised.rlim_cur = old_limit;
    }
  }
  const rlim_t got = raised.rlim_cur;
  if (got >= wanted) {
    spdlog::info("Increased maximum number of open files to {} (it was originally set to {}).", got,
                 old_limit);
    return maxclients;
  }
  const int64_t possible = static_cast<int64_t>(got) - kReservedFds;
  spdlog::warn("You requested maxclients of {} requiring at least {} max file descriptors.",
               maxclients, wanted);
  spdlog::warn("Server can't set maximum open files to {} because of OS error: {}.", wanted,
               std::strerror(error));
  spdlog::warn(
      "Current maximum open files is {}. maxclients has been reduced to {} to compensate for low "
      "ulimit. If you need higher maxclients increase 'ulimit -n'.",
      got, possible);
  return std::max<int64_t>(possible, 1);
}

void ApplyLogLevel(std::string_view loglevel) {
  if (loglevel == "debug" || loglevel == "verbose") {
    spdlog::set_level(spdlog::level::debug);
  } else if (loglevel == "warning") {
    spdlog::set_level(spdlog::level::warn);
  } else if (loglevel == "nothing") {
    spdlog::set_level(spdlog::level::off);
  } else {
    spdlog::set_level(spdlog::level::info);
  }
}

}  // namespace understudy::engine
