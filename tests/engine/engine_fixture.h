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
