// A distributed lock (the seed's DistributedLock): SET NX PX takes it with a unique token, a
// Lua compare-and-delete releases it only for its holder, and with_lock runs an operation
// under it. A second contender has to wait until the first one releases.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client/script.h"
#include "examples/example.h"

namespace understudy::examples {
namespace {

const client::Script kReleaseScript(R"(
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
else
  return 0
end
)");

class DistributedLock {
 public:
  explicit DistributedLock(RedisService& redis) : redis_(redis) {}

  // The holder's token, or nullopt when someone else holds the lock.
  std::optional<std::string> Acquire(const std::string& resource, std::chrono::milliseconds ttl) {
    const std::string token = NewToken();
    client::SetOptions options;
    options.ttl = ttl;
    options.condition = client::SetOptions::Condition::kIfAbsent;
    if (!redis_.client()->set(Key(resource), token, options)) return std::nullopt;
    return token;
  }
  // True when this token held the lock and it is now released.
  bool Release(const std::string& resource, const std::string& token) {
    return redis_.client()->eval(kReleaseScript, {Key(resource)}, {token}).integer == 1;
  }
  // Runs operation under the lock, waiting for it up to `patience` (retrying every 10 ms);
  // `on_refused` is told of each refused attempt.
  template <typename Operation>
  auto WithLock(const std::string& resource, Operation&& operation,
                const std::function<void()>& on_refused = {},
                std::chrono::milliseconds ttl = std::chrono::seconds(30),
                std::chrono::milliseconds patience = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    std::optional<std::string> token;
    while (!(token = Acquire(resource, ttl))) {
      if (on_refused) on_refused();
      if (std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error("Could not acquire lock for resource: " + resource);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    struct Releaser {
      DistributedLock& lock;
      const std::string& resource;
      const std::string& token;
      ~Releaser() { lock.Release(resource, token); }
    } releaser{*this, resource, *token};
    return operation();
  }

 private:
  static std::string Key(const std::string& resource) { return "lock:" + resource; }
  static std::string NewToken() {
    static std::mutex mutex;
    static std::mt19937_64 random{std::random_device{}()};
    std::lock_guard lock(mutex);
    return std::to_string(random()) + "-" + std::to_string(random());
  }
  RedisService& redis_;
};

void Run(RedisService& redis) {
  DistributedLock locks(redis);
  redis.del("lock:report");
  redis.del("lock:account:42");

  const auto token = locks.Acquire("report", std::chrono::seconds(30));
  Check(token.has_value(), "a free lock is acquired");
  std::cout << "acquired lock:report with token " << *token << "\n";
  Check(!locks.Acquire("report", std::chrono::seconds(30)), "a held lock is refused");
  std::cout << "a second acquire is refused while it is held\n";
  Check(!locks.Release("report", "someone-elses-token"), "a wrong token does not release");
  Check(redis.exists("lock:report"), "the lock survives a release with a wrong token");
  std::cout << "release with a wrong token: refused, lock kept\n";
  Check(locks.Release("report", *token), "the holder releases");
  Check(!redis.exists("lock:report"), "the released lock is gone");
  std::cout << "released by its holder\n";

  // Two contenders for one account: the second must wait for the first.
  redis.set("account:42:balance", "0");
  std::mutex mutex;
  std::condition_variable changed;
  bool first_holds = false;
  int refusals = 0;
  std::vector<std::string> order;
  const auto add = [&](int amount) {
    auto client = redis.client();
    const int64_t balance = std::stoll(client->get("account:42:balance").value_or("0"));
    client->set("account:42:balance", std::to_string(balance + amount));
  };

  std::thread second([&] {
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return first_holds; });
    }
    locks.WithLock(
        "account:42",
        [&] {
          {
            std::lock_guard lock(mutex);
            order.push_back("second");
          }
          add(50);
          return 0;
        },
        [&] {
          {
            std::lock_guard lock(mutex);
            ++refusals;
          }
          changed.notify_all();
        });
  });

  locks.WithLock("account:42", [&] {
    {
      std::lock_guard lock(mutex);
      first_holds = true;
      order.push_back("first");
    }
    changed.notify_all();
    // Hold the lock until the second contender has been refused at least once.
    std::unique_lock lock(mutex);
    changed.wait_for(lock, std::chrono::seconds(10), [&] { return refusals > 0; });
    lock.unlock();
    add(100);
    return 0;
  });
  second.join();

  const std::string balance = redis.get("account:42:balance").value_or("");
  std::cout << "contenders ran in order: " << order.at(0) << ", " << order.at(1)
            << "; the second was refused " << refusals << " time(s) while the first held it\n";
  std::cout << "balance after both: " << balance << "\n";
  Check(order == std::vector<std::string>{"first", "second"}, "the second waited for the first");
  Check(refusals >= 1, "the second contender was refused while the lock was held");
  Check(balance == "150", "both updates applied, one after the other");
  Check(!redis.exists("lock:account:42"), "with_lock released the lock");
  redis.del("account:42:balance");
}

}  // namespace
}  // namespace understudy::examples

int main() { return understudy::examples::RunExample("lock", understudy::examples::Run); }
