// SyncConnection against real redis-server (the reference peer), and its timeouts against a
// listener that never answers.

#include "tests/support/sync_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/server_process.h"

namespace understudy::testing {
namespace {

using testing::SyncConnection;
using resp::Reply;
using resp::ReplyType;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(EncodeCommandTest, Multibulk) {
  std::vector<std::string_view> args = {"SET", "k", std::string_view("a\0b", 3), ""};
  EXPECT_EQ(testing::EncodeCommand(args),
            std::string("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na\0b\r\n$0\r\n\r\n", 35));
}

// A socket that accepts connections (through the kernel backlog) but never reads or writes.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 && listen(fd_, 4) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentListener() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(SyncConnectionTest, ReadTimesOutWhenTheServerIsSilent) {
  SilentListener listener;
  ASSERT_NE(listener.port(), 0);
  absl::StatusOr<SyncConnection> conn =
      SyncConnection::Connect("127.0.0.1", listener.port(), milliseconds(200));
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Reply> reply = conn->Command({"PING"});
  EXPECT_TRUE(absl::IsDeadlineExceeded(reply.status())) << reply.status();
  EXPECT_THAT(reply.status().message(), HasSubstr("within 200 ms"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_FALSE(conn->closed());
}

TEST(SyncConnectionTest, ConnectToAClosedPortFails) {
  absl::StatusOr<uint16_t> port = FreeLoopbackPort();
  ASSERT_TRUE(port.ok()) << port.status();
  absl::StatusOr<SyncConnection> conn = SyncConnection::Connect("127.0.0.1", *port);
  EXPECT_TRUE(absl::IsUnavailable(conn.status())) << conn.status();
}

TEST(FindExecutableTest, MissingToolIsNotFound) {
  absl::StatusOr<std::string> path = FindExecutable("understudy-no-such-tool");
  EXPECT_TRUE(absl::IsNotFound(path.status())) << path.status();
  EXPECT_THAT(path.status().message(), HasSubstr("not found in PATH"));
}

class SyncConnectionRedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { redis_ = new absl::StatusOr<ServerProcess>(StartRedis()); }
  static void TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
  }

  void SetUp() override {
    if (absl::IsNotFound(redis_->status())) {
      GTEST_SKIP() << "redis-server is not installed: " << redis_->status();
    }
    ASSERT_TRUE(redis_->ok()) << redis_->status();
    absl::StatusOr<SyncConnection> conn = (*redis_)->Connect();
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_.emplace(*std::move(conn));
    ASSERT_EQ(Run({"FLUSHALL"}), "+OK");
  }

  std::string Run(std::vector<std::string_view> args) {
    absl::StatusOr<Reply> reply = conn_->Command(std::move(args));
    return reply.ok() ? resp::ToString(*reply) : reply.status().ToString();
  }

  std::string Next() {
    absl::StatusOr<Reply> reply = conn_->ReadReply();
    return reply.ok() ? resp::ToString(*reply) : reply.status().ToString();
  }

  static absl::StatusOr<ServerProcess>* redis_;
  std::optional<SyncConnection> conn_;
};

absl::StatusOr<ServerProcess>* SyncConnectionRedisTest::redis_ = nullptr;

TEST_F(SyncConnectionRedisTest, ErrorRepliesAreValues) {
  absl::StatusOr<Reply> reply = conn_->Command({"NOSUCHCOMMAND"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->type, ReplyType::kError);
  EXPECT_THAT(reply->str, HasSubstr("unknown command"));
  EXPECT_EQ(Run({"PING"}), "+PONG");  // the connection is still usable
}

TEST_F(SyncConnectionRedisTest, BinarySafeAndLargeValues) {
  std::string binary("\0\r\n$1\r\n\xff", 9);
  EXPECT_EQ(Run({"SET", "k", binary}), "+OK");
  absl::StatusOr<Reply> got = conn_->Command({"GET", "k"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, binary);

  std::string large(3 * 1024 * 1024 + 17, 'x');  // many reads' worth
  EXPECT_EQ(Run({"SET", "big", large}), "+OK");
  got = conn_->Command({"GET", "big"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str.size(), large.size());
}

TEST_F(SyncConnectionRedisTest, PipelinedRepliesComeInOrder) {
  std::vector<std::string_view> incr = {"INCR", "n"};
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += testing::EncodeCommand(incr);
  ASSERT_TRUE(conn_->WriteRaw(batch).ok());
  for (int i = 1; i <= 100; ++i) EXPECT_EQ(Next(), ":" + std::to_string(i));
}

TEST_F(SyncConnectionRedisTest, DetectsThatTheServerClosed) {
  ASSERT_TRUE(conn_->WriteRaw("*1\r\n$4\r\nPING\r\n*x\r\n").ok());
  EXPECT_EQ(Next(), "+PONG");
  absl::StatusOr<Reply> error = conn_->ReadReply();
  ASSERT_TRUE(error.ok()) << error.status();
  EXPECT_EQ(error->str, "ERR Protocol error: invalid multibulk length");
  EXPECT_FALSE(conn_->closed());
  absl::StatusOr<Reply> after = conn_->ReadReply();
  EXPECT_TRUE(absl::IsUnavailable(after.status())) << after.status();
  EXPECT_TRUE(conn_->closed());
  EXPECT_TRUE(absl::IsUnavailable(conn_->Command({"PING"}).status()));
}

TEST_F(SyncConnectionRedisTest, ServerProcessReportsItsExit) {
  absl::StatusOr<ServerProcess> redis = StartRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  EXPECT_TRUE(redis->Alive().ok());
  absl::StatusOr<SyncConnection> conn = redis->Connect();
  ASSERT_TRUE(conn.ok()) << conn.status();
  // SHUTDOWN answers nothing: the server just exits.
  std::vector<std::string_view> shutdown = {"SHUTDOWN", "NOSAVE"};
  ASSERT_TRUE(conn->WriteRaw(testing::EncodeCommand(shutdown)).ok());
  EXPECT_FALSE(conn->ReadReply().ok());
  for (int i = 0; i < 500 && redis->Alive().ok(); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_THAT(redis->Alive().message(), HasSubstr("exited with code 0"));
}

}  // namespace
}  // namespace understudy::testing
