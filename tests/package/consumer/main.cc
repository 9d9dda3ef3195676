// Uses the client library the way an application would, against the engine inside the
// process: proves that the headers, libraries and link interface a consumer gets (OpenSSL,
// Lua and Asio included) are complete.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "client/client.h"
#include "client/error.h"
#include "server/engine/config.h"
#include "server/runtime/engine_host.h"

int main() {
  namespace client = understudy::client;
  client::Options options;
  options.engine = std::make_shared<understudy::runtime::EngineHost>(understudy::engine::Config{});
  try {
    client::Client redis(options);
    redis.set("greeting", "hello");
    const auto value = redis.get("greeting");
    const auto script = redis.eval(client::Script("return redis.call('GET', KEYS[1])"), {"greeting"});
    std::cout << "GET: " << value.value_or("(nil)") << "\nEVAL: " << script.str << "\n";
    return value == "hello" && script.str == "hello" ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const client::Error& error) {
    std::cerr << "consumer failed: " << error.what() << "\n";
    return EXIT_FAILURE;
  }
}
