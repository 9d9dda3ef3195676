#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace understudy::engine {

// Server settings, named as in redis.conf. Set from a config file in redis.conf syntax and
// from "--name value" command-line flags, which override the file.
struct Config {
  std::vector<std::string> bind = {"127.0.0.1"};
  uint16_t port = 6379;
  int databases = 16;
  std::string loglevel = "notice";  // debug, verbose, notice, warning, nothing
  std::string logfile;              // empty: standard output
  int hz = 10;                      // active expiry and housekeeping runs per second
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t maxclients = 10000;

  // Applies one directive ("port", {"6380"}). Names are case-insensitive.
  absl::Status Apply(std::string_view name, const std::vector<std::string>& values);

  // Every name CONFIG GET knows, in a stable order, and each one's value as it reports it.
  static const std::vector<std::string_view>& ParameterNames();
  std::string Get(std::string_view name) const;
};

// Parses redis.conf text: one directive per line, arguments split like redis-cli input
// (quotes and escapes), '#' comments.
absl::Status ApplyConfigText(std::string_view text, Config& config);

// Parses "understudy-server [config-file] [--name value ...]".
absl::StatusOr<Config> ParseCommandLine(int argc, const char* const* argv);

}  // namespace understudy::engine
