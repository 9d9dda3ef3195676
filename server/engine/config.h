#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/encoding_config.h"

namespace understudy::engine {

// Output buffer classes of client-output-buffer-limit, in Redis's order.
enum class ClientClass { kNormal = 0, kReplica = 1, kPubSub = 2 };

// One class's limits on a client's unsent output (0: no limit). Over the hard limit the client
// is closed at once; over the soft limit, once it has stayed over it for soft_seconds.
struct OutputBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};

// Server settings, named as in redis.conf. Set from a config file in redis.conf syntax, from
// "--name value" command-line flags, which override the file, and at run time by CONFIG SET.
struct Config {
  std::vector<std::string> bind = {"127.0.0.1"};
  uint16_t port = 6379;
  int databases = 16;
  std::string loglevel = "notice";  // debug, verbose, notice, warning, nothing
  std::string logfile;              // empty: standard output
  int hz = 10;                      // active expiry and housekeeping runs per second
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t maxclients = 10000;
  int64_t timeout = 0;  // seconds a client may stay idle; 0: for ever
  // Most keys the client-side caching table remembers; 0: no limit.
  int64_t tracking_table_max_keys = 1'000'000;
  // While the default user needs no password, only loopback clients are served.
  bool protected_mode = true;
  // Who may run DEBUG (and so move the clock of tests with DEBUG ADVANCE-CLOCK): "no", "yes",
  // or "local" (clients on a loopback address, and in-process ones). Fixed at start, as Redis.
  std::string enable_debug_command = "no";
  // The default user's password; empty: none (nopass).
  std::string requirepass;
  // acl-pubsub-default: whether a new user (and `reset`) may use every channel.
  bool acl_pubsub_all_channels = false;
  // Users loaded at start, in Redis's aclfile format; requirepass is then not applied.
  std::string aclfile;
  // A client whose unparsed input passes this is closed.
  int64_t client_query_buffer_limit = 1LL << 30;
  std::array<OutputBufferLimit, 3> client_output_buffer_limit = {{
      {0, 0, 0},                        // normal
      {256ULL << 20, 64ULL << 20, 60},  // replica ("slave")
      {32ULL << 20, 8ULL << 20, 60},    // pubsub
  }};
  // Not in Redis: a client's pipelined requests wait while its unsent output is above this
  // (0: never), so a client that does not read its replies costs about this much.
  int64_t client_output_pause_threshold = 1LL << 20;
  // Milliseconds a script runs before the server serves other clients meanwhile, answering
  // them BUSY (busy-reply-threshold, alias lua-time-limit).
  int64_t busy_reply_threshold_ms = 5000;
  // The container encoding thresholds (hash-max-listpack-entries, ...); the engine hands them
  // to the keyspace.
  store::EncodingConfig encoding;
  // notify-keyspace-events: the NotifyClass bits of the keyspace notifications sent (0: none).
  uint32_t notify_keyspace_events = 0;

  // Diagnostics: commands slower than slowlog_log_slower_than microseconds (-1: none) go to
  // the slow log, which keeps slowlog_max_len of them; the latency monitor records commands of
  // at least latency_monitor_threshold ms (0: off); the ACL log keeps acllog_max_len entries.
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;
  int64_t acllog_max_len = 128;

  // The config file the server started with, as an absolute path (INFO's config_file, CONFIG
  // REWRITE's target); empty without one.
  std::string config_file;

  // Directives of features understudy lacks, accepted so an existing redis.conf loads; the
  // host warns about each.
  std::vector<std::string> ignored_directives;

  // Applies one directive of the config file or command line ("port", {"6380"}). Names are
  // case-insensitive. On failure the message says why, as Redis words it.
  absl::Status Apply(std::string_view name, const std::vector<std::string>& values);

  // CONFIG SET name value [name value ...]: all or nothing. On failure the message is Redis's
  // whole error reply ("ERR CONFIG SET failed (possibly related to argument 'hz') - ...").
  absl::Status Set(std::span<const std::string_view> names_and_values);

  // Every name CONFIG GET knows (aliases such as hash-max-ziplist-entries included), in a
  // stable order, and each one's value as it reports it.
  static const std::vector<std::string_view>& ParameterNames();
  std::string Get(std::string_view name) const;
};

// Parses redis.conf text: one directive per line, arguments split like redis-cli input
// (quotes and escapes), '#' comments.
absl::Status ApplyConfigText(std::string_view text, Config& config);

// CONFIG REWRITE: old_text (the config file) with the current settings, as Redis rewrites it:
// a setting's first line is rewritten in place (an alias under its 7.0 name), its repeats become
// empty lines, comments and other directives stay, and settings that are not in the file and
// differ from their defaults are appended under "# Generated by CONFIG REWRITE".
std::string RewriteConfigText(std::string_view old_text, const Config& config);
// Rewrites config.config_file so (through a temporary file renamed over it).
absl::Status RewriteConfigFile(const Config& config);

// Parses "understudy-server [config-file] [--name value ...]".
absl::StatusOr<Config> ParseCommandLine(int argc, const char* const* argv);

// Makes room for maxclients clients: raises the soft limit on open files to maxclients + 32
// (Redis's reserve for other descriptors) if it is lower, as far as the system allows, and
// logs what it got. Returns how many clients the limit allows (maxclients, or fewer).
int64_t RaiseOpenFilesLimit(int64_t maxclients);

// Sets the process's log level from a loglevel value.
void ApplyLogLevel(std::string_view loglevel);

}  // namespace understudy::engine
