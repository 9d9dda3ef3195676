// Runs an in-process engine and checks a few replies: proves that the headers, libraries and
// link interface a consumer gets (Lua and Asio included) are complete.
#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include "resp/reply.h"
#include "server/engine/config.h"
#include "server/runtime/engine_host.h"

namespace {

using understudy::resp::Reply;

// A bounded wait, so a broken engine fails the program instead of hanging it.
Reply Run(understudy::runtime::EngineSession& session, std::vector<std::string> args) {
  std::future<Reply> reply = session.Execute(std::move(args));
  if (reply.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    return Reply::Error("no reply within 10 s");
  return reply.get();
}

bool Expect(const std::string& what, const Reply& reply, const std::string& expected) {
  std::cout << what << ": " << reply << "\n";
  if (reply.is_error() || reply.str != expected) {
    std::cerr << what << " answered " << reply << ", expected " << expected << "\n";
    return false;
  }
  return true;
}

}  // namespace

int main() {
  understudy::runtime::EngineHost host(understudy::engine::Config{});
  auto session = host.Connect();
  bool ok = Expect("SET", Run(*session, {"SET", "greeting", "hello"}), "OK");
  ok = Expect("GET", Run(*session, {"GET", "greeting"}), "hello") && ok;
  ok = Expect("EVAL", Run(*session, {"EVAL", "return redis.call('GET', KEYS[1])", "1", "greeting"}),
              "hello") &&
       ok;
  session->Close();
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
