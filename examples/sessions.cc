// Sessions (the seed's SessionManager): create, read, update, extend and destroy a session kept
// as a hash that expires.

#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <unordered_map>

#include "examples/example.h"

namespace understudy::examples {
namespace {

using Session = std::unordered_map<std::string, std::string>;

constexpr std::chrono::seconds kSessionLifetime = std::chrono::hours(24);

class SessionManager {
 public:
  explicit SessionManager(RedisService& redis) : redis_(redis) {}

  std::string Create(const std::string& user_id, const Session& data) {
    const std::string id = NewSessionId();
    const std::string key = Key(id);
    redis_.hset(key, "userId", user_id);
    redis_.hset(key, "createdAt",
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()));
    for (const auto& [field, value] : data) redis_.hset(key, field, value);
    redis_.expire(key, kSessionLifetime);
    return id;
  }
  // Empty when there is no such session (or it expired).
  Session Get(const std::string& id) { return redis_.hgetall(Key(id)); }
  bool Update(const std::string& id, const Session& updates) {
    if (!redis_.exists(Key(id))) return false;
    for (const auto& [field, value] : updates) redis_.hset(Key(id), field, value);
    return true;
  }
  bool Extend(const std::string& id, std::chrono::seconds lifetime) {
    return redis_.expire(Key(id), lifetime);
  }
  bool Destroy(const std::string& id) { return redis_.del(Key(id)) == 1; }

 private:
  static std::string Key(const std::string& id) { return "session:" + id; }
  static std::string NewSessionId() {
    static std::mt19937_64 random{std::random_device{}()};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 32; ++i) id.push_back(kDigits[random() % 16]);
    return id;
  }
  RedisService& redis_;
};

void Run(RedisService& redis) {
  SessionManager sessions(redis);
  const std::string id =
      sessions.Create("user123", {{"role", "admin"}, {"permissions", "read,write"}});
  std::cout << "created session " << id << "\n";

  Session session = sessions.Get(id);
  std::cout << "session: userId=" << session["userId"] << " role=" << session["role"]
            << " permissions=" << session["permissions"] << "\n";
  Check(session["userId"] == "user123" && session["role"] == "admin",
        "the session reads back as created");
  const int64_t ttl = redis.client()->ttl("session:" + id);
  Check(ttl > 86000 && ttl <= 86400, "a new session lives 24 hours");

  Check(sessions.Update(id, {{"role", "editor"}, {"lastPage", "/dashboard"}}), "update succeeds");
  session = sessions.Get(id);
  std::cout << "updated: role=" << session["role"] << " lastPage=" << session["lastPage"] << "\n";
  Check(session["role"] == "editor" && session["lastPage"] == "/dashboard" &&
            session["userId"] == "user123",
        "the update changed its fields and kept the others");
  Check(!sessions.Update("no-such-session", {{"role", "x"}}), "a missing session is not updated");

  Check(sessions.Extend(id, std::chrono::hours(48)), "extend succeeds");
  const int64_t extended = redis.client()->ttl("session:" + id);
  std::cout << "extended: TTL " << extended << " s\n";
  Check(extended > 86400, "the extended session lives longer than a day");

  Check(sessions.Destroy(id), "destroy removes the session");
  Check(sessions.Get(id).empty(), "a destroyed session is gone");
  std::cout << "destroyed session " << id << "\n";
}

}  // namespace
}  // namespace understudy::examples

int main() { return understudy::examples::RunExample("sessions", understudy::examples::Run); }
