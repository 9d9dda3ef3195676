#include "client/request.h"

#include "client/detail/text.h"

namespace understudy::client {

PubSubAction PubSubActionOf(std::string_view name) {
  struct Entry {
    std::string_view name;
    PubSubAction action;
  };
  static constexpr Entry kActions[] = {
      {"subscribe", PubSubAction::kSubscribe},     {"unsubscribe", PubSubAction::kUnsubscribe},
      {"psubscribe", PubSubAction::kPSubscribe},   {"punsubscribe", PubSubAction::kPUnsubscribe},
      {"ssubscribe", PubSubAction::kSSubscribe},   {"sunsubscribe", PubSubAction::kSUnsubscribe},
  };
  if (name.size() < 9 || name.size() > 12) return PubSubAction::kNone;
  for (const Entry& entry : kActions) {
    if (detail::EqualsIgnoreCase(name, entry.name)) return entry.action;
  }
  return PubSubAction::kNone;
}

SessionEffect SessionEffectOf(const Command& command) {
  const std::string_view name = command.name();
  const auto is = [&](std::string_view word) { return detail::EqualsIgnoreCase(name, word); };
  if (is("MULTI") || is("WATCH")) return SessionEffect::kOpensTransaction;
  if (is("EXEC") || is("DISCARD") || is("UNWATCH")) return SessionEffect::kClosesTransaction;
  if (is("SELECT") || is("AUTH") || is("HELLO") || is("MONITOR") || is("RESET") ||
      is("READONLY") || is("READWRITE") || PubSubActionOf(name) != PubSubAction::kNone) {
    return SessionEffect::kChangesSession;
  }
  if (is("CLIENT")) {
    const std::string_view sub = command.subcommand();
    for (std::string_view harmless : {"GETNAME", "ID", "INFO", "LIST", "GETREDIR",
                                      "TRACKINGINFO", "KILL", "UNPAUSE", "PAUSE", "HELP"}) {
      if (detail::EqualsIgnoreCase(sub, harmless)) return SessionEffect::kNone;
    }
    return SessionEffect::kChangesSession;
  }
  return SessionEffect::kNone;
}

Request& Request::Add(const Command& command) {
  command.AppendTo(&payload_);
  Shape shape;
  shape.pubsub = PubSubActionOf(command.name());
  if (shape.pubsub != PubSubAction::kNone) shape.names = static_cast<uint32_t>(command.size() - 1);
  shape.effect = SessionEffectOf(command);
  shapes_.push_back(shape);
  return *this;
}

Request& Request::AppendRequest(const Request& other) {
  payload_.append(other.payload_);
  shapes_.insert(shapes_.end(), other.shapes_.begin(), other.shapes_.end());
  return *this;
}

}  // namespace understudy::client
