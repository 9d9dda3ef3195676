// Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded
// SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, and PUBSUB's introspection. The registry and the message
// delivery live in the engine (Engine::Publish), which publishes its own events too.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/engine/arg_parser.h"
#include "server/engine/client.h"
#include "server/engine/command.h"
#include "server/engine/engine.h"
#include "server/engine/errors.h"
#include "server/engine/families.h"
#include "server/engine/glob.h"

namespace understudy::engine {
namespace {

// The words of a kind's replies: subscribe/unsubscribe confirmations.
struct KindWords {
  std::string_view subscribe;
  std::string_view unsubscribe;
};

constexpr KindWords kWords[kPubSubKinds] = {
    {"subscribe", "unsubscribe"},
    {"psubscribe", "punsubscribe"},
    {"ssubscribe", "sunsubscribe"},
};

// The count a confirmation carries: channels and patterns together, shard channels apart.
size_t CountFor(const Client& client, PubSubKind kind) {
  if (kind == PubSubKind::kShardChannel) return client.subscription_count(kind);
  return client.subscription_count(PubSubKind::kChannel) +
         client.subscription_count(PubSubKind::kPattern);
}

// [word, name or null, count]: an array under RESP2, a push under RESP3; sent even under
// CLIENT REPLY OFF.
void Confirm(CommandContext& ctx, std::string_view word, std::optional<std::string_view> name,
             PubSubKind kind) {
  const size_t from = ctx.client.output.size();
  ctx.reply.PushHeader(3);
  ctx.reply.Bulk(word);
  if (name) {
    ctx.reply.Bulk(*name);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Integer(static_cast<int64_t>(CountFor(ctx.client, kind)));
  ctx.engine.KeepPush(ctx.client, from);
}

void SubscribeEach(CommandContext& ctx, PubSubKind kind) {
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ctx.engine.Subscribe(ctx.client, kind, ctx.args[i]);
    Confirm(ctx, kWords[static_cast<int>(kind)].subscribe, ctx.args[i], kind);
  }
}

// Without names: every subscription of the kind, or one confirmation with a null name if there
// is none.
void UnsubscribeEach(CommandContext& ctx, PubSubKind kind) {
  const std::string_view word = kWords[static_cast<int>(kind)].unsubscribe;
  if (ctx.args.size() > 1) {
    for (size_t i = 1; i < ctx.args.size(); ++i) {
      ctx.engine.Unsubscribe(ctx.client, kind, ctx.args[i]);
      Confirm(ctx, word, ctx.args[i], kind);
    }
    return;
  }
  const auto& subscribed = ctx.client.subscribed(kind);
  if (subscribed.empty()) return Confirm(ctx, word, std::nullopt, kind);
  const std::vector<std::string> names(subscribed.begin(), subscribed.end());
  for (const std::string& name : names) {
    ctx.engine.Unsubscribe(ctx.client, kind, name);
    Confirm(ctx, word, name, kind);
  }
}

// SUBSCRIBE channel [channel ...]
void CmdSubscribe(CommandContext& ctx) { SubscribeEach(ctx, PubSubKind::kChannel); }
// UNSUBSCRIBE [channel [channel ...]]
void CmdUnsubscribe(CommandContext& ctx) { UnsubscribeEach(ctx, PubSubKind::kChannel); }
// PSUBSCRIBE pattern [pattern ...]
void CmdPsubscribe(CommandContext& ctx) { SubscribeEach(ctx, PubSubKind::kPattern); }
// PUNSUBSCRIBE [pattern [pattern ...]]
void CmdPunsubscribe(CommandContext& ctx) { UnsubscribeEach(ctx, PubSubKind::kPattern); }
// SSUBSCRIBE shardchannel [shardchannel ...]. Redis 7.0 refuses it inside a transaction, as it
// refuses commands that may block there, though it lets SUBSCRIBE and PSUBSCRIBE run.
void CmdSsubscribe(CommandContext& ctx) {
  if (ctx.client.in_exec) return ctx.reply.Error(errors::kSsubscribeDenyBlocking);
  SubscribeEach(ctx, PubSubKind::kShardChannel);
}
// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
void CmdSunsubscribe(CommandContext& ctx) { UnsubscribeEach(ctx, PubSubKind::kShardChannel); }

// PUBLISH channel message
void CmdPublish(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.engine.Publish(ctx.args[1], ctx.args[2])));
}

// SPUBLISH shardchannel message
void CmdSpublish(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.engine.PublishShard(ctx.args[1], ctx.args[2])));
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern]: the names with subscribers, in no particular order.
void ReplyChannels(CommandContext& ctx, PubSubKind kind) {
  if (ctx.args.size() > 3) {
    return ctx.reply.Error(errors::UnknownSubcommandOrArity(ctx.args[1], "PUBSUB"));
  }
  std::vector<std::string_view> found;
  for (const auto& [name, subscribers] : ctx.engine.pubsub().names(kind)) {
    if (ctx.args.size() == 2 || GlobMatch(ctx.args[2], name)) found.push_back(name);
  }
  ctx.reply.BulkArray(found);
}

// PUBSUB NUMSUB / SHARDNUMSUB [name ...]: each name and its count of subscribers, as a flat
// array under RESP3 too.
void ReplyNumSub(CommandContext& ctx, PubSubKind kind) {
  ctx.reply.ArrayHeader(2 * (ctx.args.size() - 2));
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const PubSubRegistry::Subscribers* subscribers = ctx.engine.pubsub().Find(kind, ctx.args[i]);
    ctx.reply.Bulk(ctx.args[i]);
    ctx.reply.Integer(subscribers == nullptr ? 0 : static_cast<int64_t>(subscribers->size()));
  }
}

void CmdPubsubChannels(CommandContext& ctx) { ReplyChannels(ctx, PubSubKind::kChannel); }
void CmdPubsubShardChannels(CommandContext& ctx) { ReplyChannels(ctx, PubSubKind::kShardChannel); }
void CmdPubsubNumSub(CommandContext& ctx) { ReplyNumSub(ctx, PubSubKind::kChannel); }
void CmdPubsubShardNumSub(CommandContext& ctx) { ReplyNumSub(ctx, PubSubKind::kShardChannel); }

// PUBSUB NUMPAT: patterns with subscribers, each counted once.
void CmdPubsubNumPat(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.engine.pubsub().names(PubSubKind::kPattern).size()));
}

// PUBSUB HELP
void CmdPubsubHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

constexpr uint32_t kSubscribeFlags = kPubSub | kNoScript | kLoading | kStale;
constexpr uint32_t kIntrospectionFlags = kPubSub | kLoading | kStale;
// Shard channels are declared as keys, so that a cluster routes them, but are not keys.
constexpr KeyPositions kShardChannels{.first = 1, .last = -1, .step = 1, .flags = "not_key"};
constexpr KeyPositions kShardChannel{.first = 1, .last = 1, .step = 1, .flags = "not_key"};

const CommandSpec kPubSubSubcommands[] = {
    {.name = "channels",
     .arity = -2,
     .flags = kIntrospectionFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPubsubChannels,
     .doc = {"List active channels", "2.8.0",
             "O(N) where N is the number of active channels, and assuming constant time pattern "
             "matching (relatively short channels and patterns)"},
     .args = "[pattern:pattern]"},
    {.name = "numsub",
     .arity = -2,
     .flags = kIntrospectionFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPubsubNumSub,
     .doc = {"Get the count of subscribers for channels", "2.8.0",
             "O(N) for the NUMSUB subcommand, where N is the number of requested channels"},
     .args = "[channel...]"},
    {.name = "numpat",
     .arity = 2,
     .flags = kIntrospectionFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPubsubNumPat,
     .doc = {"Get the count of unique patterns pattern subscriptions", "2.8.0", "O(1)"}},
    {.name = "shardchannels",
     .arity = -2,
     .flags = kIntrospectionFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPubsubShardChannels,
     .doc = {"List active shard channels", "7.0.0",
             "O(N) where N is the number of active shard channels, and assuming constant time "
             "pattern matching (relatively short shard channels)."},
     .args = "[pattern:pattern]"},
    {.name = "shardnumsub",
     .arity = -2,
     .flags = kIntrospectionFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPubsubShardNumSub,
     .doc = {"Get the count of subscribers for shard channels", "7.0.0",
             "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
             "channels"},
     .args = "[shardchannel...]"},
    {.name = "help",
     .arity = 2,
     .flags = kLoading | kStale,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPubsubHelp,
     .doc = {"Show helpful text about the different subcommands", "6.2.0", "O(1)"}},
};

const CommandSpec kCommands[] = {
    {.name = "subscribe",
     .arity = -2,
     .flags = kSubscribeFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdSubscribe,
     .doc = {"Listen for messages published to the given channels", "2.0.0",
             "O(N) where N is the number of channels to subscribe to."},
     .args = "channel..."},
    {.name = "unsubscribe",
     .arity = -1,
     .flags = kSubscribeFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdUnsubscribe,
     .doc = {"Stop listening for messages posted to the given channels", "2.0.0",
             "O(N) where N is the number of clients already subscribed to a channel."},
     .args = "[channel...]"},
    {.name = "psubscribe",
     .arity = -2,
     .flags = kSubscribeFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPsubscribe,
     .doc = {"Listen for messages published to channels matching the given patterns", "2.0.0",
             "O(N) where N is the number of patterns the client is already subscribed to."},
     .args = "pattern:{pattern:pattern}..."},
    {.name = "punsubscribe",
     .arity = -1,
     .flags = kSubscribeFlags,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPunsubscribe,
     .doc = {"Stop listening for messages posted to channels matching the given patterns", "2.0.0",
             "O(N+M) where N is the number of patterns the client is already subscribed and M is "
             "the number of total patterns subscribed in the system (by any client)."},
     .args = "[pattern:pattern...]"},
    {.name = "publish",
     .arity = 3,
     .flags = kPubSub | kLoading | kStale | kFast,
     .acl = 0,
     .keys = kNoKeys,
     .handler = CmdPublish,
     .doc = {"Post a message to a channel", "2.0.0",
             "O(N+M) where N is the number of clients subscribed to the receiving channel and M "
             "is the total number of subscribed patterns (by any client)."},
     .args = "channel message"},
    {.name = "pubsub",
     .arity = -2,
     .flags = 0,
     .acl = 0,
     .keys = kNoKeys,
     .handler = nullptr,
     .doc = {"A container for Pub/Sub commands", "2.8.0", "Depends on subcommand."},
     .subcommands = kPubSubSubcommands},
    {.name = "ssubscribe",
     .arity = -2,
     .flags = kSubscribeFlags,
     .acl = 0,
     .keys = kShardChannels,
     .handler = CmdSsubscribe,
     .doc = {"Listen for messages published to the given shard channels", "7.0.0",
             "O(N) where N is the number of shard channels to subscribe to."},
     .args = "shardchannel..."},
    {.name = "sunsubscribe",
     .arity = -1,
     .flags = kSubscribeFlags,
     .acl = 0,
     .keys = kShardChannels,
     .handler = CmdSunsubscribe,
     .doc = {"Stop listening for messages posted to the given shard channels", "7.0.0",
             "O(N) where N is the number of clients already subscribed to a shard channel."},
     .args = "[shardchannel...]"},
    {.name = "spublish",
     .arity = 3,
     .flags = kPubSub | kLoading | kStale | kFast,
     .acl = 0,
     .keys = kShardChannel,
     .handler = CmdSpublish,
     .doc = {"Post a message to a shard channel", "7.0.0",
             "O(N) where N is the number of clients subscribed to the receiving shard channel."},
     .args = "shardchannel message"},
};

}  // namespace

CommandFamily PubSubFamily() { return {"pubsub", kCommands}; }

}  // namespace understudy::engine
