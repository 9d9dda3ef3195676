#pragma once

// What every example shares: the service from the REDIS_* environment, a check that fails the
// program with its reason, and the exit code.

#include <exception>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "client/service/redis_service.h"

namespace understudy::examples {

using client::service::RedisService;

// Fails the example with `what` unless `condition` holds.
inline void Check(bool condition, std::string_view what) {
  if (!condition) throw std::runtime_error("check failed: " + std::string(what));
}

// Connects a service configured by REDIS_* alone, runs body, and turns the outcome into the
// exit code: 0 when every check held, 1 with the reason on stderr otherwise.
inline int RunExample(std::string_view name, const std::function<void(RedisService&)>& body) {
  try {
    RedisService redis;
    redis.connect();
    const auto health = redis.health_check();
    if (!health.healthy()) {
      throw std::runtime_error("Redis is not usable: " + health.ToJson());
    }
    if (health.port) {
      std::cout << name << ": using Redis at " << health.host << ":" << *health.port << "\n";
    } else {
      std::cout << name << ": using the embedded engine (in process, no server answered)\n";
    }
    body(redis);
    redis.disconnect();
    std::cout << name << ": OK\n";
    return 0;
  } catch (const std::exception& error) {
    std::cout.flush();
    std::cerr << name << ": FAILED: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace understudy::examples
