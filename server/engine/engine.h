#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "server/engine/acl.h"
#include "server/engine/acl_log.h"
#include "server/engine/blocking.h"
#include "server/engine/client.h"
#include "server/engine/command_table.h"
#include "server/engine/config.h"
#include "server/engine/executor.h"
#include "server/engine/latency.h"
#include "server/engine/metrics.h"
#include "server/engine/notifications.h"
#include "server/engine/pubsub.h"
#include "server/engine/slowlog.h"
#include "server/engine/tracking.h"
#include "store/clock.h"
#include "store/database.h"
#include "store/key_observer.h"

namespace understudy::engine {

namespace scripting {
class EvalScripts;
class ScriptRun;
class FunctionLibraries;
struct RandomState;
}  // namespace scripting

// A clock that stands still while a command runs, so a command (and later an EXEC or a
// script) sees one "now" from start to end, as in Redis 7.
class CommandClock final : public store::Clock {
 public:
  explicit CommandClock(const store::Clock& base) : base_(base) {}
  int64_t NowMs() const override { return frozen_ ? frozen_us_ / 1000 : base_.NowMs(); }
  int64_t NowUs() const override { return frozen_ ? frozen_us_ : base_.NowUs(); }
  // Freezes the time if it is not frozen yet; returns whether this call froze it.
  bool Freeze() {
    if (frozen_) return false;
    frozen_us_ = base_.NowUs();
    frozen_ = true;
    return true;
  }
  void Thaw() { frozen_ = false; }
  // A frozen time catches up with the base clock (moved forward by Engine::AdvanceClock).
  void CatchUp() {
    if (frozen_) frozen_us_ = base_.NowUs();
  }
  const store::Clock& base() const { return base_; }

 private:
  const store::Clock& base_;
  int64_t frozen_us_ = 0;
  bool frozen_ = false;
};

// The command engine: keyspace, command table and dispatch, the registry of clients, blocking,
// and the timed work, with no sockets. A host (the network server, or the in-process host of
// the client library) registers a client per connection, feeds it requests with Execute, and
// takes the replies from Client::output. Everything runs on one thread, the host's.
class Engine final : private store::KeyObserver {
 public:
  // The executor runs the engine's timers; it must outlive the engine.
  Engine(const store::Clock& clock, Config config, Executor& executor);
  ~Engine() override;

  // Adds a client; the engine owns it until Unregister.
  Client& Register(ClientTransport* transport, std::string addr = "", std::string laddr = "",
                   int fd = -1);
  // Forgets a client: it stops waiting on any key. Its reference dies here.
  void Unregister(Client& client);
  Client* FindClient(uint64_t id);
  const absl::btree_map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  // Asks the client's transport to close it; its unsent output is dropped at once.
  void CloseClient(Client& client);
  // Output was added to a client outside its own request (a blocked command was served): closes
  // it if that broke its output buffer limit, else has its transport send it.
  void DeliverOutput(Client& client);
  // Bytes of output the client has not been sent yet: Client::output and what its transport
  // holds.
  size_t UnsentOutput(const Client& client) const;
  // The client's CLIENT LIST line without its newline ("id=5 addr=127.0.0.1:50000 ..."), also
  // used in logs. running_args is the request being executed when the client is the one asking
  // (it counts in argv-mem).
  std::string ClientInfo(const Client& client,
                         std::span<const std::string_view> running_args = {}) const;

  // Runs one request (args[0] is the command name); its reply, if any, is appended to
  // client.output. Afterwards clients blocked on keys this request made ready are served.
  // A blocked or paused client must not be given requests (see Client::is_blocked). A client
  // whose output breaks its output buffer limit is closed (see Client::closing).
  void Execute(Client& client, std::span<const std::string_view> args);

  // Parks the running command's client on keys until one holds a value of type `wants`, or the
  // deadline passes (0: no deadline); see CommandContext::Block.
  void Block(Client& client, std::span<const std::string_view> args,
             std::span<const std::string_view> keys, store::ValueType wants, int64_t deadline_ms,
             TimeoutReply timeout_reply);
  // Ends a client's wait: with the timeout reply, or with `error` if it is not empty. False if
  // the client was not blocked on keys.
  bool Unblock(Client& client, std::string_view error);

  // Pub/Sub. Subscribe and Unsubscribe change one subscription of a client and return whether
  // it changed (a client subscribes to a name once).
  bool Subscribe(Client& client, PubSubKind kind, std::string_view name);
  bool Unsubscribe(Client& client, PubSubKind kind, std::string_view name);
  // Sends message to the subscribers of channel and of the patterns matching it, as PUBLISH
  // does (commands and the engine's own events alike); returns how many deliveries it made (a
  // client subscribed to the channel and to a matching pattern counts twice).
  size_t Publish(std::string_view channel, std::string_view message);
  // SPUBLISH: to the subscribers of a shard channel.
  size_t PublishShard(std::string_view channel, std::string_view message);
  const PubSubRegistry& pubsub() const { return pubsub_; }
  // Keyspace notification: publishes `event` on key of database db to the keyspace and keyevent
  // channels that notify-keyspace-events enables, if it enables the event's class (a
  // NotifyClass). Costs one test of a flag while notifications are off.
  void NotifyKeyspaceEvent(uint32_t event_class, std::string_view event, std::string_view key,
                           int db) {
    if (config_.notify_keyspace_events & event_class) PublishKeyspaceEvent(event, key, db);
  }
  bool Notifies(uint32_t event_class) const {
    return (config_.notify_keyspace_events & event_class) != 0;
  }
  // The running command wrote a push to its own client at output[from, end) (a Pub/Sub
  // confirmation): it is sent even under CLIENT REPLY OFF or SKIP, as in Redis.
  void KeepPush(Client& client, size_t from);

  // Client-side caching (CLIENT TRACKING ON): the client is told when keys it read change, or
  // with BCAST any key under its prefixes (none: every key). The options were checked as
  // Redis checks them (see connection_family.cc).
  struct TrackingOptions {
    uint64_t redirect = 0;  // the client told instead; 0: this one
    bool bcast = false;
    bool optin = false;
    bool optout = false;
    bool noloop = false;
    std::vector<std::string_view> prefixes;
  };
  void EnableTracking(Client& client, const TrackingOptions& options);
  void DisableTracking(Client& client);
  // FLUSHDB and FLUSHALL: every tracking client is told to drop all it cached.
  void InvalidateAllTracked();
  const TrackingTable& tracking() const { return tracking_; }
  size_t tracking_clients() const { return tracking_clients_; }

  // CLIENT PAUSE: until deadline_ms, commands of other clients (all, or only writes) wait.
  void Pause(int64_t deadline_ms, bool writes_only);

  // What SHUTDOWN calls to stop the host (the network server); it must not stop it
  // synchronously, as a command is running. Without one (in process) SHUTDOWN is refused.
  void set_shutdown_handler(std::function<void()> handler) { shutdown_ = std::move(handler); }
  bool Shutdown();

  // Moves the engine's time forward by ms, for tests of TTLs that must not sleep: keys whose
  // deadline passes expire (and are reclaimed) at once, blocked clients and CLIENT PAUSE time
  // out, TTLs shrink. Time never moves back.
  void AdvanceClock(int64_t ms);

  // Transactions. EXEC of the client's MULTI: its commands' replies as one array, or null if a
  // watched key changed, or EXECABORT if a command was refused while queueing.
  void Exec(Client& client, resp::ReplyWriter& reply);
  // SWAPDB: databases a and b trade their data. WATCHes of keys in either database that exist
  // in either break, and clients blocked on keys the swap filled are served.
  void SwapDatabases(int a, int b);
  // WATCH of key in the client's database; UNWATCH (and EXEC, DISCARD) forget them all.
  void Watch(Client& client, std::string_view key);
  void UnwatchAll(Client& client);
  void Unpause();

  // Users and permissions. Changing or deleting users goes through the methods below, which
  // keep the clients' users valid.
  const Acl& acl() const { return *acl_; }
  // Replaces the users with those of config().aclfile (at start, and ACL LOAD). On failure (no
  // such file, a bad line) the users stay as they were and the message is Redis's, without
  // "ERR ". On success the clients of users other than default are closed (`current`, the one
  // asking, after its reply).
  absl::Status LoadAclFile(Client* current = nullptr);
  // ACL SAVE: writes the users to config().aclfile, replacing it whole.
  absl::Status SaveAclFile() const;
  // ACL SETUSER: see Acl::SetUser.
  absl::Status SetUser(std::string_view name, std::span<const std::string_view> rules);
  // ACL DELUSER: deletes the user and closes the clients running as it (`current`, the one
  // asking, after its reply). False if there is no such user.
  bool DeleteUser(std::string_view name, Client& current);
  // AUTH / HELLO AUTH: on success the client runs as the user from now on.
  bool Authenticate(Client& client, std::string_view user, std::string_view password);
  // ACL LOG: refused requests and failed authentications.
  AclLog& acl_log() { return acl_log_; }
  // Logs a refusal of the ACL rules: the command's name, or the key or channel denied.
  void LogAclDenial(const Client& client, AclDenial denial, std::string_view object);
  // Whether the client must authenticate before running commands other than AUTH and friends:
  // the default user needs a password (or is off) and the client has not authenticated.
  bool AuthRequired(const Client& client) const;

  // Scripting. EVAL's script cache (one Lua state), and the script running, if any (set by
  // scripting::ScriptRun for its lifetime).
  scripting::EvalScripts& eval_scripts() { return *eval_scripts_; }
  scripting::FunctionLibraries& functions() { return *functions_; }
  // Whether a busy script refuses the command although it is allow-busy: SCRIPT's during a
  // function, FUNCTION's during EVAL.
  bool ManagesOtherScriptKind(std::string_view full_name) const;
  scripting::ScriptRun* running_script() const { return running_script_; }
  void set_running_script(scripting::ScriptRun* run) { running_script_ = run; }
  // A script ran past busy-reply-threshold: other clients are served meanwhile and answered
  // BUSY, but for the commands flagged allow-busy (SCRIPT KILL, SHUTDOWN NOSAVE...).
  bool script_busy() const;
  // What a busy script calls between its instructions so the host serves other clients (the
  // network server polls its event loop, as Redis processes events while blocked). Without
  // one, as in process, nothing else runs until the script ends.
  void set_busy_poller(std::function<void()> poller) { busy_poller_ = std::move(poller); }
  void ServeWhileBusy();
  // Runs a command a script called, on the script's own client, with its checks already done
  // (see scripting::ScriptRun::Call).
  void RunForScript(Client& client, const RegisteredCommand& command,
                    std::span<const std::string_view> args);
  // Counts an error reply written at output[at...] in errorstats (a script's refused command
  // counts when it is refused, as in Redis).
  void CountError(const std::string& output, size_t at);
  // The running command's error reply passes on an error counted already (a script's failing
  // redis.call): errorstats counts it once, as Redis; the command still counts as failed.
  void SkipErrorCount() { skip_error_count_ = true; }

  store::Keyspace& keyspace() { return keyspace_; }
  // The command clock: frozen while a command runs.
  const store::Clock& clock() const { return clock_; }
  // The time that moves on while a command runs (how long a script has been running).
  const store::Clock& running_clock() const { return clock_.base(); }
  const CommandTable& commands() const { return commands_; }
  const Config& config() const { return config_; }
  Config& mutable_config() { return config_; }
  // CONFIG SET name value [name value ...]: all or nothing (see Config::Set), then makes the new
  // values take effect.
  absl::Status SetConfig(std::span<const std::string_view> names_and_values);

  int64_t start_time_ms() const { return start_time_ms_; }
  size_t connected_clients() const { return clients_.size(); }
  size_t blocked_clients() const { return blocked_clients_; }
  uint64_t total_connections_received() const { return total_connections_received_; }
  uint64_t total_commands_processed() const { return total_commands_processed_; }
  // Changes to the keyspace since start (Redis's dirty counter).
  uint64_t dirty() const { return dirty_; }

  // INFO commandstats and errorstats, and CONFIG RESETSTAT.
  struct CommandStats {
    uint64_t calls = 0;
    uint64_t usec = 0;
    uint64_t rejected_calls = 0;  // refused before running (arity, inside MULTI, ...)
    uint64_t failed_calls = 0;    // ran and answered an error
    LatencyHistogram latency;     // of the calls
  };
  const CommandStats* command_stats(const RegisteredCommand& command) const;
  // Error replies by their first word ("ERR", "WRONGTYPE"), in that word's order.
  const std::map<std::string, uint64_t, std::less<>>& error_stats() const { return error_stats_; }
  uint64_t total_error_replies() const { return total_error_replies_; }
  // Time of the last save to disk, which is the start while there is no persistence.
  int64_t last_save_ms() const { return start_time_ms_; }
  void ResetStats();

  // INFO's traffic figures: keyspace hits and misses of read commands, the bytes and the reads
  // and writes of the transports (which report them here), and their recent rates.
  uint64_t keyspace_hits() const { return keyspace_hits_; }
  uint64_t keyspace_misses() const { return keyspace_misses_; }
  void CountNetInput(size_t bytes) {
    net_input_bytes_ += bytes;
    ++reads_processed_;
  }
  void CountNetOutput(size_t bytes) {
    net_output_bytes_ += bytes;
    ++writes_processed_;
  }
  uint64_t net_input_bytes() const { return net_input_bytes_; }
  uint64_t net_output_bytes() const { return net_output_bytes_; }
  uint64_t reads_processed() const { return reads_processed_; }
  uint64_t writes_processed() const { return writes_processed_; }
  double ops_per_sec() const { return ops_rate_.PerSecond(); }
  double input_bytes_per_sec() const { return input_rate_.PerSecond(); }
  double output_bytes_per_sec() const { return output_rate_.PerSecond(); }
  // INFO's run_id and master_replid: random, made at start.
  const std::string& run_id() const { return run_id_; }
  const std::string& replication_id() const { return replication_id_; }
  // The most memory INFO has seen in use (used_memory_peak).
  uint64_t NoteMemoryUsed(uint64_t bytes) { return memory_peak_ = std::max(memory_peak_, bytes); }


  // DEBUG SET-ACTIVE-EXPIRE: off, keys whose deadline passed go only when a command meets them
  // (AdvanceClock too leaves them).
  void set_active_expire(bool on) { active_expire_ = on; }

  // Diagnostics: SLOWLOG, LATENCY, MONITOR.
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency() { return latency_; }
  // MONITOR: from now on the client gets a line for each command other clients (and itself)
  // run, until RESET or it goes.
  void AddMonitor(Client& client);
  void RemoveMonitor(Client& client);
  // Shows a command to the monitors as Redis's MONITOR does: `origin` is the client's address,
  // or "lua" for a script's commands; `redacted` lists arguments shown as "(redacted)".
  void FeedMonitors(int db, std::string_view origin, std::span<const std::string_view> args,
                    std::span<const size_t> redacted = {});
  // The running command's argument at index is a secret (a password): the slow log and
  // MONITOR show "(redacted)" in its place.
  void RedactArgument(size_t index) { redacted_.push_back(index); }

 private:
  void OnKeyEvent(int db, std::string_view key, store::KeyEvent event) override;
  void OnFlush(int db) override;

  // Runs a looked-up command and applies the client's reply mode.
  void Run(Client& client, const RegisteredCommand& command,
           std::span<const std::string_view> args);
  bool PauseApplies(const RegisteredCommand& command, std::span<const std::string_view> args);
  // EXEC, DISCARD, MULTI, WATCH, QUIT and RESET run at once inside MULTI; the rest queue.
  static bool ControlsTransaction(const RegisteredCommand& command);
  void Queue(Client& client, std::span<const std::string_view> args);
  void BreakWatches(int db, std::string_view key);
  void PublishKeyspaceEvent(std::string_view event, std::string_view key, int db);
  // Appends a Pub/Sub message (a push under RESP3) to a subscriber's output and has it sent.
  void SendMessage(Client& subscriber, std::span<const std::string_view> parts);
  // A push was written to client.output from `from` on outside the client's own reply: it is
  // kept under CLIENT REPLY OFF, and sent now unless the client's command is running.
  void FinishPush(Client& client, size_t from);

  // Client-side caching (tracking.cc).
  // After a read-only command: remembers its keys for the client, as its tracking mode says.
  void RememberReadKeys(Client& client, const RegisteredCommand& command,
                        std::span<const std::string_view> args);
  void RememberKeysOf(Client& client, const RegisteredCommand& command,
                      std::span<const std::string_view> args);
  // A key changed: its readers are told (the client making the change after its reply) and
  // the BCAST prefixes it falls under note it.
  void InvalidateKey(std::string_view key);
  // One invalidation message, for keys or (nullopt) for everything, to the tracking client or
  // its redirect.
  void SendInvalidation(Client& tracker, std::optional<std::span<const std::string_view>> keys);
  // The invalidations the executing client caused to itself, after its reply.
  void SendPendingInvalidations(Client& client);
  // Tells BCAST clients of the keys changed under their prefixes since the last time.
  void AnnounceBroadcasts();
  // Forgets keys beyond tracking-table-max-keys, telling their readers.
  void TrimTrackingTable();
  void Postpone(Client& client, std::span<const std::string_view> args);
  // After a command ran: the slow log and the latency monitor, when it took long enough.
  void RecordSlow(const Client& client, const RegisteredCommand& command,
                  std::span<const std::string_view> args, std::span<const size_t> redacted,
                  int64_t duration_us);
  // Serves clients blocked on keys that became ready, until no key is ready.
  void ServeReadyKeys();
  // Re-runs a blocked client's command; unparks it if the command did not block again.
  void ServeBlocked(Client& client);
  // Removes the client's wait and tells its transport it may go on.
  void Release(Client& client);
  void ForgetWait(Client& client);
  // Closes the client if its unsent output is over its class's hard limit, or has been over
  // the soft limit for longer than allowed. Returns whether it did.
  bool EnforceOutputLimits(Client& client);
  // The cron's pass over the clients: idle timeout and soft output limits.
  void CheckClients();
  void ArmDeadlineTimer();
  void OnDeadlines();
  void ScheduleCron();
  void Cron();
  // Deletes due keys within the tick's time budget; false if some were left for later.
  bool ActiveExpire();

  store::ShiftedClock shifted_clock_;  // the host's clock, plus what AdvanceClock added
  CommandClock clock_;
  Config config_;
  Executor& executor_;
  store::Keyspace keyspace_;
  CommandTable commands_;
  std::unique_ptr<Acl> acl_;  // built once the command table is complete

  absl::btree_map<uint64_t, std::unique_ptr<Client>> clients_;
  uint64_t last_client_id_ = 0;

  PubSubRegistry pubsub_;
  NotificationChannels notification_channels_;
  // The client whose request the engine is running for its transport, and the client whose
  // command is running (another one while a blocked command is served): output added to them
  // goes out with the command's reply, not through OutputReady.
  Client* executing_ = nullptr;
  Client* running_ = nullptr;
  // Pushes the running command wrote to its client, as [from, to) of its output.
  std::vector<std::pair<size_t, size_t>> running_pushes_;

  TrackingTable tracking_;
  size_t tracking_clients_ = 0;
  // The command Run is running (the innermost): a script's reads remember its caller's keys.
  struct RunningCall {
    Client* client = nullptr;
    const RegisteredCommand* command = nullptr;
    std::span<const std::string_view> args;
  };
  RunningCall running_call_;
  bool broadcast_scheduled_ = false;
  // Invalidations of the executing client's own changes (nullopt: a flush), in order.
  std::vector<std::optional<std::string>> pending_invalidations_;

  BlockedKeys blocked_keys_;
  WatchedKeys watched_keys_;
  std::set<std::pair<int64_t, uint64_t>> deadlines_;  // (deadline, client id)
  Executor::TimerId deadline_timer_ = 0;
  int64_t deadline_timer_at_ = 0;
  size_t blocked_clients_ = 0;
  // Set when a served command blocks again instead of completing.
  bool reblocked_ = false;

  int64_t pause_deadline_ms_ = 0;  // 0: not paused
  bool pause_writes_only_ = false;
  Executor::TimerId pause_timer_ = 0;
  std::vector<uint64_t> postponed_;  // clients parked by a pause, in arrival order

  Executor::TimerId cron_timer_ = 0;
  int64_t start_time_ms_;
  uint64_t total_connections_received_ = 0;
  uint64_t total_commands_processed_ = 0;
  uint64_t dirty_ = 0;
  std::function<void()> shutdown_;
  std::unique_ptr<scripting::RandomState> script_random_;  // math.random's, never reseeded
  std::unique_ptr<scripting::EvalScripts> eval_scripts_;
  std::unique_ptr<scripting::FunctionLibraries> functions_;  // Redis 7 function libraries
  scripting::ScriptRun* running_script_ = nullptr;
  bool skip_error_count_ = false;
  std::function<void()> busy_poller_;
  absl::flat_hash_map<const RegisteredCommand*, CommandStats> command_stats_;
  std::map<std::string, uint64_t, std::less<>> error_stats_;
  uint64_t total_error_replies_ = 0;
  uint64_t keys_freed_since_trim_ = 0;

  bool active_expire_ = true;
  uint64_t keyspace_hits_ = 0;
  uint64_t keyspace_misses_ = 0;
  uint64_t net_input_bytes_ = 0;
  uint64_t net_output_bytes_ = 0;
  uint64_t reads_processed_ = 0;
  uint64_t writes_processed_ = 0;
  RateMeter ops_rate_;
  RateMeter input_rate_;
  RateMeter output_rate_;
  std::string run_id_;
  std::string replication_id_;
  uint64_t memory_peak_ = 0;
  SlowLog slowlog_;
  AclLog acl_log_;
  LatencyMonitor latency_;
  std::vector<uint64_t> monitors_;  // MONITOR clients, in the order they started
  std::vector<size_t> redacted_;    // of the running command (see RedactArgument)
};

inline void CommandContext::Notify(uint32_t event_class, std::string_view event,
                                   std::string_view key) const {
  engine.NotifyKeyspaceEvent(event_class, event, key, client.db);
}

inline void CommandContext::NotifyKeyMiss(std::string_view key) const {
  Notify(kNotifyKeyMiss, "keymiss", key);
}

inline void CommandContext::CheckKeyMiss(std::string_view key) const {
  if (engine.Notifies(kNotifyKeyMiss) && db().Peek(key) == nullptr) NotifyKeyMiss(key);
}

}  // namespace understudy::engine
