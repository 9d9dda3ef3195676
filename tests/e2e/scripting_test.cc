// Busy scripts on the network server: while a script runs past busy-reply-threshold the event
// loop is served from inside it, so other clients get BUSY and may SCRIPT KILL it, and the
// connection running the script must neither be re-entered by its own reads and writes nor
// closed under it. Waits are bounded polls; no test asserts a timing.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/sync_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

using testing::SyncConnection;
using resp::Reply;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kBusy =
    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

std::string Request(const std::vector<std::string_view>& args) {
  return testing::EncodeCommand(args);
}

std::string Shown(const absl::StatusOr<Reply>& reply) {
  return reply.ok() ? resp::ToString(*reply) : reply.status().ToString();
}

class BusyScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ServerProcess> server = StartUnderstudy();
    ASSERT_TRUE(server.ok()) << server.status();
    server_.emplace(*std::move(server));
    control_.emplace(Connect());
    ASSERT_EQ(Shown(control_->Command({"CONFIG", "SET", "busy-reply-threshold", "20"})), "+OK");
  }

  SyncConnection Connect() {
    absl::StatusOr<SyncConnection> connection = server_->Connect();
    EXPECT_TRUE(connection.ok()) << connection.status();
    return *std::move(connection);
  }

  // Polls with PING until the server answers BUSY: a script is past the threshold.
  bool WaitUntilBusy() {
    const auto deadline = std::chrono::steady_clock::now() + milliseconds(10'000);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Shown(control_->Command({"PING"})) == kBusy) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  std::optional<ServerProcess> server_;
  std::optional<SyncConnection> control_;
};

TEST_F(BusyScriptTest, TheScriptsConnectionKeepsItsPipelineInOrder) {
  SyncConnection runner = Connect();
  // The request after the script is already in the buffer, and more arrives while it runs:
  // the connection reads it inside the script's event polling, and must run neither before
  // the script is done.
  ASSERT_TRUE(
      runner.WriteRaw(Request({"EVAL", "while true do end", "0"}) + Request({"PING"})).ok());
  ASSERT_TRUE(WaitUntilBusy());
  ASSERT_TRUE(runner.WriteRaw(Request({"ECHO", "later"})).ok());
  EXPECT_EQ(Shown(control_->Command({"GET", "k"})), kBusy);
  EXPECT_EQ(Shown(control_->Command({"SCRIPT", "KILL"})), "+OK");
  EXPECT_THAT(Shown(runner.ReadReply()),
              StartsWith("-ERR Script killed by user with SCRIPT KILL... script: "));
  EXPECT_EQ(Shown(runner.ReadReply()), "+PONG");
  EXPECT_EQ(Shown(runner.ReadReply()), "\"later\"");
  EXPECT_EQ(Shown(control_->Command({"PING"})), "+PONG");
}

TEST_F(BusyScriptTest, TheScriptsClientMayHangUpMeanwhile) {
  {
    SyncConnection runner = Connect();
    ASSERT_TRUE(runner.WriteRaw(Request({"EVAL", "while true do end", "0"})).ok());
    ASSERT_TRUE(WaitUntilBusy());
  }  // closes the socket under the running script
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(Shown(control_->Command({"SCRIPT", "KILL"})), "+OK");
  // The script stops at its next check, and the server goes on without its client.
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(10'000);
  std::string pong;
  while (pong != "+PONG" && std::chrono::steady_clock::now() < deadline) {
    pong = Shown(control_->Command({"PING"}));
  }
  EXPECT_EQ(pong, "+PONG");
  EXPECT_EQ(Shown(control_->Command({"CLIENT", "LIST"})).find("cmd=eval"), std::string::npos);
  EXPECT_TRUE(server_->Alive().ok());
}

TEST_F(BusyScriptTest, ShutdownNosaveStopsAnUnkillableScript) {
  SyncConnection runner = Connect();
  ASSERT_TRUE(
      runner.WriteRaw(Request({"EVAL", "redis.call('set', 'k', 'v') while true do end", "0"}))
          .ok());
  ASSERT_TRUE(WaitUntilBusy());
  EXPECT_THAT(Shown(control_->Command({"SCRIPT", "KILL"})), StartsWith("-UNKILLABLE "));
  EXPECT_EQ(Shown(control_->Command({"SHUTDOWN"})), kBusy);
  ASSERT_TRUE(control_->WriteRaw(Request({"SHUTDOWN", "NOSAVE"})).ok());
  EXPECT_FALSE(control_->ReadReply().ok());  // no reply: the connection closes
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(10'000);
  while (server_->Alive().ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_THAT(server_->Alive().message(), HasSubstr("exited with code 0"));
}

}  // namespace
}  // namespace understudy::testing
