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

Request& Request::Add(const Command& command) {
  command.AppendTo(&payload_);
  Shape shape;
  shape.pubsub = PubSubActionOf(command.name());
  if (shape.pubsub != PubSubAction::kNone) shape.names = static_cast<uint32_t>(command.size() - 1);
  shapes_.push_back(shape);
  return *this;
}

Request& Request::AppendRequest(const Request& other) {
  payload_.append(other.payload_);
  shapes_.insert(shapes_.end(), other.shapes_.begin(), other.shapes_.end());
  return *this;
}

}  // namespace understudy::client
