// An API response cache with a TTL (the seed's ApiCache): the first request goes to the
// "database", the next ones are served from Redis until the entry is invalidated.

#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "examples/example.h"

namespace understudy::examples {
namespace {

class ApiCache {
 public:
  explicit ApiCache(RedisService& redis) : redis_(redis) {}

  std::optional<std::string> Get(const std::string& endpoint) {
    return redis_.get("api:" + endpoint);
  }
  bool Put(const std::string& endpoint, const std::string& body, std::chrono::seconds ttl) {
    return redis_.set("api:" + endpoint, body, ttl);
  }
  bool Invalidate(const std::string& endpoint) { return redis_.del("api:" + endpoint) == 1; }

 private:
  RedisService& redis_;
};

struct Profile {
  std::string json;
  bool from_cache = false;
};

int database_reads = 0;

std::string ReadProfileFromDatabase(const std::string& user_id) {
  ++database_reads;
  return R"({"id":")" + user_id + R"(","name":"John Doe"})";
}

Profile GetUserProfile(ApiCache& cache, const std::string& user_id) {
  const std::string endpoint = "user-profile-" + user_id;
  if (std::optional<std::string> cached = cache.Get(endpoint)) return {*cached, true};
  Profile profile{ReadProfileFromDatabase(user_id), false};
  cache.Put(endpoint, profile.json, std::chrono::minutes(5));
  return profile;
}

void Run(RedisService& redis) {
  ApiCache cache(redis);
  cache.Invalidate("user-profile-123");

  const Profile first = GetUserProfile(cache, "123");
  std::cout << "first request:  " << first.json << " fromCache=" << first.from_cache << "\n";
  Check(!first.from_cache && database_reads == 1, "the first request reads the database");

  const Profile second = GetUserProfile(cache, "123");
  std::cout << "second request: " << second.json << " fromCache=" << second.from_cache << "\n";
  Check(second.from_cache && second.json == first.json && database_reads == 1,
        "the second request is served from the cache");

  const int64_t ttl = redis.client()->ttl("api:user-profile-123");
  std::cout << "cache entry TTL: " << ttl << " s\n";
  Check(ttl > 0 && ttl <= 300, "the entry expires within 5 minutes");

  Check(cache.Invalidate("user-profile-123"), "invalidate removes the entry");
  const Profile third = GetUserProfile(cache, "123");
  std::cout << "after invalidation: fromCache=" << third.from_cache << "\n";
  Check(!third.from_cache && database_reads == 2, "after invalidation the database is read again");
  cache.Invalidate("user-profile-123");
}

}  // namespace
}  // namespace understudy::examples

int main() { return understudy::examples::RunExample("cache", understudy::examples::Run); }
