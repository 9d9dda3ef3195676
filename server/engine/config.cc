#include "server/engine/config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "resp/request_parser.h"
#include "store/numbers.h"
#include "store/value.h"

namespace understudy::engine {
namespace {

absl::Status BadValue(std::string_view name, std::string_view value, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid value '", store::AbslView(value),
                                                 "' for '", store::AbslView(name),
                                                 "': ", store::AbslView(why)));
}

// An integer within [min, max], with redis.conf's memory units (1k = 1000, 1kb = 1024, m, g).
absl::StatusOr<int64_t> ParseNumber(std::string_view name, std::string_view text, int64_t min,
                                    int64_t max) {
  std::string lower = absl::AsciiStrToLower(store::AbslView(text));
  int64_t multiplier = 1;
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"gb", 1LL << 30},    {"mb", 1LL << 20}, {"kb", 1LL << 10},
      {"g", 1'000'000'000}, {"m", 1'000'000},  {"k", 1'000}};
  for (const auto& [suffix, factor] : kUnits) {
    if (lower.size() > suffix.size() && lower.ends_with(suffix)) {
      lower.resize(lower.size() - suffix.size());
      multiplier = factor;
      break;
    }
  }
  int64_t value;
  if (!store::ParseInt64(lower, &value) || value > max / multiplier || value * multiplier < min) {
    return BadValue(name, text, absl::StrCat("expected an integer between ", min, " and ", max));
  }
  return value * multiplier;
}

constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning", "nothing"};

// Redis directives accepted for compatibility with existing redis.conf files, without effect
// until the feature they configure exists.
constexpr std::string_view kAcceptedWithoutEffect[] = {"save",
                                                       "appendonly",
                                                       "protected-mode",
                                                       "daemonize",
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
                                                       "notify-keyspace-events",
                                                       "unixsocket",
                                                       "unixsocketperm",
                                                       "timeout"};

}  // namespace

absl::Status Config::Apply(std::string_view raw_name, const std::vector<std::string>& values) {
  const std::string name = absl::AsciiStrToLower(store::AbslView(raw_name));
  auto single = [&]() -> absl::StatusOr<std::string_view> {
    if (values.size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat("'", name, "' takes exactly one argument"));
    }
    return std::string_view(values[0]);
  };
  if (name == "bind") {
    if (values.empty()) return absl::InvalidArgumentError("'bind' needs at least one address");
    bind = values;
    return absl::OkStatus();
  }
  auto value = single();
  if (!value.ok()) {
    for (std::string_view accepted : kAcceptedWithoutEffect) {
      if (name == accepted) return absl::OkStatus();
    }
    return value.status();
  }
  if (name == "port") {
    auto n = ParseNumber(name, *value, 0, 65535);
    if (!n.ok()) return n.status();
    port = static_cast<uint16_t>(*n);
  } else if (name == "databases") {
    auto n = ParseNumber(name, *value, 1, 1 << 20);
    if (!n.ok()) return n.status();
    databases = static_cast<int>(*n);
  } else if (name == "loglevel") {
    const std::string level = absl::AsciiStrToLower(store::AbslView(*value));
    if (std::find(std::begin(kLogLevels), std::end(kLogLevels), level) == std::end(kLogLevels)) {
      return BadValue(name, *value, "expected debug, verbose, notice, warning or nothing");
    }
    loglevel = level;
  } else if (name == "logfile") {
    logfile = *value;
  } else if (name == "hz") {
    auto n = ParseNumber(name, *value, 1, 500);
    if (!n.ok()) return n.status();
    hz = static_cast<int>(*n);
  } else if (name == "proto-max-bulk-len") {
    auto n = ParseNumber(name, *value, 1024 * 1024, std::numeric_limits<int64_t>::max());
    if (!n.ok()) return n.status();
    proto_max_bulk_len = *n;
  } else if (name == "maxclients") {
    auto n = ParseNumber(name, *value, 1, std::numeric_limits<int32_t>::max());
    if (!n.ok()) return n.status();
    maxclients = *n;
  } else {
    for (std::string_view accepted : kAcceptedWithoutEffect) {
      if (name == accepted) return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown directive '", name, "'"));
  }
  return absl::OkStatus();
}

const std::vector<std::string_view>& Config::ParameterNames() {
  static const std::vector<std::string_view> kNames = {
      "bind",       "port", "databases", "loglevel", "logfile", "hz", "proto-max-bulk-len",
      "maxclients", "save", "appendonly"};
  return kNames;
}

std::string Config::Get(std::string_view name) const {
  if (name == "bind") return absl::StrJoin(bind, " ");
  if (name == "port") return std::to_string(port);
  if (name == "databases") return std::to_string(databases);
  if (name == "loglevel") return loglevel;
  if (name == "logfile") return logfile;
  if (name == "hz") return std::to_string(hz);
  if (name == "proto-max-bulk-len") return std::to_string(proto_max_bulk_len);
  if (name == "maxclients") return std::to_string(maxclients);
  if (name == "appendonly") return "no";
  return "";  // save: persistence does not exist yet
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
    if (!status.ok()) return status;
  }
  return config;
}

}  // namespace understudy::engine
