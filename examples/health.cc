// The health check (the seed's healthCheck and health endpoint): what the service is connected
// to, and how long a PING takes.

#include <iostream>

#include "examples/example.h"

namespace understudy::examples {
namespace {

void Run(RedisService& redis) {
  const auto health = redis.health_check();
  std::cout << "health: " << health.ToJson() << "\n";
  std::cout << "endpoint: {\"status\":\"" << (health.healthy() ? "healthy" : "unhealthy")
            << "\",\"services\":{\"redis\":" << health.ToJson() << "}}\n";
  Check(health.healthy(), "Redis answers PING");
  Check(health.latency.has_value(), "the PING's latency was measured");
  Check(health.status == (health.mode == "embedded" ? "embedded" : "connected"),
        "the status names the mode");
  Check(health.mode == "embedded" ? !health.port && health.host == "embedded"
                                  : health.port.has_value(),
        "the report names the server, or says embedded");
  Check(redis.is_connected(), "is_connected agrees");
}

}  // namespace
}  // namespace understudy::examples

int main() { return understudy::examples::RunExample("health", understudy::examples::Run); }
