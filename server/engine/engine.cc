#include "server/engine/engine.h"

#include <malloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"
#include "server/engine/monitor.h"
#include "server/engine/scripting/eval_scripts.h"
#include "server/engine/scripting/functions.h"
#include "server/engine/scripting/script_run.h"
#include "spdlog/spdlog.h"

namespace understudy::engine {
namespace {

// How soon a timer that fired while a script ran tries again.
constexpr int64_t kBusyRetryMs = 10;

}  // namespace

std::vector<CommandFamily> AllFamilies() {
  return {StringFamily(),      BitmapsFamily(),     KeysFamily(),       ListsFamily(),
          HashesFamily(),      SetsFamily(),        SortedSetsFamily(), TransactionsFamily(),
          PubSubFamily(),      ConnectionFamily(),  ServerFamily(),     AclFamily(),
          ScriptingFamily(),   FunctionsFamily(),   DiagnosticsFamily(), DebugFamily()};
}

namespace {

// Random lower-case hex digits (run ids).
std::string RandomHex(size_t length) {
  std::random_device random;
  std::string out;
  for (size_t i = 0; i < length; ++i) out += "0123456789abcdef"[random() % 16];
  return out;
}

}  // namespace

store::Database& CommandContext::db() const { return engine.keyspace().db(client.db); }
int64_t CommandContext::now_ms() const { return engine.clock().NowMs(); }

void CommandContext::Redact(size_t index) const { engine.RedactArgument(index); }

void CommandContext::Block(std::span<const std::string_view> keys, store::ValueType wants,
                           int64_t deadline_ms, TimeoutReply timeout_reply) {
  engine.Block(client, args, keys, wants, deadline_ms, timeout_reply);
}

Engine::Engine(const store::Clock& clock, Config config, Executor& executor)
    : shifted_clock_(clock),
      clock_(shifted_clock_),
      config_(std::move(config)),
      executor_(executor),
      keyspace_(clock_, config_.databases),
      blocked_keys_(config_.databases),
      watched_keys_(config_.databases),
      start_time_ms_(clock.NowMs()),
      script_random_(std::make_unique<scripting::RandomState>()),
      eval_scripts_(std::make_unique<scripting::EvalScripts>(*script_random_)),
      functions_(std::make_unique<scripting::FunctionLibraries>(*script_random_, clock_.base())) {
  for (const CommandFamily& family : AllFamilies()) commands_.AddFamily(family);
  acl_ = std::make_unique<Acl>(commands_);
  acl_->set_new_users_get_all_channels(config_.acl_pubsub_all_channels);
  acl_->SetRequirePass(config_.requirepass);
  keyspace_.set_observer(this);
  keyspace_.encoding() = config_.encoding;
  run_id_ = RandomHex(40);
  replication_id_ = RandomHex(40);
  ScheduleCron();
}

Engine::~Engine() {
  keyspace_.set_observer(nullptr);
  executor_.Cancel(cron_timer_);
  executor_.Cancel(deadline_timer_);
  executor_.Cancel(pause_timer_);
}

Client& Engine::Register(ClientTransport* transport, std::string addr, std::string laddr, int fd) {
  auto client = std::make_unique<Client>();
  client->id = ++last_client_id_;
  client->transport = transport;
  client->addr = std::move(addr);
  client->laddr = std::move(laddr);
  client->fd = fd;
  client->created_ms = client->last_interaction_ms = clock_.NowMs();
  client->user = &acl_->default_user();
  client->authenticated = client->user->nopass && client->user->enabled;
  ++total_connections_received_;
  Client& ref = *client;
  clients_.emplace(ref.id, std::move(client));
  return ref;
}

void Engine::Unregister(Client& client) {
  if (client.is_blocked()) ForgetWait(client);
  UnwatchAll(client);
  RemoveMonitor(client);
  DisableTracking(client);
  for (int kind = 0; kind < kPubSubKinds; ++kind) {
    for (const std::string& name : client.subscriptions[kind]) {
      pubsub_.Remove(static_cast<PubSubKind>(kind), name, client.id);
    }
  }
  clients_.erase(client.id);
}

Client* Engine::FindClient(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

void Engine::CloseClient(Client& client) {
  if (client.closing) return;
  client.closing = true;
  std::string().swap(client.output);  // frees its memory now, not when the transport gets to it
  if (client.transport != nullptr) client.transport->RequestClose();
}

void Engine::DeliverOutput(Client& client) {
  if (EnforceOutputLimits(client) || client.transport == nullptr) return;
  client.transport->OutputReady();
}

size_t Engine::UnsentOutput(const Client& client) const {
  return client.output.size() +
         (client.transport == nullptr ? 0 : client.transport->buffers().output_in_flight);
}

std::string Engine::ClientInfo(const Client& client,
                               std::span<const std::string_view> running_args) const {
  const int64_t now_ms = clock_.NowMs();
  std::string flags;
  if (client.monitor) flags += 'O';
  if (client.in_pubsub()) flags += 'P';
  if (client.transaction != nullptr) flags += 'x';
  if (client.is_blocked()) flags += 'b';
  if (client.tracking.on) flags += 't';
  if (client.tracking.broken_redirect) flags += 'R';
  if (client.tracking.bcast) flags += 'B';
  if (client.close_after_reply) flags += 'c';
  if (client.closing) flags += 'A';
  if (client.no_evict) flags += 'e';
  if (flags.empty()) flags = "N";
  size_t argv_mem = 0;
  for (std::string_view arg : running_args) argv_mem += arg.size();
  if (client.is_blocked()) {
    for (const std::string& arg : client.blocked->args) argv_mem += arg.size();
  }
  const BufferFigures buffers =
      client.transport != nullptr ? client.transport->buffers() : BufferFigures{};
  const size_t pending_output = client.output.size() + buffers.output_in_flight;
  const size_t total_memory = sizeof(Client) + client.output.capacity() + client.name.capacity() +
                              buffers.read_buffer_size + argv_mem;
  return absl::StrCat(
      "id=", client.id, " addr=", client.addr, " laddr=", client.laddr, " fd=", client.fd,
      " name=", client.name, " age=", (now_ms - client.created_ms) / 1000,
      " idle=", (now_ms - client.last_interaction_ms) / 1000, " flags=", flags, " db=", client.db,
      " sub=", client.subscription_count(PubSubKind::kChannel),
      " psub=", client.subscription_count(PubSubKind::kPattern),
      " ssub=", client.subscription_count(PubSubKind::kShardChannel), " multi=",
      client.transaction != nullptr ? static_cast<int64_t>(client.transaction->commands.size())
                                    : int64_t{-1},
      " qbuf=", buffers.query_buffer, " qbuf-free=", buffers.query_buffer_free,
      " argv-mem=", argv_mem,
      " multi-mem=", client.transaction != nullptr ? client.transaction->bytes : 0,
      " rbs=", buffers.read_buffer_size, " rbp=", buffers.read_buffer_peak,
      " obl=", pending_output, " oll=0 omem=0 tot-mem=", total_memory,
      " events=", pending_output > 0 ? "rw" : "r", " cmd=", store::AbslView(client.last_command),
      " user=", client.user->name, " redir=",
      client.tracking.on ? static_cast<int64_t>(client.tracking.redirect) : int64_t{-1},
      " resp=", static_cast<int>(client.protocol));
}

bool Engine::EnforceOutputLimits(Client& client) {
  if (client.closing) return true;
  // Every client is of the normal or the pubsub class while replicas do not exist.
  const ClientClass client_class = client.in_pubsub() ? ClientClass::kPubSub : ClientClass::kNormal;
  const OutputBufferLimit& limit =
      config_.client_output_buffer_limit[static_cast<int>(client_class)];
  if (limit.hard_bytes == 0 && limit.soft_bytes == 0) return false;
  // Redis keeps the first 16 KB of replies in a static buffer its limits do not count; so here,
  // so that a tiny limit does not close clients for their small replies either.
  constexpr uint64_t kUncounted = 16 * 1024;
  const uint64_t unsent = std::max<uint64_t>(UnsentOutput(client), kUncounted) - kUncounted;
  bool over = limit.hard_bytes != 0 && unsent >= limit.hard_bytes;
  if (limit.soft_bytes != 0 && unsent >= limit.soft_bytes) {
    const int64_t now = clock_.NowMs();
    if (client.output_over_soft_limit_since_ms == 0) {
      client.output_over_soft_limit_since_ms = now;
    } else if (now - client.output_over_soft_limit_since_ms > limit.soft_seconds * 1000) {
      over = true;
    }
  } else {
    client.output_over_soft_limit_since_ms = 0;
  }
  if (!over) return false;
  spdlog::warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
               ClientInfo(client));
  CloseClient(client);
  return true;
}

absl::Status Engine::SetConfig(std::span<const std::string_view> names_and_values) {
  const std::string loglevel = config_.loglevel;
  const std::string requirepass = config_.requirepass;
  if (absl::Status status = config_.Set(names_and_values); !status.ok()) return status;
  if (config_.requirepass != requirepass) acl_->SetRequirePass(config_.requirepass);
  acl_->set_new_users_get_all_channels(config_.acl_pubsub_all_channels);
  keyspace_.encoding() = config_.encoding;
  if (config_.loglevel != loglevel) ApplyLogLevel(config_.loglevel);
  return absl::OkStatus();
}

// The commands a RESP2 client may send while it has subscriptions: its replies would be mixed
// with the messages otherwise.
bool AllowedWhileSubscribed(const RegisteredCommand& command) {
  for (std::string_view allowed : {"subscribe", "unsubscribe", "psubscribe", "punsubscribe",
                                   "ssubscribe", "sunsubscribe", "ping", "quit", "reset"}) {
    if (command.full_name == allowed) return true;
  }
  return false;
}

absl::Status Engine::LoadAclFile(Client* current) {
  std::ifstream file(config_.aclfile);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("Error loading ACLs, opening file '", config_.aclfile,
                                            "': ", std::strerror(errno)));
  }
  std::stringstream text;
  text << file.rdbuf();
  std::vector<Client*> of_other_users;
  for (const auto& [id, client] : clients_) {
    if (client->user != &acl_->default_user()) of_other_users.push_back(client.get());
  }
  if (absl::Status status = acl_->LoadFile(config_.aclfile, text.str()); !status.ok()) {
    return status;
  }
  // As Redis: the users other than default are new, and their clients are closed.
  for (Client* client : of_other_users) {
    client->user = &acl_->default_user();
    client->authenticated = false;
    if (client == current) {
      client->close_after_reply = true;
    } else {
      CloseClient(*client);
    }
  }
  return absl::OkStatus();
}

absl::Status Engine::SaveAclFile() const {
  const std::string temporary = config_.aclfile + ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << acl_->SaveFile();
    file.flush();
    if (!file) return absl::InternalError(absl::StrCat("cannot write ", temporary));
  }
  if (std::rename(temporary.c_str(), config_.aclfile.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", temporary, " to ", config_.aclfile,
                                            ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status Engine::SetUser(std::string_view name, std::span<const std::string_view> rules) {
  return acl_->SetUser(name, rules);
}

bool Engine::DeleteUser(std::string_view name, Client& current) {
  const AclUser* user = acl_->Find(name);
  if (user == nullptr) return false;
  for (const auto& [id, client] : clients_) {
    if (client->user != user) continue;
    // Until the transport closes them they run as the default user, unauthenticated.
    client->user = &acl_->default_user();
    client->authenticated = false;
    if (client.get() == &current) {
      client->close_after_reply = true;  // after the reply to its ACL DELUSER
    } else {
      CloseClient(*client);
    }
  }
  acl_->DeleteUser(name);
  return true;
}

bool Engine::Authenticate(Client& client, std::string_view user, std::string_view password) {
  if (!acl_->Authenticate(user, password)) {
    acl_log_.Add({.reason = "auth",
                  .context = "toplevel",
                  .object = "AUTH",
                  .username = std::string(user),
                  .updated_ms = clock_.NowMs(),
                  .client_info = ClientInfo(client)},
                 static_cast<size_t>(config_.acllog_max_len));
    return false;
  }
  client.user = acl_->Find(user);
  client.authenticated = true;
  return true;
}

void Engine::LogAclDenial(const Client& client, AclDenial denial, std::string_view object) {
  static constexpr std::string_view kReasons[] = {"", "command", "key", "channel"};
  acl_log_.Add({.reason = std::string(kReasons[static_cast<int>(denial)]),
                .context = client.in_exec || client.transaction != nullptr ? "multi" : "toplevel",
                .object = std::string(object),
                .username = client.user->name,
                .updated_ms = clock_.NowMs(),
                .client_info = ClientInfo(client)},
               static_cast<size_t>(config_.acllog_max_len));
}

bool Engine::AuthRequired(const Client& client) const {
  const AclUser& default_user = acl_->default_user();
  return (!default_user.nopass || !default_user.enabled) && !client.authenticated;
}

void Engine::Execute(Client& client, std::span<const std::string_view> args) {
  if (args.empty()) return;
  Client* const outer = std::exchange(executing_, &client);
  const bool froze = clock_.Freeze();
  client.last_interaction_ms = clock_.NowMs();
  const RegisteredCommand* command = commands_.Find(args[0]);
  // CLIENT CACHING's choice holds for the next command: it survives CLIENT subcommands (the
  // CACHING itself) and a transaction's queueing, as in Redis.
  const bool keeps_caching_choice =
      client.transaction != nullptr || (command != nullptr && command->full_name == "client");
  // A container's known subcommand; an unknown one leaves the command unresolved, as Redis's
  // lookup does (CLIENT LIST then shows cmd=NULL).
  const RegisteredCommand* resolved = command;
  if (command != nullptr && !command->subcommands.empty() && args.size() >= 2) {
    resolved = command->FindSubcommand(args[1]);
  }
  client.last_command = resolved != nullptr ? resolved->full_name : "NULL";
  resp::ReplyWriter reply(&client.output, client.protocol);
  // A request refused here, inside MULTI, makes the transaction's EXEC answer EXECABORT.
  auto refuse = [&](std::string_view error) {
    if (command != nullptr && command->full_name == "exec") {
      // A refused EXEC ends any transaction and says why, as Redis's execCommandAbort.
      client.transaction.reset();
      UnwatchAll(client);
      const size_t at = client.output.size();
      reply.Error(errors::ExecAbortBecause(error));
      CountError(client.output, at);
      ++command_stats_[command].rejected_calls;
      return;
    }
    const size_t at = client.output.size();
    reply.Error(error);
    CountError(client.output, at);
    if (command != nullptr) ++command_stats_[command].rejected_calls;
    if (client.transaction != nullptr) client.transaction->aborted = true;
  };
  if (command == nullptr) {
    refuse(errors::UnknownCommand(args));
  } else if (!ArityAccepts(command->spec->arity, args.size())) {
    refuse(errors::WrongArity(command->full_name));
  } else if (resolved == nullptr) {
    refuse(errors::UnknownSubcommand(args[1], args[0]));
  } else {
    command = resolved;
    AclDenial denial = AclDenial::kNone;
    std::string_view denied;
    if (!ArityAccepts(command->spec->arity, args.size())) {
      refuse(errors::WrongArity(command->full_name));
    } else if (AuthRequired(client) && !(command->spec->flags & kNoAuth)) {
      refuse(errors::kNoAuth);
    } else if (denial = acl_->Check(*client.user, *command, args, &denied);
               denial != AclDenial::kNone) {
      LogAclDenial(client, denial, denial == AclDenial::kCommand ? command->full_name : denied);
      refuse(denial == AclDenial::kCommand ? errors::NoPermCommand(command->full_name)
             : denial == AclDenial::kKey   ? std::string(errors::kNoPermKey)
                                           : std::string(errors::kNoPermChannel));
    } else if (client.in_pubsub() && client.protocol == resp::Protocol::kResp2 &&
               !AllowedWhileSubscribed(*command)) {
      refuse(errors::NotAllowedWhileSubscribed(command->full_name));
    } else if (client.monitor && (command->spec->flags & (kWrite | kReadOnly | kMayReplicate))) {
      refuse(errors::kMonitorKeyspace);
    } else if (script_busy() && (!(command->spec->flags & kAllowBusy) ||
                                 ManagesOtherScriptKind(command->full_name))) {
      refuse(functions_->running() ? errors::kBusyFunction : errors::kBusyScript);
    } else if (client.transaction != nullptr && !ControlsTransaction(*command)) {
      if (command->spec->flags & kNoMulti) {
        refuse(errors::kNotInTransaction);
      } else {
        Queue(client, args);
        reply.SimpleString("QUEUED");
      }
    } else if (PauseApplies(*command, args)) {
      Postpone(client, args);
    } else {
      Run(client, *command, args);
      ServeReadyKeys();
    }
  }
  if (!keeps_caching_choice && client.transaction == nullptr) client.tracking.caching = false;
  if (outer == nullptr && !pending_invalidations_.empty()) SendPendingInvalidations(client);
  EnforceOutputLimits(client);
  if (froze) clock_.Thaw();
  executing_ = outer;
}

bool Engine::ControlsTransaction(const RegisteredCommand& command) {
  static constexpr std::string_view kControls[] = {"exec",  "discard", "multi",
                                                   "watch", "quit",    "reset"};
  return std::find(std::begin(kControls), std::end(kControls), command.full_name) !=
         std::end(kControls);
}

void Engine::Queue(Client& client, std::span<const std::string_view> args) {
  Transaction& transaction = *client.transaction;
  std::vector<std::string>& queued = transaction.commands.emplace_back(args.begin(), args.end());
  for (const std::string& arg : queued) transaction.bytes += arg.size();
}

void Engine::Exec(Client& client, resp::ReplyWriter& reply) {
  std::unique_ptr<Transaction> transaction = std::move(client.transaction);
  // A watched key that expired since WATCH breaks it too, deleted yet or not.
  for (const auto& [db, key] : client.watched) keyspace_.db(db).Peek(key);
  const bool broken = client.watch_broken;
  UnwatchAll(client);
  if (transaction->aborted) return reply.Error(errors::kExecAbort);
  if (broken) return reply.NullArray();
  reply.ArrayHeader(transaction->commands.size());
  client.in_exec = true;
  for (const std::vector<std::string>& queued : transaction->commands) {
    const std::vector<std::string_view> args(queued.begin(), queued.end());
    const RegisteredCommand* command = commands_.Find(args[0]);
    if (!command->subcommands.empty()) command = command->FindSubcommand(args[1]);
    Run(client, *command, args);
  }
  client.in_exec = false;
}

void Engine::SwapDatabases(int a, int b) {
  for (int db : {a, b}) {
    for (const std::string& key : watched_keys_.Keys(db)) {
      if (keyspace_.db(a).Contains(key) || keyspace_.db(b).Contains(key)) BreakWatches(db, key);
    }
  }
  keyspace_.SwapDatabases(a, b);
  ++dirty_;
  blocked_keys_.MarkAllReady(a);
  blocked_keys_.MarkAllReady(b);
}

void Engine::Watch(Client& client, std::string_view key) {
  for (const auto& [db, watched] : client.watched) {
    if (db == client.db && watched == key) return;
  }
  // A key already expired is deleted now, so its expiry does not count against this WATCH.
  keyspace_.db(client.db).Peek(key);
  client.watched.emplace_back(client.db, key);
  watched_keys_.Add(client.db, key, client.id);
}

void Engine::UnwatchAll(Client& client) {
  for (const auto& [db, key] : client.watched) watched_keys_.Remove(db, key, client.id);
  client.watched.clear();
  client.watch_broken = false;
}

void Engine::BreakWatches(int db, std::string_view key) {
  for (uint64_t id : watched_keys_.Watchers(db, key)) clients_.at(id)->watch_broken = true;
}

void Engine::Run(Client& client, const RegisteredCommand& command,
                 std::span<const std::string_view> args) {
  const ReplyMode mode = client.reply_mode;
  const size_t output_before = client.output.size();
  ++total_commands_processed_;
  resp::ReplyWriter reply(&client.output, client.protocol);
  CommandContext ctx{*this, client, reply, args, *command.spec};
  const int64_t started_us = clock_.base().NowUs();
  // A blocked command served again was shown to the monitors when it first ran.
  const bool served_again = client.is_blocked();
  std::vector<size_t> redacted = std::exchange(redacted_, {});
  const store::LookupCounts lookups_before = keyspace_.lookups();
  Client* const outer = std::exchange(running_, &client);
  const RunningCall outer_call = std::exchange(running_call_, RunningCall{&client, &command, args});
  std::vector<std::pair<size_t, size_t>> pushes = std::exchange(running_pushes_, {});
  // One client's request must never take the server down: a command that throws answers an
  // error in place of whatever part of a reply it wrote.
  try {
    command.spec->handler(ctx);
  } catch (const std::exception& e) {
    spdlog::error("command '{}' of client {} failed: {}", command.full_name, client.id, e.what());
    client.output.resize(output_before);
    running_pushes_.clear();
    reply.Error(errors::CommandFailed(command.full_name, e.what()));
  }
  running_ = outer;
  running_call_ = outer_call;
  std::swap(pushes, running_pushes_);
  std::swap(redacted, redacted_);  // `redacted` is now this command's
  RememberReadKeys(client, command, args);
  // Redis counts the lookups of keys for reading, as read commands do them.
  if (command.spec->flags & kReadOnly) {
    keyspace_hits_ += keyspace_.lookups().hits - lookups_before.hits;
    keyspace_misses_ += keyspace_.lookups().misses - lookups_before.misses;
  }
  // A blocked command is counted when it is served, as in Redis.
  if (!client.is_blocked() || client.blocked->postponed) {
    CommandStats& stats = command_stats_[&command];
    ++stats.calls;
    const int64_t duration_us = std::max<int64_t>(clock_.base().NowUs() - started_us, 0);
    stats.usec += duration_us;
    stats.latency.Record(duration_us);
    RecordSlow(client, command, args, redacted, duration_us);
    if (client.output.size() > output_before && client.output[output_before] == '-') {
      ++stats.failed_calls;
      if (!skip_error_count_) CountError(client.output, output_before);
    }
    skip_error_count_ = false;
  }
  // CLIENT REPLY: OFF drops replies until ON; SKIP drops the next command's reply. Pushes stay.
  if ((mode == ReplyMode::kOff && client.reply_mode == ReplyMode::kOff) ||
      mode == ReplyMode::kSkipNext) {
    std::string kept;
    for (const auto& [from, to] : pushes) kept.append(client.output, from, to - from);
    client.output.resize(output_before);
    client.output += kept;
  }
  if (mode == ReplyMode::kSkipNext && client.reply_mode == ReplyMode::kSkipNext) {
    client.reply_mode = ReplyMode::kOn;
  } else if (client.reply_mode == ReplyMode::kSkip) {
    client.reply_mode = ReplyMode::kSkipNext;
  }
  // As Redis: administrative commands are not shown.
  if (!monitors_.empty() && !served_again && !(command.spec->flags & (kSkipMonitor | kAdmin))) {
    // A script's commands run as a client of its own, shown as coming from "lua".
    const bool from_script = running_script_ != nullptr && running_script_->OwnsClient(client);
    FeedMonitors(client.db, from_script ? std::string_view("lua") : client.addr, args, redacted);
  }
}

void Engine::RecordSlow(const Client& client, const RegisteredCommand& command,
                        std::span<const std::string_view> args, std::span<const size_t> redacted,
                        int64_t duration_us) {
  if (!(command.spec->flags & kSkipSlowlog) && config_.slowlog_log_slower_than >= 0 &&
      duration_us >= config_.slowlog_log_slower_than) {
    slowlog_.Push(args, redacted, clock_.NowMs() / 1000, duration_us, client.addr, client.name,
                  static_cast<size_t>(config_.slowlog_max_len));
  }
  const int64_t duration_ms = duration_us / 1000;
  if (config_.latency_monitor_threshold > 0 && duration_ms >= config_.latency_monitor_threshold) {
    latency_.Add((command.spec->flags & kFast) ? "fast-command" : "command", clock_.NowMs() / 1000,
                 static_cast<uint32_t>(duration_ms));
  }
}

void Engine::AddMonitor(Client& client) {
  if (client.monitor) return;
  client.monitor = true;
  monitors_.push_back(client.id);
}

void Engine::RemoveMonitor(Client& client) {
  if (!client.monitor) return;
  client.monitor = false;
  std::erase(monitors_, client.id);
}

void Engine::FeedMonitors(int db, std::string_view origin, std::span<const std::string_view> args,
                          std::span<const size_t> redacted) {
  if (monitors_.empty()) return;
  const std::string line = MonitorLine(clock_.NowUs(), db, origin, args, redacted);
  for (uint64_t id : monitors_) {
    Client* monitor = FindClient(id);
    if (monitor == nullptr || monitor->closing) continue;
    monitor->output += line;
    // The running client gets it with its reply.
    if (monitor != executing_ && monitor != running_) DeliverOutput(*monitor);
  }
}

bool Engine::ManagesOtherScriptKind(std::string_view full_name) const {
  // As Redis: SCRIPT KILL cannot stop a function, nor FUNCTION KILL or STATS see an EVAL.
  const std::string_view family = functions_->running() ? "script|" : "function|";
  return full_name.starts_with(family);
}

bool Engine::script_busy() const { return running_script_ != nullptr && running_script_->busy(); }

void Engine::ServeWhileBusy() {
  if (busy_poller_) busy_poller_();
}

void Engine::RunForScript(Client& client, const RegisteredCommand& command,
                          std::span<const std::string_view> args) {
  Run(client, command, args);
}

void Engine::Block(Client& client, std::span<const std::string_view> args,
                   std::span<const std::string_view> keys, store::ValueType wants,
                   int64_t deadline_ms, TimeoutReply timeout_reply) {
  if (client.is_blocked()) {  // a served command found nothing again: keep its place
    reblocked_ = true;
    return;
  }
  if (client.in_exec) {  // inside a transaction nothing waits: the timeout's answer, now
    resp::ReplyWriter reply(&client.output, client.protocol);
    if (timeout_reply == TimeoutReply::kNull) {
      reply.Null();
    } else {
      reply.NullArray();
    }
    return;
  }
  auto blocked = std::make_unique<BlockedCommand>();
  blocked->args.assign(args.begin(), args.end());
  blocked->keys.assign(keys.begin(), keys.end());
  blocked->db = client.db;
  blocked->wants = wants;
  blocked->deadline_ms = deadline_ms;
  blocked->timeout_reply = timeout_reply;
  for (const std::string& key : blocked->keys) blocked_keys_.Add(client.db, key, client.id);
  if (deadline_ms > 0) {
    deadlines_.emplace(deadline_ms, client.id);
    ArmDeadlineTimer();
  }
  client.blocked = std::move(blocked);
  ++blocked_clients_;
  reblocked_ = true;
}

void Engine::ForgetWait(Client& client) {
  BlockedCommand& blocked = *client.blocked;
  if (blocked.postponed) {
    std::erase(postponed_, client.id);
  } else {
    for (const std::string& key : blocked.keys) blocked_keys_.Remove(blocked.db, key, client.id);
    if (blocked.deadline_ms > 0) deadlines_.erase({blocked.deadline_ms, client.id});
    --blocked_clients_;
  }
  client.blocked.reset();
}

void Engine::Release(Client& client) {
  ForgetWait(client);
  DeliverOutput(client);
  if (client.transport != nullptr && !client.closing) client.transport->Resumed();
}

bool Engine::Unblock(Client& client, std::string_view error) {
  if (!client.is_blocked() || client.blocked->postponed) return false;
  resp::ReplyWriter reply(&client.output, client.protocol);
  if (!error.empty()) {
    reply.Error(error);
  } else if (client.blocked->timeout_reply == TimeoutReply::kNull) {
    reply.Null();
  } else {
    reply.NullArray();
  }
  Release(client);
  return true;
}

void Engine::ServeReadyKeys() {
  // A script is atomic: what it pushed is served once it is done.
  if (running_script_ != nullptr) return;
  while (blocked_keys_.has_ready()) {
    for (const auto& [db, key] : blocked_keys_.TakeReady()) {
      const std::deque<uint64_t>* waiters = blocked_keys_.Waiters(db, key);
      if (waiters == nullptr) continue;
      // Serving changes the queue, so walk a snapshot, longest waiting first.
      const std::vector<uint64_t> ids(waiters->begin(), waiters->end());
      for (uint64_t id : ids) {
        Client* client = FindClient(id);
        if (client == nullptr || !client->is_blocked()) continue;
        const store::Value* value = keyspace_.db(db).Find(key);
        if (value == nullptr) break;
        // A key serves only the clients waiting for its type (a list wakes BLPOP, not
        // BZPOPMIN), as in Redis; the others keep their place.
        if (value->type() != client->blocked->wants) continue;
        ServeBlocked(*client);
      }
    }
  }
}

void Engine::ServeBlocked(Client& client) {
  // The request's views point into the parked command, which lives until Release.
  std::vector<std::string_view> args(client.blocked->args.begin(), client.blocked->args.end());
  const RegisteredCommand* command = commands_.Find(args[0]);
  if (command == nullptr) return;
  const int db = client.db;
  client.db = client.blocked->db;
  reblocked_ = false;
  Run(client, *command, args);
  client.db = db;
  if (!reblocked_) Release(client);
}

bool Engine::Subscribe(Client& client, PubSubKind kind, std::string_view name) {
  if (!client.subscriptions[static_cast<int>(kind)].emplace(std::string(name)).second) {
    return false;
  }
  pubsub_.Add(kind, name, client.id);
  return true;
}

bool Engine::Unsubscribe(Client& client, PubSubKind kind, std::string_view name) {
  auto& subscribed = client.subscriptions[static_cast<int>(kind)];
  auto it = subscribed.find(store::AbslView(name));
  if (it == subscribed.end()) return false;
  subscribed.erase(it);
  pubsub_.Remove(kind, name, client.id);
  return true;
}

size_t Engine::Publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  // Sending may close a subscriber that breaks its output limit, so walk copies of the lists.
  if (const PubSubRegistry::Subscribers* found = pubsub_.Find(PubSubKind::kChannel, channel)) {
    const PubSubRegistry::Subscribers ids = *found;
    const std::string_view parts[] = {"message", channel, message};
    for (uint64_t id : ids) {
      if (Client* subscriber = FindClient(id)) SendMessage(*subscriber, parts);
      ++receivers;
    }
  }
  std::vector<std::pair<std::string, PubSubRegistry::Subscribers>> matching;
  for (const auto& [pattern, ids] : pubsub_.names(PubSubKind::kPattern)) {
    if (GlobMatch(pattern, channel)) matching.emplace_back(pattern, ids);
  }
  for (const auto& [pattern, ids] : matching) {
    const std::string_view parts[] = {"pmessage", pattern, channel, message};
    for (uint64_t id : ids) {
      if (Client* subscriber = FindClient(id)) SendMessage(*subscriber, parts);
      ++receivers;
    }
  }
  return receivers;
}

size_t Engine::PublishShard(std::string_view channel, std::string_view message) {
  const PubSubRegistry::Subscribers* found = pubsub_.Find(PubSubKind::kShardChannel, channel);
  if (found == nullptr) return 0;
  const PubSubRegistry::Subscribers ids = *found;
  const std::string_view parts[] = {"smessage", channel, message};
  for (uint64_t id : ids) {
    if (Client* subscriber = FindClient(id)) SendMessage(*subscriber, parts);
  }
  return ids.size();
}

void Engine::PublishKeyspaceEvent(std::string_view event, std::string_view key, int db) {
  const uint32_t classes = config_.notify_keyspace_events;
  if (classes & kNotifyKeyspace) Publish(notification_channels_.Keyspace(db, key), event);
  if (classes & kNotifyKeyevent) Publish(notification_channels_.Keyevent(db, event), key);
}

void Engine::SendMessage(Client& subscriber, std::span<const std::string_view> parts) {
  if (subscriber.closing) return;
  const size_t from = subscriber.output.size();
  resp::ReplyWriter writer(&subscriber.output, subscriber.protocol);
  writer.PushHeader(parts.size());
  for (std::string_view part : parts) writer.Bulk(part);
  FinishPush(subscriber, from);
}

void Engine::FinishPush(Client& client, size_t from) {
  if (&client == running_) KeepPush(client, from);
  // A client whose command runs gets it with the command's reply, which is delivered (and its
  // limits checked) once the command is done.
  if (&client != executing_ && &client != running_) DeliverOutput(client);
}

void Engine::KeepPush(Client& client, size_t from) {
  if (&client == running_) running_pushes_.emplace_back(from, client.output.size());
}

void Engine::Postpone(Client& client, std::span<const std::string_view> args) {
  auto blocked = std::make_unique<BlockedCommand>();
  blocked->args.assign(args.begin(), args.end());
  blocked->postponed = true;
  client.blocked = std::move(blocked);
  postponed_.push_back(client.id);
}

bool Engine::PauseApplies(const RegisteredCommand& command,
                          std::span<const std::string_view> args) {
  if (pause_deadline_ms_ == 0) return false;
  if (!pause_writes_only_) return true;
  uint32_t flags = command.spec->flags;
  if (command.spec->request_flags != nullptr) flags |= command.spec->request_flags(*this, args);
  return (flags & (kWrite | kMayReplicate)) != 0;
}

void Engine::Pause(int64_t deadline_ms, bool writes_only) {
  // A new pause may only extend the old one's time and scope, as in Redis.
  if (pause_deadline_ms_ != 0) {
    writes_only = writes_only && pause_writes_only_;
    deadline_ms = std::max(deadline_ms, pause_deadline_ms_);
  }
  pause_deadline_ms_ = deadline_ms;
  pause_writes_only_ = writes_only;
  executor_.Cancel(pause_timer_);
  pause_timer_ = executor_.RunAfter(std::max<int64_t>(deadline_ms - clock_.base().NowMs(), 0),
                                    [this] { Unpause(); });
}

void Engine::Unpause() {
  // Timers fire inside a busy script's event polling: the postponed wait for it to end.
  if (running_script_ != nullptr) {
    pause_timer_ = executor_.RunAfter(kBusyRetryMs, [this] { Unpause(); });
    return;
  }
  executor_.Cancel(pause_timer_);
  pause_timer_ = 0;
  pause_deadline_ms_ = 0;
  // Run the postponed requests in arrival order; each client then goes on with its input.
  for (uint64_t id : std::exchange(postponed_, {})) {
    Client* client = FindClient(id);
    if (client == nullptr || !client->is_blocked()) continue;
    std::unique_ptr<BlockedCommand> parked = std::move(client->blocked);
    const std::vector<std::string_view> args(parked->args.begin(), parked->args.end());
    Execute(*client, args);
    if (client->transport != nullptr && !client->closing) {
      client->transport->OutputReady();
      if (!client->is_blocked()) client->transport->Resumed();
    }
  }
}

void Engine::ArmDeadlineTimer() {
  if (deadlines_.empty()) return;
  const int64_t next = deadlines_.begin()->first;
  if (deadline_timer_ != 0 && deadline_timer_at_ <= next) return;
  executor_.Cancel(deadline_timer_);
  deadline_timer_at_ = next;
  deadline_timer_ = executor_.RunAfter(std::max<int64_t>(next - clock_.base().NowMs(), 0),
                                       [this] { OnDeadlines(); });
}

void Engine::CountError(const std::string& output, size_t at) {
  // "-WRONGTYPE Operation ...\r\n": the code is the first word after the dash.
  const std::string_view error = std::string_view(output).substr(at + 1);
  const std::string_view code = error.substr(0, error.find_first_of(" \r"));
  ++total_error_replies_;
  auto it = error_stats_.find(code);
  if (it == error_stats_.end()) it = error_stats_.emplace(std::string(code), 0).first;
  ++it->second;
}

const Engine::CommandStats* Engine::command_stats(const RegisteredCommand& command) const {
  auto it = command_stats_.find(&command);
  return it == command_stats_.end() ? nullptr : &it->second;
}

void Engine::ResetStats() {
  command_stats_.clear();
  error_stats_.clear();
  total_error_replies_ = 0;
  total_commands_processed_ = 0;
  keyspace_hits_ = keyspace_misses_ = 0;
  net_input_bytes_ = net_output_bytes_ = 0;
  total_connections_received_ = 0;
  for (int i = 0; i < keyspace_.num_databases(); ++i) keyspace_.db(i).ResetExpiredCount();
}

bool Engine::Shutdown() {
  if (!shutdown_) return false;
  if (running_script_ != nullptr) running_script_->Kill();  // SHUTDOWN NOSAVE of a busy script
  spdlog::warn("User requested shutdown...");
  shutdown_();
  return true;
}

void Engine::AdvanceClock(int64_t ms) {
  shifted_clock_.AdvanceMs(ms);
  clock_.CatchUp();
  constexpr size_t kBatch = 1000;
  while (active_expire_ && keyspace_.ExpireDue(kBatch) == kBatch) {
  }
  if (pause_deadline_ms_ != 0 && pause_deadline_ms_ <= clock_.NowMs()) Unpause();
  if (deadline_timer_ != 0) executor_.Cancel(deadline_timer_);
  OnDeadlines();
}

void Engine::OnDeadlines() {
  if (running_script_ != nullptr) {  // a blocked client times out once the script is done
    deadline_timer_ = executor_.RunAfter(kBusyRetryMs, [this] { OnDeadlines(); });
    return;
  }
  deadline_timer_ = 0;
  const int64_t now = clock_.base().NowMs();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    Client* client = FindClient(deadlines_.begin()->second);
    if (client == nullptr) {
      deadlines_.erase(deadlines_.begin());
      continue;
    }
    Unblock(*client, "");
  }
  ArmDeadlineTimer();
}

void Engine::OnKeyEvent(int db, std::string_view key, store::KeyEvent event) {
  // A creation is followed by the write of the value, which counts.
  if (event == store::KeyEvent::kCreated) return NotifyKeyspaceEvent(kNotifyNew, "new", key, db);
  if (event == store::KeyEvent::kExpired) NotifyKeyspaceEvent(kNotifyExpired, "expired", key, db);
  ++dirty_;
  if (!watched_keys_.empty()) BreakWatches(db, key);
  if (event != store::KeyEvent::kWritten) ++keys_freed_since_trim_;
  if (event == store::KeyEvent::kWritten) blocked_keys_.MarkReady(db, key);
  InvalidateKey(key);
}

void Engine::OnFlush(int db) {
  ++dirty_;
  // As Redis: a flush breaks the WATCH of the keys it removes, not of keys that were missing.
  for (const std::string& key : watched_keys_.Keys(db)) {
    if (keyspace_.db(db).Contains(key)) BreakWatches(db, key);
  }
  keys_freed_since_trim_ += keyspace_.db(db).size();
}

void Engine::ScheduleCron() {
  cron_timer_ = executor_.RunAfter(1000 / std::max(config_.hz, 1), [this] {
    Cron();
    ScheduleCron();
  });
}

void Engine::Cron() {
  if (running_script_ != nullptr) return;  // nothing expires under a running script
  const bool froze = clock_.Freeze();
  const bool expiry_done = ActiveExpire();
  CheckClients();
  TrimTrackingTable();
  const int64_t now_ms = clock_.base().NowMs();
  ops_rate_.Sample(now_ms, total_commands_processed_);
  input_rate_.Sample(now_ms, net_input_bytes_);
  output_rate_.Sample(now_ms, net_output_bytes_);
  // The allocator keeps freed memory for reuse; once a mass deletion is over, hand what it can
  // back to the system, as Redis's allocator purges dirty pages. Not during one: it would only be
  // taken again.
  constexpr uint64_t kKeysFreedBeforeTrim = 10'000;
  if (expiry_done && keys_freed_since_trim_ >= kKeysFreedBeforeTrim) {
    malloc_trim(0);
    keys_freed_since_trim_ = 0;
  }
  if (froze) clock_.Thaw();
}

bool Engine::ActiveExpire() {
  // Like Redis's active expire cycle: due keys go in batches until none is left or a quarter of
  // the tick's period is spent, so a mass expiry is reclaimed within a few ticks without
  // stalling clients; lazy expiry covers whatever is left for the next tick.
  if (!active_expire_) return true;
  constexpr size_t kBatch = 1000;
  const int64_t budget_us = 1'000'000 / std::max(config_.hz, 1) / 4;
  const int64_t started_us = clock_.base().NowUs();
  while (keyspace_.ExpireDue(kBatch) == kBatch) {
    if (clock_.base().NowUs() - started_us >= budget_us) return false;
  }
  return true;
}

void Engine::CheckClients() {
  const int64_t now = clock_.NowMs();
  for (auto& [id, client] : clients_) {
    if (client->closing) continue;
    // As Redis, a blocked client (BLPOP, CLIENT PAUSE) is not idle: it waits for the server.
    if (config_.timeout > 0 && !client->is_blocked() && !client->monitor &&
        now - client->last_interaction_ms > config_.timeout * 1000) {
      spdlog::debug("Closing idle client {}", ClientInfo(*client));
      CloseClient(*client);
      continue;
    }
    EnforceOutputLimits(*client);  // a soft limit runs out without new output
  }
}

}  // namespace understudy::engine
