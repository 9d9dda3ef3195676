#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "resp/reply.h"
#include "resp/reply_writer.h"
#include "server/engine/client.h"
#include "server/engine/engine.h"
#include "store/clock.h"

namespace understudy::engine {

// A transport that counts the engine's calls to send output outside a client's own request.
struct CountingTransport final : ClientTransport {
  void OutputReady() override { ++output_ready; }
  void Resumed() override {}
  void RequestClose() override {}
  int output_ready = 0;
};

// Every reply and push in a client's output, rendered by resp::ToString; the output is cleared.
inline std::vector<std::string> TakeReplies(Client& client) {
  std::vector<std::string> replies;
  std::string_view rest = client.output;
  resp::ReplyParser parser;
  while (!rest.empty() && parser.Parse(rest) == resp::ReplyParser::Status::kReply) {
    replies.push_back(resp::ToString(parser.reply()));
    rest.remove_prefix(parser.consumed());
    parser.Reset();
  }
  client.output.clear();
  return replies;
}

// Runs commands in process through the same dispatch as the network, on a manual clock.
class EngineTest : public ::testing::Test {
 protected:
  // Runs one command and returns its reply rendered by resp::ToString.
  std::string Run(std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> argv(args);
    client_.output.clear();
    engine_.Execute(client_, argv);
    const std::string& out = client_.output;
    resp::ReplyParser parser;
    EXPECT_EQ(parser.Parse(out), resp::ReplyParser::Status::kReply) << "bytes: " << out;
    EXPECT_EQ(parser.consumed(), out.size()) << "more than one reply: " << out;
    return resp::ToString(parser.reply());
  }

  store::ManualClock clock_;
  ManualExecutor executor_{clock_};
  Engine engine_{clock_, Config{}, executor_};
  Client& client_ = engine_.Register(nullptr);
};

}  // namespace understudy::engine
