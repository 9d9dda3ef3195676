// A fixed-window rate limiter (the seed's RateLimiter): INCR and EXPIRE in one MULTI/EXEC, the
// requests left, and when a refused caller may come back.

#include <chrono>
#include <iostream>
#include <string>

#include "client/request.h"
#include "examples/example.h"

namespace understudy::examples {
namespace {

struct Decision {
  bool allowed = false;
  int64_t remaining = 0;
  std::chrono::seconds reset_in{0};  // for a refused request: when the window ends
};

class RateLimiter {
 public:
  RateLimiter(RedisService& redis, int64_t limit, std::chrono::seconds window)
      : redis_(redis), limit_(limit), window_(window) {}

  Decision Check(const std::string& identifier) {
    const std::string key = "rate_limit:" + identifier;
    auto client = redis_.client();
    // EXPIRE ... NX starts the window at the first request and leaves it alone after.
    client::Request counting;
    counting.Add("INCR", key).Add("EXPIRE", key, window_.count(), "NX");
    const auto replies = client->transaction(counting);
    const int64_t count = replies.at(0).integer;
    if (count > limit_) {
      return {false, 0, std::chrono::seconds(client->ttl(key))};
    }
    return {true, limit_ - count, {}};
  }
  bool Reset(const std::string& identifier) { return redis_.del("rate_limit:" + identifier) == 1; }

 private:
  RedisService& redis_;
  int64_t limit_;
  std::chrono::seconds window_;
};

void Run(RedisService& redis) {
  constexpr int64_t kLimit = 5;
  RateLimiter limiter(redis, kLimit, std::chrono::seconds(60));
  limiter.Reset("203.0.113.7");

  int allowed = 0;
  for (int request = 1; request <= 7; ++request) {
    const Decision decision = limiter.Check("203.0.113.7");
    std::cout << "request " << request << ": " << (decision.allowed ? "allowed" : "refused (429)")
              << ", remaining " << decision.remaining;
    if (!decision.allowed) std::cout << ", resets in " << decision.reset_in.count() << " s";
    std::cout << "\n";
    if (request <= kLimit) {
      Check(decision.allowed && decision.remaining == kLimit - request,
            "requests within the limit are allowed with the right remaining count");
      ++allowed;
    } else {
      Check(!decision.allowed && decision.remaining == 0, "requests over the limit are refused");
      Check(decision.reset_in.count() > 0 && decision.reset_in.count() <= 60,
            "a refused request learns when the window resets");
    }
  }
  Check(allowed == kLimit, "exactly the limit was allowed");

  Check(limiter.Reset("203.0.113.7"), "reset removes the counter");
  const Decision after_reset = limiter.Check("203.0.113.7");
  std::cout << "after reset: " << (after_reset.allowed ? "allowed" : "refused") << ", remaining "
            << after_reset.remaining << "\n";
  Check(after_reset.allowed && after_reset.remaining == kLimit - 1, "a reset starts a new window");
  limiter.Reset("203.0.113.7");
}

}  // namespace
}  // namespace understudy::examples

int main() { return understudy::examples::RunExample("rate_limiter", understudy::examples::Run); }
