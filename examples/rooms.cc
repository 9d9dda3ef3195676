// Real-time rooms (the seed's RealtimeDataManager): members in a hash, the recent messages in a
// list capped with LPUSH + LTRIM, and each message published on the room's channel, where a
// subscriber receives it.

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "examples/example.h"

namespace understudy::examples {
namespace {

constexpr int64_t kKeptMessages = 100;

class Rooms {
 public:
  explicit Rooms(RedisService& redis) : redis_(redis) {}

  void AddUser(const std::string& room, const std::string& user, const std::string& info) {
    redis_.hset(UsersKey(room), user, info);
  }
  bool RemoveUser(const std::string& room, const std::string& user) {
    return redis_.client()->hdel(UsersKey(room), {user}) == 1;
  }
  std::unordered_map<std::string, std::string> Users(const std::string& room) {
    return redis_.hgetall(UsersKey(room));
  }
  // Keeps the newest kKeptMessages, for a day, and tells the room's subscribers.
  void StoreMessage(const std::string& room, const std::string& message) {
    auto client = redis_.client();
    client->lpush(MessagesKey(room), message);
    client->ltrim(MessagesKey(room), 0, kKeptMessages - 1);
    client->expire(MessagesKey(room), std::chrono::hours(24));
    redis_.publish(Channel(room), message);
  }
  std::vector<std::string> RecentMessages(const std::string& room, int64_t count) {
    return redis_.client()->lrange(MessagesKey(room), 0, count - 1);
  }
  void Clear(const std::string& room) { redis_.client()->del({UsersKey(room), MessagesKey(room)}); }
  static std::string Channel(const std::string& room) { return "room:" + room + ":events"; }

 private:
  static std::string UsersKey(const std::string& room) { return "room:" + room + ":users"; }
  static std::string MessagesKey(const std::string& room) { return "room:" + room + ":messages"; }
  RedisService& redis_;
};

// What the subscriber received, waited for without sleeping.
class Inbox {
 public:
  void Add(std::string message) {
    {
      std::lock_guard lock(mutex_);
      messages_.push_back(std::move(message));
    }
    arrived_.notify_all();
  }
  // The messages once `count` arrived, or what came within `limit`.
  std::vector<std::string> WaitFor(size_t count, std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, limit, [&] { return messages_.size() >= count; });
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> messages_;
};

void Run(RedisService& redis) {
  Rooms rooms(redis);
  rooms.Clear("lobby");

  Inbox inbox;
  redis.subscribe({Rooms::Channel("lobby")},
                  [&](const client::Message& message) { inbox.Add(message.payload); });

  rooms.AddUser("lobby", "alice", R"({"connectionId":"ws-1"})");
  rooms.AddUser("lobby", "bob", R"({"connectionId":"ws-2"})");
  auto users = rooms.Users("lobby");
  std::cout << "members: " << users.size() << " (alice " << users["alice"] << ", bob "
            << users["bob"] << ")\n";
  Check(users.size() == 2 && users["alice"] == R"({"connectionId":"ws-1"})",
        "both members are in the room");

  const int sent = 105;
  for (int i = 1; i <= sent; ++i) {
    rooms.StoreMessage("lobby",
                       R"({"userId":"alice","content":"message )" + std::to_string(i) + R"("})");
  }
  const auto recent = rooms.RecentMessages("lobby", 3);
  std::cout << "stored " << sent << " messages; newest 3:\n";
  for (const std::string& message : recent) std::cout << "  " << message << "\n";
  Check(recent.size() == 3 && recent[0] == R"({"userId":"alice","content":"message 105"})",
        "the newest message comes first");
  const int64_t kept = redis.client()->llen("room:lobby:messages");
  std::cout << "messages kept: " << kept << "\n";
  Check(kept == kKeptMessages, "the list is capped at 100 messages");

  const auto received = inbox.WaitFor(sent, std::chrono::seconds(10));
  std::cout << "subscriber received " << received.size() << " messages on "
            << Rooms::Channel("lobby")
            << "; last: " << (received.empty() ? "(none)" : received.back()) << "\n";
  Check(received.size() == static_cast<size_t>(sent), "the subscriber received every message");
  Check(received.back() == R"({"userId":"alice","content":"message 105"})",
        "the subscriber received them in order");
  redis.unsubscribe();

  Check(rooms.RemoveUser("lobby", "bob"), "bob leaves");
  users = rooms.Users("lobby");
  std::cout << "after bob left: " << users.size() << " member(s)\n";
  Check(users.size() == 1 && users.contains("alice"), "only alice is left");
  rooms.Clear("lobby");
}

}  // namespace
}  // namespace understudy::examples

int main() { return understudy::examples::RunExample("rooms", understudy::examples::Run); }
